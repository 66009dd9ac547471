"""Roster (deltakerliste): import learners from an HR CSV export.

The roster is stored in two places, written together:

* the nbgrader gradebook (``gradebook.db``): one ``Student`` per learner with
  first name, last name and e-mail, so formgrader and nbgrader know them;
* our own table ``kursleder_deltakere`` in the same database (id, navn, epost,
  enhet), in the same SQL transaction, plus a readable copy ``deltakere.csv``.

An import is all-or-nothing: the whole file is validated first, and every
problem is reported with its line number. Only a clean file is written, in one
transaction.

Use :func:`load_roster` to read the roster (columns ``id``, ``navn``,
``epost``, ``enhet``, ``malform``).

The optional column ``målform`` (also ``malform``, ``språk``) says whether a learner reads the
course in bokmål or nynorsk (``bokmål``/``nb`` or ``nynorsk``/``nn``; empty: bokmål). It decides
the language of the learner's kursbevis (:mod:`grading.malform`). A file without the column leaves
the målform of learners already in the roster as it was.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from fellesregler.escaping import csv_safe, csv_unsafe
from fellesregler.sprak import STANDARD, gyldig
from grading.roster_csv import COLUMNS, Problem, RosterError, parse_roster
from grading.paths import ROSTER_TABLE, Course, layout

metadata = sa.MetaData()
roster_table = sa.Table(
    ROSTER_TABLE,
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("navn", sa.String(256), nullable=False),
    sa.Column("epost", sa.String(256), nullable=False, default=""),
    sa.Column("enhet", sa.String(256), nullable=False),
    sa.Column("malform", sa.String(8), nullable=False, server_default=STANDARD),
)


@dataclass
class ImportResult:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    not_in_file: list[str]  # already in the roster, absent from this file (kept)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        text = (f"Importerte {self.total} deltakere: {len(self.added)} nye, "
                f"{len(self.updated)} endret, {len(self.unchanged)} uendret.")
        if self.not_in_file:
            text += (f" {len(self.not_in_file)} deltaker(e) fra før står ikke i filen og er beholdt: "
                     + ", ".join(self.not_in_file) + ".")
        return text




# --------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------
def import_roster(course_dir: Course, csv_path: Path | str | None = None, *,
                  data: bytes | None = None, encoding: str | None = None,
                  names_in_gradebook: bool = True) -> ImportResult:
    """Validate and import a roster file, all-or-nothing.

    The nbgrader students and our roster table are written in ONE database
    transaction; ``deltakere.csv`` is replaced atomically afterwards from the
    committed table. Any problem raises :class:`RosterError` and writes nothing.

    ``names_in_gradebook=False`` keeps names out of nbgrader's gradebook (and so
    out of formgrader): they are stored only in our roster table.
    """
    from nbgrader.api import Student

    from grading._nbgrader import gradebook

    lay = layout(course_dir)
    if data is None:
        if csv_path is None:
            raise ValueError("csv_path or data is required")
        try:
            data = Path(csv_path).read_bytes()
        except OSError as exc:
            raise RosterError([Problem(0, f"Kan ikke lese filen {csv_path}: {exc.strerror}.")])
    learners = parse_roster(data, encoding)

    lay.root.mkdir(parents=True, exist_ok=True)
    with gradebook(lay) as gb:
        session = gb.db
        metadata.create_all(bind=gb.engine)
        add_missing_columns(gb.engine)
        try:
            existing = {r.id: r for r in session.execute(sa.select(roster_table)).all()}
            added, updated, unchanged = [], [], []
            for ln in learners:
                first, last = ln.first_last if names_in_gradebook else (None, None)
                email = ln.epost if names_in_gradebook else None
                student = session.get(Student, ln.id)
                if student is None:
                    session.add(Student(id=ln.id, first_name=first, last_name=last, email=email))
                else:
                    student.first_name, student.last_name, student.email = first, last, email
                old = existing.get(ln.id)
                malform = ln.malform or (old.malform if old is not None else STANDARD)
                values = dict(navn=ln.navn, epost=ln.epost, enhet=ln.enhet, malform=malform)
                if old is None:
                    session.execute(sa.insert(roster_table).values(id=ln.id, **values))
                    added.append(ln.id)
                elif (old.navn, old.epost, old.enhet, old.malform) != (ln.navn, ln.epost, ln.enhet, malform):
                    session.execute(sa.update(roster_table).where(roster_table.c.id == ln.id).values(**values))
                    updated.append(ln.id)
                else:
                    unchanged.append(ln.id)
            session.commit()
        except Exception:
            session.rollback()
            raise
        ids = {ln.id for ln in learners}
        not_in_file = sorted(set(existing) - ids)
    write_roster_csv(lay)
    return ImportResult(added, updated, unchanged, not_in_file)


def add_missing_columns(engine) -> None:
    """Add the columns a roster table made by an older version lacks (``malform``: bokmål)."""
    with engine.begin() as conn:
        insp = sa.inspect(conn)
        if not insp.has_table(ROSTER_TABLE):
            return
        have = {c["name"] for c in insp.get_columns(ROSTER_TABLE)}
        if "malform" not in have:
            conn.execute(sa.text(f"ALTER TABLE {ROSTER_TABLE} ADD COLUMN malform VARCHAR(8) "
                                 f"NOT NULL DEFAULT '{STANDARD}'"))


def _read_table(course_dir: Course) -> pd.DataFrame | None:
    from grading._nbgrader import check_gradebook

    lay = layout(course_dir)
    if not lay.gradebook.exists():
        return None
    check_gradebook(lay)  # a damaged gradebook: a clear message, not SQLAlchemy's
    engine = sa.create_engine(lay.db_url)
    try:
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            if not insp.has_table(ROSTER_TABLE):
                return None
            have = {c["name"] for c in insp.get_columns(ROSTER_TABLE)}
            # A table from before the målform column: read what is there (bokmål for everyone).
            cols = [roster_table.c[c] if c in have else sa.literal(STANDARD).label(c) for c in COLUMNS]
            rows = conn.execute(sa.select(*cols).order_by(roster_table.c.id)).all()
    finally:
        engine.dispose()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(COLUMNS), dtype="string")


def write_roster_csv(course_dir: Course) -> Path:
    """Write ``deltakere.csv`` (UTF-8, comma) from the roster table, atomically."""
    lay = layout(course_dir)
    df = _read_table(lay)
    if df is None:
        df = pd.DataFrame(columns=list(COLUMNS), dtype="string")
    df = df.map(csv_safe)  # a name such as «=HYPERLINK(…)» must not run in Excel
    fd, tmp = tempfile.mkstemp(dir=lay.root, prefix=".deltakere-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            df.to_csv(fh, index=False)
        os.chmod(tmp, 0o600)  # personal data
        os.replace(tmp, lay.roster_csv)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return lay.roster_csv


def load_roster(course_dir: Course | None = None) -> pd.DataFrame:
    """Return the roster as a DataFrame with string columns id, navn, epost, enhet.

    Reads the table in the gradebook; falls back to ``deltakere.csv``. An empty
    DataFrame (same columns) means no roster has been imported yet.
    """
    lay = layout(course_dir)
    df = _read_table(lay)
    if df is not None:
        return df
    if lay.roster_csv.exists():
        df = pd.read_csv(lay.roster_csv, dtype="string", keep_default_na=False)
        if "malform" not in df.columns:  # a copy from before the målform column
            df["malform"] = STANDARD
        df = df[list(COLUMNS)].map(csv_unsafe).astype("string")
        return df.sort_values("id", ignore_index=True)
    return pd.DataFrame(columns=list(COLUMNS), dtype="string")


def malform_of(roster: pd.DataFrame, learner_id: str) -> str:
    """A learner's målform (``nb`` or ``nn``) from a roster of :func:`load_roster`; bokmål if unknown."""
    if "malform" not in roster.columns:
        return STANDARD
    hit = roster.loc[roster["id"] == learner_id, "malform"]
    return gyldig(str(hit.iloc[0])) if len(hit) else STANDARD


def roster_ids(course_dir: Course | None = None) -> set[str]:
    return set(load_roster(course_dir)["id"].tolist())
