"""«Kursoversikt»: the course leader's overview, and the results table the reports use.

From one :class:`~grading.progress_snapshot.Snapshot` of every learner:
completion per assignment and per unit with the reports' privacy rules (at
least 5 learners per unit, and no working out a small unit by subtraction:
:func:`grading.results.suppressed_groups`, the one function that holds them),
the grading queue, and who has not submitted before a deadline.
:func:`results_frame` is also the table behind every report
(:func:`grading.reports.collect_results`), so the pages and the files agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grading.completion import CompletionRule, is_completed, load_rule
from grading.paths import CourseLayout
from grading.progress import assignment_progress
from grading.progress_snapshot import Snapshot, read_snapshot
from grading.results import (RESULT_COLUMNS, STATUS_DONE, STATUS_MANUAL, STATUS_NOT_GRADED, STATUS_NOT_SUBMITTED,
                             STATUS_ZERO, norwegian_sort_key, privacy_rule,
                             suppressed_groups)  # the at-least-5 and subtraction rules

@dataclass(frozen=True)
class QueueRow:
    assignment: str
    title: str
    manual: int  # graded automatically, answers waiting for manual grading
    to_autograde: int  # collected, not graded yet
    in_exchange: int  # submitted in the exchange, not collected yet


@dataclass(frozen=True)
class Missing:
    assignment: str
    title: str
    due: dt.datetime
    not_submitted: tuple[dict, ...]  # {"id", "navn", "enhet"}
    late: tuple[dict, ...]  # {"id", "navn", "enhet", "submitted_at"}


@dataclass(frozen=True)
class CourseOverview:
    assignments: tuple[str, ...]
    titles: dict[str, str]
    groups: list[tuple[str, dict]]  # suppressed_groups(...): «Hele kurset» first, then units
    min_group: int
    queue: tuple[QueueRow, ...]
    missing: tuple[Missing, ...]
    n_learners: int


def results_frame(snap: Snapshot, rule: CompletionRule | None = None):
    """The snapshot as the reports' results table (columns of :func:`grading.reports.collect_results`)."""
    import pandas as pd

    rule = rule or load_rule()
    rows = []
    ordered = sorted(snap.learners.items(), key=lambda kv: (
        norwegian_sort_key(kv[1]["enhet"]), norwegian_sort_key(kv[1]["navn"]), kv[0]))
    for sid, info in ordered:
        for a in snap.assignments:
            sub = snap.gradebook.get((sid, a))
            due = snap.due.get(a)
            if sub is not None:
                ts, score, manual, submitted = sub.timestamp, sub.score, sub.needs_manual_grade, True
                status = STATUS_MANUAL if manual else (
                    STATUS_DONE if is_completed(True, False, score, rule) else STATUS_ZERO)
            else:
                submitted = (sid, a) in snap.collected
                ts, score, manual = snap.collected.get((sid, a)), float("nan"), False
                status = STATUS_NOT_GRADED if submitted else STATUS_NOT_SUBMITTED
            if due is not None and sub is not None and sub.extension:
                due = due + sub.extension
            late_s = max(0.0, (ts - due).total_seconds()) if ts and due and submitted else 0.0
            rows.append((sid, info["navn"], info["enhet"], a, snap.titles.get(a, a), submitted,
                         late_s > 0, late_s, ts, score, snap.max_score.get(a, float("nan")), manual,
                         is_completed(submitted, manual, score, rule), status))
    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for col in ("id", "navn", "enhet", "assignment", "title", "status"):
        df[col] = df[col].astype(object)  # plain objects: the per-unit filters run faster
    for col in ("submitted", "late", "needs_manual_grade", "completed"):
        df[col] = df[col].astype(bool)
    for col in ("score", "max_score", "seconds_late"):
        df[col] = df[col].astype(float)
    return df


#: The columns the reports' privacy rules read (see grading.results.suppressed_groups).
_RULE_COLUMNS = ["id", "enhet", "assignment", "completed", "submitted", "needs_manual_grade",
                 "score", "max_score"]


def _slim(results):
    """Only the columns the privacy rules read, learner ids as numbers: same figures, half the time."""
    import pandas as pd

    slim = results[_RULE_COLUMNS].copy()
    slim["id"] = pd.factorize(slim["id"])[0]
    return slim


def course_overview(course: CourseLayout, *, min_group: int | None = None, now: dt.datetime | None = None,
                    snapshot: Snapshot | None = None, gb=None) -> CourseOverview:
    """«Kursoversikt»: completion with the privacy rules, the grading queue, and who is behind."""
    min_group = privacy_rule(min_group).minimum  # default: the course's rule (data/egenvurdering.yaml)
    rule = load_rule()
    snap = snapshot or read_snapshot(course, None, fetched_template="", now=now, gb=gb)  # «hentet»: not used
    groups = suppressed_groups(_slim(results_frame(snap, rule)), min_group)
    queue = []
    for a in snap.assignments:
        manual = sum(1 for (sid, x), s in snap.gradebook.items() if x == a and s.needs_manual_grade)
        to_grade = sum(1 for (sid, x) in snap.collected if x == a and (sid, x) not in snap.gradebook)
        waiting = sum(1 for (sid, x), ts in snap.inbound.items() if x == a and (
            (sid, x) not in snap.collected and (sid, x) not in snap.gradebook))
        queue.append(QueueRow(a, snap.titles.get(a, a), manual, to_grade, waiting))
    missing = []
    order = sorted(snap.learners.items(), key=lambda kv: (
        norwegian_sort_key(kv[1]["enhet"]), norwegian_sort_key(kv[1]["navn"]), kv[0]))
    for a in snap.assignments:
        due = snap.due.get(a)
        if due is None or due > snap.now:
            continue
        absent, late = [], []
        for sid, info in order:
            if not info["in_roster"]:
                continue
            item = assignment_progress(snap, sid, a, set(), rule)
            person = {"id": sid, "navn": info["navn"], "enhet": info["enhet"]}
            if item.overdue:
                absent.append(person)
            elif item.late:
                late.append({**person, "submitted_at": item.submitted_at})
        missing.append(Missing(a, snap.titles.get(a, a), due, tuple(absent), tuple(late)))
    return CourseOverview(tuple(snap.assignments), snap.titles, groups, min_group, tuple(queue),
                          tuple(missing), len(snap.learners))

