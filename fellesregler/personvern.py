"""The privacy rule of the course: at least N people before any figure is shown.

Both the course leader's reports (``grading/reports.py``) and the self-assessment store
(``widgets/egenvurdering/``) follow this rule. Its numbers live once, as data, in the ``privacy``
part of ``data/egenvurdering.yaml``: ``min_group`` (the minimum) and ``retention_days`` (how
long answers and plans are kept). :func:`regel` reads them (cached per file and modification
time); the self-assessment's instrument loader reads the same part of the same file.

* :meth:`Personvernregel.vises` says whether a group of ``n`` may be shown.
* :meth:`Personvernregel.sekundaer_skjuling` hides one more group when the whole minus the
  shown groups would reveal a group under the minimum by subtraction.
* :func:`for_faa_tekst` is the one wording for a group that is too small, in the course leader's
  reports, on Min side and in the team view (there with how many have answered so far).

Standard library at import time; PyYAML is imported only when the file is read.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fellesregler.sprak import oversetter

__all__ = [
    "DATAFIL",
    "SUBTRACTION_TEXT",
    "Personvernregel",
    "for_faa_tekst",
    "regel",
    "vises",
]

#: The data file that holds the rule (the ``privacy`` part of the self-assessment instrument).
DATAFIL = Path(__file__).resolve().parents[1] / "data" / "egenvurdering.yaml"

#: Note on a group hidden only so that a small group cannot be worked out by subtraction.
SUBTRACTION_TEXT = "skjult for å hindre at små enheter kan regnes ut"

#: The self-assessment's catalog (locale/domener.yaml), read in the målform in force at each call.
_ = oversetter("egenvurdering")


@dataclass(frozen=True)
class Personvernregel:
    """The minimum group size and the retention time, from the data file."""

    minimum: int
    lagringsdager: int

    def vises(self, n: int) -> bool:
        """Whether figures for a group of ``n`` people may be shown."""
        return n >= self.minimum

    def sekundaer_skjuling(self, total: int, sizes: Mapping[str, int],
                           sort_key: Callable[[str], object] = str) -> set[str]:
        """Groups to hide as well, so that no group under the minimum follows by subtraction.

        ``total`` is the whole (shown when it is at least the minimum) and ``sizes`` the people per
        group (a group is shown when it has at least the minimum). If the total minus the shown
        groups leaves 1 to minimum − 1 people, the smallest shown group (ties: the first by
        ``sort_key``, then by name) is hidden too: the remainder then holds at least the minimum + 1.
        Returns the names to hide besides the small groups.
        """
        if not self.vises(total):
            return set()  # the total is hidden itself: nothing to subtract from
        shown = [u for u, n in sizes.items() if self.vises(n)]
        rest = total - sum(sizes[u] for u in shown)
        if not 0 < rest < self.minimum or not shown:
            return set()
        return {min(shown, key=lambda u: (sizes[u], sort_key(u), u))}


def _read(path: Path) -> Mapping:
    import yaml

    with open(path, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    privacy = raw.get("privacy") if isinstance(raw, dict) else None
    if not isinstance(privacy, dict):
        raise ValueError(f"{path.name}: delen «privacy» mangler.")
    return privacy


@functools.lru_cache(maxsize=8)
def _regel(path: str, mtime: int) -> Personvernregel:  # noqa: ARG001 - mtime is the cache key
    privacy = _read(Path(path))
    values = {}
    for key, low in (("min_group", 1), ("retention_days", 1)):
        value = privacy.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{Path(path).name}: privacy.{key} må være et heltall på minst {low}.")
        values[key] = value
    return Personvernregel(minimum=values["min_group"], lagringsdager=values["retention_days"])


def regel(path: Path | str | None = None) -> Personvernregel:
    """The privacy rule from ``path`` (default :data:`DATAFIL`), cached per file and modification time."""
    p = Path(path if path is not None else DATAFIL).resolve()
    return _regel(str(p), p.stat().st_mtime_ns)


def vises(n: int, minimum: int | None = None) -> bool:
    """Whether figures for ``n`` people may be shown (``minimum`` defaults to the rule's)."""
    return n >= (regel().minimum if minimum is None else minimum)


def for_faa_tekst(minimum: int, svart: int | None = None) -> str:
    """The one wording for a group too small to show: «for få deltakere til å vise tall (under N)».

    In a table cell or a note it stands alone (``svart`` is ``None``). A view that is not shown yet
    (the team view) gives ``svart``, how many have answered so far: the same words then start a
    sentence, followed by why and how far the group has come. The learner sees it in the målform in
    force (the self-assessment's catalog); the course leader's reports are bokmål.
    """
    core = _("for få deltakere til å vise tall (under {minimum})").format(minimum=minimum)
    if svart is None:
        return core
    return _("{core}. Teamvisningen vises først når minst {minimum} har svart, slik at ingen "
             "enkeltpersoners svar kan kjennes igjen. Så langt har {svart} svart."
             ).format(core=core[:1].upper() + core[1:], minimum=minimum, svart=svart)
