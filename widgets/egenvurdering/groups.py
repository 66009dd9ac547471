"""Groups (teams) and their admin codes, as steps inside one transaction of the store.

The :class:`~widgets.egenvurdering.store.Store` opens the transaction (and retries it after a
unique-key race); these functions do the work on its connection. Every change of membership moves
the key's contribution in the running totals (:func:`widgets.egenvurdering.totals.shift`).
"""
from __future__ import annotations

import hmac

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fellesregler.sprak import N_, oversetter

from .._common import InputError
from . import totals
from .codes import ADMIN_LENGTH, GROUP_LENGTH, hash_admin_code, normalise_code, random_code
from .errors import GroupClosed, GroupWithoutAdminCode, InvalidGroupCode, StorageError, WrongAdminCode
from .models import NewGroup
from .schema import t_group, t_member, utc_naive

__all__ = ["ROLES", "check_admin_code", "clean_name", "close", "create", "join", "leave", "row", "validate_code"]
_ = oversetter("egenvurdering")

ROLES = ("medlem", "leder")


def validate_code(code: object) -> str:
    """Normalise a group code ('4kxm 92tq' → '4KXM-92TQ'); InvalidGroupCode for anything else."""
    norm = normalise_code(code, GROUP_LENGTH)
    if norm is None:
        raise InvalidGroupCode()
    return norm


def clean_name(name: object) -> str:
    """The group's name with spaces tidied; InputError if it is empty or too long."""
    if not isinstance(name, str) or not name.strip():
        raise InputError(_("Gi gruppen et navn, for eksempel «Team hjemmetjenesten»."))
    name = " ".join(name.split())
    if len(name) > 200:
        raise InputError(_("Navnet på gruppen kan ha høyst 200 tegn."))
    return name


def create(conn: Connection, name: str, sid: str | None) -> NewGroup:
    """Make a group, or return the one this submission id made already (then without admin code)."""
    if sid is not None:
        existing = conn.execute(
            sa.select(t_group.c.code, t_group.c.name).where(t_group.c.submission_id == sid)
        ).first()
        if existing is not None:
            if existing.name != name:
                raise StorageError(
                    N_("Denne innsendingen er allerede brukt. Last siden på nytt og prøv igjen.")
                )
            return NewGroup(str(existing.code), None)
    for _attempt in range(10):
        code = random_code(GROUP_LENGTH)
        if conn.execute(sa.select(t_group.c.code).where(t_group.c.code == code)).first() is None:
            admin_code = random_code(ADMIN_LENGTH)
            conn.execute(
                t_group.insert().values(
                    code=code,
                    name=name,
                    created=utc_naive(),
                    submission_id=sid,
                    admin_hash=hash_admin_code(admin_code),
                )
            )
            return NewGroup(code, admin_code)
    raise StorageError()  # pragma: no cover - 40 random bits


def row(conn: Connection, code: str, lock: bool = False):
    """The group's row; InvalidGroupCode if there is no such group."""
    query = sa.select(t_group).where(t_group.c.code == code)
    if lock:  # PostgreSQL: a join waits for a close of the same group, and the other way round
        query = query.with_for_update()
    found = conn.execute(query).first()
    if found is None:
        raise InvalidGroupCode(N_("Vi finner ingen gruppe med denne koden. Sjekk at du har skrevet den riktig."))
    return found


def check_admin_code(group, admin_code: object) -> None:
    """Refuse unless ``admin_code`` is the admin code of the group row ``group``.

    WrongAdminCode for a missing, malformed or wrong code; GroupWithoutAdminCode for a group
    made before admin codes existed (no hash, so no code can be right).
    """
    if group.admin_hash is None:
        raise GroupWithoutAdminCode()
    if admin_code is None or (isinstance(admin_code, str) and not admin_code.strip()):
        raise WrongAdminCode(WrongAdminCode.missing)
    norm = normalise_code(admin_code, ADMIN_LENGTH)
    if norm is None or not hmac.compare_digest(hash_admin_code(norm), str(group.admin_hash)):
        raise WrongAdminCode()


def close(conn: Connection, code: str, admin_code: object) -> None:
    """Close the group for new members (see :meth:`Store.close_group`)."""
    group = row(conn, code, lock=True)
    if group.admin_hash is None and group.closed is not None:
        return  # closed before admin codes existed: nothing to do, and no code could be checked
    check_admin_code(group, admin_code)
    if group.closed is None:
        conn.execute(t_group.update().where(t_group.c.code == code).values(closed=utc_naive()))


def join(conn: Connection, code: str, kh: str, role: str) -> None:
    """Make the key a member with ``role``, or only change its role if it is one already."""
    group = row(conn, code, lock=True)
    if totals.role(conn, code, kh) is not None:
        conn.execute(
            t_member.update()
            .where(t_member.c.group_code == code, t_member.c.key_hash == kh)
            .values(role=role)
        )
        return
    if group.closed is not None:
        raise GroupClosed()
    conn.execute(t_member.insert().values(group_code=code, key_hash=kh, role=role, joined=utc_naive()))
    totals.shift(conn, kh, None, totals.latest(conn, kh), [code])


def leave(conn: Connection, code: str, kh: str) -> None:
    """Take the key out of the group (its answers are kept)."""
    if totals.role(conn, code, kh) is None:
        return
    totals.shift(conn, kh, totals.latest(conn, kh), None, [code])
    conn.execute(t_member.delete().where(t_member.c.group_code == code, t_member.c.key_hash == kh))
