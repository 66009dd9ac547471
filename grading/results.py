"""The results table's words and the privacy rule on its figures.

One row per learner × assignment (:data:`RESULT_COLUMNS`, built by
:func:`grading.progress_overview.results_frame` and returned by
:func:`grading.reports.collect_results`), its statuses, the course's assignments
in teaching order, and :func:`suppressed_groups`: the figures of the whole course
and each unit with every privacy rule applied (at least the minimum of
:mod:`fellesregler.personvern` per group, and no working out a small unit by
subtraction). The reports (:mod:`grading.reports`, :mod:`grading.report_files`)
and «Kursoversikt» (:func:`grading.progress_overview.course_overview`) build on this one
module, so the rule is decided once.
"""
from __future__ import annotations


import pandas as pd

from fellesregler.personvern import SUBTRACTION_TEXT, Personvernregel, for_faa_tekst, regel
from grading.paths import ASSIGNMENTS, Course, layout

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


def norwegian_sort_key(text: str) -> str:
    return str(text).lower().translate(str.maketrans({"æ": "{", "ø": "|", "å": "}"}))


def course_assignments(course_dir: Course, in_gradebook: set[str] | None = None) -> list[str]:
    """The course's assignments: gradebook ∪ source folders, in teaching order.

    ``in_gradebook``: the assignment names already read from the gradebook (it is not opened again).
    """
    from grading._nbgrader import gradebook

    lay = layout(course_dir)
    names: set[str] = set(in_gradebook or ())
    if in_gradebook is None and lay.gradebook.exists():
        with gradebook(lay) as gb:
            names |= {a.name for a in gb.assignments}
    if lay.source.is_dir():
        names |= {p.name for p in lay.source.iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb"))}
    from grading.malform import kapitteloppgave

    # The chapters' assignments: a nynorsk one (vage-nn) counts as its chapter's (vage).
    names = {kapitteloppgave(n) for n in names}
    order = {name: i for i, name in enumerate(ASSIGNMENTS)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))



# ---------------------------------------------------------------------------
# Figures per group (privacy rule enforced here, where the data is read)
# ---------------------------------------------------------------------------
def _all_group_stats(results: pd.DataFrame, assignments: list[str], groups: list[str],
                     rule: Personvernregel) -> list[dict]:
    """The figures of the whole course (first) and of each unit in ``groups``, in one pass.

    One grouped computation over the table (the whole course as group 0, each unit as its
    own group), not one filter per unit and assignment: the same figures, a fraction of the
    time with a thousand learners. The rule decides what is shown (:meth:`Personvernregel.vises`).
    """
    min_group = rule.minimum
    code = {u: i + 1 for i, u in enumerate(groups)}
    df = results[["id", "enhet", "assignment", "completed", "submitted", "needs_manual_grade",
                  "score", "max_score"]]
    df = pd.concat([df.assign(_g=0), df.assign(_g=df["enhet"].map(code))], ignore_index=True)
    df["_graded"] = df["submitted"].astype(bool) & ~df["needs_manual_grade"].astype(bool) & df["score"].notna()
    by_group = df.groupby("_g", sort=False)
    n = by_group["id"].nunique()
    all_done = df.groupby(["_g", "id"], sort=False)["completed"].all().groupby(level=0).sum()
    cells = df.groupby(["_g", "assignment"], sort=False)
    done = cells["completed"].sum()
    graded = cells["_graded"].sum()
    mean = df[df["_graded"]].groupby(["_g", "assignment"], sort=False)["score"].mean()
    first_max = df.drop_duplicates(["_g", "assignment"]).set_index(["_g", "assignment"])["max_score"]

    out = []
    for g in range(len(groups) + 1):
        size = int(n.get(g, 0))
        stats: dict = {"n": size, "shown": rule.vises(size), "per_assignment": {}, "note": ""}
        out.append(stats)
        if not stats["shown"]:
            stats["note"] = for_faa_tekst(min_group)
            continue
        stats["all_done_pct"] = round(100.0 * int(all_done.get(g, 0)) / size, 1)
        held_back = False
        for a in assignments:
            k = (g, a)
            n_graded = int(graded.get(k, 0))
            shown_mean = round(float(mean[k]), 2) if rule.vises(n_graded) else None
            if shown_mean is None and n_graded > 0:
                held_back = True
            stats["per_assignment"][a] = {
                "done_pct": round(100.0 * int(done.get(k, 0)) / size, 1),
                "mean": shown_mean,
                "max": float(first_max[k]) if k in first_max.index else float("nan"),
            }
        if held_back:
            stats["note"] = f"Snittpoeng vises bare når minst {min_group} i gruppen er vurdert."
    return out


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
    units = sorted(results["enhet"].unique(), key=norwegian_sort_key) if not results.empty else []
    stats = list(zip([WHOLE_COURSE] + units, _all_group_stats(results, assignments, units, rule)))
    total = stats[0][1]["n"]
    sizes = {name: st["n"] for name, st in stats[1:]}
    extra = rule.sekundaer_skjuling(total, sizes, norwegian_sort_key)
    return [(name, _hide(st, SUBTRACTION_TEXT) if i and name in extra else st)
            for i, (name, st) in enumerate(stats)]
