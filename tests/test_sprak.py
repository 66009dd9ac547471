"""fellesregler.sprak: the målform in force, and catalogs read from .po (fuzzy = untranslated) or .mo."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from fellesregler import sprak


def _catalog() -> Catalog:
    c = Catalog(locale="nn")
    c.add("Riktig svar", "Rett svar")
    c.add("Uken", "Veka", flags=["fuzzy"])
    c.add(("ett svar", "{n} svar"), ("eitt svar", "{n} svar"))
    c.add("Neste", "Neste steg", context="knapp")
    return c


@pytest.fixture
def katalog(tmp_path, monkeypatch):
    po = tmp_path / "nn" / "LC_MESSAGES" / "prove.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, _catalog())
    monkeypatch.setattr(sprak, "_REPO_LOCALE", tmp_path)
    sprak.oversettelse.cache_clear()
    yield po
    sprak.oversettelse.cache_clear()
    sprak.bruk(sprak.STANDARD)


def test_po_is_read_and_fuzzy_counts_as_untranslated(katalog):
    _ = sprak.oversetter("prove")
    _n = sprak.oversetter_n("prove")
    assert _("Riktig svar") == "Riktig svar"  # bokmål is the default
    with sprak.med_sprak("nynorsk"):
        assert _("Riktig svar") == "Rett svar"
        assert _("Uken") == "Uken"
        assert _n("ett svar", "{n} svar", 1) == "eitt svar"
        assert _n("ett svar", "{n} svar", 3) == "{n} svar"
        assert sprak.oversettelse("prove", "nn").pgettext("knapp", "Neste") == "Neste steg"
        assert _("Ukjent tekst") == "Ukjent tekst"
    assert _("Riktig svar") == "Riktig svar"


def test_compiled_catalog_is_used_without_po(tmp_path, monkeypatch):
    mo = tmp_path / "pakke" / "nn" / "LC_MESSAGES" / "prove.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as fh:
        write_mo(fh, _catalog())
    monkeypatch.setattr(sprak, "_REPO_LOCALE", tmp_path / "ingen")
    monkeypatch.setattr(sprak, "_PAKKE_LOCALE", tmp_path / "pakke")
    sprak.oversettelse.cache_clear()
    try:
        assert sprak.oversettelse("prove", "nn").gettext("Riktig svar") == "Rett svar"
        assert sprak.oversettelse("prove", "nn").gettext("Uken") == "Uken"  # write_mo leaves fuzzy out
    finally:
        sprak.oversettelse.cache_clear()


def test_process_language_and_block_language_per_thread(katalog):
    _ = sprak.oversetter("prove")
    sprak.bruk("nn")
    assert _("Riktig svar") == "Rett svar"
    seen = {}

    def other():
        with sprak.med_sprak("nb"):
            seen["nb"] = _("Riktig svar")

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen["nb"] == "Riktig svar"
    assert _("Riktig svar") == "Rett svar"


@pytest.mark.parametrize(("query", "expected"), [
    ("?sprak=nn", "nn"), ("sprak=nb", "nb"), ("lang=nn_NO", "nn"), ("", "nb"), (None, "nb"),
    ("sprak=sv", "nb"), ({"sprak": [b"nn"]}, "nn"), ("a=1&spr%C3%A5k=nynorsk", "nn"),
])
def test_language_from_url(query, expected):
    assert sprak.fra_url(query) == expected


def test_extract_code_writes_one_template_per_domain(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n_tool", Path(__file__).parents[1] / "tools" / "i18n.py")
    tool = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = tool  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(tool)
    finally:
        del sys.modules["i18n_tool"]
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "domener.yaml").write_text("demo:\n  python: ['pkg/*.py']\n  jinja2: ['pkg/*.html']\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text('X = N_("Konstant")\ndef f(n):\n    return _("Hei"), _n("ett", "{n} mange", n)\n')
    (tmp_path / "pkg" / "b.html").write_text("<p>{% trans %}Fra mal{% endtrans %}</p>")
    (pot,) = tool.extract_code(tmp_path, tmp_path / "out")
    text = pot.read_text()
    for msgid in ('"Konstant"', '"Hei"', 'msgid_plural "{n} mange"', '"Fra mal"'):
        assert msgid in text
    (tmp_path / "locale" / "domener.yaml").write_text("demo:\n  python: ['finnes/ikke/*.py']\n")
    with pytest.raises(SystemExit, match="ingen filer"):
        tool.extract_code(tmp_path, tmp_path / "out")
