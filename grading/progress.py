"""Fremdrift (progress): where each learner stands, and the course leader's overview.

One data path for «Min side», «Kursoversikt» and the CLI: the gradebook
(nbgrader's SQLAlchemy models, through :func:`grading._nbgrader.gradebook`),
the course folder (:mod:`grading.paths`) and the nbgrader exchange. A
:class:`Snapshot` is read in bulk (a few queries and directory listings, never
one query per learner), for one learner (``students=[id]``) or for everyone.

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
on every later state too.

«Fetched» is not recorded by nbgrader's exchange: fetching copies the files
into the learner's own folder. It is read from the learner's folder through
``fetched_template`` (for example ``/home/{student}/{assignment}``; the
reader needs only search permission on the home folder, never read
permission). Without a template, a learner goes from «utdelt» to «levert».

Whether the kursbevis is earned uses the one completion rule
(:mod:`grading.completion`, data in ``data/fullforing.yaml``). The course
overview applies the reports' privacy rules (at least 5 learners per unit,
and no working out a small unit by subtraction) through the one function
that holds them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from grading.completion import CompletionRule, is_completed, load_rule, rule_text
from grading.paths import ASSIGNMENTS, REPO_ROOT, CourseLayout
from grading.results import (NOT_IN_ROSTER, RESULT_COLUMNS, STATUS_DONE, STATUS_MANUAL, STATUS_NOT_GRADED,
                             STATUS_NOT_SUBMITTED, STATUS_ZERO, course_assignments, norwegian_sort_key,
                             privacy_rule, suppressed_groups)  # the at-least-5 and subtraction rules

NOT_RELEASED = "ikke_utdelt"
RELEASED = "utdelt"
FETCHED = "hentet"
SUBMITTED = "levert"
LATE = "for_sent"
GRADED = "vurdert"
FEEDBACK = "tilbakemelding"
STATES = (NOT_RELEASED, RELEASED, FETCHED, SUBMITTED, LATE, GRADED, FEEDBACK)

#: Short Norwegian label of each state (the pages add times, scores and links).
STATE_LABELS = {
    NOT_RELEASED: "Ikke delt ut ennå",
    RELEASED: "Delt ut – ikke hentet",
    FETCHED: "Hentet – ikke levert",
    SUBMITTED: "Levert",
    LATE: "Levert for sent",
    GRADED: "Vurdert",
    FEEDBACK: "Tilbakemelding klar",
}

#: Environment variable with the template for «fetched» (see the module docstring).
ENV_FETCHED = "KURSLEDER_HENTET_MAL"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@functools.lru_cache(maxsize=8)
def _exchange(root: str, config_mtime_ns: int, env: str | None) -> tuple[Path, str]:
    from grading._nbgrader import course_id, load_config

    configured = load_config(root).get("Exchange", {}).get("root")
    path = Path(configured) if isinstance(configured, str) and configured else Path(root) / "exchange"
    return path, course_id(root)


def _exchange_of(course: CourseLayout) -> tuple[Path, str]:
    """(exchange root, course id), read from the course's config once until it changes."""
    try:
        mtime = course.config.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _exchange(str(course.root), mtime, os.environ.get("KURSLEDER_EXCHANGE"))


def exchange_root(course: CourseLayout) -> Path:
    """The nbgrader exchange of the course: ``Exchange.root`` in its config, else ``exchange/``."""
    return _exchange_of(course)[0]


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


# ---------------------------------------------------------------------------
# Snapshot: everything read in bulk
# ---------------------------------------------------------------------------
@dataclass
class Submission:
    timestamp: dt.datetime | None
    score: float
    max_score: float
    needs_manual_grade: bool
    extension: dt.timedelta | None = None  # more time for this learner (nbgrader)


