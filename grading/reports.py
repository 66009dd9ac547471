"""Resultater og fullføring (results and completion reports) for the course leader.

Rules, used the same way everywhere (reports and kursbevis):

* **Levert** (submitted): the submission is in the gradebook, or it has been
  collected into ``submitted/<id>/<oppgave>/`` and is waiting for autograde.
* **Fullført** (completed): submitted AND graded (in the gradebook, with no
  cell waiting for manual grading) AND a score above 0. A submission graded to
  0 points is not completed. See :func:`is_completed`.
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
:func:`suppressed_groups` makes this decision once, and every output (CSV,
Excel, HTML; written by :mod:`grading.report_files`) is built from it.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from fellesregler.personvern import SUBTRACTION_TEXT, Personvernregel, for_faa_tekst, regel
from grading.paths import ASSIGNMENTS, layout

WHOLE_COURSE = "Hele kurset"
NOT_IN_ROSTER = "(ikke i deltakerlisten)"

STATUS_NOT_SUBMITTED = "Ikke levert"
STATUS_NOT_GRADED = "Levert, ikke rettet ennå"
STATUS_MANUAL = "Venter på manuell vurdering"
STATUS_ZERO = "Vurdert til 0 poeng (ikke fullført)"
STATUS_DONE = "Fullført"

RESULT_COLUMNS = ["id", "navn", "enhet", "assignment", "title", "submitted", "late",
                  "seconds_late", "timestamp", "score", "max_score", "needs_manual_grade",
                  "completed", "status"]

def is_completed(submitted: bool, needs_manual_grade: bool, score: float | None) -> bool:
    """The one completion rule: submitted, fully graded, and more than 0 points."""
    if not submitted or needs_manual_grade or score is None:
        return False
    try:
        return not math.isnan(float(score)) and float(score) > 0
    except (TypeError, ValueError):
        return False


def _norwegian_sort_key(text: str) -> str:
    return str(text).lower().translate(str.maketrans({"æ": "{", "ø": "|", "å": "}"}))


def course_assignments(course_dir: Path | str) -> list[str]:
    """The course's assignments: gradebook ∪ source folders, in teaching order."""
    from grading._nbgrader import gradebook

    lay = layout(course_dir)
    names: set[str] = set()
    if lay.gradebook.exists():
        with gradebook(lay.root) as gb:
            names |= {a.name for a in gb.assignments}
    if lay.source.is_dir():
        names |= {p.name for p in lay.source.iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb"))}
    order = {name: i for i, name in enumerate(ASSIGNMENTS)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def collect_results(course_dir: Path, *, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per learner × assignment, from the gradebook, joined with the roster.

    Columns: ``id, navn, enhet`` (from the roster), ``assignment, title,
    submitted, late, seconds_late, timestamp, score, max_score,
    needs_manual_grade, completed, status``. ``score`` is NaN when there is no
    graded submission. Learners in the gradebook but not in the roster get
    the unit «(ikke i deltakerlisten)».
    """
    from nbgrader.api import SubmittedAssignment
    from nbgrader.utils import parse_utc

    from grading._nbgrader import gradebook, read_timestamp
    from grading.guide import assignment_title
    from grading.roster import load_roster

    lay = layout(course_dir)
    if roster is None:
        roster = load_roster(lay.root)
    assignments = course_assignments(lay.root)
    learners: dict[str, dict] = {}
    for row in roster.itertuples(index=False):
        learners[str(row.id)] = {"navn": str(row.navn), "enhet": str(row.enhet)}

    subs: dict[tuple[str, str], dict] = {}
    max_scores: dict[str, float] = {}
    duedates: dict[str, object] = {}
    if lay.gradebook.exists():
        with gradebook(lay.root) as gb:
            for a in gb.assignments:
                max_scores[a.name] = float(a.max_score or 0)
                duedates[a.name] = a.duedate
            for s in gb.students:
                if s.id not in learners:
                    name = " ".join(p for p in (s.first_name, s.last_name) if p) or s.id
                    learners[s.id] = {"navn": name, "enhet": NOT_IN_ROSTER}
            for sub in gb.db.query(SubmittedAssignment).all():
                subs[(sub.student.id, sub.assignment.name)] = {
                    "score": float(sub.score) if sub.score is not None else 0.0,
                    "max_score": float(sub.max_score or 0),
                    "needs_manual_grade": bool(sub.needs_manual_grade),
                    "timestamp": sub.timestamp,
                    "seconds_late": float(sub.total_seconds_late or 0),
                }

    titles = {a: assignment_title(lay.root, a) for a in assignments}
    rows = []
    ordered = sorted(learners.items(), key=lambda kv: (
        _norwegian_sort_key(kv[1]["enhet"]), _norwegian_sort_key(kv[1]["navn"]), kv[0]))
    for learner_id, info in ordered:
        for a in assignments:
            sub = subs.get((learner_id, a))
            row = {"id": learner_id, "navn": info["navn"], "enhet": info["enhet"], "assignment": a,
                   "title": titles[a], "max_score": max_scores.get(a, float("nan"))}
            if sub is not None:
                row.update(submitted=True, score=sub["score"], timestamp=sub["timestamp"],
                           seconds_late=sub["seconds_late"], late=sub["seconds_late"] > 0,
                           needs_manual_grade=sub["needs_manual_grade"])
                if sub["needs_manual_grade"]:
                    row["status"] = STATUS_MANUAL
                elif is_completed(True, False, sub["score"]):
                    row["status"] = STATUS_DONE
                else:
                    row["status"] = STATUS_ZERO
            else:
                folder = lay.submitted_dir(learner_id, a)
                waiting = folder.is_dir() and any(folder.glob("*.ipynb"))
                stamp = read_timestamp(folder / "timestamp.txt") if waiting else None
                due = duedates.get(a)
                late_s = 0.0
                if stamp is not None and due is not None:
                    try:
                        late_s = max(0.0, (parse_utc(stamp) - due).total_seconds())
                    except Exception:
                        late_s = 0.0
                row.update(submitted=waiting, score=float("nan"), timestamp=stamp,
                           seconds_late=late_s, late=late_s > 0, needs_manual_grade=False,
                           status=STATUS_NOT_GRADED if waiting else STATUS_NOT_SUBMITTED)
            row["completed"] = is_completed(row["submitted"], row["needs_manual_grade"], row["score"])
            rows.append(row)

    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for col in ("submitted", "late", "needs_manual_grade", "completed"):
        df[col] = df[col].astype(bool)
    for col in ("score", "max_score", "seconds_late"):
        df[col] = df[col].astype(float)
    return df


# ---------------------------------------------------------------------------
# Aggregates (privacy rule enforced here, where the data is read)
# ---------------------------------------------------------------------------
def _group_stats(group: pd.DataFrame, assignments: list[str], rule: Personvernregel) -> dict:
    min_group = rule.minimum
    n = group["id"].nunique()
    stats: dict = {"n": n, "shown": rule.vises(n), "per_assignment": {}, "note": ""}
    if not stats["shown"]:
        stats["note"] = for_faa_tekst(min_group)
        return stats
    per_learner = group.groupby("id")["completed"].all()
    stats["all_done_pct"] = round(100.0 * per_learner.sum() / n, 1)
    held_back = False
    for a in assignments:
        rows = group[group["assignment"] == a]
        done = int(rows["completed"].sum())
        graded = rows[rows["submitted"] & ~rows["needs_manual_grade"] & rows["score"].notna()]
        mean = round(float(graded["score"].mean()), 2) if rule.vises(len(graded)) else None
        if mean is None and len(graded) > 0:
            held_back = True
        stats["per_assignment"][a] = {
            "done_pct": round(100.0 * done / n, 1),
            "mean": mean,
            "max": float(rows["max_score"].iloc[0]) if len(rows) else float("nan"),
        }
    if held_back:
        stats["note"] = (f"Snittpoeng vises bare når minst {min_group} i gruppen er vurdert.")
    return stats


def _hide(stats: dict, note: str) -> dict:
    return {"n": stats["n"], "shown": False, "per_assignment": {}, "note": note}


def privacy_rule(min_group: int | None = None) -> Personvernregel:
    """The course's privacy rule, or the same rule with another minimum (``--min-gruppe``)."""
    base = regel()
    if min_group is None:
        return base
    if min_group < 1:
        raise ValueError("min_group må være minst 1")
    return Personvernregel(minimum=min_group, lagringsdager=base.lagringsdager)


def suppressed_groups(results: pd.DataFrame, min_group: int | None = None) -> list[tuple[str, dict]]:
    """Figures of the whole course (first) and each unit, with every privacy rule applied.

    The one data path behind :func:`unit_summary`, :func:`assignment_summary`
    and so every report (CSV, Excel, HTML). A hidden group keeps only its note.
    """
    rule = privacy_rule(min_group)
    assignments = list(dict.fromkeys(results["assignment"])) if not results.empty else []
    units = sorted(results["enhet"].unique(), key=_norwegian_sort_key) if not results.empty else []
    groups = [(WHOLE_COURSE, results)] + [(u, results[results["enhet"] == u]) for u in units]
    stats = [(name, _group_stats(group, assignments, rule)) for name, group in groups]
    total = stats[0][1]["n"]
    sizes = {name: st["n"] for name, st in stats[1:]}
    extra = rule.sekundaer_skjuling(total, sizes, _norwegian_sort_key)
    return [(name, _hide(st, SUBTRACTION_TEXT) if i and name in extra else st)
            for i, (name, st) in enumerate(stats)]


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
