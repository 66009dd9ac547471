"""Scoring of the self-assessment: pure functions over the Instrument.

Answers are a mapping ``item id -> 1..5`` or ``None`` («vet ikke»). Items not in
the mapping count as «vet ikke». The result is a profile, one score per
dimension, never one total.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .._common import InputError
from .instrument import Instrument

__all__ = ["DimensionScore", "band_for", "change", "clean_answers", "score", "weakest"]


@dataclass(frozen=True)
class DimensionScore:
    """Score of one dimension. ``mean``, ``index`` and ``band`` are None when too few items are answered."""

    dimension: str
    name: str
    answered: int
    mean: float | None
    index: float | None
    band: str | None


def _value(instrument: Instrument, item_id: str, value: object) -> int | None:
    if value is None:
        return None
    # bool is an int subclass, floats and strings are rejected on purpose.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) not in instrument.scale:
        lo, hi = min(instrument.scale), max(instrument.scale)
        raise InputError(
            f"Svaret på påstand {item_id} må være et helt tall fra {lo} til {hi} eller «{instrument.dont_know}»."
        )
    return int(value)


def clean_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int | None]:
    """Validate answers and return them for every item, in instrument order (missing → None).

    Raises InputError for unknown item ids and values outside the scale.
    """
    if not isinstance(answers, Mapping):
        raise InputError("Svarene må være en liste med påstand og svar.")
    for key in answers:
        if not instrument.has_item(key):
            raise InputError(f"Egenvurderingen har ingen påstand med navnet «{str(key)[:40]}».")
    return {i.id: _value(instrument, i.id, answers.get(i.id)) for i in instrument.items}


def band_for(instrument: Instrument, index: float) -> str:
    """The band name for an index 0–100: ``lower <= index < upper``, and the top band includes 100."""
    if isinstance(index, bool) or not isinstance(index, numbers.Real) or not math.isfinite(index):
        raise InputError("Indeksen må være et tall fra 0 til 100.")
    if index < 0 or index > 100:
        raise InputError("Indeksen må være et tall fra 0 til 100.")
    for band in instrument.bands:
        if band.lower <= index < band.upper:
            return band.name
    return instrument.bands[-1].name  # index == 100


def score(instrument: Instrument, answers: Mapping[str, object]) -> list[DimensionScore]:
    """Score every dimension, in instrument order. Reverse items count as 6 − answer."""
    clean = clean_answers(instrument, answers)
    top = max(instrument.scale) + min(instrument.scale)  # 6 on a 1–5 scale
    lo, hi = min(instrument.scale), max(instrument.scale)
    out: list[DimensionScore] = []
    for dim in instrument.dimensions:
        vals = [top - v if item.reverse else v for item in dim.items if (v := clean[item.id]) is not None]
        if len(vals) < instrument.min_answered:
            out.append(DimensionScore(dim.id, dim.name, len(vals), None, None, None))
            continue
        total, k = sum(vals), len(vals)
        mean = total / k
        # (mean − 1) / 4 × 100, computed from integers to avoid rounding drift at band edges.
        index = (total - lo * k) * 100 / ((hi - lo) * k)
        out.append(DimensionScore(dim.id, dim.name, len(vals), mean, index, band_for(instrument, index)))
    return out


def weakest(scores: Iterable[DimensionScore], n: int = 2) -> list[DimensionScore]:
    """The ``n`` scored dimensions with the lowest index; ties keep instrument order."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InputError("Antallet må være et helt tall som er 0 eller større.")
    scored = [s for s in scores if s.index is not None]
    return sorted(scored, key=lambda s: s.index)[:n]  # sorted() is stable


def change(previous: Iterable[DimensionScore], current: Iterable[DimensionScore]) -> dict[str, float | None]:
    """Index change per dimension (current − previous), in current order; None if either is missing."""
    before = {s.dimension: s.index for s in previous}
    out: dict[str, float | None] = {}
    for s in current:
        old = before.get(s.dimension)
        out[s.dimension] = None if old is None or s.index is None else s.index - old
    return out