@dataclass
class Snapshot:
    """What the gradebook, the course folder and the exchange say, for some or all learners."""

    now: dt.datetime
    assignments: list[str]
    titles: dict[str, str]
    due: dict[str, dt.datetime | None]
    max_score: dict[str, float]
    released: set[str]
    learners: dict[str, dict]  # id -> {"navn", "enhet", "in_roster"}
    gradebook: dict[tuple[str, str], Submission] = field(default_factory=dict)
    collected: dict[tuple[str, str], dt.datetime | None] = field(default_factory=dict)
    inbound: dict[tuple[str, str], dt.datetime | None] = field(default_factory=dict)
    fetched: set[tuple[str, str]] = field(default_factory=set)
    feedback: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def _parse_ts(text: str) -> dt.datetime | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip())
    except Exception:  # unreadable timestamp: unknown time, still submitted
        return None


def _read_ts(path: Path) -> dt.datetime | None:
    try:
        return _parse_ts(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


@functools.lru_cache(maxsize=64)
def _title(root: str, assignment: str, mtime_ns: int) -> str:
    from grading.guide import assignment_title

    return assignment_title(root, assignment)


def _titles(course: CourseLayout, assignments: list[str]) -> dict[str, str]:
    out = {}
    for a in assignments:
        src = course.source_dir(a)
        try:
            mtime = max((p.stat().st_mtime_ns for p in src.glob("*.ipynb")), default=0)
        except OSError:
            mtime = 0
        out[a] = _title(str(course.root), a, mtime)
    return out


def _roster(course: CourseLayout, students: list[str] | None, gb=None) -> dict[str, dict]:
    """Roster rows as {id: {navn, enhet}}; one query, filtered when ``students`` is given."""
    import sqlalchemy as sa

    from grading.roster import load_roster, roster_table

    if gb is not None or course.gradebook.exists():
        engine = gb.engine if gb is not None else sa.create_engine(course.db_url)
        try:
            with engine.connect() as conn:
                if sa.inspect(conn).has_table(roster_table.name):
                    q = sa.select(roster_table.c.id, roster_table.c.navn, roster_table.c.enhet)
                    if students is not None:
                        q = q.where(roster_table.c.id.in_(students))
                    return {str(r.id): {"navn": str(r.navn), "enhet": str(r.enhet)}
                            for r in conn.execute(q)}
        finally:
            if gb is None:
                engine.dispose()
    df = load_roster(course.root)
    if students is not None:
        df = df[df["id"].isin(students)]
    return {str(r.id): {"navn": str(r.navn), "enhet": str(r.enhet)} for r in df.itertuples()}


def _submissions(gb, students: list[str] | None, max_score: dict[str, float]
                 ) -> dict[tuple[str, str], Submission]:
    """Every submission with its score, in three plain queries summed here.

    nbgrader's column properties (``SubmittedAssignment.score`` …) are one
    subquery per row, and a join on ``submitted_notebook.assignment_id`` or
    ``grade.notebook_id`` has no index in nbgrader's schema. For a few learners
    the notebooks and grades are found through the indexes nbgrader has
    (``(notebook_id, assignment_id)`` and ``(cell_id, notebook_id)``); for
    everyone, each table is read once.
    """
    from nbgrader.api import (Assignment, GradeCell, Grade, Notebook, SubmittedAssignment,
                              SubmittedNotebook, TaskCell)

    q = (gb.db.query(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name,
                     SubmittedAssignment.timestamp, SubmittedAssignment.extension)
         .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id))
    if students is not None:
        q = q.filter(SubmittedAssignment.student_id.in_(students))
    rows = q.all()
    if not rows:
        return {}
    notebooks = [i for (i,) in gb.db.query(Notebook.id)]
    cells = [i for (i,) in gb.db.query(GradeCell.id)] + [i for (i,) in gb.db.query(TaskCell.id)]
    nq = gb.db.query(SubmittedNotebook.id, SubmittedNotebook.assignment_id).filter(
        SubmittedNotebook.notebook_id.in_(notebooks))
    if students is not None:
        nq = nq.filter(SubmittedNotebook.assignment_id.in_([r[0] for r in rows]))
    owner = dict(nq.all())  # submitted notebook -> submitted assignment
    gq = gb.db.query(Grade.notebook_id, Grade.score, Grade.needs_manual_grade).filter(
        Grade.cell_id.in_(cells))
    if students is not None:
        gq = gq.filter(Grade.notebook_id.in_(list(owner)))
    score: dict[str, float] = {}
    manual: set[str] = set()
    for notebook_id, value, needs_manual in gq:
        sa_id = owner.get(notebook_id)
        if sa_id is None:
            continue
        score[sa_id] = score.get(sa_id, 0.0) + float(value or 0)
        if needs_manual:
            manual.add(sa_id)
    return {(sid, name): Submission(ts, score.get(sa_id, 0.0), max_score.get(name, 0.0),
                                    sa_id in manual, extension)
            for sa_id, sid, name, ts, extension in rows}


