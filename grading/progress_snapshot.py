"""The data behind «Min side», «Kursoversikt» and the reports, read in bulk: a :class:`Snapshot`.

One data path for the hub pages and the CLI: the gradebook (nbgrader's
SQLAlchemy models, through :func:`grading._nbgrader.gradebook`), the course
folder (:mod:`grading.paths`) and the nbgrader exchange. A snapshot is read in
a few queries and directory listings, never one query per learner, for one
learner (``students=[id]``) or for everyone. What the figures mean is decided
elsewhere: the states of one learner in :mod:`grading.progress`, the course
leader's overview in :mod:`grading.progress_overview`.

«Fetched» is not recorded by nbgrader's exchange: fetching copies the files
into the learner's own folder. It is read from the learner's folder through
``fetched_template`` (for example ``/home/{student}/{assignment}``, or a
function of learner and assignment; the reader needs only search permission
on the home folder, never read permission). Without a template, nothing is
fetched.

Målform: a snapshot is keyed by the chapter's assignment. A submission, release, fetch or
feedback of the nynorsk edition (``vage-nn``) counts as one of ``vage``
(:func:`grading.malform.kapitteloppgave`, the one mapping); when a learner submitted both
editions, the better result counts (fully graded first, then the score, then the later one).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grading.malform import kapitteloppgave, utgaver
from grading.paths import CourseLayout
from grading.results import NOT_IN_ROSTER, course_assignments

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
# Snapshot: everything read in bulk
# ---------------------------------------------------------------------------
@dataclass
class Submission:
    timestamp: dt.datetime | None
    score: float
    max_score: float
    needs_manual_grade: bool
    extension: dt.timedelta | None = None  # more time for this learner (nbgrader)
    edition: str = ""  # the assignment submitted (``vage`` or ``vage-nn``); "" when not known


def _rank(sub: Submission) -> tuple:
    """Which of a learner's two editions of a chapter counts: fully graded, higher score, later."""
    return (not sub.needs_manual_grade, sub.score, sub.timestamp or dt.datetime.min)


def better(a: Submission | None, b: Submission) -> Submission:
    return b if a is None or _rank(b) > _rank(a) else a


@dataclass
class Snapshot:
    """What the gradebook, the course folder and the exchange say, for some or all learners."""

    now: dt.datetime
    assignments: list[str]
    titles: dict[str, str]
    due: dict[str, dt.datetime | None]
    max_score: dict[str, float]
    released: set[str]
    learners: dict[str, dict]  # id -> {"navn", "enhet", "in_roster", "malform"}
    gradebook: dict[tuple[str, str], Submission] = field(default_factory=dict)
    collected: dict[tuple[str, str], dt.datetime | None] = field(default_factory=dict)
    inbound: dict[tuple[str, str], dt.datetime | None] = field(default_factory=dict)
    fetched: set[tuple[str, str]] = field(default_factory=set)
    feedback: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: The edition whose feedback folder holds ``feedback[key]`` (``vage-nn`` for a nynorsk one).
    feedback_edition: dict[tuple[str, str], str] = field(default_factory=dict)


def _parse_ts(text: str) -> dt.datetime | None:
    """A time nbgrader wrote (``2026-11-01 12:00:00.000000 UTC``) as naive UTC, like ``parse_utc``."""
    from nbgrader.utils import parse_utc

    text = text.strip()
    if text.endswith(" UTC"):  # nbgrader's own format: read without dateutil (50 times faster)
        try:
            return dt.datetime.fromisoformat(text[:-4])
        except ValueError:
            pass
    try:
        return parse_utc(text)
    except Exception:  # unreadable timestamp: unknown time, still submitted
        return None


