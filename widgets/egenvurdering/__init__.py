"""The self-assessment «Egenvurdering»: instrument, scoring, storage and reports.

The instrument is defined once in ``data/egenvurdering.yaml``. The Voila apps
(``app.py``, ``team_app.py``) are thin views over this package.
"""
from __future__ import annotations

from .instrument import Band, Dimension, Instrument, Item, load_instrument
from .scoring import DimensionScore, band_for, change, score, weakest
from .store import (
    DatabaseLocked,
    DatabaseUnavailable,
    DimensionSummary,
    GroupClosed,
    GroupSummary,
    GroupWithoutAdminCode,
    InvalidGroupCode,
    InvalidKey,
    LeaderComparison,
    LeaderRow,
    NewGroup,
    NotGroupLeader,
    ReadOnlyDatabase,
    Response,
    StorageError,
    Store,
    TooFewRespondents,
    UnknownKey,
    WrongAdminCode,
)

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
