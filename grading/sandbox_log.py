"""The sandbox log: what learner code tried, or which limit it reached, per learner and notebook.

:class:`grading.sandbox.SandboxedExecute` writes one record per graded notebook to
``rapporter/sandkasse-<oppgave>.jsonl``; the anomaly report (:mod:`grading.anomalies`) reads the
latest record of each and words it with :data:`EVENT_TEXT`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from grading.paths import Course, layout
from grading.sandbox_command import MEMORY_BYTES, NOTEBOOK_SECONDS, OUTPUT_BYTES

#: What the hook noted, in Norwegian (used by the anomaly report).
EVENT_TEXT = {
    "fil": "prøvde å lese, liste eller endre filer utenfor sin egen mappe",
    "nett": "prøvde å åpne en nettverksforbindelse",
    "prosess": "prøvde å starte andre programmer eller prosesser",
    "miljo": "prøvde å lese hemmelige miljøvariabler (for eksempel tilgangsnøkler)",
    "tid": f"nådde tidsgrensen for hele notatboken ({NOTEBOOK_SECONDS} s); resten av cellene ble ikke kjørt",
    "minne": f"nådde minnegrensen ({MEMORY_BYTES // 2**20} MB)",
    "utdata": f"skrev mer utdata enn grensen ({OUTPUT_BYTES // 2**20} MB); resten ble kuttet",
}
LIMIT_KINDS = ("tid", "minne", "utdata")


def log_path(course_dir: Course, assignment: str) -> Path:
    return layout(course_dir).rapporter / f"sandkasse-{assignment}.jsonl"


def write_record(course_dir: Course, record: dict) -> None:
    path = log_path(course_dir, record["assignment"])
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, line)  # one write: lines from parallel workers do not interleave
    finally:
        os.close(fd)


def read_records(course_dir: Course, assignment: str) -> dict[tuple[str, str], dict]:
    """The latest sandbox record per (learner, notebook)."""
    path = log_path(course_dir, assignment)
    out: dict[tuple[str, str], dict] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and rec.get("student"):
            out[(rec["student"], rec.get("notebook", ""))] = rec
    return out
