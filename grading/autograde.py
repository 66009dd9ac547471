"""Parallel autograding with nbgrader's own ``Autograde`` converter.

Plain ``nbgrader autograde A`` grades one submission after the other in one
process, and most of each step is a kernel starting. Here a pool of worker
processes (forked after nbgrader is imported, so no worker pays the import)
each runs nbgrader's Python API (``NbGraderAPI.autograde``) for one learner at
a time, with the same course config as the CLI. So the results are the ones
nbgrader would give, and ``bench/autograde.py`` checks that they are equal.

SQLite: every worker writes to ``gradebook.db`` through nbgrader. The workers
use a long busy timeout (``?timeout=``), so a writer waits for the lock
instead of failing, and a learner whose run still fails with «database is
locked» is graded again, alone, at the end.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field

from tqdm import tqdm

from grading import _nbgrader  # noqa: F401  (puts the venv on PATH)
from grading.paths import Course, layout

LOCK_TIMEOUT_S = 120
RETRIES = 3  # extra attempts after a transient failure (lock race, kernel that did not start)


@dataclass
class StudentResult:
    student: str
    success: bool
    seconds: float
    error: str = ""
    log: str = ""
    attempts: int = 1


@dataclass
class AutogradeResult:
    assignment: str
    results: list[StudentResult] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1

    @property
    def failed(self) -> list[StudentResult]:
        return [r for r in self.results if not r.success]

    @property
    def ok(self) -> list[StudentResult]:
        return [r for r in self.results if r.success]

    def summary(self) -> str:
        n = len(self.results)
        if not n:
            return f"Ingen innleveringer av «{self.assignment}» å rette."
        per = self.seconds / n
        text = (f"Rettet {len(self.ok)} av {n} innleveringer av «{self.assignment}» på "
                f"{self.seconds:.1f} s ({per:.2f} s per innlevering, {self.workers} parallelle prosesser).")
        if self.failed:
            text += " Kunne ikke rettes: " + ", ".join(r.student for r in self.failed) + "."
        return text


def default_workers() -> int:
    """One worker per core plus one: a kernel start waits on I/O part of the time."""
    return max(1, (os.cpu_count() or 1) + 1)


def submitted_students(course_dir: Course, assignment: str) -> list[str]:
    lay = layout(course_dir)
    if not lay.submitted.exists():
        return []
    return sorted(p.name for p in lay.submitted.iterdir()
                  if (p / assignment).is_dir() and not p.name.startswith("."))


# --------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------
_API = None


def _make_api(course_dir: str):
    from grading._nbgrader import nbgrader_api

    return nbgrader_api(course_dir, lock_timeout=LOCK_TIMEOUT_S)


class _CachedJsonschema:
    """Drop-in for the ``jsonschema`` module inside nbgrader's metadata validator.

    nbgrader calls ``jsonschema.validate(meta, schema)`` for every cell, and
    that re-checks the (constant) schema each time: about a tenth of the
    worker's time per submission. This keeps one validator per schema and
    raises exactly the error ``jsonschema.validate`` would.
    """

    def __init__(self, real):
        self._real = real
        self._validators: dict[str, object] = {}

    def __getattr__(self, name):
        return getattr(self._real, name)

    def validate(self, instance, schema, cls=None, *args, **kwargs):
        import json

        if args or kwargs:
            return self._real.validate(instance, schema, cls, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            klass = cls or self._real.validators.validator_for(schema)
            klass.check_schema(schema)
            validator = self._validators[key] = klass(schema)
        error = self._real.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def _speedups() -> None:
    import jsonschema
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CachedJsonschema):
        common.jsonschema = _CachedJsonschema(jsonschema)


def _init_worker(course_dir: str, quiet_stderr: bool = False) -> None:
    global _API
    if quiet_stderr:
        # Kernels inherit stderr and print a TCP warning each; nbgrader's own log
        # is captured by the API and returned with each result.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    os.chdir(course_dir)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    import warnings

    warnings.simplefilter("ignore")
    _speedups()
    _API = _make_api(course_dir)


def _grade_one(args: tuple[str, str, bool]) -> StudentResult:
    assignment, student, force = args
    start = time.perf_counter()
    out = _API.autograde(assignment, student, force=force, create=True)
    return StudentResult(student, bool(out.get("success")), time.perf_counter() - start,
                         error=out.get("error") or "", log=out.get("log") or "")


# Failures that say nothing about the submission: a gradebook lock race, or a kernel
# that did not start on a busy machine. These are graded again; a real error in the
# learner's notebook (bad JSON, a failing cell, a timeout) is not.
_TRANSIENT = (
    "database is locked",
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond in",
    "Kernel died while waiting for execute reply",
)


def _transient(r: StudentResult) -> bool:
    return (not r.success) and any(t in (r.error + r.log) for t in _TRANSIENT)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def autograde(course_dir: Course, assignment: str, students: list[str] | None = None, *,
              workers: int | None = None, force: bool = True, progress: bool = True
              ) -> AutogradeResult:
    """Autograde the submissions of ``assignment`` (default: every submitted learner)."""
    import warnings

    from grading import sandbox_command as sandbox

    lay = layout(course_dir)
    students = submitted_students(lay, assignment) if students is None else list(students)
    if students and sandbox.enabled():
        sandbox.check_available()  # never run learner code outside the sandbox: stop before the first
    workers = default_workers() if workers is None else max(1, workers)
    workers = min(workers, max(1, len(students)))
    result = AutogradeResult(assignment, workers=workers)
    if not students:
        return result
    tasks = [(assignment, s, force) for s in students]
    bar = tqdm(total=len(tasks), desc=f"Retter «{assignment}»", unit="innlevering",
               disable=not progress, leave=True)
    start = time.perf_counter()
    done: dict[str, StudentResult] = {}
    # nbgrader is imported here, before the fork, so workers start warm.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from nbgrader.apps import NbGraderAPI  # noqa: F401
        import nbgrader.converters  # noqa: F401
        import nbclient  # noqa: F401
        import grading._nbgrader  # noqa: F401

    cwd = os.getcwd()
    try:
        if workers == 1:
            _init_worker(str(lay.root))
            for t in tasks:
                r = _grade_one(t)
                done[r.student] = r
                bar.update(1)
        else:
            ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context("spawn")
            with ctx.Pool(workers, initializer=_init_worker, initargs=(str(lay.root), True),
                          maxtasksperchild=50) as pool:
                for r in pool.imap_unordered(_grade_one, tasks, chunksize=1):
                    done[r.student] = r
                    bar.update(1)
        # Grade again, one at a time, learners whose run failed for a passing reason.
        for r in [r for r in done.values() if _transient(r)]:
            if _API is None:
                _init_worker(str(lay.root))
            for attempt in range(2, RETRIES + 2):
                again = _grade_one((assignment, r.student, True))
                again.attempts = attempt
                done[r.student] = again
                if not _transient(again):
                    break
    finally:
        os.chdir(cwd)
        bar.close()
    result.seconds = time.perf_counter() - start
    result.results = [done[s] for s in students]
    return result


_KNOWN_FAILURES = {
    "NotJSONError": "filen er ikke gyldig JSON",
    "JSONDecodeError": "filen er ikke gyldig JSON",
    "NotebookValidationError": "filen er ikke en gyldig notatbok",
    "ValidationError": "filen er ikke en gyldig notatbok",
    "CellTimeoutError": "en celle brukte for lang tid (tidsavbrudd)",
    "DeadKernelError": "Python-kjernen stoppet under kjøringen",
    "UnresponsiveKernelError": "Python-kjernen svarte ikke",
    "OperationalError": "karakterboken var opptatt eller utilgjengelig",
}


def _failure_reason(r: StudentResult) -> str:
    """A short Norwegian reason from nbgrader's captured log and traceback."""
    import re

    text = (r.log or "") + "\n" + (r.error or "")
    pattern = re.compile(r"^\s*(?:[\w.]+\.)?(\w+(?:Error|Exception))\s*:\s*(.*)$")
    hits = [m for m in (pattern.match(ln) for ln in text.splitlines())
            if m and m.group(1) != "NbGraderException"]
    for m in hits:
        if m.group(1) in _KNOWN_FAILURES:
            return _KNOWN_FAILURES[m.group(1)]
    if hits:
        return f"{hits[-1].group(1)}: {hits[-1].group(2)[:200]}"
    return ""


