"""Reading a roster (deltakerliste) from an HR CSV export: pure parsing and validation, no storage.

Every problem is collected with its line number (:class:`RosterError`), so a course leader fixes the
whole file in one go. The columns and the header names accepted for each are here; storing the
learners is :mod:`grading.roster`.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from fellesregler.sprak import STANDARD, gyldig

COLUMNS = ("id", "navn", "epost", "enhet", "malform")

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
    "malform": ("målform", "malform", "språk", "sprak", "skriftspråk", "language", "lang"),
}

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
ID_MAX = 64
EMAIL_RE = re.compile(r"^[^@\s;,<>\"']+@[^@\s;,<>\"']+\.[^@\s;,<>\"']+$")
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator", "|": "loddrett strek",
                   ":": "kolon"}


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
    #: ``nb`` or ``nn``; None when the file has no målform column (the roster keeps what it had).
    malform: str | None = None

    @property
    def first_last(self) -> tuple[str, str]:
        """Split the full name: last word is the last name (HR exports rarely split it)."""
        parts = self.navn.split()
        if len(parts) <= 1:
            return (self.navn, "")
        return (" ".join(parts[:-1]), parts[-1])


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
        malform = None
        if "malform" in cols:
            raw_form = get("malform")
            malform = gyldig(raw_form, "") if raw_form else STANDARD
            if not malform:
                row_problems.append(f"målformen «{raw_form}» er ukjent. Skriv «bokmål» eller «nynorsk» "
                                    "(eller nb/nn), eller la feltet stå tomt for bokmål.")
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
            learners.append(Learner(learner_id, navn, epost, enhet, line, malform))

    if problems:
        raise RosterError(problems)
    if not learners:
        raise RosterError([Problem(0, "Filen har ingen deltakere, bare overskrift.")])
    return learners