def read_snapshot(course: CourseLayout, students: list[str] | None = None, *,
                  fetched_template: str | None = None, now: dt.datetime | None = None,
                  gb=None, roster=None) -> Snapshot:
    """Read gradebook, course folder and exchange in bulk; ``students`` limits it to these ids.

    ``gb``: an open nbgrader ``Gradebook`` to read from (a long-running service keeps one, see
    :class:`Reader`); by default the course's gradebook is opened for this read. ``roster``: a
    roster DataFrame to use instead of the one in the gradebook (columns ``id, navn, enhet``).
    """
    from nbgrader.api import Assignment, Student

    from grading._nbgrader import gradebook

    now = now or _utcnow()
    if gb is None:
        from grading._nbgrader import check_gradebook

        check_gradebook(course.root)  # a damaged file: a clear message, and nothing read or written
    if roster is not None:
        rows = roster if students is None else roster[roster["id"].isin(students)]
        people = {str(r.id): {"navn": str(r.navn), "enhet": str(r.enhet)} for r in rows.itertuples()}
    else:
        people = _roster(course, students, gb)
    learners = {sid: {**info, "in_roster": True} for sid, info in people.items()}
    due: dict[str, dt.datetime | None] = {}
    max_score: dict[str, float] = {}
    subs: dict[tuple[str, str], Submission] = {}
    if gb is not None or course.gradebook.exists():
        with (contextlib.nullcontext(gb) if gb is not None else gradebook(course.root)) as gb:
            gb.db.rollback()  # a long-lived reader: see what was committed since the last read
            for name, duedate, mx in gb.db.query(Assignment.name, Assignment.duedate,
                                                 Assignment.max_score):
                due[name] = duedate
                max_score[name] = float(mx or 0)
            q = gb.db.query(Student.id, Student.first_name, Student.last_name)
            if students is not None:
                q = q.filter(Student.id.in_(students))
            for sid, first, last in q:
                if sid not in learners:
                    learners[sid] = {"navn": " ".join(p for p in (first, last) if p) or sid,
                                     "enhet": NOT_IN_ROSTER, "in_roster": False}
            subs = _submissions(gb, students, max_score)
    assignments = course_assignments(course.root, set(due))
    for a in assignments:
        due.setdefault(a, None)
        max_score.setdefault(a, float("nan"))  # only a source folder: not in the gradebook yet
    if students is not None:  # a learner who logs in before being in the roster or gradebook
        for sid in students:
            learners.setdefault(sid, {"navn": sid, "enhet": NOT_IN_ROSTER, "in_roster": False})

    wanted = set(learners)
    root, cid = _exchange_of(course)
    exch = root / cid
    released = {a for a in assignments if (exch / "outbound" / a).is_dir()}
    inbound: dict[tuple[str, str], dt.datetime | None] = {}
    try:
        entries = os.scandir(exch / "inbound")
    except OSError:
        entries = None
    if entries is not None:
        prefix = f"{students[0]}+" if students is not None and len(students) == 1 else ""
        with entries:
            for entry in entries:
                if prefix and not entry.name.startswith(prefix):
                    continue
                parts = entry.name.split("+")
                if len(parts) < 3 or parts[0] not in wanted:
                    continue
                key = (parts[0], parts[1])
                inbound[key] = _later(inbound.get(key), _parse_ts(parts[2]))

    collected: dict[tuple[str, str], dt.datetime | None] = {}
    feedback: dict[tuple[str, str], list[str]] = {}
    fetched: set[tuple[str, str]] = set()
    template = fetched_template if fetched_template is not None else os.environ.get(ENV_FETCHED)
    ids = sorted(wanted) if students is not None else None
    for a in assignments:
        for base, sink in ((course.submitted, "s"), (course.feedback, "f")):
            if ids is not None:
                dirs = [base / sid / a for sid in ids]
            else:
                dirs = list(base.glob(f"*/{a}")) if base.is_dir() else []
            for d in dirs:
                sid = d.parent.name
                if sid not in wanted:
                    continue
                try:
                    names = sorted(os.listdir(d))
                except OSError:
                    continue
                if sink == "s":
                    if any(n.endswith(".ipynb") for n in names):
                        collected[(sid, a)] = _read_ts(d / "timestamp.txt")
                else:
                    html = [n for n in names if n.endswith(".html")]
                    if html:
                        feedback[(sid, a)] = html
        if template:
            for sid in wanted:
                if os.path.isdir(template.format(student=sid, assignment=a)):
                    fetched.add((sid, a))
    return Snapshot(now, assignments, _titles(course, assignments), due, max_score, released,
                    learners, subs, collected, inbound, fetched, feedback)


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

    def item(self, assignment: str) -> AssignmentProgress:
        return next(i for i in self.items if i.assignment == assignment)


