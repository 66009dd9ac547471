"""Helpers shared by the self-assessment tests (store, groups, unavailable database)."""
from __future__ import annotations

import sqlite3

from widgets.egenvurdering.instrument import load_instrument

INS = load_instrument()


def answers(value=3, **overrides):
    """An answer for every item (``value``; None is «vet ikke»); ``K1_1=5`` overrides item K1.1."""
    out = {i.id: value for i in INS.items}
    out.update({k.replace("_", "."): v for k, v in overrides.items()})
    return out


def raw(db_path, sql, *args):
    """Rows straight from the SQLite file, past the Store."""
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()
