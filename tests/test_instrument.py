"""The instrument in data/egenvurdering.yaml: it loads, has the agreed shape, and bad files are refused."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from widgets._common import InputError
from widgets.egenvurdering.instrument import DEFAULT_PATH, Band, Instrument, load_instrument

ROOT = Path(__file__).resolve().parents[1]
PRINCIPLE_CHAPTERS = {"P1": "vage", "P2": "lede", "P3": "laere", "P4": "mobilisere", "P5": "samhandle"}
ALLOWED_CHAPTERS = {
    "arbeidsgiverpolitikk", "hovedavtalen", "samskapingskommunen", "fremtidsbildet",
    "vage", "lede", "laere", "mobilisere", "samhandle",
}


@pytest.fixture(scope="module")
def ins() -> Instrument:
    return load_instrument()


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_real_instrument_has_13_dimensions_in_order(ins):
    assert [d.id for d in ins.dimensions] == [f"K{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 6)]
    assert {d.kind for d in ins.dimensions if d.id.startswith("K")} == {"kjennetegn"}
    assert {d.kind for d in ins.dimensions if d.id.startswith("P")} == {"prinsipp"}


def test_items_per_dimension_and_reverse_coding(ins):
    for d in ins.dimensions:
        assert 2 <= len(d.items) <= 4, d.id
        assert any(i.reverse for i in d.items), d.id
        assert not all(i.reverse for i in d.items), d.id
        assert all(i.dimension == d.id for i in d.items)
        assert d.name and d.text
    ids = [i.id for i in ins.items]
    assert len(ids) == len(set(ids)) == sum(len(d.items) for d in ins.dimensions)
    assert ins.item(ids[0]).id == ids[0]


def test_chapters_exist_and_principles_map_to_their_chapter(ins):
    for d in ins.dimensions:
        assert d.chapter in ALLOWED_CHAPTERS, d.id
        assert (ROOT / "chapters" / f"{d.chapter}.md").is_file(), d.chapter
    assert {d.id: d.chapter for d in ins.dimensions if d.id in PRINCIPLE_CHAPTERS} == PRINCIPLE_CHAPTERS


def test_scale_rules_and_privacy(ins):
    assert ins.scale == {1: "svært uenig", 2: "uenig", 3: "verken enig eller uenig", 4: "enig", 5: "svært enig"}
    assert ins.dont_know == "vet ikke"
    assert ins.min_answered == 2
    assert ins.min_group == 5
    assert ins.retention_days == 365
    assert [(b.name, b.lower, b.upper) for b in ins.bands] == [
        ("startfase", 0, 40), ("under utvikling", 40, 70), ("etablert", 70, 100)]
    assert [b.label for b in ins.bands] == ["0–39", "40–69", "70–100"]
    assert "5" in ins.privacy_text and "12 måneder" in ins.privacy_text
    assert "forslag" in ins.status


def test_dimension_lookup(ins):
    assert ins.dimension("P3").name == "Å lære"
    with pytest.raises(InputError, match="ingen dimensjon"):
        ins.dimension("X9")


def test_loader_is_cached(ins):
    assert load_instrument() is ins
    assert load_instrument(DEFAULT_PATH) is ins


def _mutations():
    def dup_item(r):
        r["dimensions"][1]["items"][0]["id"] = r["dimensions"][0]["items"][0]["id"]

    def dup_dim(r):
        r["dimensions"][1]["id"] = r["dimensions"][0]["id"]

    def one_item(r):
        r["dimensions"][2]["items"] = r["dimensions"][2]["items"][:1]

    def no_reverse(r):
        for it in r["dimensions"][3]["items"]:
            it.pop("reverse", None)

    def band_gap(r):
        r["scoring"]["bands"][1]["lower"] = 45

    def band_overlap(r):
        r["scoring"]["bands"][1]["upper"] = 75

    def band_short(r):
        r["scoring"]["bands"][-1]["upper"] = 90

    def band_reversed(r):
        r["scoring"]["bands"][0] = {"name": "startfase", "lower": 40, "upper": 0}

    def band_text(r):
        r["scoring"]["bands"][0]["upper"] = "førti"

    def no_bands(r):
        r["scoring"]["bands"] = []

    def bad_scale(r):
        r["scale"] = {1: "a", 2: "b", 3: "c"}

    def bad_chapter(r):
        r["dimensions"][0]["chapter"] = "finnes_ikke"

    def bad_kind(r):
        r["dimensions"][0]["kind"] = "annet"

    def reverse_text(r):
        r["dimensions"][0]["items"][0]["reverse"] = "ja"

    def empty_item_text(r):
        r["dimensions"][0]["items"][0]["text"] = "  "

    def min_group_zero(r):
        r["privacy"]["min_group"] = 0

    def no_dims(r):
        r["dimensions"] = []

    return {f.__name__: f for f in (dup_item, dup_dim, one_item, no_reverse, band_gap, band_overlap, band_short,
                                    band_reversed, band_text, no_bands, bad_scale, bad_chapter, bad_kind,
                                    reverse_text, empty_item_text, min_group_zero, no_dims)}


@pytest.mark.parametrize("name", sorted(_mutations()))
def test_malformed_instrument_is_refused(tmp_path, raw, name):
    data = copy.deepcopy(raw)
    _mutations()[name](data)
    p = tmp_path / "ev.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="egenvurderingen"):
        load_instrument(p)


def test_valid_copy_loads(tmp_path, raw):
    p = tmp_path / "ev.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert [d.id for d in load_instrument(p).dimensions] == [d["id"] for d in raw["dimensions"]]


@pytest.mark.parametrize("text", ["dimensions: [unclosed", "- bare\n- en liste\n", ""])
def test_broken_yaml_is_refused(tmp_path, text):
    p = tmp_path / "ev.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="egenvurderingen"):
        load_instrument(p)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="Fant ikke"):
        load_instrument(tmp_path / "mangler.yaml")


def test_band_dataclass_is_frozen():
    b = Band("x", 0, 40)
    with pytest.raises(AttributeError):
        b.lower = 1  # type: ignore[misc]


def test_book_tables_read_the_instrument(ins):
    from widgets.egenvurdering.report import chapter_title, instrument_html, privacy_html, rules_html

    html = instrument_html(ins)
    for item in ins.items:
        assert item.id in html
    assert html.count("Ja (omvendt)") == sum(i.reverse for i in ins.items)
    assert 'href="vage.html"' in html and chapter_title("vage") in html
    assert "<script" not in html
    rules = rules_html(ins)
    assert all(label in rules for label in ins.scale.values()) and ins.dont_know in rules
    assert all(b.name in rules and b.label in rules for b in ins.bands)
    priv = privacy_html(ins)
    assert str(ins.min_group) in priv and str(ins.retention_days) in priv


def test_html_is_escaped(tmp_path, raw):
    from widgets.egenvurdering.report import instrument_html

    data = copy.deepcopy(raw)
    data["dimensions"][0]["items"][0]["text"] = "<script>alert(1)</script>"
    p = tmp_path / "ev.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    html = instrument_html(load_instrument(p))
    assert "<script>" not in html and "&lt;script&gt;" in html
