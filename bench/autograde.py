"""Benchmark: plain `nbgrader autograde` against the toolkit's parallel autograde.

Builds one synthetic cohort (default 200 submissions of the real assignment
`vage`: mostly complete work, plus empty, edited and deleted cells) in two
identical temporary course folders, then grades one with plain
``nbgrader autograde vage`` and the other with ``grading.autograde.autograde``
(worker processes running nbgrader's own API), one after the other in the same
run. Both run as fresh processes, so both pay their imports.

Prints wall time per submission for each, the ratio, peak memory (sum of the
RSS of the whole process tree, sampled with psutil every 50 ms, and the
largest single process) and whether the grades in the two gradebooks are
identical. Writes JSON to bench/results/autograde.json.

The toolkit runs with its sandbox on (every kernel in bubblewrap, see
grading/sandbox.py), as it does by default; plain nbgrader runs without it
(``KURSLEDER_SANDKASSE=av``, nbgrader's own behaviour). A third run, the
toolkit with the sandbox off, shows what the sandbox costs (skip it with
``--no-unsandboxed``).

Usage: .venv/bin/python bench/autograde.py [--n 200] [--workers N] [--order plain-first|toolkit-first]
Target: toolkit (sandbox on) ≤ 0.5 × plain per submission, with identical grades.
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
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402

from grading_fixtures import make_course, make_submission, released_notebook, solution_notebook  # noqa: E402

A = "vage"
TARGET = 0.5
MIX = ["complete"] * 7 + ["empty", "deleted_test", "edited_test"]


class PeakMemory:
    """Sample the RSS of a process tree (sum and largest single process)."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_total = 0
        self.peak_single = 0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            total, single = 0, 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                single = max(single, rss)
            self.peak_total = max(self.peak_total, total)
            self.peak_single = max(self.peak_single, single)
            self.peak_procs = max(self.peak_procs, len(procs))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def build(tmp: Path, n: int) -> tuple[Path, Path]:
    from grading.release import generate_assignment

    plain = make_course(tmp / "plain", (A,))
    generate_assignment(plain, A)
    release, solution = released_notebook(plain, A), solution_notebook(plain, A)
    payloads = {k: make_submission(k, release, solution) for k in set(MIX)}
    for i in range(n):
        d = plain / "submitted" / f"b{i:04d}" / A
        d.mkdir(parents=True)
        (d / f"{A}.ipynb").write_bytes(payloads[MIX[i % len(MIX)]])
        (d / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    toolkit = tmp / "toolkit"
    shutil.copytree(plain, toolkit)
    shutil.copytree(plain, tmp / "toolkit-uten")
    # the copied config points at its own folder (it uses __file__), so all are independent
    return plain, toolkit


def timed(cmd: list[str], cwd: Path, sandbox: bool = True) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore", KURSLEDER_SANDKASSE="på" if sandbox else "av")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as mem:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    return {"wall_s": wall, "exit_code": proc.returncode, "peak_rss_total_mb": mem.peak_total / 2**20,
            "peak_rss_single_mb": mem.peak_single / 2**20, "peak_processes": mem.peak_procs,
            "stderr_tail": err[-400:] if proc.returncode not in (0,) else ""}


def grades(course: Path) -> dict:
    from nbgrader.api import Grade

    from grading._nbgrader import gradebook

    with gradebook(course) as gb:
        return {f"{g.student.id}/{g.name}": [g.auto_score, g.needs_manual_grade]
                for g in gb.db.query(Grade).all()}


