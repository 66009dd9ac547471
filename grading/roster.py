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
``epost``, ``enhet``).
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from fellesregler.escaping import csv_safe, csv_unsafe
from grading.paths import ROSTER_TABLE, Course, layout

COLUMNS = ("id", "navn", "epost", "enhet")

#: Accepted header names (after normalisation) for each column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "deltakerid", "deltaker", "brukernavn", "bruker", "brukerid",
           "ansattnummer", "ansattnr", "ansattid", "username", "userid", "user"),
    "navn": ("navn", "fulltnavn", "name", "fullname", "deltakernavn", "ansattnavn"),
    "fornavn": ("fornavn", "firstname", "givenname"),
    "etternavn": ("etternavn", "lastname", "surname", "familyname"),
    "epost": ("epost", "epostadresse", "email", "emailaddress", "mail", "epostaddresse"),
    "enhet": ("enhet", "avdeling", "unit", "department", "virksomhet", "seksjon",
              "tjenestested", "arbeidssted", "organisasjonsenhet", "orgenhet"),
}

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
ID_MAX = 64
EMAIL_RE = re.compile(r"^[^@\s;,<>\"']+@[^@\s;,<>\"']+\.[^@\s;,<>\"']+$")
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator", "|": "loddrett strek",
                   ":": "kolon"}

metadata = sa.MetaData()
roster_table = sa.Table(
    ROSTER_TABLE,
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("navn", sa.String(256), nullable=False),
    sa.Column("epost", sa.String(256), nullable=False, default=""),
    sa.Column("enhet", sa.String(256), nullable=False),
)


@dataclass(frozen=True)
class Problem:
    """One problem in the file; ``line`` is the 1-based line in the file (0 = whole file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Linje {self.line}: {self.message}" if self.line else self.message


class RosterError(ValueError):
    """The file was rejected. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = (f"Deltakerlisten ble ikke importert ({len(self.problems)} feil). "
                "Ingen deltakere er lagt inn. Rett feilene og prøv igjen.")
        super().__init__("\n".join([head] + [f"  – {p}" for p in self.problems]))


@dataclass
class Learner:
    id: str
    navn: str
    epost: str
    enhet: str
    line: int = field(default=0, compare=False)

    @property
    def first_last(self) -> tuple[str, str]:
        """Split the full name: last word is the last name (HR exports rarely split it)."""
        parts = self.navn.split()
        if len(parts) <= 1:
            return (self.navn, "")
        return (" ".join(parts[:-1]), parts[-1])


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
# Parsing and validation (pure, no side effects)
# --------------------------------------------------------------------------
def _norm_header(name: str) -> str:
    name = unicodedata.normalize("NFKC", name).strip().lower().lstrip("\ufeff")
    return re.sub(r"[\s_\-.]+", "", name)


