"""Fremdrift (progress): where one learner stands in the programme, for «Min side».

Reads a :class:`~grading.progress_snapshot.Snapshot` (the gradebook, the
course folder and the exchange, read in bulk by :mod:`grading.progress_snapshot`)
and says, per assignment, what state the learner is in and what to do next.
The course leader's overview is in :mod:`grading.progress_overview`.

States of one assignment for one learner (:data:`STATES`, in order):

=================  ==========================================================
``ikke_utdelt``    not yet released (no ``outbound/<oppgave>`` in the exchange)
``utdelt``         released, not fetched
``hentet``         fetched (the learner's folder for the assignment exists)
``levert``         submitted (exchange inbound, collected or in the gradebook)
``for_sent``       submitted after the deadline (``kursleder frist``)
``vurdert``        graded: in the gradebook with nothing waiting for manual grading
``tilbakemelding`` feedback ready (``feedback/<id>/<oppgave>/*.html``)
=================  ==========================================================

A submission graded but with answers still waiting for manual grading stays
``levert`` (or ``for_sent``) with ``waiting_manual=True``. ``late`` is kept
on every later state too. «Fetched» needs ``fetched_template`` (see
:mod:`grading.progress_snapshot`); without it, a learner goes from «utdelt»
to «levert».

Whether the kursbevis is earned uses the one completion rule
(:mod:`grading.completion`, data in ``data/fullforing.yaml``).

An assignment here is the chapter's (``vage``): the snapshot counts the nynorsk edition
(``vage-nn``) as it. The next step names the edition in the learner's målform from the roster
(:func:`grading.malform.oppgave_i`), which is what she fetches in JupyterLab.

The texts written here for «Min side» (the state labels, the next step, the rule) are in the målform
in force (:func:`fellesregler.sprak.med_sprak`, gettext domain ``hub``); the assignments' titles come
from the assignments' catalog (``oppgaver``) and the chapters' titles and the parts' captions from
the book's (:func:`programme_i`).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from fellesregler.sprak import N_, STANDARD, aktivt, gyldig, oversetter, oversettelse
from grading.completion import CompletionRule, is_completed, load_rule, rule_text
from grading.malform import DOMENE_OPPGAVER, oppgave_i
from grading.paths import ASSIGNMENTS, REPO_ROOT, CourseLayout
from grading.progress_snapshot import (ENV_FETCHED, Reader, Snapshot, Submission, exchange_root, later_of,
                                       read_snapshot)

#: Also read from here by «Min side» and the tests (their home is grading.progress_snapshot).
__all__ = ["ENV_FETCHED", "Reader", "Snapshot", "Submission", "exchange_root", "read_snapshot"]

NOT_RELEASED = "ikke_utdelt"
RELEASED = "utdelt"
FETCHED = "hentet"
SUBMITTED = "levert"
LATE = "for_sent"
GRADED = "vurdert"
FEEDBACK = "tilbakemelding"
STATES = (NOT_RELEASED, RELEASED, FETCHED, SUBMITTED, LATE, GRADED, FEEDBACK)

_ = oversetter("hub")

#: Short Norwegian label of each state (the pages add times, scores and links; shown through ``_()``).
STATE_LABELS = {
    NOT_RELEASED: N_("Ikke delt ut ennå"),
    RELEASED: N_("Delt ut – ikke hentet"),
    FETCHED: N_("Hentet – ikke levert"),
    SUBMITTED: N_("Levert"),
    LATE: N_("Levert for sent"),
    GRADED: N_("Vurdert"),
    FEEDBACK: N_("Tilbakemelding klar"),
}


# ---------------------------------------------------------------------------
# The programme in the book's order (_toc.yml)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Chapter:
    stem: str
    title: str
    assignment: str | None


@dataclass(frozen=True)
class Part:
    caption: str
    chapters: tuple[Chapter, ...]


_HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)


def _chapter_title(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return path.stem
    m = _HEADING.search(text)
    return m.group(1).strip() if m else path.stem


@functools.lru_cache(maxsize=4)
def _programme(toc_path: str, mtime_ns: int, owners: tuple[tuple[str, str], ...]
               ) -> tuple[Part, ...]:
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    base = Path(toc_path).parent
    owner = dict(owners)
    parts = []
    for part in toc.get("parts", []):
        chapters = []
        for entry in part.get("chapters", []):
            file = entry.get("file", "")
            stem = Path(file).name
            chapters.append(Chapter(stem, _chapter_title(base / f"{file}.md"), owner.get(stem)))
        parts.append(Part(str(part.get("caption", "")), tuple(chapters)))
    return tuple(parts)


def programme(assignments: tuple[str, ...] = ASSIGNMENTS, toc: Path = REPO_ROOT / "_toc.yml",
              rule: CompletionRule | None = None) -> tuple[Part, ...]:
    """Parts and chapters of the book in ``_toc.yml`` order, each chapter with its assignment."""
    rule = rule or load_rule()
    owners = tuple((rule.chapter_of(a), a) for a in assignments)
    return _programme(str(toc), toc.stat().st_mtime_ns, owners)


@functools.lru_cache(maxsize=4)
def _root_page(toc_path: str, mtime_ns: int) -> str:
    """The book's root page (``_toc.yml``'s ``root``), whose catalog has the parts' captions."""
    return Path(str(yaml.safe_load(Path(toc_path).read_text(encoding="utf-8")).get("root", ""))).name


