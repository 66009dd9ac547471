"""Notebook cells as the grader reads them: nbgrader metadata, source text, and which copy of a
duplicated grade cell is graded.

One home for these rules, used by the autograde step (:class:`grading._nbgrader.ResolveDuplicates`)
and the anomaly report (:mod:`grading.anomalies`).
"""
from __future__ import annotations


def nbgrader_meta(cell: dict) -> dict:
    """The cell's nbgrader metadata (an empty dict when it has none or it is not a dict)."""
    meta = cell.get("metadata") or {}
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def cell_source(cell: dict) -> str:
    """The cell's source as one text with Unix line ends."""
    src = cell.get("source", "")
    text = "".join(src) if isinstance(src, list) else str(src)
    return text.replace("\r\n", "\n")


def graded_copy(copies: list[dict], released: dict | None) -> int:
    """Which of several cells with the same grade id is graded (index into ``copies``).

    nbgrader's own rule (``DeduplicateIds``) keeps the last copy. An honest
    learner who copied an answer cell and answered in another copy than the
    last would then get the stub graded, so for an answer cell whose last copy
    is still the released stub, the last copy that is answered is graded.
    The autograde step (``grading._nbgrader.ResolveDuplicates``) and the report
    both use this rule.
    """
    last = len(copies) - 1
    if released is None or not nbgrader_meta(released).get("solution"):
        return last
    stub = cell_source(released)
    if cell_source(copies[last]).strip() != stub.strip():
        return last
    answered = [i for i, c in enumerate(copies) if cell_source(c).strip() != stub.strip()]
    return answered[-1] if answered else last
