"""Resultater og fullføring (results and completion reports) for the course leader.

Rules, used the same way everywhere (reports and kursbevis):

* **Levert** (submitted): the submission is in the gradebook, or it has been
  collected into ``submitted/<id>/<oppgave>/`` and is waiting for autograde.
* **Fullført** (completed): submitted AND graded (in the gradebook, with no
  cell waiting for manual grading) AND a score above 0. A submission graded to
  0 points is not completed. The rule is data (``data/fullforing.yaml``),
  read by :func:`grading.completion.is_completed`.
* **Kursets oppgaver**: every assignment in the gradebook plus every folder
  ``source/<oppgave>/`` with a notebook (so an assignment that is not released
  yet still counts), in the order of :data:`grading.paths.ASSIGNMENTS`.

Privacy: per-learner files are for the course leader only. Unit figures
(completion rate, mean score) are shown only for units with at least
``min_group`` learners (default: the minimum of :mod:`fellesregler.personvern`,
read from ``data/egenvurdering.yaml``); a smaller unit is listed with the text
«for få deltakere til å vise tall (under 5)» and no numbers at all. A mean
score is also held back when fewer than ``min_group`` learners in the unit
have a graded submission, so one person's score can never be read off. The
HTML overview holds aggregates only, never names.

Secondary suppression (no working out by subtraction): the «Hele kurset» row
minus the units that are shown gives the figures of the hidden units
together. When that remainder holds 1 to ``min_group`` − 1 learners, the
smallest shown unit is hidden as well, with the note «skjult for å hindre at
små enheter kan regnes ut»; the remainder then holds at least ``min_group``.
:func:`grading.results.suppressed_groups` makes this decision once, and every
output (CSV, Excel, HTML; written by :mod:`grading.report_files`; «Kursoversikt»
on the hub) is built from it.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from fellesregler.personvern import SUBTRACTION_TEXT
from grading.completion import is_completed  # the one completion rule (data/fullforing.yaml)
from grading.paths import layout
from grading.results import (NOT_IN_ROSTER, RESULT_COLUMNS, STATUS_DONE, STATUS_MANUAL, STATUS_NOT_GRADED,
                             STATUS_NOT_SUBMITTED, STATUS_ZERO, WHOLE_COURSE, course_assignments,
                             privacy_rule, suppressed_groups)

#: Also read from here by the CLI, the kursbevis and the tests (their home is named above).
__all__ = [
    "NOT_IN_ROSTER", "RESULT_COLUMNS", "STATUS_DONE", "STATUS_MANUAL", "STATUS_NOT_GRADED",
    "STATUS_NOT_SUBMITTED", "STATUS_ZERO", "SUBTRACTION_TEXT", "WHOLE_COURSE", "assignment_summary",
    "collect_results", "course_assignments", "is_completed", "learner_overview_table",
    "learner_results_table", "privacy_rule", "suppressed_groups", "unit_summary",
]


def collect_results(course_dir: Path, *, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per learner × assignment, from the gradebook, joined with the roster.

    Columns: ``id, navn, enhet`` (from the roster), ``assignment, title,
    submitted, late, seconds_late, timestamp, score, max_score,
    needs_manual_grade, completed, status``. ``score`` is NaN when there is no
    graded submission. Learners in the gradebook but not in the roster get
    the unit «(ikke i deltakerlisten)».

    Read in bulk by :func:`grading.progress_snapshot.read_snapshot`, the same data path
    as «Min side» and «Kursoversikt» on the hub.
    """
    from grading.progress_overview import results_frame
    from grading.progress_snapshot import read_snapshot

    return results_frame(read_snapshot(layout(course_dir), None, roster=roster, fetched_template=""))


