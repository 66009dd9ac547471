"""The self-assessment instrument, loaded and validated from data/egenvurdering.yaml.

The YAML file is the only definition of dimensions, items, scale, bands and the
privacy rules. Everything else (book chapter, apps, storage, reports) reads it
through :func:`load_instrument`.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fellesregler import personvern

try:
    from .. import ROOT
except ImportError:  # `widgets` imported as a namespace package (stale editable install)
    ROOT = Path(__file__).resolve().parents[2]
from .._common import InputError

__all__ = [
    "Band",
    "Dimension",
    "Instrument",
    "Item",
    "DEFAULT_PATH",
    "KINDS",
    "load_instrument",
]

#: The instrument file; the privacy rule of :mod:`fellesregler.personvern` lives in its ``privacy`` part.
DEFAULT_PATH = personvern.DATAFIL
#: Allowed values of Dimension.kind.
KINDS = ("kjennetegn", "prinsipp")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,31}$")
_CHAPTER = re.compile(r"^[a-z0-9_\-]{1,64}$")


@dataclass(frozen=True)
class Item:
    """One Likert statement. Reverse-coded items are scored as 6 − answer."""

    id: str
    dimension: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Dimension:
    """A characteristic (K1–K8) or principle (P1–P5) with its items."""

    id: str
    name: str
    text: str
    kind: str
    chapter: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Band:
    """A result band: ``lower <= index < upper`` (the last band includes 100)."""

    name: str
    lower: float
    upper: float

    @property
    def label(self) -> str:
        """Display range with whole numbers, e.g. '0–39' or '70–100'."""
        top = self.upper if self.upper >= 100 else math.ceil(self.upper) - 1
        return f"{self.lower:g}–{top:g}"


@dataclass(frozen=True)
class Instrument:
    """The whole instrument. Treat it as read-only: the loaded object is cached and shared."""

    dimensions: tuple[Dimension, ...]
    scale: dict[int, str]
    dont_know: str
    bands: tuple[Band, ...]
    min_answered: int
    min_group: int
    retention_days: int
    privacy_text: str
    title: str = ""
    status: str = ""
    version: str = ""
    note: str = ""
    _item_index: dict[str, Item] = field(default_factory=dict, repr=False, compare=False, hash=False)
    _dim_index: dict[str, Dimension] = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self._item_index:
            self._item_index.update({i.id: i for d in self.dimensions for i in d.items})
        if not self._dim_index:
            self._dim_index.update({d.id: d for d in self.dimensions})

    @property
    def items(self) -> tuple[Item, ...]:
        """All items, in instrument order."""
        return tuple(i for d in self.dimensions for i in d.items)

    def dimension(self, id: str) -> Dimension:
        """The dimension with this id; InputError if there is none."""
        try:
            return self._dim_index[id]
        except (KeyError, TypeError):
            raise InputError(f"Egenvurderingen har ingen dimensjon med navnet «{id}».") from None

    def item(self, id: str) -> Item:
        """The item with this id; InputError if there is none."""
        try:
            return self._item_index[id]
        except (KeyError, TypeError):
            raise InputError(f"Egenvurderingen har ingen påstand med navnet «{id}».") from None

    def has_item(self, id: object) -> bool:
        return isinstance(id, str) and id in self._item_index

    @property
    def scale_values(self) -> tuple[int, ...]:
        return tuple(sorted(self.scale))


# --------------------------------------------------------------------------- loading


def load_instrument(path: Path | str | None = None) -> Instrument:
    """Load and validate the instrument (cached per file and modification time).

    Raises InputError with a Norwegian message if the file is missing or malformed.
    """
    p = Path(path) if path is not None else personvern.DATAFIL  # looked up now: one place to point elsewhere
    try:
        p = p.resolve()
        mtime = p.stat().st_mtime_ns
    except OSError:
        raise InputError(f"Fant ikke filen med egenvurderingen: {p.name}.") from None
    return _load_cached(str(p), mtime)


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, mtime: int) -> Instrument:  # noqa: ARG001 - mtime is the cache key
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Klarte ikke å lese filen med egenvurderingen ({exc.__class__.__name__}).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1})" if mark is not None else ""
        raise InputError(f"Filen med egenvurderingen er ikke gyldig YAML{where}.") from None
    return _parse(raw)


def _fail(msg: str) -> None:
    raise InputError(f"Feil i egenvurderingen: {msg}")


def _text(obj: Any, what: str) -> str:
    if not isinstance(obj, str) or not obj.strip():
        _fail(f"{what} mangler eller er ikke tekst.")
    return " ".join(obj.split())


def _int(obj: Any, what: str, low: int, high: int) -> int:
    if isinstance(obj, bool) or not isinstance(obj, int) or not low <= obj <= high:
        _fail(f"{what} må være et heltall fra {low} til {high}.")
    return obj


def _parse(raw: Any) -> Instrument:
    if not isinstance(raw, dict):
        _fail("filen må inneholde en oppslagsliste (mapping) øverst.")

    # Scale 1–5 with labels.
    scale_raw = raw.get("scale")
    if not isinstance(scale_raw, dict) or not scale_raw:
        _fail("svarskalaen (scale) mangler.")
    scale: dict[int, str] = {}
    for k, v in scale_raw.items():
        if isinstance(k, bool) or not isinstance(k, int):
            _fail(f"svarverdien «{k}» i skalaen må være et heltall.")
        scale[k] = _text(v, f"teksten til svarverdi {k}")
    if sorted(scale) != [1, 2, 3, 4, 5]:
        _fail("svarskalaen må ha verdiene 1, 2, 3, 4 og 5.")
    dont_know = _text(raw.get("dont_know"), "teksten for «vet ikke» (dont_know)")

    scoring = raw.get("scoring")
    if not isinstance(scoring, dict):
        _fail("delen «scoring» mangler.")
    bands = _parse_bands(scoring.get("bands"))

    privacy = raw.get("privacy")
    if not isinstance(privacy, dict):
        _fail("delen «privacy» mangler.")
    min_group = _int(privacy.get("min_group"), "Minste gruppestørrelse (min_group)", 2, 1000)
    retention_days = _int(privacy.get("retention_days"), "Lagringstiden (retention_days)", 1, 3650)
    privacy_text = _text(privacy.get("text"), "personvernteksten (privacy.text)")

    dims_raw = raw.get("dimensions")
    if not isinstance(dims_raw, list) or not dims_raw:
        _fail("listen over dimensjoner (dimensions) mangler eller er tom.")
    dims: list[Dimension] = []
    seen: set[str] = set()
    for n, d in enumerate(dims_raw, start=1):
        dims.append(_parse_dimension(d, n, seen))

    smallest = min(len(d.items) for d in dims)
    min_answered = _int(scoring.get("min_answered"), "Minste antall besvarte påstander (min_answered)", 1, smallest)

    return Instrument(
        dimensions=tuple(dims),
        scale=scale,
        dont_know=dont_know,
        bands=bands,
        min_answered=min_answered,
        min_group=min_group,
        retention_days=retention_days,
        privacy_text=privacy_text,
        title=_text(raw.get("title", "Egenvurdering"), "tittelen (title)"),
        status=_text(raw.get("status", "forslag til videre utvikling"), "status"),
        version=str(raw.get("version", "")),
        note=" ".join(str(raw.get("note", "")).split()),
    )


def _parse_bands(raw: Any) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        _fail("nivåene (scoring.bands) mangler.")
    bands: list[Band] = []
    names: set[str] = set()
    for n, b in enumerate(raw, start=1):
        if not isinstance(b, dict):
            _fail(f"nivå nummer {n} må ha name, lower og upper.")
        name = _text(b.get("name"), f"navnet på nivå nummer {n}")
        lo, hi = b.get("lower"), b.get("upper")
        for v in (lo, hi):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                _fail(f"nivået «{name}» må ha tall for lower og upper.")
        if not lo < hi:
            _fail(f"nivået «{name}» må ha lower mindre enn upper.")
        if name in names:
            _fail(f"nivået «{name}» finnes to ganger.")
        names.add(name)
        bands.append(Band(name, float(lo), float(hi)))
    if bands[0].lower != 0 or bands[-1].upper != 100:
        _fail("nivåene må dekke hele skalaen fra 0 til 100.")
    for a, b in zip(bands, bands[1:]):
        if a.upper != b.lower:
            _fail(f"nivåene «{a.name}» og «{b.name}» henger ikke sammen (hull eller overlapp).")
    return tuple(bands)


def _claim_id(raw: Any, where: str, seen: set[str]) -> str:
    """Check that `raw` is a valid id not used before, and record it as used."""
    if not isinstance(raw, str) or not _ID.match(raw):
        _fail(f"{where} mangler en gyldig id.")
    if raw in seen:
        _fail(f"id-en «{raw}» er brukt mer enn én gang.")
    seen.add(raw)
    return raw


def _parse_dimension(d: Any, n: int, seen: set[str]) -> Dimension:
    if not isinstance(d, dict):
        _fail(f"dimensjon nummer {n} er ikke en oppslagsliste.")
    did = _claim_id(d.get("id"), f"dimensjon nummer {n}", seen)
    kind = d.get("kind")
    if kind not in KINDS:
        _fail(f"dimensjonen {did} må ha kind «kjennetegn» eller «prinsipp».")
    chapter = d.get("chapter")
    if not isinstance(chapter, str) or not _CHAPTER.match(chapter):
        _fail(f"dimensjonen {did} mangler et gyldig kapittelnavn (chapter).")
    if not (ROOT / "chapters" / f"{chapter}.md").is_file():
        _fail(f"dimensjonen {did} viser til kapittelet «{chapter}», som ikke finnes.")
    items_raw = d.get("items")
    if not isinstance(items_raw, list) or len(items_raw) < 2:
        _fail(f"dimensjonen {did} må ha minst to påstander.")
    items: list[Item] = []
    for m, it in enumerate(items_raw, start=1):
        if not isinstance(it, dict):
            _fail(f"påstand nummer {m} i {did} er ikke en oppslagsliste.")
        iid = _claim_id(it.get("id"), f"påstand nummer {m} i {did}", seen)
        rev = it.get("reverse", False)
        if not isinstance(rev, bool):
            _fail(f"reverse for påstanden {iid} må være true eller false.")
        items.append(Item(iid, did, _text(it.get("text"), f"teksten til påstanden {iid}"), rev))
    if not any(i.reverse for i in items):
        _fail(f"dimensjonen {did} må ha minst én omvendt påstand (reverse: true).")
    if all(i.reverse for i in items):
        _fail(f"dimensjonen {did} kan ikke bare ha omvendte påstander.")
    return Dimension(
        id=did,
        name=_text(d.get("name"), f"navnet på dimensjonen {did}"),
        text=_text(d.get("text"), f"teksten til dimensjonen {did}"),
        kind=kind,
        chapter=chapter,
        items=tuple(items),
    )
