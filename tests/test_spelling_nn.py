"""Spell check of the nynorsk edition: every translation in locale/nn, with hunspell's nn_NO.

The text is each catalog entry's translation (msgstr), with markup, roles,
code and placeholders taken out (`learner_text.strip_markup`). Two things are
not nynorsk on purpose and are left out:
- an entry whose translation is the same as the bokmål (a quote from the
  source, or a word that is the same in both forms);
- text inside «…»: quotes, titles of KS' documents, names of the film and of
  buttons in the apps, which keep their original form.
Names and terms hunspell does not know are in `tests/ordliste_nn.txt`. A word
neither knows fails the test, naming the word and the catalog.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from learner_text import ROOT, strip_markup, words
from test_spelling import hunspell_unknown, report

NN = ROOT / "locale" / "nn" / "LC_MESSAGES"
WORD_LIST = ROOT / "tests" / "ordliste_nn.txt"
_KEPT_ORIGINAL = re.compile(r"«[^»]*»")
_PLACEHOLDER = re.compile(r"%\(\w+\)s|%[sdrbY]|\$\{\w+\}|\{\w+\}")


def nynorsk_texts(base: Path = NN) -> list[tuple[str, str]]:
    """(catalog, text) for every translated entry that differs from its bokmål."""
    out = []
    for po in sorted(base.rglob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="nn")
        name = str(po.relative_to(ROOT)) if po.is_relative_to(ROOT) else po.name
        for m in catalog:
            if not m.id or not isinstance(m.string, str) or not m.string or m.string == m.id:
                continue
            text = _PLACEHOLDER.sub(" ", strip_markup(m.string))
            out.append((name, _KEPT_ORIGINAL.sub(" ", text)))
    return out


def read_word_list() -> list[str]:
    entries = [ln.strip() for ln in WORD_LIST.read_text(encoding="utf-8").splitlines()]
    return [e for e in entries if e and not e.startswith("#")]


def misspelled_nn(texts: list[tuple[str, str]], accepted: set[str]) -> dict[str, set[str]]:
    where: dict[str, set[str]] = defaultdict(set)
    for path, text in texts:
        for word in words(text):
            if word not in accepted and word.lower() not in accepted:
                where[word].add(path)
    unknown = hunspell_unknown(set(where), "nn_NO")
    return {w: where[w] for w in sorted(unknown)}


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    return nynorsk_texts()


def test_every_catalog_is_read(texts):
    catalogs = {p for p, _ in texts}
    assert "locale/nn/LC_MESSAGES/chapters/vage.po" in catalogs
    assert "locale/nn/LC_MESSAGES/kurs.po" in catalogs and "locale/nn/LC_MESSAGES/sphinx.po" in catalogs
    assert "locale/nn/LC_MESSAGES/egenvurdering.po" in catalogs  # the self-assessment and both apps
    assert sum(len(t.split()) for _, t in texts) > 15_000


def test_a_bokmal_word_in_the_nynorsk_fails_and_is_named(tmp_path):
    po = tmp_path / "kapittel.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Hva er handlingsrom?"\nmsgstr "Kva er ikke handlingsrom?"\n\n'
                  'msgid "Sitat"\nmsgstr "Han sa «dette er ikke nynorsk» i {ref}`vage`."\n', encoding="utf-8")
    found = misspelled_nn(nynorsk_texts(tmp_path), set(read_word_list()))
    assert found == {"ikke": {"kapittel.po"}}


def test_nynorsk_is_spelled_right(texts):
    found = misspelled_nn(texts, set(read_word_list()))
    assert not found, ("Ord i den nynorske utgaven som verken hunspell (nn_NO) eller tests/ordliste_nn.txt "
                       "kjenner. Rett oversettelsen; legg bare riktig skrevne navn og fagord i ordlisten:\n"
                       + report(found))


def test_nn_word_list_is_small_and_needed(texts):
    entries = read_word_list()
    assert len(entries) == len(set(entries)), "ord som står to ganger i tests/ordliste_nn.txt"
    known = set(entries) - hunspell_unknown(set(entries), "nn_NO")
    assert not known, f"hunspell kjenner disse allerede; ta dem ut av ordlisten: {sorted(known)}"
    used = {w.lower() for _, text in texts for w in words(text)}
    unused = [e for e in entries if e.lower() not in used]
    assert not unused, f"ordlisten har ord som ingen oversettelse bruker lenger; ta dem ut: {unused}"