def _item(snap: Snapshot, sid: str, a: str, required: set[str], rule: CompletionRule
          ) -> AssignmentProgress:
    sub = snap.gradebook.get((sid, a))
    submitted_at = _later(_later(snap.inbound.get((sid, a)), snap.collected.get((sid, a))),
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
        a, snap.titles.get(a, a), state, due, submitted_at, late, overdue,
        sub.score if graded else None, _number(sub.max_score if sub else snap.max_score.get(a)),
        bool(sub and sub.needs_manual_grade), fb,
        is_completed(sub is not None, bool(sub and sub.needs_manual_grade),
                     sub.score if sub else None, rule),
        a in required)


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _next_step(items: list[AssignmentProgress], earned: bool, in_roster: bool) -> NextStep:
    open_ = [i for i in items if i.state in (RELEASED, FETCHED)]
    if open_:
        # The nearest deadline first (overdue ones too), then the book's order.
        far = dt.datetime.max
        first = min(open_, key=lambda i: (i.due or far))
        frist = ""
        if first.due:
            from fellesregler.formatering import oslo_tid as fmt_time

            frist = (f" Fristen gikk ut {fmt_time(first.due)}, men lever likevel." if first.overdue
                     else f" Fristen er {fmt_time(first.due)}.")
        if first.state == RELEASED:
            return NextStep("hent", f"Hent oppgaven «{first.title}» i JupyterLab: fanen "
                                    f"«Assignments», knappen «Fetch».{frist}", first.assignment)
        return NextStep("lever", f"Skriv svarene i «{first.title}» og lever: fanen «Assignments», "
                                 f"knappen «Submit».{frist}", first.assignment)
    fb = [i for i in items if i.state == FEEDBACK and not i.completed and i.required]
    if fb:
        return NextStep("snakk", f"Les tilbakemeldingen på «{fb[0].title}», og snakk med "
                                 "kursleder om hvordan du kan fullføre oppgaven.", fb[0].assignment)
    if earned:
        return NextStep("kursbevis", "Du har fullført kurset. Last ned kursbeviset ditt.")
    new_fb = [i for i in items if i.state == FEEDBACK]
    waiting = [i for i in items if i.state in (SUBMITTED, LATE)]
    if waiting:
        return NextStep("vent", f"Kursleder vurderer «{waiting[0].title}». Du får beskjed her "
                                "når tilbakemeldingen er klar.", waiting[0].assignment)
    zero = [i for i in items if i.state == GRADED and not i.completed and i.required]
    if zero:
        return NextStep("snakk", f"«{zero[0].title}» er vurdert, men ikke godkjent. Snakk med "
                                 "kursleder om hvordan du kan fullføre den.", zero[0].assignment)
    if not in_roster and all(i.completed for i in items if i.required) and items:
        return NextStep("snakk", "Du har fullført oppgavene, men står ikke i deltakerlisten. "
                                 "Be kursleder legge deg inn, så får du kursbevis.")
    if new_fb:
        return NextStep("les", f"Les tilbakemeldingen på «{new_fb[-1].title}».", new_fb[-1].assignment)
    return NextStep("les_boka", "Les neste kapittel i boka. Kursleder deler ut neste "
                                "refleksjonsoppgave når det er tid for den.")


