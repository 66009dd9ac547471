"""Anomaly detection for the course leader: every anomaly of one assignment in the course folder.

:func:`scan` compares each submitted notebook with its release (:mod:`grading.notebook_check`),
and adds what the roster, the due date, the sandbox log and the collection log say. The kinds and
the finding are in :mod:`grading.findings`; the report is written by :mod:`grading.anomaly_report`.

Findings:

* ``ugyldig_notatbok``   not JSON, or not a valid notebook (nbformat)
* ``slettet_testcelle``  an autograded test cell is missing
* ``slettet_svarcelle``  an answer cell is missing
* ``slettet_last_celle`` a locked text/code cell is missing
* ``endret_testcelle``   a test cell's source differs from the release
* ``endret_last_celle``  a locked cell's source differs from the release
* ``endret_celletype``   a cell changed between code and text
* ``endret_poeng``       a cell's points in the metadata were changed
* ``manglende_metadata`` nbgrader metadata stripped from cells
* ``dobbel_celle``       the same grade id appears more than once
* ``ubesvart``           an answer cell still equals the release stub
* ``ukjent_deltaker``    a submission from someone not in the roster
* ``annen_eier``         on the hub: a submission in the exchange made by another Unix user than
                         the learner it names (not collected, :mod:`grading.hub_unix`)
* ``for_sen``            submitted after the due date
* ``retting_feilet``     nbgrader could not grade the submission
* ``sandkasse``          learner code tried something the sandbox stops (files, network, …)
* ``sandkasse_grense``   learner code reached a sandbox limit (time, memory, output)
* ``ikke_levert``        a learner in the roster has no submission (in either målform: one who
                         submitted ``vage-nn`` has submitted ``vage``, :func:`grading.malform.kapitteloppgave`)
* plus the events of the collection log (``ukjent_fil``, ``flere_filer``, …)
"""
from __future__ import annotations

import datetime as dt

from fellesregler.formatering import oslo_tid as fmt_time
from grading.archive import read_collect_log
from grading.findings import KINDS, Anomaly, dedupe
from grading.notebook_check import inspect_notebook, load_released
from grading.paths import Course, layout


def _duedate(course_dir: Course, assignment: str) -> dt.datetime | None:
    from nbgrader.api import MissingEntry

    from grading._nbgrader import gradebook

    lay = layout(course_dir)
    if not lay.gradebook.exists():
        return None
    with gradebook(course_dir) as gb:
        try:
            return gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None


def _fmt_delay(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} t {minutes} min"
    return f"{hours // 24} døgn"


