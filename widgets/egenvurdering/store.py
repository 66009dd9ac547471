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
* Group statistics are only ever produced by
  :func:`widgets.egenvurdering.totals.group_stats`, which refuses groups with
  fewer than ``instrument.min_group`` respondents (:class:`TooFewRespondents`, a
  privacy refusal, not a storage error) and suppresses any dimension scored by
  fewer than that. Every public method that
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

The store is a façade over modules with one job each: :mod:`.errors`,
:mod:`.models` (what it returns), :mod:`.codes` (personal, group and admin codes),
:mod:`.schema` (tables, engine, upgrades), :mod:`.totals` (running totals and the
group statistics), :mod:`.answers` and :mod:`.groups` (the work inside one
transaction). It opens every transaction (:meth:`Store._tx`) and retries a write
after a unique-key race (:meth:`Store._write`).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from fellesregler.sprak import oversetter

from .._common import InputError
from . import answers as answer_steps
from . import groups, totals
from .codes import KEY_LENGTH, hash_key, random_code
from .errors import BAD_FOLDER, DatabaseUnavailable, NotGroupLeader, StorageError, UnknownKey, db_errors
from .instrument import Instrument, load_instrument
from .models import GroupSummary, LeaderComparison, LeaderRow, NewGroup, Response
from .schema import (
    DEFAULT_URL,
    create_schema,
    default_url,
    make_engine,
    safe_url,
    sqlite_folder,
    t_plan,
    t_score,
    utc_naive,
)
from .scoring import clean_answers, score

__all__ = ["DEFAULT_URL", "ROLES", "Store"]

ROLES = groups.ROLES
_MAX_PLAN = 20_000
_T = TypeVar("_T")

log = logging.getLogger(__name__)
_ = oversetter("egenvurdering")


