"""Running totals and group statistics: the only place the self-assessment computes team figures.

Team figures are kept as running totals per group, dimension, band and 10-point bin
(``ev_group_stat``, ``ev_group_count``), updated by :func:`shift` in the same transaction as every
change (save, join, leave, delete, purge), so a team report reads a few hundred rows however large the
group is. :func:`rebuild` recomputes them from the narrow score table with one SQL aggregation.

:func:`group_stats` is the only source of group statistics. It applies the privacy rule: a group
with fewer respondents than ``instrument.min_group`` (the rule of :mod:`fellesregler.personvern`,
from ``data/egenvurdering.yaml``) raises :class:`TooFewRespondents`, and a dimension scored by fewer
than that is suppressed.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fellesregler.personvern import Personvernregel

from .errors import TooFewRespondents
from .instrument import Instrument
from .models import DimensionSummary
from .schema import (
    BINS,
    MICRO,
    chunks,
    t_group,
    t_group_count,
    t_group_stat,
    t_member,
    t_respondent,
    t_score,
)
from .scoring import band_for

__all__ = ["cells", "group_stats", "groups_of", "latest", "rebuild", "role", "shift"]


def latest(conn: Connection, kh: str) -> int | None:
    return conn.execute(
        sa.select(t_respondent.c.latest_response_id).where(t_respondent.c.key_hash == kh)
    ).scalar()

def groups_of(conn: Connection, kh: str) -> list[str]:
    return list(conn.execute(sa.select(t_member.c.group_code).where(t_member.c.key_hash == kh)).scalars())

def cells(conn: Connection, rid: int | None) -> list[tuple[str, str, int, int]]:
    """(dimension, band, bin, index × 10⁶) of every scored dimension of one response."""
    if rid is None:
        return []
    return [
        tuple(r)
        for r in conn.execute(
            sa.select(t_score.c.dimension, t_score.c.band, t_score.c.bin, MICRO).where(
                t_score.c.response_id == rid, t_score.c.idx.is_not(None)
            )
        )
    ]

def shift(
    conn: Connection, kh: str, old_rid: int | None, new_rid: int | None, groups: list[str] | None = None
) -> None:
    """Move a key's contribution to its groups' running totals from response old_rid to new_rid."""
    if old_rid == new_rid:
        return
    groups = groups_of(conn, kh) if groups is None else groups
    if not groups:
        return
    # Lock the group rows (PostgreSQL) so concurrent changes to one group's totals queue up.
    conn.execute(sa.select(t_group.c.code).where(t_group.c.code.in_(groups)).with_for_update()).all()
    delta: dict[tuple[str, str, int], list[int]] = {}
    for sign, rid in ((-1, old_rid), (1, new_rid)):
        for dim, band, b, micro in cells(conn, rid):
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

def rebuild(conn: Connection, groups: list[str] | None = None) -> None:
    """Recompute the running totals from the narrow score table (all groups, or the given ones)."""
    if groups is not None and not groups:
        return
    parts = [None] if groups is None else list(chunks(sorted(set(groups))))
    m, r, s = t_member.c, t_respondent.c, t_score.c
    joined = t_member.join(t_respondent, r.key_hash == m.key_hash)
    for chunk in parts:
        stat_del, count_del = t_group_stat.delete(), t_group_count.delete()
        counts = sa.select(m.group_code, sa.func.count()).select_from(joined).group_by(m.group_code)
        stats = (
            sa.select(m.group_code, s.dimension, s.band, s.bin, sa.func.count(), sa.func.sum(MICRO))
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



def role(conn: Connection, code: str, kh: str) -> str | None:
    return conn.execute(
        sa.select(t_member.c.role).where(t_member.c.group_code == code, t_member.c.key_hash == kh)
    ).scalar()



def group_stats(
    conn: Connection, instrument: Instrument, code: str, exclude_key_hash: str | None = None
) -> tuple[int, tuple[DimensionSummary, ...]]:
    """THE ONLY SOURCE OF GROUP STATISTICS. Enforces the minimum group size.

    Based on each member's latest response (the running totals), optionally
    without one member (the leader). Raises TooFewRespondents when fewer than
    ``instrument.min_group`` members have answered, and suppresses any
    dimension with fewer scored answers than that.
    """
    rule = Personvernregel(minimum=instrument.min_group, lagringsdager=instrument.retention_days)
    n = conn.execute(
        sa.select(t_group_count.c.respondents).where(t_group_count.c.group_code == code)
    ).scalar() or 0
    stat: dict[tuple[str, str, int], list[int]] = {}
    for g in conn.execute(sa.select(t_group_stat).where(t_group_stat.c.group_code == code)):
        stat[(g.dimension, g.band, g.bin)] = [int(g.n), int(g.idx_micro)]
    if exclude_key_hash is not None and role(conn, code, exclude_key_hash) is not None:
        own = latest(conn, exclude_key_hash)
        if own is not None:
            n -= 1
            for dim, band, b, micro in cells(conn, own):
                cell = stat[(dim, band, b)]
                cell[0] -= 1
                cell[1] -= int(micro)
    if not rule.vises(n):
        raise TooFewRespondents(max(n, 0), rule.minimum)
    acc: dict[str, dict] = {}
    for (dim, band, b), (count, micro) in stat.items():
        if count <= 0:
            continue
        a = acc.setdefault(dim, {"n": 0, "micro": 0, "bands": {}, "bins": [0] * len(BINS)})
        a["n"] += count
        a["micro"] += micro
        a["bands"][band] = a["bands"].get(band, 0) + count
        a["bins"][b] += count
    out = []
    for d in instrument.dimensions:
        a = acc.get(d.id)
        if a is None or not rule.vises(a["n"]):
            out.append(DimensionSummary(d.id, d.name, None, None, None, {}, {}, True))
            continue
        mean = min(max(a["micro"] / 1_000_000 / a["n"], 0.0), 100.0)
        out.append(
            DimensionSummary(
                d.id,
                d.name,
                a["n"],
                mean,
                band_for(instrument, mean),
                {bd.name: a["bands"].get(bd.name, 0) for bd in instrument.bands},
                dict(zip(BINS, a["bins"])),
                False,
            )
        )
    return n, tuple(out)
