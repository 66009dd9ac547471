"""Benchmark: time to build the course book, both editions against bokmål alone.

Strict builds as `make book` runs them (tools/book.py: bokmål with `jupyter-book
build . -W -n --keep-going`, nynorsk with `tools/i18n.py build --lang nn`, the
two at the same time on two cores or more), each in a private copy of the tree,
so nobody else's _build/ is touched. Every round:

1. cold, bokmål alone: a fresh copy with no _build/ and no execution cache,
   `tools/book.py --edition nb`;
2. cold, both editions: another fresh copy, `tools/book.py`; the ratio of the
   two (target: at most 2);
3. no change: both editions built again;
4. one chapter edited: a sentence of chapters/vage.md changed, then both
   editions built (target: at most 10 s).

Wall time depends on what else the machine runs, so each step also reports the
CPU time (user + system) of the build processes and everything they waited for
(kernels, Node), and the 1-minute load average when it started. With several
rounds the table shows the minimum and the median.

Prints a table and writes JSON to bench/results/book_build-<time>.json.
Usage: .venv/bin/python bench/book_build.py [--rounds N] [--serial] [--keep]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EDITED = "chapters/vage.md"
SKIP = {".venv", ".venv-hub", "_build", ".git", "var", ".pytest_cache", ".hypothesis", ".stamps",
        "node_modules"}
NBGRADER_OUTPUTS = {"release", "submitted", "autograded", "feedback", "exchange", "gradebook.db"}
TARGET_RATIO = 2.0
TARGET_EDIT_SECONDS = 10.0
STEPS = [("cold_nb", "kald bygging, bokmål alene (ingen _build, ingen cache)"),
         ("cold_both", "kald bygging, begge utgavene"),
         ("no_change_both", "begge utgavene på nytt uten endringer"),
         ("one_chapter_edited_both", f"begge utgavene etter endret setning i {EDITED}")]


def copy_tree(dst: Path) -> None:
    def ignore(folder: str, names: list[str]) -> list[str]:
        skip = SKIP | (NBGRADER_OUTPUTS if Path(folder).name == "exercises" else set())
        return [n for n in names if n in skip or n.endswith(".egg-info") or n == "__pycache__"]

    shutil.copytree(ROOT, dst, ignore=ignore, symlinks=True)


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(src: Path, env: dict[str, str], editions: tuple[str, ...], serial: bool) -> dict:
    """One run of tools/book.py in `src`: wall seconds, CPU seconds and the load when it started."""
    cmd = [sys.executable, "tools/book.py", *(a for e in editions for a in ("--edition", e))]
    if serial:
        cmd.append("--serial")
    load = os.getloadavg()[0]
    cpu_before = _child_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = _child_cpu() - cpu_before
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"Byggingen ({' '.join(editions)}) feilet i {src}:\n{output[-4000:]}")
    result = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "load_1min": round(load, 2)}
    # What tests/test_book_build.py would fail on (for example a kernel's own traceback on stderr).
    noise = [line for line in output.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    if noise:
        result["warnings"] = noise
        tail = output[output.find(noise[0]):][:3000]
        print(f"Advarsler i byggingen ({' '.join(editions) or 'begge'}):\n{tail}", file=sys.stderr, flush=True)
    return result


def edit_chapter(src: Path) -> None:
    chapter = src / EDITED
    text = chapter.read_text(encoding="utf-8")
    changed = text.replace("De er\nvaner.", "De er\ngamle vaner.", 1)
    chapter.write_text(changed if changed != text else text + "\nEn ny setning.\n", encoding="utf-8")


def one_round(work: Path, serial: bool) -> dict:
    env = dict(os.environ, NO_COLOR="1")
    for var in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR",
                "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR"):
        env[var] = str(work / "state" / var.lower())
    alone, both = work / "nb", work / "both"
    copy_tree(alone)
    copy_tree(both)
    out = {"cold_nb": build(alone, env, ("nb",), serial)}
    shutil.rmtree(alone, ignore_errors=True)
    out["cold_both"] = build(both, env, (), serial)
    out["no_change_both"] = build(both, env, (), serial)
    edit_chapter(both)
    out["one_chapter_edited_both"] = build(both, env, (), serial)
    return out


def summary(rounds: list[dict], step: str, key: str) -> tuple[float, float]:
    values = [r[step][key] for r in rounds]
    return min(values), statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="antall runder (standard 3)")
    parser.add_argument("--serial", action="store_true", help="bygg utgavene etter hverandre (som før)")
    parser.add_argument("--keep", action="store_true", help="behold de midlertidige kopiene")
    args = parser.parse_args()

    rounds = []
    for n in range(args.rounds):
        work = Path(tempfile.mkdtemp(prefix="kurs-bench-book-"))
        try:
            rounds.append(one_round(work, args.serial))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        print(f"runde {n + 1}: " + ", ".join(f"{k} {v['seconds']:.1f} s / {v['cpu_seconds']:.1f} CPU-s "
                                             f"(last {v['load_1min']:.1f})" for k, v in rounds[-1].items()),
              flush=True)

    ratios = [r["cold_both"]["seconds"] / r["cold_nb"]["seconds"] for r in rounds]
    cpu_ratios = [r["cold_both"]["cpu_seconds"] / r["cold_nb"]["cpu_seconds"] for r in rounds]
    pages = len(list(ROOT.glob("chapters/*.md")))
    mode = "etter hverandre" if args.serial else "samtidig" if (os.cpu_count() or 1) >= 2 else "etter hverandre"
    width = max(len(label) for _k, label in STEPS)
    print(f"\nByggetid for hele boka ({pages} kapitler), {os.cpu_count()} kjerner, utgavene {mode}, "
          f"{len(rounds)} runder:")
    print(f"{'måling'.ljust(width)}  sek. min  median  CPU-s min  median  last (1 min)")
    for step, label in STEPS:
        s_min, s_med = summary(rounds, step, "seconds")
        c_min, c_med = summary(rounds, step, "cpu_seconds")
        loads = "–".join(f"{x:.1f}" for x in sorted({r[step]["load_1min"] for r in rounds}))
        print(f"{label.ljust(width)}  {s_min:8.1f}  {s_med:6.1f}  {c_min:9.1f}  {c_med:6.1f}  {loads}")
    print(f"begge / bokmål alene, veggtid: median {statistics.median(ratios):.2f} (mål: høyst {TARGET_RATIO:g}); "
          f"CPU-tid: median {statistics.median(cpu_ratios):.2f}")
    edit_min, edit_med = summary(rounds, "one_chapter_edited_both", "seconds")
    print(f"ett kapittel endret, begge utgavene: min {edit_min:.1f} s, median {edit_med:.1f} s "
          f"(mål: høyst {TARGET_EDIT_SECONDS:g} s)")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"book_build-{stamp}.json"
    out.write_text(json.dumps({
        "benchmark": "book_build",
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "chapters": pages,
        "command": "tools/book.py" + (" --serial" if args.serial else ""),
        "editions_in_parallel": mode == "samtidig",
        "rounds": rounds,
        "ratio_both_to_nb_wall": [round(r, 2) for r in ratios],
        "ratio_both_to_nb_cpu": [round(r, 2) for r in cpu_ratios],
        "edited_file": EDITED,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Skrev {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
