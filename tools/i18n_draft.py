"""A machine draft of untranslated catalog entries: bokmål -> nynorsk with Apertium (Debian's
apertium-nno-nob), marked fuzzy, so a translator reads and corrects every one. ``make i18n-draft``
runs it through ``tools/i18n.py draft``; neither the build nor the tests need it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tools.i18n_catalogs import INTERFACE_DOMAINS, ROOT, catalogs, domain_of, read_catalog, write_catalog

_PROTECT = re.compile(r"(\{[a-z:-]+\}`[^`]*`|`[^`]*`|\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+|\(\w[\w-]*\)=)")


def apertium_drafts(texts: list[str]) -> list[str]:
    """Bokmål -> nynorsk (e-infinitive) with Apertium, all texts in one run.

    MyST roles, code, links and labels are kept as they are (hidden behind
    placeholders); each text is one HTML paragraph, so Apertium keeps them apart.
    """
    import html as html_mod

    kept: list[str] = []

    def hide(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"ZZQ{len(kept) - 1}QZZ"

    doc = "".join(f"<p>{html_mod.escape(_PROTECT.sub(hide, t), quote=False)}</p>\n" for t in texts)
    proc = subprocess.run(["apertium", "-u", "-f", "html", "nob-nno_e"], input=doc, capture_output=True,
                          text=True, check=True)
    out = re.findall(r"<p>(.*?)</p>", proc.stdout, re.S)
    if len(out) != len(texts):
        raise SystemExit("Apertium ga ikke like mange avsnitt tilbake.")
    results = []
    for text in out:
        text = html_mod.unescape(text)
        text = re.sub(r"ZZQ(\d+)QZZ", lambda m: kept[int(m.group(1))], text)
        for old, new in (("arbeidsgivar", "arbeidsgjevar"), ("Arbeidsgivar", "Arbeidsgjevar")):
            text = text.replace(old, new)
        results.append(text)
    return results


def bokmal_interface(root: Path) -> dict[str, str]:
    """The bokmål of the interface strings (English msgids): ours, then Sphinx's and the book theme's."""
    import sphinx
    import sphinx_book_theme

    known: dict[str, str] = {}
    for po in (root / "locale" / "nb_NO" / "LC_MESSAGES" / "sphinx.po",
               root / "locale" / "nb_NO" / "LC_MESSAGES" / "booktheme.po",
               Path(sphinx.__file__).parent / "locale" / "nb_NO" / "LC_MESSAGES" / "sphinx.po",
               Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static" / "locales"
               / "no" / "LC_MESSAGES" / "booktheme.po"):
        for m in read_catalog(po, "nb_NO"):
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy:
                known.setdefault(m.id, m.string)
    return known


def draft(lang: str, root: Path = ROOT) -> int:
    if lang != "nn":
        raise SystemExit("Maskinutkast finnes bare for nynorsk (Apertium nob-nno).")
    if shutil.which("apertium") is None:
        raise SystemExit("Apertium mangler: apt-get install apertium-nno-nob")
    bokmal = bokmal_interface(root)
    count = 0
    for po in catalogs(lang, root):
        interface = domain_of(po, lang, root) in INTERFACE_DOMAINS
        cat = read_catalog(po, lang)
        todo = [m for m in cat if m.id and isinstance(m.id, str) and not m.string]
        if interface:  # English msgids: draft from the bokmål translation, if there is one
            todo = [m for m in todo if m.id in bokmal]
        if not todo:
            continue
        for m, text in zip(todo, apertium_drafts([bokmal[m.id] if interface else m.id for m in todo])):
            m.string = text
            m.flags.add("fuzzy")
        write_catalog(po, cat)
        count += len(todo)
    return count
