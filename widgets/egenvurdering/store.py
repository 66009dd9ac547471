"""Storage of self-assessment answers, action plans and groups (SQLAlchemy).

Privacy design (see also chapters/egenvurdering.md):

* A learner is known only by a pseudonymous code from :meth:`Store.new_key`
  (12 characters, 60 random bits, e.g. ``K7QF-3MZP-XW2D``). The database
  stores only ``sha256`` of the normalised code, never the code itself, so
  nobody with access to the database, the administrator included, can turn a
  row back into a code, or use the database to read someone's answers in the
  app. The flip side: a lost code cannot be recovered.
* No names, e-mail or IP addresses are stored. Answers and plans are deleted
  after ``instrument.retention_days`` (:meth:`Store.purge_expired`) or at once
  with :meth:`Store.delete_key`.
* Group statistics are only ever produced by :meth:`Store._group_stats`, which
  refuses groups with fewer than ``instrument.min_group`` respondents and
  suppresses any dimension scored by fewer than that. Every public method that
  returns group figures (``group_summary``, ``leader_vs_team``,
  ``export_group``) goes through it.
* A key counts at most once in a group: membership is unique per group and
  key, a key that joins again only changes its role, and only the key's latest
  response counts, so a retake replaces the earlier contribution.
* Limit of the 5-rule, and our mitigation: codes are free, so anyone with a
  group code can make up keys, join them with known answers and work out the
  answers of the one real person among five. Until there is a product decision
  on stronger measures (for example one invitation per member), the course
  leader closes the group (:meth:`Store.close_group`, «Lukk gruppen» in the
  team view) once the team has answered and the number of respondents matches
  the size of the team. After that no key can join the group. Members already
  in it still count with their latest response, and can still leave it or
  delete their answers.
* Closing needs the group's admin code («lederkode»), which only whoever made
  the group gets (:meth:`Store.create_group`), so a member, who has the group
  code, cannot close the group and shut colleagues out. Like the personal
  codes, the admin code is stored only as a hash and shown once; a lost admin
  code cannot be recovered. Groups made before admin codes existed have no
  hash and cannot be closed (the leader makes a new group).

Configuration problems (a malformed URL, a missing database driver, a folder
for the SQLite file that cannot be made or written) become the same Norwegian
:class:`StorageError` subclasses as other database problems, with a hint for
whoever runs the service; the technical details go to the log. A bad URL is
reported by the constructor; a folder problem at first use (or by
:meth:`Store.check`), and the same ``Store`` tries again on the next call, so
it works once the folder is fixed.

The schema is plain SQLAlchemy Core and runs unchanged on SQLite (default,
WAL mode with a busy timeout) and PostgreSQL. Scores are stored per dimension
in a narrow table (``ev_score``) at save time, with a per-key pointer to the
latest response (``ev_respondent``). Team figures are kept as running totals
per group, dimension, band and 10-point bin (``ev_group_stat``,
``ev_group_count``), updated in the same transaction as every change (save,
join, leave, delete, purge), so a team report reads a few hundred rows however
large the group is. :meth:`Store.rebuild_aggregates` recomputes them from the
narrow table with one SQL aggregation (repair and consistency check).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.schema import CreateColumn

from .._common import InputError
from .instrument import ROOT, Instrument, load_instrument
from .scoring import DimensionScore, band_for, clean_answers, score

__all__ = [
    "DEFAULT_URL",
    "DatabaseLocked",
    "DatabaseUnavailable",
    "DimensionSummary",
    "GroupClosed",
    "GroupSummary",
    "GroupWithoutAdminCode",
    "InvalidGroupCode",
    "InvalidKey",
    "LeaderComparison",
    "LeaderRow",
    "NewGroup",
    "NotGroupLeader",
    "ReadOnlyDatabase",
    "Response",
    "ROLES",
    "StorageError",
    "Store",
    "TooFewRespondents",
    "UnknownKey",
    "WrongAdminCode",
    "normalise_key",
]

DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'egenvurdering.db'}"
ROLES = ("medlem", "leder")
#: Crockford base32: no I, L, O or U, so codes are easy to read aloud and type.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
KEY_LENGTH = 12  # 60 random bits
GROUP_LENGTH = 8  # 40 random bits
ADMIN_LENGTH = 12  # the admin code of a group, like a personal code: 60 random bits
_MAX_PLAN = 20_000
#: Index histogram bins: 0–9, 10–19, …, 90–100.
BINS = tuple(f"{b * 10}–{b * 10 + 9}" if b < 9 else "90–100" for b in range(10))
_CHUNK = 500

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- errors


class StorageError(InputError):
    """A storage problem. The message is in Norwegian and safe to show."""

    default = "Noe gikk galt med databasen. Prøv igjen om litt, eller gi beskjed til kursansvarlig."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default)


class DatabaseLocked(StorageError):
    default = (
        "Databasen er opptatt akkurat nå. Svarene dine er ikke lagret ennå, men de er ikke borte: "
        "prøv igjen om litt."
    )


class ReadOnlyDatabase(StorageError):
    default = (
        "Databasen kan bare leses akkurat nå, så svarene dine er ikke lagret. Det som er lagret fra før, "
        "er ikke borte. Ta vare på svarene og gi beskjed til kursansvarlig."
    )


class DatabaseUnavailable(StorageError):
    default = (
        "Vi får ikke kontakt med databasen akkurat nå, så svarene dine er ikke lagret. Det som er lagret fra "
        "før, er ikke borte. Prøv igjen om litt, eller gi beskjed til kursansvarlig."
    )


class UnknownKey(StorageError):
    default = (
        "Vi finner ingen svar for denne koden. Sjekk at du har skrevet den riktig. "
        "Svar slettes automatisk etter en tid, og de kan også være slettet av deg selv."
    )


class InvalidKey(UnknownKey):
    default = "Koden har feil form. En kode har 12 tegn, for eksempel K7QF-3MZP-XW2D."


class InvalidGroupCode(StorageError):
    default = "Gruppekoden har feil form. En gruppekode har 8 tegn, for eksempel 4KXM-92TQ."


#: For a database that cannot be used because of how it is set up, not because it is busy:
#: what is wrong, whom the user tells, and what the operator fixes (details are in the log).
_BAD_URL = (
    "Egenvurderingen finner ikke databasen, fordi adressen til den er feil satt opp. Derfor kan ingenting "
    "lagres eller hentes nå. Det som er lagret fra før, er ikke borte. Gi beskjed til kursansvarlig. "
    "Den som drifter kurset, finner detaljene i loggen til appene og må rette innstillingen EGENVURDERING_DB_URL."
)
_BAD_FOLDER = (
    "Egenvurderingen kan ikke lage eller åpne databasefilen, fordi mappen den skal ligge i, mangler eller ikke "
    "kan skrives til. Derfor kan ingenting lagres nå. Det som er lagret fra før, er ikke borte. Gi beskjed til "
    "kursansvarlig. Den som drifter kurset, finner detaljene i loggen til appene. Mappen må finnes, og appene "
    "må kunne skrive i den. Hvilken mappe det er, står i innstillingen EGENVURDERING_DB_URL (uten den er det "
    "mappen var i kursmappen)."
)


class GroupClosed(StorageError):
    default = (
        "Gruppen er lukket, så ingen nye kan legge svarene sine til i den. Spør kurslederen om du skal være med "
        "i en annen gruppe."
    )


class WrongAdminCode(StorageError):
    """The admin code («lederkode») given to close a group is missing or not the group's."""

    default = (
        "Lederkoden er feil. Bare den som laget gruppen, har lederkoden. Den ble vist én gang, "
        "sammen med gruppekoden."
    )
    missing = (
        "Skriv inn lederkoden. Bare den som laget gruppen, har lederkoden. Den ble vist én gang, "
        "sammen med gruppekoden."
    )


