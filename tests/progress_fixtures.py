"""A course folder with a gradebook of any size, for the progress tests and the benchmark.

:func:`make_gradebook` creates the course's assignments with notebooks and
grade cells in a real nbgrader gradebook, the roster (through our own roster
table, as ``kursleder deltakere importer`` writes it) and, in bulk through
nbgrader's SQLAlchemy models, one submission per learner × assignment that
``plan`` asks for. One transaction, so 1,000 × 7 takes seconds, not minutes.

The exchange and the course folder are filled by the helpers below the way
nbgrader fills them (``outbound/<a>``, ``inbound/<id>+<a>+<timestamp>+<rand>``,
``submitted/<id>/<a>/``, ``feedback/<id>/<a>/<nb>.html``).
"""
from __future__ import annotations

import datetime as dt
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from grading.paths import ASSIGNMENTS, CourseLayout, layout

NBGRADER_TS = "%Y-%m-%d %H:%M:%S.%f UTC"


@dataclass(frozen=True)
class Sub:
    """One submission in the gradebook: its time, the scores per cell, and manual grading left."""

    timestamp: dt.datetime
    auto: float = 1.0  # score of the autograded cell (max 1)
    manual: float | None = 2.0  # score of the manual cell (max 3); None: waiting for manual grading


def write_config(root: Path, exchange: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'nyskapende-arbeidsgivere'\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.Exchange.path_includes_course = False\n", encoding="utf-8")


def make_gradebook(root: Path, learners: list[dict], plan: dict[tuple[str, str], Sub], *,
                   assignments: tuple[str, ...] = ASSIGNMENTS,
                   due: dict[str, dt.datetime] | None = None,
                   exchange: Path | None = None) -> CourseLayout:
    """A course folder ``root`` with gradebook, roster and the planned submissions.

    A learner with ``"roster": False`` is in the gradebook only (not in the roster); ``"malform": "nn"``
    makes her a nynorsk learner in the roster. ``assignments`` may hold nynorsk editions (``vage-nn``).
    """
    import sqlalchemy as sa
    from nbgrader.api import Grade, Student, SubmittedAssignment, SubmittedNotebook

    from grading._nbgrader import gradebook
    from grading.roster import metadata as roster_metadata, roster_table

    lay = layout(root)
    write_config(lay.root, exchange or lay.exchange)
    for path in (lay.source, lay.exchange if exchange is None else exchange):
        path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template(tuple(assignments)), lay.gradebook)
    with gradebook(lay.root) as gb:
        cells = {}
        for a in assignments:
            nb = gb.find_notebook(a, a)
            cells[a] = (nb, gb.find_grade_cell(f"{a}-test", a, a).id,
                        gb.find_grade_cell(f"{a}-svar", a, a).id)
            if (due or {}).get(a):
                gb.update_or_create_assignment(a, duedate=due[a])
        roster_metadata.create_all(bind=gb.engine)
        gb.db.add_all([Student(id=ln["id"], first_name=ln["navn"].split()[0],
                               last_name=ln["navn"].split()[-1]) for ln in learners])
        gb.db.flush()
        objects = []
        assignment_ids = {a.name: a.id for a in gb.assignments}
        for (sid, a), sub in plan.items():
            nb, auto_id, manual_id = cells[a]
            sa_ = SubmittedAssignment(assignment_id=assignment_ids[a], student_id=sid,
                                      timestamp=sub.timestamp)
            snb = SubmittedNotebook(notebook=nb, assignment=sa_)
            objects += [sa_, snb,
                        Grade(cell_id=auto_id, notebook=snb, auto_score=sub.auto,
                              needs_manual_grade=False),
                        Grade(cell_id=manual_id, notebook=snb, manual_score=sub.manual,
                              needs_manual_grade=sub.manual is None)]
        gb.db.add_all(objects)
        gb.db.commit()
        with gb.engine.begin() as conn:
            conn.execute(sa.delete(roster_table))
            if learners:
                conn.execute(sa.insert(roster_table), [
                    {"id": ln["id"], "navn": ln["navn"], "epost": ln.get("epost", ""),
                     "enhet": ln["enhet"], "malform": ln.get("malform", "nb")}
                    for ln in learners if ln.get("roster", True)])
    return lay


_TEMPLATES: dict[tuple[str, ...], Path] = {}