# ---------------------------------------------------------------------------
# Aggregates (the privacy rule applied by grading.results.suppressed_groups)
# ---------------------------------------------------------------------------
def unit_summary(results: pd.DataFrame, min_group: int | None = None) -> pd.DataFrame:
    """Per-unit table (first row: the whole course), with display headers.

    Units with fewer than ``min_group`` learners get only their name and the
    note «for få deltakere til å vise tall (under N)»; every number is empty.
    A unit hidden by the secondary suppression (see :func:`suppressed_groups`)
    gets the note «skjult for å hindre at små enheter kan regnes ut».
    """
    assignments = list(dict.fromkeys(results["assignment"])) if not results.empty else []
    titles = dict(zip(results["assignment"], results["title"])) if not results.empty else {}
    columns = ["Enhet", "Antall deltakere", "Fullført hele kurset (%)"]
    for a in assignments:
        columns += [f"{titles[a]}: fullført (%)", f"{titles[a]}: snittpoeng"]
    columns.append("Merknad")

    rows = []
    for name, stats in suppressed_groups(results, min_group):
        row: dict = {c: None for c in columns}
        row["Enhet"] = name
        row["Merknad"] = stats["note"]
        if stats["shown"]:
            row["Antall deltakere"] = stats["n"]
            row["Fullført hele kurset (%)"] = stats["all_done_pct"]
            for a in assignments:
                pa = stats["per_assignment"][a]
                row[f"{titles[a]}: fullført (%)"] = pa["done_pct"]
                row[f"{titles[a]}: snittpoeng"] = pa["mean"]
        rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    for c in columns[1:-1]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def assignment_summary(results: pd.DataFrame, min_group: int | None = None) -> pd.DataFrame:
    """Whole-course figures per assignment (empty when the «Hele kurset» row is hidden)."""
    if results.empty:
        return pd.DataFrame(columns=["assignment", "title", "done_pct", "mean", "max"])
    assignments = list(dict.fromkeys(results["assignment"]))
    titles = dict(zip(results["assignment"], results["title"]))
    _name, stats = suppressed_groups(results, min_group)[0]  # first: «Hele kurset»
    if not stats["shown"]:
        return pd.DataFrame(columns=["assignment", "title", "done_pct", "mean", "max"])
    return pd.DataFrame([
        {"assignment": a, "title": titles[a], **stats["per_assignment"][a]} for a in assignments
    ])


# ---------------------------------------------------------------------------
# Per-learner tables for the course leader
# ---------------------------------------------------------------------------
def _yes_no(value: bool) -> str:
    return "ja" if bool(value) else "nei"


def learner_results_table(results: pd.DataFrame) -> pd.DataFrame:
    """Long table (one row per learner × assignment) with Norwegian headers."""
    out = pd.DataFrame({
        "Id": results["id"],
        "Navn": results["navn"],
        "Enhet": results["enhet"],
        "Oppgave": results["assignment"],
        "Oppgavetittel": results["title"],
        "Levert": results["submitted"].map(_yes_no),
        "For sent": results["late"].map(_yes_no),
        "Poeng": results["score"].round(2),
        "Maks poeng": results["max_score"].round(2),
        "Venter på manuell vurdering": results["needs_manual_grade"].map(_yes_no),
        "Fullført": results["completed"].map(_yes_no),
        "Status": results["status"],
        "Levert tidspunkt (UTC)": results["timestamp"].map(
            lambda t: t.strftime("%Y-%m-%d %H:%M") if pd.notna(t) and hasattr(t, "strftime") else ""),
    })
    return out.reset_index(drop=True)


def learner_overview_table(results: pd.DataFrame) -> pd.DataFrame:
    """Wide table: one row per learner, status and score per assignment."""
    if results.empty:
        return pd.DataFrame(columns=["Id", "Navn", "Enhet", "Antall fullført", "Alle fullført"])
    assignments = list(dict.fromkeys(results["assignment"]))
    titles = dict(zip(results["assignment"], results["title"]))
    rows = []
    for learner_id, group in results.groupby("id", sort=False):
        first = group.iloc[0]
        row = {"Id": learner_id, "Navn": first["navn"], "Enhet": first["enhet"]}
        by_a = {r["assignment"]: r for _, r in group.iterrows()}
        for a in assignments:
            r = by_a[a]
            row[f"{titles[a]}: status"] = r["status"]
            row[f"{titles[a]}: poeng"] = None if pd.isna(r["score"]) else round(float(r["score"]), 2)
        row["Antall fullført"] = int(group["completed"].sum())
        row["Alle fullført"] = _yes_no(group["completed"].all())
        rows.append(row)
    return pd.DataFrame(rows)