def _read_ts(path: Path) -> dt.datetime | None:
    try:
        return _parse_ts(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def later_of(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
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
    """Roster rows as {id: {navn, enhet, malform}}; one query, filtered when ``students`` is given."""
    import sqlalchemy as sa

    from fellesregler.sprak import STANDARD, gyldig
    from grading.roster import load_roster, roster_table

    if gb is not None or course.gradebook.exists():
        engine = gb.engine if gb is not None else sa.create_engine(course.db_url)
        try:
            with engine.connect() as conn:
                if sa.inspect(conn).has_table(roster_table.name):
                    columns = {c["name"] for c in sa.inspect(conn).get_columns(roster_table.name)}
                    t = roster_table.c
                    malform = t.malform if "malform" in columns else sa.literal(STANDARD)
                    q = sa.select(t.id, t.navn, t.enhet, malform.label("malform"))
                    if students is not None:
                        q = q.where(t.id.in_(students))
                    return {str(r.id): {"navn": str(r.navn), "enhet": str(r.enhet),
                                        "malform": gyldig(str(r.malform or STANDARD))}
                            for r in conn.execute(q)}
        finally:
            if gb is None:
                engine.dispose()
    df = load_roster(course.root)
    if students is not None:
        df = df[df["id"].isin(students)]
    return _people(df)


def _people(df) -> dict[str, dict]:
    from grading.roster import malform_of

    return {str(r.id): {"navn": str(r.navn), "enhet": str(r.enhet), "malform": malform_of(df, r.id)}
            for r in df.itertuples()}


def _submissions(gb, students: list[str] | None, max_score: dict[str, float]
                 ) -> dict[tuple[str, str], Submission]:
    """Every submission with its score, in three plain queries summed here, keyed by chapter.

    A submission of ``vage-nn`` is keyed ``(id, "vage")``; of two editions, :func:`better` counts.

    nbgrader's column properties (``SubmittedAssignment.score`` …) are one
    subquery per row, and a join on ``submitted_notebook.assignment_id`` or
    ``grade.notebook_id`` has no index in nbgrader's schema. For a few learners
    the notebooks and grades are found through the indexes nbgrader has
    (``(notebook_id, assignment_id)`` and ``(cell_id, notebook_id)``); for
    everyone, each table is read once.
    """
    from nbgrader.api import (Assignment, GradeCell, Grade, Notebook, SubmittedAssignment,
                              SubmittedNotebook, TaskCell)
    import sqlalchemy as sa

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
    # Summed per submitted notebook in SQLite: one row per notebook instead of one per grade.
    gq = gb.db.query(Grade.notebook_id, sa.func.sum(Grade.score), sa.func.max(Grade.needs_manual_grade)
                     ).filter(Grade.cell_id.in_(cells))
    if students is not None:
        gq = gq.filter(Grade.notebook_id.in_(list(owner)))
    score: dict[str, float] = {}
    manual: set[str] = set()
    for notebook_id, value, needs_manual in gq.group_by(Grade.notebook_id):
        sa_id = owner.get(notebook_id)
        if sa_id is None:
            continue
        score[sa_id] = score.get(sa_id, 0.0) + float(value or 0)
        if needs_manual:
            manual.add(sa_id)
    out: dict[tuple[str, str], Submission] = {}
    for sa_id, sid, name, ts, extension in rows:
        key = (sid, kapitteloppgave(name))
        out[key] = better(out.get(key), Submission(ts, score.get(sa_id, 0.0), max_score.get(name, 0.0),
                                                   sa_id in manual, extension, name))
    return out


def _listdir(path: Path | str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _assignment_folders(base: Path, ids: list[str] | None, assignments: set[str]):
    """(learner, assignment, file names) of every ``base/<id>/<assignment>/`` folder.

    ``ids``: only these learners (one listing each); None: every learner folder in ``base``.
    """
    for sid in ids if ids is not None else _listdir(base):
        for a in _listdir(base / sid):
            if a in assignments:
                names = _listdir(base / sid / a)
                if names:
                    yield sid, a, names


def read_snapshot(course: CourseLayout, students: list[str] | None = None, *,
                  fetched_template: str | Callable[[str, str], str] | None = None,
                  now: dt.datetime | None = None,
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
        people = _people(rows)
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
            for name, duedate in list(due.items()):  # a chapter without its own deadline: its edition's
                chapter = kapitteloppgave(name)
                max_score.setdefault(chapter, max_score[name])
                if duedate is not None and due.get(chapter) is None:
                    due[chapter] = duedate
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
    released = {a for a in assignments if any((exch / "outbound" / e).is_dir() for e in utgaver((a,)))}
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
                key = (parts[0], kapitteloppgave(parts[1]))
                inbound[key] = later_of(inbound.get(key), _parse_ts(parts[2]))

    collected: dict[tuple[str, str], dt.datetime | None] = {}
    feedback: dict[tuple[str, str], list[str]] = {}
    feedback_edition: dict[tuple[str, str], str] = {}
    fetched: set[tuple[str, str]] = set()
    template = fetched_template if fetched_template is not None else os.environ.get(ENV_FETCHED)
    for base, sink in ((course.submitted, collected), (course.feedback, feedback)):
        for sid, a, names in _assignment_folders(base, sorted(wanted) if students is not None else None,
                                                 set(utgaver(tuple(assignments)))):
            if sid not in wanted:
                continue
            key = (sid, kapitteloppgave(a))
            if sink is collected:
                if any(n.endswith(".ipynb") for n in names):
                    ts = _read_ts(base / sid / a / "timestamp.txt")
                    collected[key] = later_of(collected[key], ts) if key in collected else ts
            else:
                html = sorted(n for n in names if n.endswith(".html"))
                sub = subs.get(key)
                # Both editions have feedback: the one of the submission that counts.
                if html and (key not in feedback or (sub is not None and sub.edition == a)):
                    feedback[key], feedback_edition[key] = html, a
    if template:
        path = template if callable(template) else (
            lambda sid, a: template.format(student=sid, assignment=a))
        for a in assignments:
            for sid in wanted:
                for edition in utgaver((a,)):
                    folder = path(sid, edition)
                    if folder and os.path.isdir(folder):
                        fetched.add((sid, a))
                        break
    return Snapshot(now, assignments, _titles(course, assignments), due, max_score, released,
                    learners, subs, collected, inbound, fetched, feedback, feedback_edition)


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