def learner_progress(snap: Snapshot, sid: str, rule: CompletionRule | None = None
                     ) -> LearnerProgress:
    """The progress of learner ``sid`` from a snapshot (no I/O)."""
    rule = rule or load_rule()
    info = snap.learners.get(sid) or {"navn": sid, "enhet": "", "in_roster": False}
    required = set(rule.required(snap.assignments))
    items = [_item(snap, sid, a, required, rule) for a in snap.assignments]
    all_done = bool(required) and all(
        i.completed for i in items if i.required) and required <= set(snap.assignments)
    earned = all_done and bool(info["in_roster"])
    return LearnerProgress(sid, info["navn"], info["enhet"], bool(info["in_roster"]), tuple(items),
                           earned, rule_text(snap.assignments, snap.titles, rule),
                           _next_step(items, earned, bool(info["in_roster"])))


def progress_of(course: CourseLayout, student: str, *, fetched_template: str | None = None,
                now: dt.datetime | None = None, gb=None) -> LearnerProgress:
    """«Min side»: the progress of one learner, read with a snapshot of that learner only."""
    snap = read_snapshot(course, [student], fetched_template=fetched_template, now=now, gb=gb)
    return learner_progress(snap, student)


class Reader:
    """One open gradebook for a long-running service (the hub pages), reopened when needed.

    ``with reader() as gb`` gives the open nbgrader ``Gradebook``. The damage check of
    :func:`grading._nbgrader.check_gradebook` runs first on every use (it is cheap unless
    the file changed); any error closes the gradebook, so the next use opens it again.
    """

    def __init__(self, course: CourseLayout):
        self.course = course
        self._stack: contextlib.ExitStack | None = None
        self._gb = None

    @contextlib.contextmanager
    def __call__(self):
        from grading._nbgrader import check_gradebook, gradebook

        check_gradebook(self.course.root)
        if self._gb is None:
            stack = contextlib.ExitStack()
            self._gb = stack.enter_context(gradebook(self.course.root))
            self._stack = stack
        try:
            yield self._gb
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack, self._gb = None, None


# ---------------------------------------------------------------------------
# The course leader's overview
# ---------------------------------------------------------------------------
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
    snap = snapshot or read_snapshot(course, None, now=now, gb=gb)
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
            item = _item(snap, sid, a, set(), rule)
            person = {"id": sid, "navn": info["navn"], "enhet": info["enhet"]}
            if item.overdue:
                absent.append(person)
            elif item.late:
                late.append({**person, "submitted_at": item.submitted_at})
        missing.append(Missing(a, snap.titles.get(a, a), due, tuple(absent), tuple(late)))
    return CourseOverview(tuple(snap.assignments), snap.titles, groups, min_group, tuple(queue),
                          tuple(missing), len(snap.learners))


def all_progress(course: CourseLayout, *, fetched_template: str | None = None,
                 now: dt.datetime | None = None) -> dict[str, LearnerProgress]:
    """Every learner's progress from one snapshot (for exports and tests)."""
    rule = load_rule()
    snap = read_snapshot(course, None, fetched_template=fetched_template, now=now)
    return {sid: learner_progress(snap, sid, rule) for sid in snap.learners}
