"""`make bench`: run every benchmark script in bench/ and print their figures.

Benchmarks measure; they do not pass or fail. Targets are printed beside the figures.
Results are also written as JSON to bench/results/.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["book_build.py", "autograde.py", "aggregate.py", "app_latency.py", "pyodide.py"]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        print(f"\n=== {name} ===", flush=True)
        if not script.exists():
            print(f"Mangler {name}.")
            failed.append(name)
            continue
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nDisse målingene feilet: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
