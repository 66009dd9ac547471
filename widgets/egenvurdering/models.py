"""What the self-assessment store returns: plain frozen dataclasses, no database in sight."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .._common import InputError
from .scoring import DimensionScore

__all__ = ["DimensionSummary", "GroupSummary", "LeaderComparison", "LeaderRow", "NewGroup", "Response"]


@dataclass(frozen=True)
class Response:
    """One stored self-assessment of the learner's own key."""

    id: int
    created: datetime
    answers: dict[str, int | None]
    scores: list[DimensionScore]


@dataclass(frozen=True)
class NewGroup:
    """What :meth:`Store.create_group` returns.

    ``code`` is the group code, for the team. ``admin_code`` («lederkode») is for whoever made the group
    only: it is needed to close the group. The store keeps only its hash, so it is known only when the
    group is made: a repeated call with the same submission id returns the same ``code`` and
    ``admin_code=None``. It is left out of ``repr`` so it does not end up in logs.
    """

    code: str
    admin_code: str | None = field(repr=False)


@dataclass(frozen=True)
class DimensionSummary:
    """Group figures for one dimension. All figures are None/empty when ``suppressed``."""

    dimension: str
    name: str
    n: int | None
    mean_index: float | None
    band: str | None
    band_counts: dict[str, int] = field(default_factory=dict)
    distribution: dict[str, int] = field(default_factory=dict)
    suppressed: bool = False


@dataclass(frozen=True)
class GroupSummary:
    """Aggregate profile of a group, based on each member's latest response."""

    group_code: str
    name: str
    respondents: int
    min_group: int
    dimensions: tuple[DimensionSummary, ...]

    def dimension(self, id: str) -> DimensionSummary:
        for d in self.dimensions:
            if d.dimension == id:
                return d
        raise InputError(f"Egenvurderingen har ingen dimensjon med navnet «{id}».")

    def weakest(self, n: int = 2) -> list[DimensionSummary]:
        scored = [d for d in self.dimensions if d.mean_index is not None]
        return sorted(scored, key=lambda d: d.mean_index)[:n]


@dataclass(frozen=True)
class LeaderRow:
    dimension: str
    name: str
    leader_index: float | None
    leader_band: str | None
    team_index: float | None
    team_band: str | None
    difference: float | None  # leader − team


@dataclass(frozen=True)
class LeaderComparison:
    """The leader's own latest profile next to the rest of the group (leader excluded)."""

    group_code: str
    team_respondents: int
    rows: tuple[LeaderRow, ...]
