"""The self-assessment's database: tables, schema creation and upgrades, the engine, and small helpers.

Plain SQLAlchemy Core that runs unchanged on SQLite (default, WAL mode with a busy timeout) and
PostgreSQL. Scores are stored per dimension in a narrow table (``ev_score``) at save time, with a
per-key pointer to the latest response (``ev_respondent``). Team figures are kept as running totals
per group, dimension, band and 10-point bin (``ev_group_stat``, ``ev_group_count``; see
:mod:`widgets.egenvurdering.totals`).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateColumn

from .errors import BAD_URL, DatabaseUnavailable
from .instrument import ROOT

DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'egenvurdering.db'}"
#: Index histogram bins: 0–9, 10–19, …, 90–100.
BINS = tuple(f"{b * 10}–{b * 10 + 9}" if b < 9 else "90–100" for b in range(10))
CHUNK = 500

log = logging.getLogger(__name__)


def utc_naive(when: datetime | None = None) -> datetime:
    when = when or datetime.now(UTC)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def bin_of(index: float) -> int:
    return min(int(index // 10), 9)


def chunks(seq: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


# --------------------------------------------------------------------------- tables

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

AGG_TABLES = {t_group_stat.name, t_group_count.name}
SCHEMA_LOCK_ID = 0x65763031  # PostgreSQL advisory lock for creating and upgrading the schema ("ev01")
MICRO = sa.cast(sa.func.round(t_score.c.idx * 1_000_000), sa.BigInteger)


def default_url() -> str:
    return os.environ.get("EGENVURDERING_DB_URL") or DEFAULT_URL


def sqlite_folder(url: str) -> Path | None:
    """The folder of an SQLite database file given by a plain path (None for other databases, memory or URIs)."""
    u = make_url(url)
    db = u.database or ""
    if u.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser().parent


def safe_url(url: str) -> str:
    """The URL for the log, without a password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: log nothing of it
        return "(adressen kan ikke leses)"


def make_engine(url: str, busy_timeout_ms: int) -> Engine:
    """The engine for ``url``; DatabaseUnavailable (Norwegian) if the URL is malformed or its driver is missing.

    Nothing is opened here: the database and its folder are first touched by :func:`create_schema`.
    """
    try:
        engine = sa.create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError, TypeError) as exc:
        log.error("Egenvurdering: ugyldig database-URL %s: %s", safe_url(url), exc)
        raise DatabaseUnavailable(BAD_URL) from exc
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


def schema_gaps(conn: Connection) -> tuple[set[str], dict[str, list[sa.Column]]]:
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


def upgrade_columns(conn: Connection, columns: dict[str, list[sa.Column]]) -> None:
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


def create_schema(engine: Engine, rebuild: Callable[[Connection], None]) -> None:
    """Create missing tables and add columns added later; ``rebuild`` fills new running totals once."""
    with engine.connect() as conn:
        missing, columns = schema_gaps(conn)
        conn.rollback()
        if not missing and not columns:
            return
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # PostgreSQL has no database-wide write lock like SQLite's: take one for schema changes.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_ID})")
            # Check again under the write lock: another process may have been first.
            missing, columns = schema_gaps(conn)
            metadata.create_all(conn, checkfirst=True)
            upgrade_columns(conn, columns)
            if missing & AGG_TABLES and t_response.name not in missing:
                # A database from before the running totals existed: build them once.
                rebuild(conn)