def _decode(data: bytes, encoding: str | None) -> str:
    """Decode the file. Without ``encoding``: UTF-8 only, with a clear message otherwise."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise RosterError([Problem(0, f"Filen kan ikke leses med tegnsettet «{encoding}» ({exc}).")])
        return text.lstrip("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterError([Problem(0, (
            "Filen er lagret som UTF-16 («Unicode-tekst»), ikke UTF-8. Lagre den på nytt "
            "som «CSV UTF-8 (kommadelt)» i Excel, eller kjør med --tegnsett utf-16."))])
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        guess = data.decode("cp1252", errors="replace")
        norwegian = any(ch in guess for ch in "æøåÆØÅ")
        what = ("ser ut til å være lagret som Latin-1/Windows-1252 (vanlig fra eldre Excel)"
                if norwegian else "er ikke UTF-8")
        raise RosterError([Problem(line, (
            f"Filen {what}. Første ugyldige tegn står på denne linjen. Lagre filen som "
            "«CSV UTF-8» og prøv igjen, eller kjør med --tegnsett latin-1 hvis du er sikker "
            "på tegnsettet."))])


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        others = [d for d in ("|", ":") if d in header_line]
        hint = (f" Den ser ut til å bruke {DELIMITER_NAMES[others[0]]} («{others[0]}»)."
                if others else "")
        raise RosterError([Problem(1, (
            "Fant bare én kolonne i overskriftslinjen: feil skilletegn." + hint +
            " Bruk semikolon («;»), komma («,») eller tabulator mellom kolonnene."))])
    return best


def _map_header(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for idx, raw in enumerate(header):
        key = _norm_header(raw)
        for col, aliases in HEADER_ALIASES.items():
            if key in aliases:
                if col in found:
                    problems.append(Problem(1, f"Kolonnen «{raw.strip()}» finnes to ganger."))
                else:
                    found[col] = idx
    missing = []
    for col in ("id", "enhet", "epost"):
        if col not in found:
            missing.append(col)
    if "navn" not in found and not ("fornavn" in found and "etternavn" in found):
        missing.append("navn")
    if missing:
        names = {"id": "id", "navn": "navn (eller fornavn og etternavn)", "epost": "epost",
                 "enhet": "enhet/avdeling"}
        problems.append(Problem(1, (
            "Mangler kolonne(r): " + ", ".join(names[m] for m in missing) +
            ". Fant: " + ", ".join(f"«{h.strip()}»" for h in header) +
            ". Forventet overskrift er for eksempel «id;navn;epost;enhet».")))
    return found, problems


def check_id(value: str) -> str | None:
    """Return a Norwegian explanation if ``value`` is not a safe learner id, else None."""
    if value == "":
        return "id mangler."
    if value != value.strip() or any(ch.isspace() for ch in value):
        return f"id «{value}» inneholder mellomrom."
    if "/" in value or "\\" in value:
        return f"id «{value}» inneholder skråstrek, det er ikke tillatt."
    if ".." in value:
        return f"id «{value}» inneholder «..», det er ikke tillatt."
    if len(value) > ID_MAX:
        return f"id «{value}» er for lang (høyst {ID_MAX} tegn)."
    if value.lower() != value and ID_RE.match(value.lower()):
        return f"id «{value}» har store bokstaver. Bruk bare små bokstaver («{value.lower()}»)."
    if not ID_RE.match(value):
        return (f"id «{value}» er ikke trygg. Bruk bare små bokstaver a–z, sifre og . _ -, "
                "og start med en bokstav eller et siffer.")
    return None


def parse_roster(data: bytes | str, encoding: str | None = None) -> list[Learner]:
    """Validate a roster file and return its learners, or raise :class:`RosterError`.

    ``data`` is the raw file content (bytes) or already decoded text. Every
    problem is collected before raising, each with its line number.
    """
    text = _decode(data, encoding) if isinstance(data, bytes) else data.lstrip("\ufeff")
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), None)
    if first is None:
        raise RosterError([Problem(0, "Filen er tom.")])
    if lines[0].strip() == "":
        raise RosterError([Problem(1, "Første linje må være overskriften (for eksempel «id;navn;epost;enhet»).")])
    delim = _detect_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header = next(reader)
    cols, problems = _map_header(header)
    if problems:
        raise RosterError(problems)

    learners: list[Learner] = []
    first_line_of: dict[str, int] = {}
    emails: dict[str, int] = {}
    start = reader.line_num
    try:
        rows = []
        for row in reader:
            rows.append((start + 1, row))
            start = reader.line_num
    except csv.Error as exc:
        raise RosterError([Problem(reader.line_num, f"Filen kan ikke leses som CSV ({exc}).")])

    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank line or only delimiters
        if len(row) != len(header):
            hint = ""
            others = [d for d in DELIMITERS + ("|",) if d != delim and d in "".join(row)]
            if others:
                hint = (f" Linjen inneholder {DELIMITER_NAMES[others[0]]}: kanskje feil skilletegn"
                        f" (filen bruker {DELIMITER_NAMES[delim]}).")
            elif len(row) > len(header):
                hint = (f" Står det {DELIMITER_NAMES[delim]} inne i et felt? Sett i så fall feltet"
                        " i anførselstegn.")
            problems.append(Problem(line, f"har {len(row)} felt, men overskriften har {len(header)}.{hint}"))
            continue

        def get(col: str) -> str:
            return unicodedata.normalize("NFC", row[cols[col]]).strip() if col in cols else ""

        raw_id = row[cols["id"]]
        learner_id = unicodedata.normalize("NFC", raw_id)
        # Trailing/leading spaces are common in exports; inner spaces are not allowed.
        learner_id = learner_id.strip()
        navn = get("navn") or " ".join(p for p in (get("fornavn"), get("etternavn")) if p)
        epost = get("epost")
        enhet = get("enhet")
        row_problems = []
        why = check_id(learner_id)
        if why:
            row_problems.append(why)
        if not navn:
            row_problems.append("navn mangler.")
        if not enhet:
            row_problems.append("enhet/avdeling mangler.")
        if epost and not EMAIL_RE.match(epost):
            row_problems.append(f"e-postadressen «{epost}» er ugyldig.")
        elif not epost:
            row_problems.append("e-postadresse mangler.")
        if not why:
            if learner_id in first_line_of:
                row_problems.append(
                    f"id «{learner_id}» finnes fra før på linje {first_line_of[learner_id]} (dobbel id).")
            else:
                first_line_of[learner_id] = line
        if epost and EMAIL_RE.match(epost):
            key = epost.lower()
            if key in emails:
                row_problems.append(f"e-postadressen «{epost}» finnes fra før på linje {emails[key]}.")
            else:
                emails[key] = line
        problems.extend(Problem(line, p) for p in row_problems)
        if not row_problems:
            learners.append(Learner(learner_id, navn, epost, enhet, line))

    if problems:
        raise RosterError(problems)
    if not learners:
        raise RosterError([Problem(0, "Filen har ingen deltakere, bare overskrift.")])
    return learners


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
                values = dict(navn=ln.navn, epost=ln.epost, enhet=ln.enhet)
                if old is None:
                    session.execute(sa.insert(roster_table).values(id=ln.id, **values))
                    added.append(ln.id)
                elif (old.navn, old.epost, old.enhet) != (ln.navn, ln.epost, ln.enhet):
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


def _read_table(course_dir: Course) -> pd.DataFrame | None:
    from grading._nbgrader import check_gradebook

    lay = layout(course_dir)
    if not lay.gradebook.exists():
        return None
    check_gradebook(lay)  # a damaged gradebook: a clear message, not SQLAlchemy's
    engine = sa.create_engine(lay.db_url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(ROSTER_TABLE):
                return None
            rows = conn.execute(sa.select(roster_table).order_by(roster_table.c.id)).all()
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
        df = df[list(COLUMNS)].map(csv_unsafe).astype("string")
        return df.sort_values("id", ignore_index=True)
    return pd.DataFrame(columns=list(COLUMNS), dtype="string")


def roster_ids(course_dir: Course | None = None) -> set[str]:
    return set(load_roster(course_dir)["id"].tolist())