@dataclass
class GradeRun:
    autograde: AutogradeResult
    anomalies: list
    report: dict
    skipped_unknown: list[str]

    def summary(self) -> str:
        from collections import Counter

        counts = Counter(a.kind for a in self.anomalies)
        text = self.autograde.summary()
        if self.skipped_unknown:
            text += ("\nIkke rettet (står ikke i deltakerlisten): " + ", ".join(self.skipped_unknown) + ".")
        if counts:
            from grading.findings import KINDS

            text += "\nAvvik: " + ", ".join(f"{KINDS.get(k, (k,))[0].lower()} {n}"
                                            for k, n in sorted(counts.items()))
        text += f"\nAvviksrapport: {self.report['html']} (og {self.report['csv'].name})"
        return text


def grade_assignment(course_dir: Course, assignment: str, students: list[str] | None = None, *,
                     workers: int | None = None, progress: bool = True) -> GradeRun:
    """Autograde the learners in the roster who submitted, then write the anomaly report."""
    from grading.anomalies import scan
    from grading.anomaly_report import write_report
    from grading.roster import load_roster

    lay = layout(course_dir)
    known = set(load_roster(lay)["id"].tolist())
    submitted = submitted_students(lay, assignment)
    if students is not None:
        submitted = [s for s in submitted if s in set(students)]
    unknown = [s for s in submitted if known and s not in known]
    todo = [s for s in submitted if not known or s in known]
    result = autograde(lay, assignment, todo, workers=workers, progress=progress)
    failures = {r.student: _failure_reason(r) for r in result.failed}
    found = scan(lay, assignment, students=students, autograde_failures=failures)
    report = write_report(lay, assignment, found)
    return GradeRun(result, found, report, unknown)
