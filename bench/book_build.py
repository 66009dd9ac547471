"""Benchmark: wall time to build the whole course book on this machine.

Figures for strict builds in a private copy of the tree, so nobody else's
_build/ is touched. Bokmål is `jupyter-book build . -W -n --keep-going`; the
nynorsk edition is `tools/i18n.py build --lang nn` (as `make book` runs them):

1. cold, bokmål alone: a fresh copy with no _build/ and no execution cache;
2. cold, nynorsk after it: the second edition (same execution cache), and the
   ratio both editions / bokmål alone (target: at most 2);
3. no change: both editions built again;
4. one chapter edited: a sentence changed in chapters/vage.md, then both
   editions built (target: at most 10 s).

Prints a small table and writes JSON to bench/results/book_build-<time>.json.
Usage: .venv/bin/python bench/book_build.py [--keep]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EDITED = "chapters/vage.md"
SKIP = {".venv", "_build", ".git", "var", ".pytest_cache", ".hypothesis", ".stamps", "node_modules"}
NBGRADER_OUTPUTS = {"release", "submitted", "autograded", "feedback", "exchange", "gradebook.db"}


def copy_tree(dst: Path) -> None:
    def ignore(folder: str, names: list[str]) -> list[str]:
        skip = SKIP | (NBGRADER_OUTPUTS if Path(folder).name == "exercises" else set())
        return [n for n in names if n in skip or n.endswith(".egg-info") or n == "__pycache__"]

    shutil.copytree(ROOT, dst, ignore=ignore, symlinks=True)


def build(src: Path, env: dict[str, str], edition: str = "nb") -> float:
    if edition == "nb":
        cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
    else:
        cmd = [sys.executable, "tools/i18n.py", "build", "--lang", edition]
    start = time.perf_counter()
    before = _child_cpu()
    proc = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    CPU[edition] = CPU.get(edition, 0.0) + _child_cpu() - before
    if proc.returncode != 0:
        sys.exit(f"Byggingen ({edition}) feilet i {src}:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return seconds


#: CPU seconds (user + system) used by the builds, per edition. On a shared machine the wall
#: time depends on the others' load; the CPU time much less.
CPU: dict[str, float] = {}


def _child_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(step) -> tuple[float, float]:
    """Run a step; return (wall seconds, CPU seconds of its builds)."""
    before = sum(CPU.values())
    wall = step()
    return wall, sum(CPU.values()) - before


def both(src: Path, env: dict[str, str]) -> float:
    return build(src, env, "nb") + build(src, env, "nn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="behold den midlertidige kopien")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kurs-bench-book-"))
    src = work / "src"
    copy_tree(src)
    env = dict(os.environ)
    for var in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR",
                "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR"):
        env[var] = str(work / "state" / var.lower())
    try:
        pages = len(list(src.glob("chapters/*.md")))
        cold, cold_cpu = cpu_of(lambda: build(src, env))
        cold_nn, cold_nn_cpu = cpu_of(lambda: build(src, env, "nn"))
        unchanged, unchanged_cpu = cpu_of(lambda: both(src, env))
        chapter = src / EDITED
        text = chapter.read_text(encoding="utf-8")
        changed = text.replace("De er\nvaner.", "De er\ngamle vaner.", 1)
        chapter.write_text(changed if changed != text else text + "\nEn ny setning.\n", encoding="utf-8")
        edited, edited_cpu = cpu_of(lambda: both(src, env))
        load = os.getloadavg()[0]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    ratio = (cold + cold_nn) / cold
    rows = [("kald bygging, bokmål alene (ingen _build, ingen cache)", cold, cold_cpu),
            ("kald bygging, nynorsk etter bokmål", cold_nn, cold_nn_cpu),
            ("begge utgavene, kaldt", cold + cold_nn, cold_cpu + cold_nn_cpu),
            ("begge utgavene på nytt uten endringer", unchanged, unchanged_cpu),
            (f"begge utgavene etter endret setning i {EDITED}", edited, edited_cpu)]
    width = max(len(r[0]) for r in rows)
    print(f"Byggetid for hele boka ({pages} kapitler), {os.cpu_count()} kjerner, last {load:.1f}:")
    print(f"{'måling'.ljust(width)}  sekunder  CPU-sekunder")
    for label, seconds, cpu in rows:
        print(f"{label.ljust(width)}  {seconds:8.1f}  {cpu:12.1f}")
    print(f"begge utgavene / bokmål alene: {ratio:.2f} (mål: høyst 2)")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"book_build-{stamp}.json"
    out.write_text(json.dumps({
        "benchmark": "book_build",
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "chapters": pages,
        "command": "jupyter-book build . -W -n --keep-going; tools/i18n.py build --lang nn",
        "seconds": {"cold_nb": round(cold, 2), "cold_nn_after_nb": round(cold_nn, 2),
                    "cold_both": round(cold + cold_nn, 2), "no_change_both": round(unchanged, 2),
                    "one_chapter_edited_both": round(edited, 2)},
        "cpu_seconds": {"cold_nb": round(cold_cpu, 2), "cold_nn_after_nb": round(cold_nn_cpu, 2),
                        "no_change_both": round(unchanged_cpu, 2), "one_chapter_edited_both": round(edited_cpu, 2)},
        "load_average_1min": round(load, 2),
        "ratio_both_to_nb": round(ratio, 2),
        "edited_file": EDITED,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Skrev {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
