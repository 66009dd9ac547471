"""Layout of the nbgrader course folder used by the course leader's toolkit.

Everything lives under one course folder (by default ``exercises/`` in the
repository, or the folder in the environment variable ``KURSLEDER_KURSMAPPE``):

=========================  ===================================================
``nbgrader_config.py``     nbgrader configuration (course id, stubs, …)
``gradebook.db``           nbgrader's gradebook (SQLite); also holds our table
                           ``kursleder_deltakere`` (the roster with units)
``deltakere.csv``          readable copy of the roster (id, navn, epost, enhet)
``source/<a>/``            assignment sources (instructor versions)
``release/<a>/``           released student versions (nbgrader)
``submitted/<id>/<a>/``    collected submissions (nbgrader)
``autograded/<id>/<a>/``   autograded submissions (nbgrader)
``feedback/<id>/<a>/``     feedback HTML (nbgrader)
``exchange/``              default nbgrader exchange (shared server)
``utdeling/``              zip/folder releases for organisations without a server
``arkiv/<a>/<id>/<ts>/``   byte-for-byte copies of every original submission
``rapporter/``             reports for the course leader (anomalies, results …)
=========================  ===================================================

All of these (except sources and the config) hold personal data or outputs
and must never be committed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Jinja templates of the pages the toolkit writes (feedback, guide, reports) and the nbconvert template.
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The seven assignments of the course, in teaching order.
ASSIGNMENTS: tuple[str, ...] = (
    "vage",
    "lede",
    "laere",
    "mobilisere",
    "samhandle",
    "arbeidsgiverpolitikk",
    "handlingsplan",
)

ENV_COURSE_DIR = "KURSLEDER_KURSMAPPE"
ROSTER_TABLE = "kursleder_deltakere"


def default_course_dir() -> Path:
    """The course folder: ``$KURSLEDER_KURSMAPPE`` or ``<repo>/exercises``."""
    env = os.environ.get(ENV_COURSE_DIR)
    return Path(env).resolve() if env else REPO_ROOT / "exercises"


@dataclass(frozen=True)
class CourseLayout:
    """Paths of one course folder: the only place they are spelled. Build it with :func:`layout`."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"

    @property
    def roster_csv(self) -> Path:
        return self.root / "deltakere.csv"

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def utdeling(self) -> Path:
        return self.root / "utdeling"

    @property
    def arkiv(self) -> Path:
        return self.root / "arkiv"

    @property
    def rapporter(self) -> Path:
        return self.root / "rapporter"

    # -- per assignment / learner -------------------------------------
    def source_dir(self, assignment: str) -> Path:
        return self.source / assignment

    def release_dir(self, assignment: str) -> Path:
        return self.release / assignment

    def submitted_dir(self, student: str, assignment: str) -> Path:
        return self.submitted / student / assignment

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.autograded / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.feedback / student / assignment

    def archive_dir(self, assignment: str, student: str) -> Path:
        return self.arkiv / assignment / student

    def anomaly_report(self, assignment: str, suffix: str = "html") -> Path:
        return self.rapporter / f"avvik-{assignment}.{suffix}"

    def collect_log(self, assignment: str) -> Path:
        """The collection log of an assignment (``arkiv/<a>/innsamling.jsonl``)."""
        return self.arkiv / assignment / "innsamling.jsonl"


#: What the toolkit's functions take as the course: its layout, or the folder's path.
Course = CourseLayout | Path | str


def layout(course_dir: Course | None = None) -> CourseLayout:
    """The one constructor of a :class:`CourseLayout`: for ``course_dir`` (default
    :func:`default_course_dir`). A layout passed in is returned as it is, so a caller that has
    one (the CLI builds it once) hands it on and nothing is built again."""
    if isinstance(course_dir, CourseLayout):
        return course_dir
    root = Path(course_dir).resolve() if course_dir is not None else default_course_dir()
    return CourseLayout(root)