def _template(assignments: tuple[str, ...]) -> Path:
    """A gradebook with the assignments, notebooks and cells only, made once per process."""
    import atexit
    import tempfile

    from grading._nbgrader import gradebook
    from grading.roster import metadata as roster_metadata

    if assignments not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="kp-gradebook-"))
        atexit.register(shutil.rmtree, folder, True)
        write_config(folder, folder / "exchange")
        with gradebook(folder) as gb:
            for a in assignments:
                gb.update_or_create_assignment(a)
                gb.update_or_create_notebook(a, a)
                gb.update_or_create_grade_cell(f"{a}-test", a, a, max_score=1.0, cell_type="code")
                gb.update_or_create_grade_cell(f"{a}-svar", a, a, max_score=3.0,
                                               cell_type="markdown")
                gb.update_or_create_solution_cell(f"{a}-svar", a, a)
            roster_metadata.create_all(bind=gb.engine)
        _TEMPLATES[assignments] = folder / "gradebook.db"
    return _TEMPLATES[assignments]


def exchange_course(lay: CourseLayout) -> Path:
    from grading.progress_snapshot import exchange_root

    return exchange_root(lay) / "nyskapende-arbeidsgivere"


def release(lay: CourseLayout, assignment: str) -> Path:
    """What ``nbgrader release_assignment`` leaves in the exchange."""
    out = exchange_course(lay) / "outbound" / assignment
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{assignment}.ipynb").write_text("{}", encoding="utf-8")
    (exchange_course(lay) / "inbound").mkdir(parents=True, exist_ok=True)
    return out


def submit_to_exchange(lay: CourseLayout, student: str, assignment: str, when: dt.datetime) -> Path:
    """What ``nbgrader submit`` leaves in the exchange's inbound folder."""
    name = f"{student}+{assignment}+{when.strftime(NBGRADER_TS)}+{secrets.token_hex(4)}"
    dest = exchange_course(lay) / "inbound" / name
    dest.mkdir(parents=True)
    (dest / f"{assignment}.ipynb").write_text("{}", encoding="utf-8")
    (dest / "timestamp.txt").write_text(when.strftime(NBGRADER_TS), encoding="utf-8")
    return dest


def collect(lay: CourseLayout, student: str, assignment: str, when: dt.datetime) -> Path:
    """What ``nbgrader collect`` leaves in ``submitted/``."""
    dest = lay.submitted_dir(student, assignment)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / f"{assignment}.ipynb").write_text("{}", encoding="utf-8")
    (dest / "timestamp.txt").write_text(when.strftime(NBGRADER_TS), encoding="utf-8")
    return dest


def feedback(lay: CourseLayout, student: str, assignment: str, text: str = "Godt svar.") -> Path:
    """What ``kursleder tilbakemelding`` writes."""
    dest = lay.feedback_dir(student, assignment)
    dest.mkdir(parents=True, exist_ok=True)
    page = dest / f"{assignment}.html"
    page.write_text(f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
                    f'<title>Tilbakemelding</title></head><body><main><h1>Tilbakemelding på '
                    f'{assignment}</h1><p>{text}</p></main></body></html>', encoding="utf-8")
    return page


def big_cohort(n: int = 1000, units: int = 40, seed: int = 11) -> list[dict]:
    """``n`` learners in ``units`` units of uneven size (some below 5)."""
    import random

    rnd = random.Random(seed)
    weights = [rnd.choice((1, 2, 3, 8, 20, 40)) for _ in range(units)]
    out = []
    for i in range(n):
        unit = rnd.choices(range(units), weights)[0]
        out.append({"id": f"d{i:04d}", "navn": f"Deltaker Nummer{i:04d}",
                    "enhet": f"Enhet {unit:02d}", "epost": f"d{i:04d}@kommune.no"})
    return out


def big_plan(learners: list[dict], assignments: tuple[str, ...] = ASSIGNMENTS, seed: int = 3,
             start: dt.datetime = dt.datetime(2026, 11, 1, 12)) -> dict[tuple[str, str], Sub]:
    import random

    rnd = random.Random(seed)
    plan = {}
    for ln in learners:
        for k, a in enumerate(assignments):
            if rnd.random() < 0.85:
                plan[(ln["id"], a)] = Sub(start + dt.timedelta(days=7 * k, minutes=rnd.randint(0, 9000)),
                                          rnd.choice((0.0, 1.0)),
                                          None if rnd.random() < 0.1 else float(rnd.randint(0, 3)))
    return plan