def programme_i(parts: tuple[Part, ...], sprak: str | None = None, toc: Path = REPO_ROOT / "_toc.yml"
                ) -> tuple[Part, ...]:
    """The programme in a målform (default: in force): each chapter's title from its chapter's catalog
    (``chapters/<stem>``) and the parts' captions from the root page's, as the book's edition shows them."""
    sprak = gyldig(sprak or aktivt())
    if sprak == STANDARD:
        return parts
    captions = oversettelse(f"chapters/{_root_page(str(toc), toc.stat().st_mtime_ns)}", sprak).gettext
    return tuple(Part(captions(part.caption), tuple(
        Chapter(ch.stem, oversettelse(f"chapters/{ch.stem}", sprak).gettext(ch.title), ch.assignment)
        for ch in part.chapters)) for part in parts)


def _title(title: str) -> str:
    """An assignment's title (the heading of its bokmål notebook) in the målform in force."""
    return oversettelse(DOMENE_OPPGAVER, aktivt()).gettext(title)


# ---------------------------------------------------------------------------
# One learner
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AssignmentProgress:
    assignment: str
    title: str
    state: str
    due: dt.datetime | None
    submitted_at: dt.datetime | None
    late: bool
    overdue: bool  # deadline passed, nothing submitted
    score: float | None
    max_score: float | None
    waiting_manual: bool
    feedback: tuple[str, ...]
    completed: bool
    required: bool
    feedback_edition: str = ""  # the folder of the feedback: the assignment, or ``vage-nn``

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class NextStep:
    kind: str  # hent, lever, les, vent, kursbevis, les_boka, snakk
    text: str
    assignment: str | None = None


@dataclass(frozen=True)
class LearnerProgress:
    id: str
    navn: str
    enhet: str
    in_roster: bool
    items: tuple[AssignmentProgress, ...]
    earned: bool
    rule: str
    next_step: NextStep
    malform: str = STANDARD  # from the roster: the editions she fetches, the kursbevis' language

    def item(self, assignment: str) -> AssignmentProgress:
        return next(i for i in self.items if i.assignment == assignment)


