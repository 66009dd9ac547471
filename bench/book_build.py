"""Benchmark: wall time to build the whole course book on this machine.

Three figures, each a strict build (`jupyter-book build . -W -n --keep-going`)
in a private copy of the tree, so nobody else's _build/ is touched:

1. cold: a fresh copy with no _build/ and no execution cache;
2. no change: the same copy built again;
3. one chapter edited: a blank line appended to chapters/vage.md, then built.

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


def build(src: Path, env: dict[str, str]) -> float:
    exe = Path(sys.executable).parent / "jupyter-book"
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "build", ".", "-W", "-n", "--keep-going"], cwd=src, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"Byggingen feilet i {src}:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return seconds


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
        cold = build(src, env)
        unchanged = build(src, env)
        with open(src / EDITED, "a", encoding="utf-8") as fh:
            fh.write("\n")
        edited = build(src, env)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    rows = [("kald bygging (ingen _build, ingen cache)", cold),
            ("ny bygging uten endringer", unchanged),
            (f"ny bygging etter endring i {EDITED}", edited)]
    width = max(len(r[0]) for r in rows)
    print(f"Byggetid for hele boka ({pages} kapitler), {os.cpu_count()} kjerner:")
    print(f"{'måling'.ljust(width)}  sekunder")
    for label, seconds in rows:
        print(f"{label.ljust(width)}  {seconds:8.1f}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"book_build-{stamp}.json"
    out.write_text(json.dumps({
        "benchmark": "book_build",
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "chapters": pages,
        "command": "jupyter-book build . -W -n --keep-going",
        "seconds": {"cold": round(cold, 2), "no_change": round(unchanged, 2), "one_chapter_edited": round(edited, 2)},
        "edited_file": EDITED,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Skrev {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