def scan(course_dir: Course, assignment: str, students: list[str] | None = None,
         autograde_failures: dict[str, str] | None = None) -> list[Anomaly]:
    """All anomalies of an assignment in the course folder.

    Looks at ``submitted/*/<assignment>/`` (compared with ``release/``), the
    roster, the due date, the collection log and, if given, autograde failures.
    """
    from grading._nbgrader import read_timestamp
    from grading.roster import load_roster

    lay = layout(course_dir)
    released = load_released(lay, assignment)
    roster = load_roster(lay)
    known = set(roster["id"].tolist())
    due = _duedate(lay, assignment)
    found: list[Anomaly] = []
    submitted: set[str] = set()

    subdirs = sorted(p for p in lay.submitted.glob(f"*/{assignment}") if p.is_dir()) \
        if lay.submitted.exists() else []
    for sdir in subdirs:
        student = sdir.parent.name
        if students is not None and student not in students:
            continue
        submitted.add(student)
        if known and student not in known:
            found.append(Anomaly(student, assignment, "ukjent_deltaker",
                                 f"«{student}» har levert, men står ikke i deltakerlisten.",
                                 "Innleveringen er ikke rettet. Legg deltakeren inn i listen og rett på nytt, "
                                 "eller se bort fra den.", file=str(sdir.relative_to(lay.root))))
            continue
        for name, rel in released.items():
            path = sdir / f"{name}.ipynb"
            rel_file = str(path.relative_to(lay.root))
            if not path.exists():
                found.append(Anomaly(student, assignment, "ikke_levert",
                                     f"Notatboken «{name}.ipynb» mangler i innleveringen.",
                                     "Notatboken gir 0 poeng.", file=rel_file))
                continue
            found += inspect_notebook(path.read_bytes(), rel, student=student, assignment=assignment,
                                      file=rel_file)
        for extra in sorted(sdir.glob("*.ipynb")):
            if extra.stem not in released:
                found.append(Anomaly(student, assignment, "ukjent_notatbok",
                                     f"Notatboken «{extra.name}» hører ikke til oppgaven.",
                                     "Den er ikke rettet.", file=str(extra.relative_to(lay.root))))
        ts = read_timestamp(sdir / "timestamp.txt")
        if due is not None and ts is not None:
            ts_naive = ts.replace(tzinfo=None) if ts.tzinfo else ts
            late = (ts_naive - due).total_seconds()
            if late > 0:
                found.append(Anomaly(student, assignment, "for_sen",
                                     f"Levert {fmt_time(ts_naive)}, {_fmt_delay(late)} etter fristen "
                                     f"{fmt_time(due)}.",
                                     "Innleveringen er rettet som vanlig. Vurder selv om den skal godtas."))

    found += sandbox_findings(lay, assignment, students)

    for student, error in (autograde_failures or {}).items():
        found.append(Anomaly(student, assignment, "retting_feilet",
                             "nbgrader kunne ikke rette innleveringen" + (f": {error}" if error else "."),
                             "Innleveringen står med 0 poeng i karakterboken til den er rettet for hånd."))

    # the collection log: unknown learners and files from folder/zip collection
    seen = set()
    for ev in read_collect_log(lay, assignment):
        kind = ev.get("kind")
        if kind not in KINDS or kind in ("for_sen",):
            continue
        who = ev.get("student") or ""
        if students is not None and who and who not in students and kind != "ukjent_deltaker":
            continue
        key = (kind, who, ev.get("sha256"), ev.get("file"))
        if key in seen:
            continue
        seen.add(key)
        if kind == "ukjent_deltaker" and who in submitted:
            continue  # already reported from the submitted folder
        found.append(Anomaly(who or "(ukjent)", assignment, kind, ev.get("message", ""),
                             ev.get("action", ""), file=ev.get("file", "")))

    if known and students is None:
        submitted |= _submitted_other_edition(lay, assignment)
        for student in sorted(known - submitted):
            found.append(Anomaly(student, assignment, "ikke_levert",
                                 "Ingen innlevering er samlet inn.", ""))
    return dedupe(found)


def _submitted_other_edition(lay, assignment: str) -> set[str]:
    """Learners with a submission of the chapter's assignment in the other målform (``vage-nn`` for ``vage``)."""
    from grading.malform import kapitteloppgave, utgaver

    if not lay.submitted.exists():
        return set()
    others = set(utgaver((kapitteloppgave(assignment),))) - {assignment}
    return {p.parent.name for other in sorted(others) for p in lay.submitted.glob(f"*/{other}") if p.is_dir()}


def sandbox_findings(course_dir: Course, assignment: str, students: list[str] | None = None) -> list[Anomaly]:
    """Findings from the sandbox log of the last autograde (``rapporter/sandkasse-<a>.jsonl``)."""
    from grading.sandbox_log import EVENT_TEXT, LIMIT_KINDS, read_records

    found = []
    for (student, notebook), rec in sorted(read_records(course_dir, assignment).items()):
        if students is not None and student not in students:
            continue
        events = [e for e in rec.get("events", []) if isinstance(e, dict) and e.get("kind") in EVENT_TEXT]
        tried = [e for e in events if e["kind"] not in LIMIT_KINDS]
        limits = [e for e in events if e["kind"] in LIMIT_KINDS]
        where = f"notatboken «{notebook}.ipynb»" if notebook else "innleveringen"
        if tried:
            kinds = list(dict.fromkeys(e["kind"] for e in tried))
            details = [e["detail"] for e in tried if e.get("detail")][:5]
            found.append(Anomaly(
                student, assignment, "sandkasse",
                f"Koden i {where} " + "; ".join(EVENT_TEXT[k] for k in kinds) + "."
                + (" Det gjaldt: " + ", ".join(f"«{d}»" for d in details) + "." if details else ""),
                "Sandkassen stoppet forsøket: koden kunne ikke se eller endre kursmappen, karakterboken, "
                "deltakerlisten, andre innleveringer eller nettverket. Resten er rettet som vanlig. "
                "Snakk gjerne med deltakeren.", file=notebook))
        if limits:
            found.append(Anomaly(
                student, assignment, "sandkasse_grense",
                f"Koden i {where} " + "; ".join(EVENT_TEXT[e["kind"]] for e in limits) + ".",
                "Cellene som ble ferdige, er rettet som vanlig. Se over poengene for hånd.", file=notebook))
    return found