class GroupWithoutAdminCode(StorageError):
    """A group made before admin codes existed: it has no admin code, so nobody can close it."""

    default = (
        "Denne gruppen ble laget før det fantes lederkoder, og derfor kan den ikke lukkes. "
        "Vil du kunne lukke gruppen, lager du en ny gruppe og ber teamet legge svarene sine til i den."
    )


class NotGroupLeader(StorageError):
    default = "Denne koden er ikke registrert som leder i gruppen."


class TooFewRespondents(StorageError):
    def __init__(self, answered: int, minimum: int) -> None:
        self.answered = answered
        self.minimum = minimum
        super().__init__(
            f"Teamvisningen vises først når minst {minimum} har svart, slik at ingen enkeltpersoners svar "
            f"kan kjennes igjen. Så langt har {answered} svart."
        )


def _map_db_error(exc: SQLAlchemyError) -> StorageError:
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in text or "busy" in text or "lock timeout" in text or "could not obtain lock" in text:
        return DatabaseLocked()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return ReadOnlyDatabase()
    if "unable to open database" in text or "could not connect" in text or "connection refused" in text:
        return DatabaseUnavailable()
    return StorageError()


@contextmanager
def _db_errors() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:  # DBAPI errors, pool timeouts and the like
        raise _map_db_error(exc) from exc


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Response:
    """One stored self-assessment of the learner's own key."""

    id: int
    created: datetime
    answers: dict[str, int | None]
    scores: list[DimensionScore]


@dataclass(frozen=True)
class NewGroup:
    """What :meth:`Store.create_group` returns.

    ``code`` is the group code, for the team. ``admin_code`` («lederkode») is for whoever made the group
    only: it is needed to close the group. The store keeps only its hash, so it is known only when the
    group is made: a repeated call with the same submission id returns the same ``code`` and
    ``admin_code=None``. It is left out of ``repr`` so it does not end up in logs.
    """

    code: str
    admin_code: str | None = field(repr=False)


@dataclass(frozen=True)
class DimensionSummary:
    """Group figures for one dimension. All figures are None/empty when ``suppressed``."""

    dimension: str
    name: str
    n: int | None
    mean_index: float | None
    band: str | None
    band_counts: dict[str, int] = field(default_factory=dict)
    distribution: dict[str, int] = field(default_factory=dict)
    suppressed: bool = False


@dataclass(frozen=True)
class GroupSummary:
    """Aggregate profile of a group, based on each member's latest response."""

    group_code: str
    name: str
    respondents: int
    min_group: int
    dimensions: tuple[DimensionSummary, ...]

    def dimension(self, id: str) -> DimensionSummary:
        for d in self.dimensions:
            if d.dimension == id:
                return d
        raise InputError(f"Egenvurderingen har ingen dimensjon med navnet «{id}».")

    def weakest(self, n: int = 2) -> list[DimensionSummary]:
        scored = [d for d in self.dimensions if d.mean_index is not None]
        return sorted(scored, key=lambda d: d.mean_index)[:n]


@dataclass(frozen=True)
class LeaderRow:
    dimension: str
    name: str
    leader_index: float | None
    leader_band: str | None
    team_index: float | None
    team_band: str | None
    difference: float | None  # leader − team


@dataclass(frozen=True)
class LeaderComparison:
    """The leader's own latest profile next to the rest of the group (leader excluded)."""

    group_code: str
    team_respondents: int
    rows: tuple[LeaderRow, ...]


# --------------------------------------------------------------------------- codes