def main() -> int:
    ap = argparse.ArgumentParser(description="Plain nbgrader autograde vs the toolkit's parallel autograde.")
    ap.add_argument("--n", type=int, default=200, help="number of submissions (default 200)")
    ap.add_argument("--workers", type=int, default=None, help="toolkit worker processes (default cores + 1)")
    ap.add_argument("--order", choices=["plain-first", "toolkit-first"], default="plain-first")
    ap.add_argument("--keep", action="store_true", help="keep the temporary course folders")
    ap.add_argument("--no-unsandboxed", action="store_true",
                    help="skip the third run (the toolkit with the sandbox off)")
    args = ap.parse_args()

    import warnings

    warnings.simplefilter("ignore")
    from grading._nbgrader import nbgrader_cmd
    from grading.autograde import default_workers

    workers = args.workers or default_workers()
    tmp = Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    try:
        t0 = time.perf_counter()
        plain, toolkit = build(tmp, args.n)
        setup_s = time.perf_counter() - t0
        print(f"Kohort: {args.n} innleveringer av «{A}» ({setup_s:.1f} s å lage). Kjerner: {os.cpu_count()}, "
              f"prosesser i verktøyet: {workers}.", flush=True)
        runs = {}
        order = ["plain", "toolkit"] if args.order == "plain-first" else ["toolkit", "plain"]
        if not args.no_unsandboxed:
            order.append("toolkit-uten")
        for name in order:
            if name == "plain":
                print("Kjører vanlig «nbgrader autograde» (uten sandkasse) …", flush=True)
                runs["plain"] = timed(nbgrader_cmd() + ["autograde", A], plain, sandbox=False)
            else:
                course = tmp / name
                sandbox = name == "toolkit"
                print(f"Kjører verktøyets parallelle retting ({'med' if sandbox else 'uten'} sandkasse) …",
                      flush=True)
                code = ("import sys, warnings; warnings.simplefilter('ignore');"
                        "from grading.autograde import autograde;"
                        f"r = autograde({str(course)!r}, {A!r}, workers={workers}, progress=False);"
                        "sys.exit(0 if not r.failed else 1)")
                runs[name] = timed([sys.executable, "-c", code], course, sandbox=sandbox)
        same = grades(plain) == grades(toolkit)
        n_grades = len(grades(plain))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    per_plain = runs["plain"]["wall_s"] / args.n
    per_tool = runs["toolkit"]["wall_s"] / args.n
    ratio = per_tool / per_plain
    print(f"\n{'':24}{'vanlig nbgrader':>18}{'verktøyet':>14}")
    print(f"{'tid totalt (s)':24}{runs['plain']['wall_s']:>18.1f}{runs['toolkit']['wall_s']:>14.1f}")
    print(f"{'tid per innlevering (s)':24}{per_plain:>18.3f}{per_tool:>14.3f}")
    print(f"{'topp minne, sum (MB)':24}{runs['plain']['peak_rss_total_mb']:>18.0f}"
          f"{runs['toolkit']['peak_rss_total_mb']:>14.0f}")
    print(f"{'topp minne, én prosess':24}{runs['plain']['peak_rss_single_mb']:>18.0f}"
          f"{runs['toolkit']['peak_rss_single_mb']:>14.0f}")
    print(f"{'prosesser samtidig':24}{runs['plain']['peak_processes']:>18}{runs['toolkit']['peak_processes']:>14}")
    print(f"\nForhold verktøy (med sandkasse)/vanlig per innlevering: {ratio:.2f} (mål ≤ {TARGET}) "
          f"{'– nådd' if ratio <= TARGET else '– IKKE nådd'}")
    ratio_uten = None
    if "toolkit-uten" in runs:
        ratio_uten = runs["toolkit-uten"]["wall_s"] / args.n / per_plain
        print(f"Forhold verktøy (uten sandkasse)/vanlig per innlevering: {ratio_uten:.2f}")
    print(f"Like karakterer i begge karakterbøkene ({n_grades} celler): {'ja' if same else 'NEI'}")
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    result = {
        "benchmark": "autograde",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "submissions": args.n, "assignment": A, "mix": MIX, "workers": workers, "order": args.order,
        "cpu_count": os.cpu_count(), "loadavg_after": load, "python": platform.python_version(),
        "plain": runs["plain"], "toolkit": runs["toolkit"],
        "per_submission_s": {"plain": per_plain, "toolkit": per_tool},
        "toolkit_unsandboxed": runs.get("toolkit-uten"), "sandbox": "bubblewrap",
        "ratio": ratio, "ratio_unsandboxed": ratio_uten, "target_ratio": TARGET, "target_met": ratio <= TARGET,
        "grades_identical": same, "grades_compared": n_grades,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "autograde.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"Skrev {out / 'autograde.json'}")
    ok = same and all(r["exit_code"] == 0 for r in runs.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