def assignment_progress(snap: Snapshot, sid: str, a: str, required: set[str], rule: CompletionRule
                        ) -> AssignmentProgress:
    """The state of assignment ``a`` for learner ``sid`` (no I/O); ``required``: counts for the kursbevis."""
    sub = snap.gradebook.get((sid, a))
    submitted_at = later_of(later_of(snap.inbound.get((sid, a)), snap.collected.get((sid, a))),
                            sub.timestamp if sub else None)
    was_submitted = sub is not None or (sid, a) in snap.inbound or (sid, a) in snap.collected
    due = snap.due.get(a)
    if due is not None and sub is not None and sub.extension:
        due = due + sub.extension
    late = bool(was_submitted and due and submitted_at and submitted_at > due)
    overdue = bool(not was_submitted and due and snap.now > due)
    fb = tuple(snap.feedback.get((sid, a), ()))
    graded = sub is not None and not sub.needs_manual_grade
    if fb:
        state = FEEDBACK
    elif graded:
        state = GRADED
    elif was_submitted:
        state = LATE if late else SUBMITTED
    elif (sid, a) in snap.fetched:
        state = FETCHED
    elif a in snap.released:
        state = RELEASED
    else:
        state = NOT_RELEASED
    return AssignmentProgress(
        a, _title(snap.titles.get(a, a)), state, due, submitted_at, late, overdue,
        sub.score if graded else None, _number(sub.max_score if sub else snap.max_score.get(a)),
        bool(sub and sub.needs_manual_grade), fb,
        is_completed(sub is not None, bool(sub and sub.needs_manual_grade),
                     sub.score if sub else None, rule),
        a in required, snap.feedback_edition.get((sid, a), a))


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _next_step(items: list[AssignmentProgress], earned: bool, in_roster: bool,
               malform: str = STANDARD) -> NextStep:
    open_ = [i for i in items if i.state in (RELEASED, FETCHED)]
    if open_:
        # The nearest deadline first (overdue ones too), then the book's order.
        far = dt.datetime.max
        first = min(open_, key=lambda i: (i.due or far))
        frist = ""
        if first.due:
            from fellesregler.formatering import oslo_tid as fmt_time

            frist = " " + (_("Fristen gikk ut {tid}, men lever likevel.") if first.overdue
                           else _("Fristen er {tid}.")).format(tid=fmt_time(first.due))
        name = oppgave_i(first.assignment, malform)  # the edition she fetches: vage-nn in nynorsk
        shown = f"«{first.title}»" + (f" ({name})" if name != first.assignment else "")
        if first.state == RELEASED:
            return NextStep("hent", _("Hent oppgaven {oppgave} i JupyterLab: fanen «Assignments», "
                                      "knappen «Fetch».").format(oppgave=shown) + frist, name)
        return NextStep("lever", _("Skriv svarene i {oppgave} og lever: fanen «Assignments», "
                                   "knappen «Submit».").format(oppgave=shown) + frist, name)
    fb = [i for i in items if i.state == FEEDBACK and not i.completed and i.required]
    if fb:
        return NextStep("snakk", _("Les tilbakemeldingen på «{tittel}», og snakk med kursleder om hvordan "
                                   "du kan fullføre oppgaven.").format(tittel=fb[0].title), fb[0].assignment)
    if earned:
        return NextStep("kursbevis", _("Du har fullført kurset. Last ned kursbeviset ditt."))
    new_fb = [i for i in items if i.state == FEEDBACK]
    waiting = [i for i in items if i.state in (SUBMITTED, LATE)]
    if waiting:
        return NextStep("vent", _("Kursleder vurderer «{tittel}». Du får beskjed her når tilbakemeldingen "
                                  "er klar.").format(tittel=waiting[0].title), waiting[0].assignment)
    zero = [i for i in items if i.state == GRADED and not i.completed and i.required]
    if zero:
        return NextStep("snakk", _("«{tittel}» er vurdert, men ikke godkjent. Snakk med kursleder om "
                                   "hvordan du kan fullføre den.").format(tittel=zero[0].title), zero[0].assignment)
    if not in_roster and all(i.completed for i in items if i.required) and items:
        return NextStep("snakk", _("Du har fullført oppgavene, men står ikke i deltakerlisten. "
                                   "Be kursleder legge deg inn, så får du kursbevis."))
    if new_fb:
        return NextStep("les", _("Les tilbakemeldingen på «{tittel}».").format(tittel=new_fb[-1].title),
                        new_fb[-1].assignment)
    return NextStep("les_boka", _("Les neste kapittel i boka. Kursleder deler ut neste "
                                  "refleksjonsoppgave når det er tid for den."))


def learner_progress(snap: Snapshot, sid: str, rule: CompletionRule | None = None
                     ) -> LearnerProgress:
    """The progress of learner ``sid`` from a snapshot (no I/O)."""
    rule = rule or load_rule()
    info = snap.learners.get(sid) or {"navn": sid, "enhet": "", "in_roster": False}
    required = set(rule.required(snap.assignments))
    items = [assignment_progress(snap, sid, a, required, rule) for a in snap.assignments]
    all_done = bool(required) and all(
        i.completed for i in items if i.required) and required <= set(snap.assignments)
    earned = all_done and bool(info["in_roster"])
    malform = info.get("malform", STANDARD)
    return LearnerProgress(sid, info["navn"], info["enhet"], bool(info["in_roster"]), tuple(items),
                           earned, rule_text(snap.assignments, {a: _title(t) for a, t in snap.titles.items()}, rule),
                           _next_step(items, earned, bool(info["in_roster"]), malform), malform)


def progress_of(course: CourseLayout, student: str, *,
                fetched_template: str | Callable[[str, str], str] | None = None,
                now: dt.datetime | None = None, gb=None) -> LearnerProgress:
    """«Min side»: the progress of one learner, read with a snapshot of that learner only."""
    snap = read_snapshot(course, [student], fetched_template=fetched_template, now=now, gb=gb)
    return learner_progress(snap, student)


def all_progress(course: CourseLayout, *, fetched_template: str | Callable[[str, str], str] | None = None,
                 now: dt.datetime | None = None) -> dict[str, LearnerProgress]:
    """Every learner's progress from one snapshot (for exports and tests)."""
    rule = load_rule()
    snap = read_snapshot(course, None, fetched_template=fetched_template, now=now)
    return {sid: learner_progress(snap, sid, rule) for sid in snap.learners}
