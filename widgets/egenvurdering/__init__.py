"""The self-assessment «Egenvurdering»: instrument, scoring, storage and reports.

The instrument is defined once in ``data/egenvurdering.yaml``. The Voila apps
(``app.py``, ``team_app.py``) are thin views over this package. The storage is split by job:
``errors``, ``models``, ``codes``, ``schema``, ``totals`` (running totals and the only group
statistics), ``answers`` and ``groups`` (work inside a transaction), the ``store`` façade,
``export`` (CSV/Excel of a group summary) and ``report`` (renderings for the book).
"""
from __future__ import annotations

from .instrument import Band, Dimension, Instrument, Item, load_instrument
from .scoring import DimensionScore, band_for, change, score, weakest
from .errors import (
    DatabaseLocked,
    DatabaseUnavailable,
    GroupClosed,
    GroupWithoutAdminCode,
    InvalidGroupCode,
    InvalidKey,
    NotGroupLeader,
    PrivacyRefusal,
    ReadOnlyDatabase,
    StorageError,
    TooFewRespondents,
    UnknownKey,
    WrongAdminCode,
)
from .models import DimensionSummary, GroupSummary, LeaderComparison, LeaderRow, NewGroup, Response
from .store import Store

__all__ = [
    "Band",
    "DatabaseLocked",
    "DatabaseUnavailable",
    "Dimension",
    "DimensionScore",
    "DimensionSummary",
    "GroupClosed",
    "GroupSummary",
    "GroupWithoutAdminCode",
    "Instrument",
    "InvalidGroupCode",
    "InvalidKey",
    "Item",
    "LeaderComparison",
    "LeaderRow",
    "NewGroup",
    "NotGroupLeader",
    "PrivacyRefusal",
    "ReadOnlyDatabase",
    "Response",
    "StorageError",
    "Store",
    "TooFewRespondents",
    "UnknownKey",
    "WrongAdminCode",
    "band_for",
    "change",
    "load_instrument",
    "score",
    "weakest",
]
