"""Personal codes, group codes and admin codes: made at random, normalised, and stored only as hashes.

A personal code has 12 characters (60 random bits, e.g. ``K7QF-3MZP-XW2D``), a group code 8 (40 bits),
an admin code («lederkode») 12. The alphabet is Crockford's base32; O, I and L typed by mistake are read
as 0, 1 and 1. The database stores only ``sha256`` of a normalised code (:func:`hash_key`,
:func:`hash_admin_code`), so a row cannot be turned back into a code.
"""
from __future__ import annotations

import hashlib
import secrets

from .errors import InvalidKey

__all__ = [
    "ADMIN_LENGTH",
    "ALPHABET",
    "GROUP_LENGTH",
    "KEY_LENGTH",
    "hash_admin_code",
    "hash_key",
    "normalise_code",
    "normalise_key",
    "random_code",
]

#: Crockford base32: no I, L, O or U, so codes are easy to read aloud and type.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
KEY_LENGTH = 12  # 60 random bits
GROUP_LENGTH = 8  # 40 random bits
ADMIN_LENGTH = 12  # the admin code of a group, like a personal code: 60 random bits


def random_code(length: int) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalise_code(code: object, length: int) -> str | None:
    if not isinstance(code, str) or len(code) > 3 * length:
        return None
    raw = "".join(code.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(raw) != length or any(c not in ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalise_key(key: object) -> str:
    """Normalise a personal code (case, spaces, O→0, I/L→1); InvalidKey if it is not a code."""
    norm = normalise_code(key, KEY_LENGTH)
    if norm is None:
        raise InvalidKey()
    return norm


def hash_key(key: object) -> str:
    return hashlib.sha256(f"egenvurdering:v1:{normalise_key(key)}".encode()).hexdigest()


def hash_admin_code(norm: str) -> str:
    """Hash of a normalised admin code, like :func:`hash_key` but with its own prefix."""
    return hashlib.sha256(f"egenvurdering:leder:v1:{norm}".encode()).hexdigest()
