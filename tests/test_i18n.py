"""The nynorsk edition of the book is kept in step with bokmål (tools/i18n.py).

- The messages are extracted again from today's sources (Sphinx's gettext
  builder, Babel) into a temporary folder and merged with the committed
  catalogs in locale/nn, as msgmerge does. Every entry must be translated and
  not fuzzy, and no catalog may be left without a source.
- Proof that this can fail: in a copy of the tree a bokmål sentence is changed;
  `sphinx-intl update` then makes its entry fuzzy, and the check names it.
- The built nynorsk pages carry lang="nn", link to the same page in bokmål
  (and back), and show the extension's texts in nynorsk.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from book_fixture import toc_pages

ROOT = Path(__file__).resolve().parents[1]
LANG = "nn"


def _load(name: str, path: Path):
    """A module from a file outside the packages (tools/, _ext/)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


i18n = _load("kurs_i18n", ROOT / "tools" / "i18n.py")

COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "node_modules", "_vendor_static", "var",
                                     ".pytest_cache", ".hypothesis", ".stamps", "__pycache__", "*.egg-info",
                                     "release", "submitted", "autograded", "feedback", "exchange", "*.mo")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """Templates extracted from the sources as they are now (never the committed ones)."""
    return i18n.extract(root=ROOT, out=tmp_path_factory.mktemp("i18n") / "pot")


@pytest.mark.slow
def test_every_nynorsk_entry_is_translated_and_in_step(templates):
    states, obsolete, missing = i18n.merged_state(templates, LANG, ROOT)
    assert {s.domain for s in states} >= {f"chapters/{Path(p).name}" for p in toc_pages()} | {"kurs", "sphinx"}
    found = i18n.problems(states, obsolete, missing, LANG)
    assert not found, ("Den nynorske utgåva er ikke i takt med bokmål. Kjør `make i18n`, oversett og "
                       "fjern fuzzy-merket:\n" + "\n".join(found))


@pytest.mark.slow
def test_a_changed_bokmal_sentence_makes_its_entry_fuzzy_and_the_check_fail(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=COPY_IGNORE, symlinks=True)
    chapter = src / "chapters" / "vage.md"
    old = "Mange regler på en arbeidsplass er ikke regler i det hele tatt. De er\nvaner."
    new = "Mange regler på en arbeidsplass er ikke regler i det hele tatt. De er\nbare gamle vaner."
    text = chapter.read_text(encoding="utf-8")
    assert old in text, "Testsetningen finnes ikke lenger i chapters/vage.md: velg en annen"
    chapter.write_text(text.replace(old, new), encoding="utf-8")
    # A catalog whose chapter is gone.
    stray = src / "locale" / LANG / "LC_MESSAGES" / "chapters" / "fjernet_kapittel.po"
    shutil.copy(src / "locale" / LANG / "LC_MESSAGES" / "chapters" / "kilder.po", stray)

    pot = i18n.extract(root=src, out=tmp_path / "pot")
    states, obsolete, missing = i18n.merged_state(pot, LANG, src)
    found = i18n.problems(states, obsolete, missing, LANG)
    changed = [line for line in found if line.startswith("chapters/vage:") and "bare gamle vaner" in line]
    assert changed and "fuzzy" in changed[0], found
    assert "chapters/fjernet_kapittel: foreldet katalog i locale/nn (kilden finnes ikke lenger)" in found
    assert [line for line in found if not line.startswith(("chapters/vage:", "chapters/fjernet_kapittel:"))] == []

    # The workflow itself (sphinx-intl update) writes the entry as fuzzy, keeping the old translation.
    i18n.update(LANG, pot, root=src)
    with (src / "locale" / LANG / "LC_MESSAGES" / "chapters" / "vage.po").open("rb") as fh:
        catalog = read_po(fh, locale=LANG)
    entry = next(m for m in catalog if m.id and "bare gamle vaner" in m.id)
    assert entry.fuzzy and "vanar" in entry.string


def test_edition_links_point_to_the_same_page():
    kurs = _load("kurs_ext_for_i18n", ROOT / "_ext" / "kurs.py")
    editions = {"nb": {"navn": "Bokmål", "mappe": ""}, "nn": {"navn": "Nynorsk", "mappe": "nn"}}
    assert kurs.edition_links(editions, "nb", "chapters/vage") == [
        {"href": "../nn/chapters/vage.html", "lang": "nn", "navn": "Nynorsk"}]
    assert kurs.edition_links(editions, "nn", "chapters/vage") == [
        {"href": "../../chapters/vage.html", "lang": "nb", "navn": "Bokmål"}]
    assert kurs.edition_links(editions, "nb", "search")[0]["href"] == "nn/search.html"
    assert kurs.edition_links(editions, "nn", "search")[0]["href"] == "../search.html"
    assert kurs.edition_links(editions, "en", "search") == []


def test_status_records_a_commit_for_every_catalog():
    recorded = i18n.read_status(LANG, ROOT)
    catalogs = {i18n.domain_of(p, LANG, ROOT) for p in i18n.catalogs(LANG, ROOT)}
    assert catalogs and set(recorded) == catalogs, "Kjør `tools/i18n.py stamp` når katalogene er i takt"
    for domain, entry in recorded.items():
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), domain


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("docname", toc_pages())
def test_both_editions_have_the_page_in_their_language_and_link_to_each_other(built_book, docname):
    assert built_book.returncode == 0, built_book.output[-3000:]
    nb = (built_book.html / f"{docname}.html").read_text(encoding="utf-8")
    nn = (built_book.html / LANG / f"{docname}.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="nb"', nb) and re.search(r'<html[^>]* lang="nn"', nn)
    up = "../" * docname.count("/")
    assert f'<a href="{up}nn/{docname}.html" lang="nn" hreflang="nn">Nynorsk</a>' in nb
    assert f'<a href="../{up}{docname}.html" lang="nb" hreflang="nb">Bokmål</a>' in nn


@pytest.mark.book
@pytest.mark.slow
def test_nynorsk_pages_show_the_extension_and_interface_in_nynorsk(built_book):
    assert built_book.returncode == 0, built_book.output[-3000:]
    vage = (built_book.html / LANG / "chapters" / "vage.html").read_text(encoding="utf-8")
    assert "Sjølvtest – tel ikkje med i vurderinga" in vage
    assert "Eit team har alltid hatt personalmøte på tysdagar." in vage
    assert "Desse er med i filmen" in vage and "Disse er med i filmen" not in vage
    # The part captions of _toc.yml in the sidebar.
    assert "Dei fem prinsippa" in vage and "De fem prinsippene" not in vage
    assert "window.kursTekst" in vage and "Rett svar." in vage
    # Quotes keep their original (bokmål) form.
    assert "«Det er krav om å gjøre ting annerledes, raskere" in vage
    assert 'aria-label="Innhald på sida"' in vage or "Innhald på sida" in vage
    assert (built_book.html / LANG / "_static" / "translations.js").exists()
