"""Answers, plans and deletion, as steps inside one transaction of the store.

The :class:`~widgets.egenvurdering.store.Store` checks the input, opens the transaction (and retries
it after a unique-key race); these functions do the work on its connection and keep the running totals
(:mod:`widgets.egenvurdering.totals`) in step with every change.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fellesregler.sprak import N_

from .._common import InputError
from . import totals
from .errors import StorageError, UnknownKey
from .instrument import Instrument
from .models import Response
from .schema import (
    as_utc,
    bin_of,
    chunks,
    t_group,
    t_group_count,
    t_group_stat,
    t_member,
    t_plan,
    t_respondent,
    t_response,
    t_score,
    utc_naive,
)
from .scoring import DimensionScore

__all__ = ["delete_key", "insert_response", "purge", "read_responses"]


def insert_response(conn: Connection, kh: str, sid: str, clean: dict, scores: list[DimensionScore]) -> int:
    """Store one scored response and make it the key's latest; the first id again for a repeated ``sid``."""
    existing = conn.execute(
        sa.select(t_response.c.id, t_response.c.key_hash).where(t_response.c.submission_id == sid)
    ).first()
    if existing is not None:
        if existing.key_hash != kh:
            raise StorageError(N_("Denne innsendingen er allerede brukt. Last siden på nytt og prøv igjen."))
        return int(existing.id)
    rid = conn.execute(
        t_response.insert().values(
            key_hash=kh, submission_id=sid, created=utc_naive(), answers=clean
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
                "bin": None if s.index is None else bin_of(s.index),
            }
            for s in scores
        ],
    )
    old = totals.latest(conn, kh)
    if old is None:
        conn.execute(t_respondent.insert().values(key_hash=kh, latest_response_id=rid))
    else:
        conn.execute(
            t_respondent.update().where(t_respondent.c.key_hash == kh).values(latest_response_id=rid)
        )
    totals.shift(conn, kh, old, rid)
    return int(rid)


def _dim_name(instrument: Instrument, dim_id: str) -> str:
    try:
        return instrument.dimension(dim_id).name
    except InputError:
        return dim_id


def read_responses(conn: Connection, kh: str, instrument: Instrument) -> list[Response]:
    """All responses of the key, oldest first, scores in the instrument's order; UnknownKey if none."""
    order = {d.id: n for n, d in enumerate(instrument.dimensions)}
    rows = conn.execute(
        sa.select(t_response.c.id, t_response.c.created, t_response.c.answers)
        .where(t_response.c.key_hash == kh)
        .order_by(t_response.c.id)
    ).all()
    if not rows:
        raise UnknownKey()
    ids = [r.id for r in rows]
    by_resp: dict[int, list[DimensionScore]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        for s in conn.execute(sa.select(t_score).where(t_score.c.response_id.in_(chunk))):
            by_resp[s.response_id].append(
                DimensionScore(s.dimension, _dim_name(instrument, s.dimension), s.answered, s.mean, s.idx, s.band)
            )
    out = []
    for r in rows:
        scores = sorted(by_resp[r.id], key=lambda s: order.get(s.dimension, len(order)))
        out.append(Response(int(r.id), as_utc(r.created), dict(r.answers), scores))
    return out


def delete_key(conn: Connection, kh: str) -> int:
    """Delete every answer, plan and group membership of the key; the number of records deleted."""
    totals.shift(conn, kh, totals.latest(conn, kh), None)
    ids = sa.select(t_response.c.id).where(t_response.c.key_hash == kh).scalar_subquery()
    conn.execute(t_respondent.delete().where(t_respondent.c.key_hash == kh))
    conn.execute(t_score.delete().where(t_score.c.response_id.in_(ids)))
    n = conn.execute(t_response.delete().where(t_response.c.key_hash == kh)).rowcount
    n += conn.execute(t_plan.delete().where(t_plan.c.key_hash == kh)).rowcount
    n += conn.execute(t_member.delete().where(t_member.c.key_hash == kh)).rowcount
    return int(n)


def purge(conn: Connection, cutoff: datetime) -> int:
    """Delete answers, plans and memberships from before ``cutoff``; the number of records deleted."""
    old = conn.execute(
        sa.select(t_response.c.id, t_response.c.key_hash).where(t_response.c.created < cutoff)
    ).all()
    affected = sorted({r.key_hash for r in old})
    ids = [r.id for r in old]
    touched: set[str] = set()
    for chunk in chunks(affected):
        touched.update(
            conn.execute(sa.select(t_member.c.group_code).where(t_member.c.key_hash.in_(chunk))).scalars()
        )
        conn.execute(t_respondent.delete().where(t_respondent.c.key_hash.in_(chunk)))
    n = 0
    for chunk in chunks(ids):
        conn.execute(t_score.delete().where(t_score.c.response_id.in_(chunk)))
        n += conn.execute(t_response.delete().where(t_response.c.id.in_(chunk))).rowcount
    for chunk in chunks(affected):
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
    totals.rebuild(conn, sorted(touched))
    empty = sa.select(t_group.c.code).where(
        t_group.c.created < cutoff, t_group.c.code.not_in(sa.select(t_member.c.group_code))
    )
    gone = list(conn.execute(empty).scalars())
    for chunk in chunks(gone):
        conn.execute(t_group_stat.delete().where(t_group_stat.c.group_code.in_(chunk)))
        conn.execute(t_group_count.delete().where(t_group_count.c.group_code.in_(chunk)))
        conn.execute(t_group.delete().where(t_group.c.code.in_(chunk)))
    return int(n)
