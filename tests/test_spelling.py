"""Spell check and term check of everything a learner reads.

The text comes from `tests/learner_text.py`: the chapters, the widgets' and
apps' texts, the data files, the exercise sources and the feedback templates,
with markup, code, URLs and directive options taken out.

- Spelling: Debian's hunspell with the bokmål dictionary of `hunspell-no`
  (nb_NO), plus our own short list `tests/ordliste_nb.txt` for terms and names.
  A word neither knows fails the test, which names the word and the files.
- Terms: `data/termer.yaml` lists the forms the course does not use (see
  docs/skriveregler.md). A learner-facing text that uses one fails the test.

`make test` installs hunspell and hunspell-no (Makefile target `hunspell`).
The nynorsk dictionary (nn_NO) from the same package is checked to be there
for the nynorsk edition.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from learner_text import ROOT, learner_texts, markdown_text, notebook_text, python_text, words

WORD_LIST = ROOT / "tests" / "ordliste_nb.txt"
TERMS = ROOT / "data" / "termer.yaml"
DICT_DIR = Path("/usr/share/hunspell")
MISSING = "hunspell eller hunspell-no mangler. Kjør «make test», som installerer dem (Makefile-målet «hunspell»)."


def hunspell_unknown(candidates: set[str], lang: str = "nb_NO") -> set[str]:
    """The words that hunspell's dictionary for `lang` does not know."""
    exe = shutil.which("hunspell")
    assert exe, MISSING
    assert (DICT_DIR / f"{lang}.dic").is_file() and (DICT_DIR / f"{lang}.aff").is_file(), MISSING
    run = subprocess.run(
        [exe, "-d", str(DICT_DIR / lang), "-l", "-i", "utf-8"],
        input="\n".join(sorted(candidates)) + "\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def read_word_list() -> list[str]:
    entries = [ln.strip() for ln in WORD_LIST.read_text(encoding="utf-8").splitlines()]
    return [e for e in entries if e and not e.startswith("#")]


def accepted_by_list(word: str, accepted: set[str]) -> bool:
    return word in accepted or word.lower() in accepted


def misspelled(texts: list[tuple[str, str]], accepted: set[str]) -> dict[str, set[str]]:
    """word -> the files it is in, for every word neither hunspell nor our list knows."""
    where: dict[str, set[str]] = defaultdict(set)
    for path, text in texts:
        for word in words(text):
            if not accepted_by_list(word, accepted):
                where[word].add(path)
    unknown = hunspell_unknown(set(where))
    return {w: where[w] for w in sorted(unknown)}


def report(found: dict[str, set[str]]) -> str:
    return "\n".join(f"  «{w}» i {', '.join(sorted(files))}" for w, files in found.items())


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    return list(learner_texts())


# ------------------------------------------------------------------ the dictionaries


@pytest.mark.parametrize("lang, known, other_form", [
    ("nb_NO", ["kommunen", "ikke", "arbeidsgiveren", "tillitsvalgte"], "ikkje"),
    ("nn_NO", ["kommunen", "ikkje", "arbeidsgjevaren", "tillitsvalde"], "ikke"),
])
def test_hunspell_has_both_norwegian_dictionaries(lang, known, other_form):
    """nb_NO for this check, nn_NO for the nynorsk edition: each knows its own form, not the other's."""
    assert hunspell_unknown(set(known) | {other_form, "arbeidsgiverpolittik"}, lang) == {
        other_form, "arbeidsgiverpolittik"}


# ------------------------------------------------------------------ the text we check


def test_learner_text_covers_every_kind_of_file(texts):
    paths = {p for p, _ in texts}
    for expected in ("chapters/hovedavtalen.md", "data/egenvurdering.yaml", "data/film.yaml",
                     "widgets/vage.py", "widgets/egenvurdering/app.py", "apps/widgets/vage.ipynb",
                     "exercises/source/vage/vage.ipynb", "exercises/source/header.ipynb",
                     "grading/templates/feedback_side.html.j2",
                     "apps/jupyter/voila/templates/kurs/index.html.j2"):
        assert expected in paths, expected
    assert all(text.strip() for p, text in texts if p.startswith(("chapters/", "exercises/", "data/")))


def test_extraction_drops_markup_code_urls_and_options():
    md = """---
kernelspec:
  name: python3
---
(kapittel)=
# Tittelen

```{code-cell} ipython3
:tags: [remove-cell]
from widgets.vage import HandlingsromOppgave
```

Se {ref}`lede`, `make start` og <http://127.0.0.1:8866/voila/render/x.ipynb>, og [lenken](https://eksempel.no).

```{selvtest}
:id: vage-1
spørsmål: Hvem bestemmer?
alternativer:
  - tekst: Kommunestyret
    riktig: true
    forklaring: Riktig svar.
```
"""
    text = markdown_text(md)
    for gone in ("kernelspec", "python3", "kapittel", "HandlingsromOppgave", "remove-cell", "lede",
                 "make start", "127.0.0.1", "https", "vage-1", "riktig:", "alternativer"):
        assert gone not in text, gone
    for kept in ("Tittelen", "Se", "lenken", "Hvem bestemmer?", "Kommunestyret", "Riktig svar."):
        assert kept in text, kept
    py = python_text('''"""Docstring in English."""
import ipywidgets as w
KLASSE = "table kurs-tabell"
def f(x):
    if "database is locked" in x:
        return w.Text(description="Gruppekode", layout=w.Layout(flex_flow="row wrap"), help="Developer help.")
    return f"<p>Du har svart på {x} påstander.</p>"
''')
    assert "Gruppekode" in py and "Du har svart på" in py and "påstander" in py
    for gone in ("Docstring", "kurs-tabell", "locked", "row wrap", "Developer", "<p>"):
        assert gone not in py, gone
    nb = notebook_text('{"cells": [{"cell_type": "code", "source": ["# Skriv svaret ditt\\n", '
                       '"### BEGIN SOLUTION\\n", "svar = \\"b\\"\\n", "### END SOLUTION\\n", '
                       '"assert svar in (\\"a\\", \\"b\\"), \\"Svar med én bokstav.\\""]}]}')
    assert "Skriv svaret ditt" in nb and "Svar med én bokstav." in nb and "SOLUTION" not in nb


def test_a_misspelling_fails_and_names_the_word_and_the_file():
    found = misspelled([("chapters/x.md", "Arbeidsgiverpolittik er viktig for kommunen."),
                        ("widgets/y.py", "Kommunen og arbeidsgiverpolittik.")], set(read_word_list()))
    assert found == {"Arbeidsgiverpolittik": {"chapters/x.md"}, "arbeidsgiverpolittik": {"widgets/y.py"}}
    assert "«arbeidsgiverpolittik» i widgets/y.py" in report(found)


# ------------------------------------------------------------------ the checks


def test_learner_text_is_spelled_right(texts):
    found = misspelled(texts, set(read_word_list()))
    assert not found, (
        "Ord som verken hunspell (nb_NO) eller tests/ordliste_nb.txt kjenner. Rett skrivefeil i teksten; "
        "legg bare riktig skrevne fagord og navn i ordlisten:\n" + report(found))


def test_word_list_is_small_and_needed(texts):
    """Every entry is unknown to the dictionary and used in the text, and none is listed twice."""
    entries = read_word_list()
    assert len(entries) == len(set(entries)), "ord som står to ganger i tests/ordliste_nb.txt"
    known = set(entries) - hunspell_unknown(set(entries))
    assert not known, f"hunspell kjenner disse allerede; ta dem ut av ordlisten: {sorted(known)}"
    used = {w for _, text in texts for w in words(text)}
    used_lower = {w.lower() for w in used}
    unused = [e for e in entries if e not in used and e.lower() not in used_lower]
    assert not unused, f"ordlisten har ord som ingen tekst bruker lenger; ta dem ut: {unused}"


def load_terms() -> list[dict]:
    terms = yaml.safe_load(TERMS.read_text(encoding="utf-8"))["termer"]
    for term in terms:
        assert term.get("bruk") and term.get("ikke") and term.get("hvorfor"), term
    return terms


def term_violations(texts: list[tuple[str, str]], terms: list[dict]) -> list[str]:
    found = []
    for path, text in texts:
        flat = re.sub(r"\s+", " ", text)
        for term in terms:
            checked = flat
            for allowed in term.get("unntak", []):
                checked = checked.replace(allowed, " ")
            for pattern in term["ikke"]:
                for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", checked, re.I):
                    found.append(f"  «{m.group(0)}» i {path}: skriv {term['bruk']}")
    return found


def test_term_check_catches_a_form_we_do_not_use():
    found = term_violations([("chapters/x.md", "Les kapitlet om fremtiden sammen med kollegaer.")], load_terms())
    assert found == ["  «kapitlet» i chapters/x.md: skriv kapittelet",
                     "  «kollegaer» i chapters/x.md: skriv kolleger, kollegene",
                     "  «fremtiden» i chapters/x.md: skriv framtid, fram, framover, framdrift"]
    # Names keep their own spelling.
    assert term_violations([("data/film.yaml", "Det store fremtidsbildet og Fremtidsverktøyet Norge 2040")],
                           load_terms()) == []


def test_learner_text_uses_the_course_terms(texts):
    found = term_violations(texts, load_terms())
    assert not found, "Tekst som ikke følger ordlisten i data/termer.yaml (se docs/skriveregler.md):\n" + "\n".join(found)