def _random_code(length: int) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def _normalise(code: object, length: int) -> str | None:
    if not isinstance(code, str) or len(code) > 3 * length:
        return None
    raw = "".join(code.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(raw) != length or any(c not in ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalise_key(key: object) -> str:
    """Normalise a personal code (case, spaces, O→0, I/L→1); InvalidKey if it is not a code."""
    norm = _normalise(key, KEY_LENGTH)
    if norm is None:
        raise InvalidKey()
    return norm


def _hash_key(key: object) -> str:
    return hashlib.sha256(f"egenvurdering:v1:{normalise_key(key)}".encode()).hexdigest()


def _hash_admin_code(norm: str) -> str:
    """Hash of a normalised admin code, like :func:`_hash_key` but with its own prefix."""
    return hashlib.sha256(f"egenvurdering:leder:v1:{norm}".encode()).hexdigest()


def _utc_naive(when: datetime | None = None) -> datetime:
    when = when or datetime.now(UTC)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bin(index: float) -> int:
    return min(int(index // 10), 9)


# --------------------------------------------------------------------------- schema

metadata = sa.MetaData()

t_response = sa.Table(
    "ev_response",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_hash", sa.String(64), nullable=False, index=True),
    sa.Column("submission_id", sa.String(100), nullable=False, unique=True),
    sa.Column("created", sa.DateTime, nullable=False, index=True),
    sa.Column("answers", sa.JSON, nullable=False),
)

t_score = sa.Table(
    "ev_score",
    metadata,
    sa.Column("response_id", sa.Integer, sa.ForeignKey("ev_response.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dimension", sa.String(32), primary_key=True),
    sa.Column("answered", sa.Integer, nullable=False),
    sa.Column("mean", sa.Float, nullable=True),
    sa.Column("idx", sa.Float, nullable=True),
    sa.Column("band", sa.String(40), nullable=True),
    sa.Column("bin", sa.Integer, nullable=True),
)

# One row per key: points to the key's latest response, so team reports need no "latest per key" subquery.
t_respondent = sa.Table(
    "ev_respondent",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("latest_response_id", sa.Integer, sa.ForeignKey("ev_response.id"), nullable=False),
)

t_plan = sa.Table(
    "ev_plan",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

t_group = sa.Table(
    "ev_group",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    # Added later (nullable, so older databases get them with ALTER TABLE, see _upgrade_columns):
    # the id of the «Lag gruppekode» click that made the group (one click session, one group) …
    sa.Column("submission_id", sa.String(100), nullable=True),
    # … when the course leader closed the group for new members (None: open) …
    sa.Column("closed", sa.DateTime, nullable=True),
    # … and the hash of its admin code («lederkode», needed to close it; None: a group from before
    # admin codes, which cannot be closed).
    sa.Column("admin_hash", sa.String(64), nullable=True),
    sa.Index("ix_ev_group_submission_id", "submission_id", unique=True),
)

t_member = sa.Table(
    "ev_member",
    metadata,
    sa.Column("group_code", sa.String(16), sa.ForeignKey("ev_group.code"), primary_key=True),
    sa.Column("key_hash", sa.String(64), primary_key=True, index=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("joined", sa.DateTime, nullable=False),
)

# Running totals per group (materialised aggregate of each member's latest response).
t_group_stat = sa.Table(
    "ev_group_stat",
    metadata,
    sa.Column("group_code", sa.String(16), sa.ForeignKey("ev_group.code"), primary_key=True),
    sa.Column("dimension", sa.String(32), primary_key=True),
    sa.Column("band", sa.String(40), primary_key=True),
    sa.Column("bin", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.Integer, nullable=False),
    # Sum of index × 1,000,000 as an integer, so adding and subtracting never drifts.
    sa.Column("idx_micro", sa.BigInteger, nullable=False),
)

t_group_count = sa.Table(
    "ev_group_count",
    metadata,
    sa.Column("group_code", sa.String(16), sa.ForeignKey("ev_group.code"), primary_key=True),
    sa.Column("respondents", sa.Integer, nullable=False),
)

_AGG_TABLES = {t_group_stat.name, t_group_count.name}
_SCHEMA_LOCK_ID = 0x65763031  # PostgreSQL advisory lock for creating and upgrading the schema ("ev01")
_MICRO = sa.cast(sa.func.round(t_score.c.idx * 1_000_000), sa.BigInteger)


def _default_url() -> str:
    return os.environ.get("EGENVURDERING_DB_URL") or DEFAULT_URL


def _sqlite_folder(url: str) -> Path | None:
    """The folder of an SQLite database file given by a plain path (None for other databases, memory or URIs)."""
    u = make_url(url)
    db = u.database or ""
    if u.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser().parent


def _safe_url(url: str) -> str:
    """The URL for the log, without a password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: log nothing of it
        return "(adressen kan ikke leses)"


def _make_engine(url: str, busy_timeout_ms: int) -> Engine:
    """The engine for ``url``; DatabaseUnavailable (Norwegian) if the URL is malformed or its driver is missing.

    Nothing is opened here: the database and its folder are first touched by :meth:`Store._ensure_schema`.
    """
    try:
        engine = sa.create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError, TypeError) as exc:
        log.error("Egenvurdering: ugyldig database-URL %s: %s", _safe_url(url), exc)
        raise DatabaseUnavailable(_BAD_URL) from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            # We emit BEGIN ourselves (below), so the driver must not.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten with zeros, not left readable in free pages of the file.
            cur.execute("PRAGMA secure_delete = ON")
            try:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
            except Exception:  # read-only file or busy: WAL is an optimisation, not a must
                pass
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:
            # Writers take the write lock at BEGIN, so a busy database waits (busy_timeout)
            # instead of failing when a read transaction is upgraded.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


# --------------------------------------------------------------------------- store


class Store:
    """Answers, plans and groups in one database given by an SQLAlchemy URL.

    ``url`` defaults to ``$EGENVURDERING_DB_URL``, else ``sqlite:///<repo>/var/egenvurdering.db``.
    A malformed URL or a missing driver raises :class:`DatabaseUnavailable` here. The database itself
    (and the folder of an SQLite file) is opened at first use, which raises a :class:`StorageError`
    while that is not possible and tries again on the next call.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        instrument: Instrument | None = None,
        busy_timeout_ms: int = 5000,
    ) -> None:
        self.url = url or _default_url()
        self.instrument = instrument or load_instrument()
        self.engine = _make_engine(self.url, busy_timeout_ms)  # raises DatabaseUnavailable for a bad URL
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    # ------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self) -> None:
        """Open the database and create its tables if needed; a Norwegian StorageError if that is not possible.

        The apps call this when they start, to tell at once when the database cannot be used.
        Cheap after the first success.
        """
        self._ensure_schema()

    def _make_folder(self) -> None:
        folder = _sqlite_folder(self.url)
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.error("Egenvurdering: kan ikke lage mappen %s for databasen: %s", folder, exc)
            raise DatabaseUnavailable(_BAD_FOLDER) from exc

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            self._make_folder()
            try:
                with _db_errors():
                    self._create_schema()
            except DatabaseUnavailable as exc:
                cause = exc.__cause__
                if self._sqlite and isinstance(cause, OperationalError) and "unable to open" in str(cause):
                    # SQLite cannot open or create the file: almost always the folder (missing, read-only)
                    # or a file that is not a database, both things the operator must fix.
                    log.error("Egenvurdering: kan ikke åpne SQLite-databasen %s: %s", _safe_url(self.url), cause)
                    raise DatabaseUnavailable(_BAD_FOLDER) from cause
                raise
            self._schema_ready = True

    @staticmethod
    def _schema_gaps(conn: Connection) -> tuple[set[str], dict[str, list[sa.Column]]]:
        """Missing tables, and columns missing from existing tables (added to the schema later)."""
        insp = sa.inspect(conn)
        tables = {t.name for t in metadata.sorted_tables if not insp.has_table(t.name)}
        columns: dict[str, list[sa.Column]] = {}
        for t in metadata.sorted_tables:
            if t.name in tables:
                continue
            have = {c["name"] for c in insp.get_columns(t.name)}
            gone = [c for c in t.columns if c.name not in have]
            if gone:
                columns[t.name] = gone
        return tables, columns

    @staticmethod
    def _upgrade_columns(conn: Connection, columns: dict[str, list[sa.Column]]) -> None:
        """Add columns that were added to the schema after the database was made, and their indexes.

        Only for nullable columns without constraints of their own (SQLite's ALTER TABLE allows no more);
        a unique rule is a separate index.
        """
        for name, cols in columns.items():
            for col in cols:
                ddl = CreateColumn(col).compile(dialect=conn.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {ddl}")
            table = metadata.tables[name]
            have = {i["name"] for i in sa.inspect(conn).get_indexes(name)}
            for index in table.indexes:
                if index.name not in have:
                    index.create(conn)

    def _create_schema(self) -> None:
        with self.engine.connect() as conn:
            missing, columns = self._schema_gaps(conn)
            conn.rollback()
            if not missing and not columns:
                return
            if self._sqlite:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # PostgreSQL has no database-wide write lock like SQLite's: take one for schema changes.
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK_ID})")
                # Check again under the write lock: another process may have been first.
                missing, columns = self._schema_gaps(conn)
                metadata.create_all(conn, checkfirst=True)
                self._upgrade_columns(conn, columns)
                if missing & _AGG_TABLES and t_response.name not in missing:
                    # A database from before the running totals existed: build them once.
                    self._rebuild(conn)

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """One transaction; database errors become Norwegian StorageErrors."""
        self._ensure_schema()
        with _db_errors():
            with self.engine.connect() as conn:
                if write and self._sqlite:
                    conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn

    def _dim_name(self, dim_id: str) -> str:
        try:
            return self.instrument.dimension(dim_id).name
        except InputError:
            return dim_id

    def _dim_order(self) -> dict[str, int]:
        return {d.id: n for n, d in enumerate(self.instrument.dimensions)}

    # ------------------------------------------------------------ running totals

    @staticmethod
    def _latest(conn: Connection, kh: str) -> int | None:
        return conn.execute(
            sa.select(t_respondent.c.latest_response_id).where(t_respondent.c.key_hash == kh)
        ).scalar()

    @staticmethod
    def _groups_of(conn: Connection, kh: str) -> list[str]:
        return list(conn.execute(sa.select(t_member.c.group_code).where(t_member.c.key_hash == kh)).scalars())

    @staticmethod
    def _cells(conn: Connection, rid: int | None) -> list[tuple[str, str, int, int]]:
        """(dimension, band, bin, index × 10⁶) of every scored dimension of one response."""
        if rid is None:
            return []
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(t_score.c.dimension, t_score.c.band, t_score.c.bin, _MICRO).where(
                    t_score.c.response_id == rid, t_score.c.idx.is_not(None)
                )
            )
        ]

    def _shift(
        self, conn: Connection, kh: str, old_rid: int | None, new_rid: int | None, groups: list[str] | None = None
    ) -> None:
        """Move a key's contribution to its groups' running totals from response old_rid to new_rid."""
        if old_rid == new_rid:
            return
        groups = self._groups_of(conn, kh) if groups is None else groups
        if not groups:
            return
        # Lock the group rows (PostgreSQL) so concurrent changes to one group's totals queue up.
        conn.execute(sa.select(t_group.c.code).where(t_group.c.code.in_(groups)).with_for_update()).all()
        delta: dict[tuple[str, str, int], list[int]] = {}
        for sign, rid in ((-1, old_rid), (1, new_rid)):
            for dim, band, b, micro in self._cells(conn, rid):
                d = delta.setdefault((dim, band, b), [0, 0])
                d[0] += sign
                d[1] += sign * int(micro)
        dcount = (new_rid is not None) - (old_rid is not None)
        c = t_group_stat.c
        for g in groups:
            for (dim, band, b), (dn, dm) in delta.items():
                if not dn and not dm:
                    continue
                where = (c.group_code == g, c.dimension == dim, c.band == band, c.bin == b)
                done = conn.execute(
                    t_group_stat.update().where(*where).values(n=c.n + dn, idx_micro=c.idx_micro + dm)
                ).rowcount
                if not done:
                    conn.execute(
                        t_group_stat.insert().values(group_code=g, dimension=dim, band=band, bin=b, n=dn, idx_micro=dm)
                    )
            if dcount:
                cc = t_group_count.c
                done = conn.execute(
                    t_group_count.update()
                    .where(cc.group_code == g)
                    .values(respondents=cc.respondents + dcount)
                ).rowcount
                if not done:
                    conn.execute(t_group_count.insert().values(group_code=g, respondents=dcount))
        conn.execute(t_group_stat.delete().where(c.group_code.in_(groups), c.n == 0))

    def _rebuild(self, conn: Connection, groups: list[str] | None = None) -> None:
        """Recompute the running totals from the narrow score table (all groups, or the given ones)."""
        if groups is not None and not groups:
            return
        chunks = [None] if groups is None else list(_chunks(sorted(set(groups))))
        m, r, s = t_member.c, t_respondent.c, t_score.c
        joined = t_member.join(t_respondent, r.key_hash == m.key_hash)
        for chunk in chunks:
            stat_del, count_del = t_group_stat.delete(), t_group_count.delete()
            counts = sa.select(m.group_code, sa.func.count()).select_from(joined).group_by(m.group_code)
            stats = (
                sa.select(m.group_code, s.dimension, s.band, s.bin, sa.func.count(), sa.func.sum(_MICRO))
                .select_from(joined.join(t_score, s.response_id == r.latest_response_id))
                .where(s.idx.is_not(None))
                .group_by(m.group_code, s.dimension, s.band, s.bin)
            )
            if chunk is not None:
                stat_del = stat_del.where(t_group_stat.c.group_code.in_(chunk))
                count_del = count_del.where(t_group_count.c.group_code.in_(chunk))
                counts = counts.where(m.group_code.in_(chunk))
                stats = stats.where(m.group_code.in_(chunk))
            conn.execute(stat_del)
            conn.execute(count_del)
            conn.execute(t_group_count.insert().from_select(["group_code", "respondents"], counts))
            conn.execute(
                t_group_stat.insert().from_select(
                    ["group_code", "dimension", "band", "bin", "n", "idx_micro"], stats
                )
            )

    def rebuild_aggregates(self) -> None:
        """Recompute every group's running totals from the stored scores (repair tool; never needed normally)."""
        with self._tx(write=True) as conn:
            self._rebuild(conn)

    # ------------------------------------------------------------ keys and answers

    @staticmethod
    def new_key() -> str:
        """A new pseudonymous personal code like 'K7QF-3MZP-XW2D'. Nothing is stored until first save."""
        return _random_code(KEY_LENGTH)

    def save_response(self, key: str, answers: Mapping[str, object], submission_id: str) -> int:
        """Store one self-assessment atomically and return its id.

        Idempotent on ``submission_id``: a repeated submit returns the first id and stores nothing new.
        """
        kh = _hash_key(key)
        if not isinstance(submission_id, str) or not 1 <= len(submission_id.strip()) <= 100:
            raise InputError("Innsendingen mangler en gyldig id. Last siden på nytt og prøv igjen.")
        sid = submission_id.strip()
        clean = clean_answers(self.instrument, answers)
        scores = score(self.instrument, clean)
        for attempt in range(3):
            try:
                with self._tx(write=True) as conn:
                    existing = conn.execute(
                        sa.select(t_response.c.id, t_response.c.key_hash).where(t_response.c.submission_id == sid)
                    ).first()
                    if existing is not None:
                        if existing.key_hash != kh:
                            raise StorageError("Denne innsendingen er allerede brukt. Last siden på nytt og prøv igjen.")
                        return int(existing.id)
                    rid = conn.execute(
                        t_response.insert().values(
                            key_hash=kh, submission_id=sid, created=_utc_naive(), answers=clean
                        )
                    ).inserted_primary_key[0]
                    conn.execute(
                        t_score.insert(),
                        [
                            {
                                "response_id": rid,
                                "dimension": s.dimension,
                                "answered": s.answered,
                                "mean": s.mean,
                                "idx": s.index,
                                "band": s.band,
                                "bin": None if s.index is None else _bin(s.index),
                            }
                            for s in scores
                        ],
                    )
                    old = self._latest(conn, kh)
                    if old is None:
                        conn.execute(t_respondent.insert().values(key_hash=kh, latest_response_id=rid))
                    else:
                        conn.execute(
                            t_respondent.update().where(t_respondent.c.key_hash == kh).values(latest_response_id=rid)
                        )
                    self._shift(conn, kh, old, rid)
                    return int(rid)
            except StorageError as exc:
                # A unique-key race (possible on PostgreSQL): look again in a fresh transaction.
                if isinstance(exc.__cause__, IntegrityError) and attempt < 2:
                    continue
                raise
        raise StorageError()  # pragma: no cover

    def responses(self, key: str) -> list[Response]:
        """All stored self-assessments of this key, oldest first. UnknownKey if there are none."""
        kh = _hash_key(key)
        order = self._dim_order()
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(t_response.c.id, t_response.c.created, t_response.c.answers)
                .where(t_response.c.key_hash == kh)
                .order_by(t_response.c.id)
            ).all()
            if not rows:
                raise UnknownKey()
            ids = [r.id for r in rows]
            by_resp: dict[int, list[DimensionScore]] = {i: [] for i in ids}
            for chunk in _chunks(ids):
                for s in conn.execute(sa.select(t_score).where(t_score.c.response_id.in_(chunk))):
                    by_resp[s.response_id].append(
                        DimensionScore(s.dimension, self._dim_name(s.dimension), s.answered, s.mean, s.idx, s.band)
                    )
        out = []
        for r in rows:
            scores = sorted(by_resp[r.id], key=lambda s: order.get(s.dimension, len(order)))
            out.append(Response(int(r.id), _as_utc(r.created), dict(r.answers), scores))
        return out

    def latest_response(self, key: str) -> Response:
        """The newest stored self-assessment of this key (UnknownKey if none)."""
        return self.responses(key)[-1]

    # ------------------------------------------------------------ plans

    def save_plan(self, key: str, text: str) -> None:
        """Store (replace) the learner's action plan."""
        kh = _hash_key(key)
        if not isinstance(text, str) or not text.strip():
            raise InputError("Handlingsplanen er tom. Skriv minst ett tiltak før du lagrer.")
        if len(text) > _MAX_PLAN:
            raise InputError(f"Handlingsplanen er for lang. Den kan ha høyst {_MAX_PLAN} tegn.")
        with self._tx(write=True) as conn:
            conn.execute(t_plan.delete().where(t_plan.c.key_hash == kh))
            conn.execute(t_plan.insert().values(key_hash=kh, created=_utc_naive(), text=text.strip()))

    def latest_plan(self, key: str) -> str | None:
        kh = _hash_key(key)
        with self._tx() as conn:
            return conn.execute(sa.select(t_plan.c.text).where(t_plan.c.key_hash == kh)).scalar()

    # ------------------------------------------------------------ deletion and retention

    def delete_key(self, key: str) -> int:
        """Delete every answer, plan and group membership of this key. Returns the number of records deleted."""
        kh = _hash_key(key)
        with self._tx(write=True) as conn:
            self._shift(conn, kh, self._latest(conn, kh), None)
            ids = sa.select(t_response.c.id).where(t_response.c.key_hash == kh).scalar_subquery()
            conn.execute(t_respondent.delete().where(t_respondent.c.key_hash == kh))
            conn.execute(t_score.delete().where(t_score.c.response_id.in_(ids)))
            n = conn.execute(t_response.delete().where(t_response.c.key_hash == kh)).rowcount
            n += conn.execute(t_plan.delete().where(t_plan.c.key_hash == kh)).rowcount
            n += conn.execute(t_member.delete().where(t_member.c.key_hash == kh)).rowcount
        self._checkpoint()
        return int(n)

    def _checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file and empty it, so deleted data is gone there too.

        Best effort: if a reader holds the log, SQLite empties it at a later checkpoint.
        """
        if not self._sqlite:
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").all()
        except SQLAlchemyError:
            pass

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete answers, plans and memberships older than the retention period. Returns the number deleted."""
        cutoff = _utc_naive(now) - timedelta(days=self.instrument.retention_days)
        with self._tx(write=True) as conn:
            old = conn.execute(
                sa.select(t_response.c.id, t_response.c.key_hash).where(t_response.c.created < cutoff)
            ).all()
            affected = sorted({r.key_hash for r in old})
            ids = [r.id for r in old]
            touched: set[str] = set()
            for chunk in _chunks(affected):
                touched.update(
                    conn.execute(sa.select(t_member.c.group_code).where(t_member.c.key_hash.in_(chunk))).scalars()
                )
                conn.execute(t_respondent.delete().where(t_respondent.c.key_hash.in_(chunk)))
            n = 0
            for chunk in _chunks(ids):
                conn.execute(t_score.delete().where(t_score.c.response_id.in_(chunk)))
                n += conn.execute(t_response.delete().where(t_response.c.id.in_(chunk))).rowcount
            for chunk in _chunks(affected):
                latest = (
                    sa.select(t_response.c.key_hash, sa.func.max(t_response.c.id))
                    .where(t_response.c.key_hash.in_(chunk))
                    .group_by(t_response.c.key_hash)
                )
                conn.execute(t_respondent.insert().from_select(["key_hash", "latest_response_id"], latest))
            n += conn.execute(t_plan.delete().where(t_plan.c.created < cutoff)).rowcount
            has_data = sa.union(sa.select(t_respondent.c.key_hash), sa.select(t_plan.c.key_hash)).subquery()
            n += conn.execute(
                t_member.delete().where(
                    t_member.c.joined < cutoff, t_member.c.key_hash.not_in(sa.select(has_data.c.key_hash))
                )
            ).rowcount
            # Members without any response never count, so only groups with purged answers need new totals.
            self._rebuild(conn, sorted(touched))
            empty = sa.select(t_group.c.code).where(
                t_group.c.created < cutoff, t_group.c.code.not_in(sa.select(t_member.c.group_code))
            )
            gone = list(conn.execute(empty).scalars())
            for chunk in _chunks(gone):
                conn.execute(t_group_stat.delete().where(t_group_stat.c.group_code.in_(chunk)))
                conn.execute(t_group_count.delete().where(t_group_count.c.group_code.in_(chunk)))
                conn.execute(t_group.delete().where(t_group.c.code.in_(chunk)))
        self._checkpoint()
        return int(n)

    # ------------------------------------------------------------ groups

    @staticmethod
    def validate_group_code(code: object) -> str:
        """Normalise a group code ('4kxm 92tq' → '4KXM-92TQ'); InvalidGroupCode for anything else."""
        norm = _normalise(code, GROUP_LENGTH)
        if norm is None:
            raise InvalidGroupCode()
        return norm

    def create_group(self, name: str, submission_id: str | None = None) -> NewGroup:
        """Create a group (team). Returns its code, to be shared with the members, and its admin code.

        The admin code («lederkode») is for whoever makes the group: :meth:`close_group` needs it.
        Only its hash is stored, so this is the only time it is known.

        Idempotent on ``submission_id``, like :meth:`save_response`: the same id returns the code of
        the group it made the first time and makes nothing new, so a double click on «Lag gruppekode»
        makes one group. Such a repeated call returns ``admin_code=None`` (the store cannot show it
        again; the team view keeps the first result for its click session). The same id with another
        name is refused. Without an id, every call makes a group.
        """
        if not isinstance(name, str) or not name.strip():
            raise InputError("Gi gruppen et navn, for eksempel «Team hjemmetjenesten».")
        name = " ".join(name.split())
        if len(name) > 200:
            raise InputError("Navnet på gruppen kan ha høyst 200 tegn.")
        sid = None
        if submission_id is not None:
            if not isinstance(submission_id, str) or not 1 <= len(submission_id.strip()) <= 100:
                raise InputError("Innsendingen mangler en gyldig id. Last siden på nytt og prøv igjen.")
            sid = submission_id.strip()
        for attempt in range(3):
            try:
                with self._tx(write=True) as conn:
                    if sid is not None:
                        existing = conn.execute(
                            sa.select(t_group.c.code, t_group.c.name).where(t_group.c.submission_id == sid)
                        ).first()
                        if existing is not None:
                            if existing.name != name:
                                raise StorageError(
                                    "Denne innsendingen er allerede brukt. Last siden på nytt og prøv igjen."
                                )
                            return NewGroup(str(existing.code), None)
                    for _ in range(10):
                        code = _random_code(GROUP_LENGTH)
                        if conn.execute(sa.select(t_group.c.code).where(t_group.c.code == code)).first() is None:
                            admin_code = _random_code(ADMIN_LENGTH)
                            conn.execute(
                                t_group.insert().values(
                                    code=code,
                                    name=name,
                                    created=_utc_naive(),
                                    submission_id=sid,
                                    admin_hash=_hash_admin_code(admin_code),
                                )
                            )
                            return NewGroup(code, admin_code)
            except StorageError as exc:
                # A unique-id race (two clicks at once on PostgreSQL): look again in a fresh transaction.
                if isinstance(exc.__cause__, IntegrityError) and attempt < 2:
                    continue
                raise
        raise StorageError()  # pragma: no cover - 40 random bits

    def _group_row(self, conn: Connection, code: str, lock: bool = False):
        query = sa.select(t_group).where(t_group.c.code == code)
        if lock:  # PostgreSQL: a join waits for a close of the same group, and the other way round
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            raise InvalidGroupCode("Vi finner ingen gruppe med denne koden. Sjekk at du har skrevet den riktig.")
        return row

    @staticmethod
    def _check_admin_code(group, admin_code: object) -> None:
        """Refuse unless ``admin_code`` is the admin code of the group row ``group``.

        WrongAdminCode for a missing, malformed or wrong code; GroupWithoutAdminCode for a group
        made before admin codes existed (no hash, so no code can be right).
        """
        if group.admin_hash is None:
            raise GroupWithoutAdminCode()
        if admin_code is None or (isinstance(admin_code, str) and not admin_code.strip()):
            raise WrongAdminCode(WrongAdminCode.missing)
        norm = _normalise(admin_code, ADMIN_LENGTH)
        if norm is None or not hmac.compare_digest(_hash_admin_code(norm), str(group.admin_hash)):
            raise WrongAdminCode()

    def check_admin_code(self, group_code: str, admin_code: str | None) -> None:
        """Check the admin code of a group without changing anything (the team view asks before closing).

        WrongAdminCode or GroupWithoutAdminCode like :meth:`close_group`.
        """
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            self._check_admin_code(self._group_row(conn, code), admin_code)

    def close_group(self, group_code: str, admin_code: str | None = None) -> None:
        """Close the group for new members: from now on :meth:`join_group` refuses keys that are not in it.

        Needs the group's admin code from :meth:`create_group`, which only whoever made the group has:
        a missing or wrong one raises WrongAdminCode and leaves the group as it is, so a member (who has
        the group code) cannot shut colleagues out. A group from before admin codes cannot be closed
        (GroupWithoutAdminCode), unless it is closed already.

        The course leader does this once the team has answered, so nobody can add made-up respondents
        later (see the module notes). Members already in the group still count with their latest
        response, and can change their role, leave, or delete their answers. Closing again does nothing;
        a closed group cannot be opened again.
        """
        code = self.validate_group_code(group_code)
        with self._tx(write=True) as conn:
            group = self._group_row(conn, code, lock=True)
            if group.admin_hash is None and group.closed is not None:
                return  # closed before admin codes existed: nothing to do, and no code could be checked
            self._check_admin_code(group, admin_code)
            if group.closed is None:
                conn.execute(t_group.update().where(t_group.c.code == code).values(closed=_utc_naive()))

    def group_closed(self, group_code: str) -> bool:
        """Whether the course leader has closed the group for new members."""
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            return self._group_row(conn, code).closed is not None

    def _role(self, conn: Connection, code: str, kh: str) -> str | None:
        return conn.execute(
            sa.select(t_member.c.role).where(t_member.c.group_code == code, t_member.c.key_hash == kh)
        ).scalar()

    def join_group(self, key: str, group_code: str, role: str = "medlem") -> None:
        """Make this key a member (or leader) of the group.

        A key counts once: joining again only changes the role, and the group counts the key's latest
        response only. A closed group (:meth:`close_group`) takes no new keys: GroupClosed.
        """
        kh = _hash_key(key)
        code = self.validate_group_code(group_code)
        if role not in ROLES:
            raise InputError("Rollen må være «medlem» eller «leder».")
        for attempt in range(3):
            try:
                with self._tx(write=True) as conn:
                    group = self._group_row(conn, code, lock=True)
                    if self._role(conn, code, kh) is not None:
                        conn.execute(
                            t_member.update()
                            .where(t_member.c.group_code == code, t_member.c.key_hash == kh)
                            .values(role=role)
                        )
                        return
                    if group.closed is not None:
                        raise GroupClosed()
                    conn.execute(
                        t_member.insert().values(group_code=code, key_hash=kh, role=role, joined=_utc_naive())
                    )
                    self._shift(conn, kh, None, self._latest(conn, kh), [code])
                    return
            except StorageError as exc:
                if isinstance(exc.__cause__, IntegrityError) and attempt < 2:
                    continue
                raise

    def leave_group(self, key: str, group_code: str) -> None:
        """Take this key out of the group (its answers are kept)."""
        kh = _hash_key(key)
        code = self.validate_group_code(group_code)
        with self._tx(write=True) as conn:
            if self._role(conn, code, kh) is None:
                return
            self._shift(conn, kh, self._latest(conn, kh), None, [code])
            conn.execute(t_member.delete().where(t_member.c.group_code == code, t_member.c.key_hash == kh))

    def group_name(self, group_code: str) -> str:
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            return str(self._group_row(conn, code).name)

    def _group_stats(
        self, conn: Connection, code: str, exclude_key_hash: str | None = None
    ) -> tuple[int, tuple[DimensionSummary, ...]]:
        """THE ONLY SOURCE OF GROUP STATISTICS. Enforces the minimum group size.

        Based on each member's latest response (the running totals), optionally
        without one member (the leader). Raises TooFewRespondents when fewer than
        ``instrument.min_group`` members have answered, and suppresses any
        dimension with fewer scored answers than that.
        """
        minimum = self.instrument.min_group
        n = conn.execute(
            sa.select(t_group_count.c.respondents).where(t_group_count.c.group_code == code)
        ).scalar() or 0
        cells: dict[tuple[str, str, int], list[int]] = {}
        for g in conn.execute(sa.select(t_group_stat).where(t_group_stat.c.group_code == code)):
            cells[(g.dimension, g.band, g.bin)] = [int(g.n), int(g.idx_micro)]
        if exclude_key_hash is not None and self._role(conn, code, exclude_key_hash) is not None:
            latest = self._latest(conn, exclude_key_hash)
            if latest is not None:
                n -= 1
                for dim, band, b, micro in self._cells(conn, latest):
                    cell = cells[(dim, band, b)]
                    cell[0] -= 1
                    cell[1] -= int(micro)
        if n < minimum:
            raise TooFewRespondents(max(n, 0), minimum)
        acc: dict[str, dict] = {}
        for (dim, band, b), (count, micro) in cells.items():
            if count <= 0:
                continue
            a = acc.setdefault(dim, {"n": 0, "micro": 0, "bands": {}, "bins": [0] * len(BINS)})
            a["n"] += count
            a["micro"] += micro
            a["bands"][band] = a["bands"].get(band, 0) + count
            a["bins"][b] += count
        out = []
        for d in self.instrument.dimensions:
            a = acc.get(d.id)
            if a is None or a["n"] < minimum:
                out.append(DimensionSummary(d.id, d.name, None, None, None, {}, {}, True))
                continue
            mean = min(max(a["micro"] / 1_000_000 / a["n"], 0.0), 100.0)
            out.append(
                DimensionSummary(
                    d.id,
                    d.name,
                    a["n"],
                    mean,
                    band_for(self.instrument, mean),
                    {bd.name: a["bands"].get(bd.name, 0) for bd in self.instrument.bands},
                    dict(zip(BINS, a["bins"])),
                    False,
                )
            )
        return n, tuple(out)

    def group_summary(self, group_code: str) -> GroupSummary:
        """Aggregate profile of the group. TooFewRespondents below the minimum group size."""
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            row = self._group_row(conn, code)
            n, dims = self._group_stats(conn, code)
        return GroupSummary(code, str(row.name), n, self.instrument.min_group, dims)

    def leader_vs_team(self, group_code: str, leader_key: str) -> LeaderComparison:
        """The leader's own latest profile next to the rest of the group (leader not included in the team)."""
        code = self.validate_group_code(group_code)
        kh = _hash_key(leader_key)
        with self._tx() as conn:
            self._group_row(conn, code)
            if self._role(conn, code, kh) != "leder":
                raise NotGroupLeader()
            latest = self._latest(conn, kh)
            if latest is None:
                raise UnknownKey()
            own = {s.dimension: s for s in conn.execute(sa.select(t_score).where(t_score.c.response_id == latest))}
            n, team = self._group_stats(conn, code, exclude_key_hash=kh)
        rows = []
        for t in team:
            mine = own.get(t.dimension)
            li = None if mine is None else mine.idx
            diff = None if li is None or t.mean_index is None else li - t.mean_index
            rows.append(
                LeaderRow(t.dimension, t.name, li, None if mine is None else mine.band, t.mean_index, t.band, diff)
            )
        return LeaderComparison(code, n, tuple(rows))

    def export_group(self, group_code: str, path: Path | str) -> Path:
        """Write the group's aggregate figures to .csv or .xlsx. Never individual answers."""
        from .report import write_summary

        path = Path(path)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise InputError("Filen må slutte på .csv eller .xlsx.")
        return write_summary(self.group_summary(group_code), path)


def _chunks(seq: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