def _submission_id(submission_id: object) -> str:
    if not isinstance(submission_id, str) or not 1 <= len(submission_id.strip()) <= 100:
        raise InputError(_("Innsendingen mangler en gyldig id. Last siden på nytt og prøv igjen."))
    return submission_id.strip()


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
        self.url = url or default_url()
        self.instrument = instrument or load_instrument()
        self.engine = make_engine(self.url, busy_timeout_ms)  # raises DatabaseUnavailable for a bad URL
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
        folder = sqlite_folder(self.url)
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.error("Egenvurdering: kan ikke lage mappen %s for databasen: %s", folder, exc)
            raise DatabaseUnavailable(BAD_FOLDER) from exc

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            self._make_folder()
            try:
                with db_errors():
                    create_schema(self.engine, totals.rebuild)
            except DatabaseUnavailable as exc:
                cause = exc.__cause__
                if self._sqlite and isinstance(cause, OperationalError) and "unable to open" in str(cause):
                    # SQLite cannot open or create the file: almost always the folder (missing, read-only)
                    # or a file that is not a database, both things the operator must fix.
                    log.error("Egenvurdering: kan ikke åpne SQLite-databasen %s: %s", safe_url(self.url), cause)
                    raise DatabaseUnavailable(BAD_FOLDER) from cause
                raise
            self._schema_ready = True

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """One transaction; database errors become Norwegian StorageErrors."""
        self._ensure_schema()
        with db_errors():
            with self.engine.connect() as conn:
                if write and self._sqlite:
                    conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn

    def _write(self, work: Callable[[Connection], _T], attempts: int = 3) -> _T:
        """Run ``work`` in one write transaction; after a unique-key race, again in a fresh one.

        Two submits at once with the same id (possible on PostgreSQL) make one of them fail with an
        IntegrityError; the retry then finds the other's row and returns what it made.
        """
        for attempt in range(attempts):
            try:
                with self._tx(write=True) as conn:
                    return work(conn)
            except StorageError as exc:
                if isinstance(exc.__cause__, IntegrityError) and attempt < attempts - 1:
                    continue
                raise
        raise StorageError()  # pragma: no cover

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

    def rebuild_aggregates(self) -> None:
        """Recompute every group's running totals from the stored scores (repair tool; never needed normally)."""
        with self._tx(write=True) as conn:
            totals.rebuild(conn)

    # ------------------------------------------------------------ keys, answers and plans

    @staticmethod
    def new_key() -> str:
        """A new pseudonymous personal code like 'K7QF-3MZP-XW2D'. Nothing is stored until first save."""
        return random_code(KEY_LENGTH)

    def save_response(self, key: str, answers: Mapping[str, object], submission_id: str) -> int:
        """Store one self-assessment atomically and return its id.

        Idempotent on ``submission_id``: a repeated submit returns the first id and stores nothing new.
        """
        kh = hash_key(key)
        sid = _submission_id(submission_id)
        clean = clean_answers(self.instrument, answers)
        scores = score(self.instrument, clean)
        return self._write(lambda conn: answer_steps.insert_response(conn, kh, sid, clean, scores))

    def responses(self, key: str) -> list[Response]:
        """All stored self-assessments of this key, oldest first. UnknownKey if there are none."""
        kh = hash_key(key)
        with self._tx() as conn:
            return answer_steps.read_responses(conn, kh, self.instrument)

    def latest_response(self, key: str) -> Response:
        """The newest stored self-assessment of this key (UnknownKey if none)."""
        return self.responses(key)[-1]

    def save_plan(self, key: str, text: str) -> None:
        """Store (replace) the learner's action plan."""
        kh = hash_key(key)
        if not isinstance(text, str) or not text.strip():
            raise InputError(_("Handlingsplanen er tom. Skriv minst ett tiltak før du lagrer."))
        if len(text) > _MAX_PLAN:
            raise InputError(_("Handlingsplanen er for lang. Den kan ha høyst {n} tegn.").format(n=_MAX_PLAN))
        with self._tx(write=True) as conn:
            conn.execute(t_plan.delete().where(t_plan.c.key_hash == kh))
            conn.execute(t_plan.insert().values(key_hash=kh, created=utc_naive(), text=text.strip()))

    def latest_plan(self, key: str) -> str | None:
        kh = hash_key(key)
        with self._tx() as conn:
            return conn.execute(sa.select(t_plan.c.text).where(t_plan.c.key_hash == kh)).scalar()

    # ------------------------------------------------------------ deletion and retention

    def delete_key(self, key: str) -> int:
        """Delete every answer, plan and group membership of this key. Returns the number of records deleted."""
        kh = hash_key(key)
        with self._tx(write=True) as conn:
            n = answer_steps.delete_key(conn, kh)
        self._checkpoint()
        return n

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete answers, plans and memberships older than the retention period. Returns the number deleted."""
        cutoff = utc_naive(now) - timedelta(days=self.instrument.retention_days)
        with self._tx(write=True) as conn:
            n = answer_steps.purge(conn, cutoff)
        self._checkpoint()
        return n

    # ------------------------------------------------------------ groups

    @staticmethod
    def validate_group_code(code: object) -> str:
        """Normalise a group code ('4kxm 92tq' → '4KXM-92TQ'); InvalidGroupCode for anything else."""
        return groups.validate_code(code)

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
        name = groups.clean_name(name)
        sid = None if submission_id is None else _submission_id(submission_id)
        return self._write(lambda conn: groups.create(conn, name, sid))

    def check_admin_code(self, group_code: str, admin_code: str | None) -> None:
        """Check the admin code of a group without changing anything (the team view asks before closing).

        WrongAdminCode or GroupWithoutAdminCode like :meth:`close_group`.
        """
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            groups.check_admin_code(groups.row(conn, code), admin_code)

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
            groups.close(conn, code, admin_code)

    def group_closed(self, group_code: str) -> bool:
        """Whether the course leader has closed the group for new members."""
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            return groups.row(conn, code).closed is not None

    def join_group(self, key: str, group_code: str, role: str = "medlem") -> None:
        """Make this key a member (or leader) of the group.

        A key counts once: joining again only changes the role, and the group counts the key's latest
        response only. A closed group (:meth:`close_group`) takes no new keys: GroupClosed.
        """
        kh = hash_key(key)
        code = self.validate_group_code(group_code)
        if role not in ROLES:
            raise InputError("Rollen må være «medlem» eller «leder».")
        self._write(lambda conn: groups.join(conn, code, kh, role))

    def leave_group(self, key: str, group_code: str) -> None:
        """Take this key out of the group (its answers are kept)."""
        kh = hash_key(key)
        code = self.validate_group_code(group_code)
        with self._tx(write=True) as conn:
            groups.leave(conn, code, kh)

    def group_name(self, group_code: str) -> str:
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            return str(groups.row(conn, code).name)

    # ------------------------------------------------------------ group figures (privacy rule applied)

    def group_summary(self, group_code: str) -> GroupSummary:
        """Aggregate profile of the group. TooFewRespondents below the minimum group size."""
        code = self.validate_group_code(group_code)
        with self._tx() as conn:
            row = groups.row(conn, code)
            n, dims = totals.group_stats(conn, self.instrument, code)
        return GroupSummary(code, str(row.name), n, self.instrument.min_group, dims)

    def leader_vs_team(self, group_code: str, leader_key: str) -> LeaderComparison:
        """The leader's own latest profile next to the rest of the group (leader not included in the team)."""
        code = self.validate_group_code(group_code)
        kh = hash_key(leader_key)
        with self._tx() as conn:
            groups.row(conn, code)
            if totals.role(conn, code, kh) != "leder":
                raise NotGroupLeader()
            latest = totals.latest(conn, kh)
            if latest is None:
                raise UnknownKey()
            own = {s.dimension: s for s in conn.execute(sa.select(t_score).where(t_score.c.response_id == latest))}
            n, team = totals.group_stats(conn, self.instrument, code, exclude_key_hash=kh)
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
        from .export import write_summary

        path = Path(path)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise InputError("Filen må slutte på .csv eller .xlsx.")
        return write_summary(self.group_summary(group_code), path)
