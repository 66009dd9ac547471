"""Målform: bokmål or nynorsk for the texts in code and data (standard library only at run time).

Bokmål is the source: every text in code is written in bokmål and marked for translation,
``_("Riktig!")`` where it is shown, ``N_("…")`` where it is only defined (a module constant, shown
later through ``_()``). The nynorsk texts live in gettext catalogs, one per *domain*
(``locale/nn/LC_MESSAGES/<domain>.po``), made and kept in step by ``tools/i18n.py`` (``make i18n``),
exactly as the book's catalogs are. The domains and the files they are extracted from are listed
in ``locale/domener.yaml``.

Which målform is active:

* :func:`bruk` sets it for the whole process. A Voila kernel, a Pyodide worker and a CLI run serve
  one reader, so the app entry point calls ``bruk(fra_url(...))`` or ``bruk("nn")`` once.
* :func:`med_sprak` sets it for one block (and the tasks started in it), for code that serves many
  readers at once: feedback pages and kursbevis per learner, a web request.

Reading catalogs: in a checkout the ``.po`` file is read directly (with Babel, which the main venv
has), so an edit shows without a compile step; a fuzzy entry counts as untranslated and shows in
bokmål. Where only compiled catalogs exist (the Pyodide wheel ships
``fellesregler/locale/<lang>/LC_MESSAGES/<domain>.mo``), the ``.mo`` file is read with the standard
library's :mod:`gettext`.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode

__all__ = [
    "SPRAK",
    "STANDARD",
    "N_",
    "URL_NOKLER",
    "aktivt",
    "bruk",
    "bytte_href",
    "fra_accept_language",
    "fra_url",
    "gyldig",
    "sprakbytte",
    "KAPSEL",
    "velg",
    "med_sprak",
    "navn",
    "oversetter",
    "oversettelse",
    "oversetter_n",
]

log = logging.getLogger(__name__)

#: The målformer the course is written in; the first is the source and the default.
SPRAK = ("nb", "nn")
STANDARD = "nb"
#: What each målform is called, in its own form (for language switches).
_NAVN = {"nb": "Bokmål", "nn": "Nynorsk"}
#: Other names a URL, a roster or a locale may use for the same målform.
_ALIAS = {
    "nb": "nb", "nb_no": "nb", "nb-no": "nb", "no": "nb", "nob": "nb", "bokmål": "nb", "bokmal": "nb",
    "nn": "nn", "nn_no": "nn", "nn-no": "nn", "nno": "nn", "nynorsk": "nn",
}

#: Catalogs in a checkout: locale/<lang>/LC_MESSAGES/<domain>.po (overridable for tests and deployments).
_REPO_LOCALE = Path(os.environ.get("KURS_LOCALEDIR", Path(__file__).resolve().parents[1] / "locale"))
#: Compiled catalogs shipped inside the package (the Pyodide wheel).
_PAKKE_LOCALE = Path(__file__).resolve().parent / "locale"

_prosess: str = STANDARD
_blokk: contextvars.ContextVar[str | None] = contextvars.ContextVar("malform", default=None)


def N_(tekst: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark a text for translation where it is defined; translate it with ``_()`` where it is shown."""
    return tekst


def gyldig(verdi: str | None, standard: str = STANDARD) -> str:
    """The målform code for `verdi` (``nn``, ``nn_NO``, ``nynorsk`` …); `standard` if empty or unknown."""
    if not verdi:
        return standard
    return _ALIAS.get(str(verdi).strip().lower().replace(" ", ""), standard)


def navn(sprak: str) -> str:
    """«Bokmål» or «Nynorsk»."""
    return _NAVN[gyldig(sprak)]


#: The query arguments that choose the målform (``?sprak=nn``), in the order they are read.
URL_NOKLER = ("sprak", "språk", "lang")


def fra_url(query: str | dict | None, standard: str = STANDARD) -> str:
    """The målform a URL asks for: ``?sprak=nn`` (or ``lang=nn``); `standard` if none or unknown.

    `query` is a query string (with or without ``?``), or a dict as Tornado/Voila give it.
    """
    if not query:
        return standard
    if isinstance(query, str):
        query = parse_qs(query.lstrip("?"))
    for key in URL_NOKLER:
        verdi = query.get(key)
        if verdi:
            if isinstance(verdi, (list, tuple)):
                verdi = verdi[0]
            if isinstance(verdi, bytes):
                verdi = verdi.decode("utf-8", "replace")
            return gyldig(verdi, standard)
    return standard


def fra_accept_language(header: str | None, standard: str = STANDARD) -> str:
    """The målform a browser prefers (its ``Accept-Language`` header): the first of ours by weight.

    ``nn-NO,nn;q=0.9,nb;q=0.8`` gives ``nn``; ``en-US,en`` gives `standard`. Plain ``no`` is bokmål.
    """
    valgt: list[tuple[float, int, str]] = []
    for i, del_ in enumerate((header or "").split(",")):
        kode, _sep, resten = del_.strip().partition(";")
        vekt = 1.0
        for param in resten.split(";"):
            navn_, _eq, verdi = param.strip().partition("=")
            if navn_.strip().lower() == "q":
                try:
                    vekt = float(verdi)
                except ValueError:
                    vekt = 0.0
        sprak = _ALIAS.get(kode.strip().lower().replace("_", "-"))
        if sprak and vekt > 0:
            valgt.append((-vekt, i, sprak))
    return min(valgt)[2] if valgt else standard


def bytte_href(til: str, query: str = "") -> str:
    """A relative link (``?…&sprak=nn``) to the same page in målform `til`, keeping its other query arguments."""
    beholdt = [(k, v) for k, v in parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
               if k not in URL_NOKLER]
    return "?" + urlencode(beholdt + [("sprak", gyldig(til))])


#: The cookie that remembers a reader's choice of målform on the hub (its pages and «Min side»).
KAPSEL = "kurs_sprak"


def velg(query: str | dict | None = None, kapsel: str | None = None, kjent: str | None = None,
         accept_language: str | None = None) -> tuple[str, bool]:
    """The målform of a web page for one request, and whether the URL chose it (then remember it).

    In this order: the URL (``?sprak=nn``, the language switch), the cookie :data:`KAPSEL` (the
    reader's last choice), the learner's målform from the roster (`kjent`, on «Min side»), the
    browser's ``Accept-Language`` (the hub's pages, before it knows who the reader is), bokmål.
    """
    fra_adressen = fra_url(query, "")
    if fra_adressen:
        return fra_adressen, True
    for kilde in (gyldig(kapsel, ""), gyldig(kjent, ""), fra_accept_language(accept_language, "")):
        if kilde:
            return kilde, False
    return STANDARD, False


def sprakbytte(sprak: str, query: str = "") -> list[dict[str, str]]:
    """A web page's language switch: for each other målform its code, its name and a link to the
    same page in it (``?…&sprak=nn``)."""
    sprak = gyldig(sprak)
    return [{"sprak": s, "navn": navn(s), "href": bytte_href(s, query)} for s in SPRAK if s != sprak]


def bruk(sprak: str | None) -> str:
    """Set the målform for the whole process (one reader per process). Returns the code used."""
    global _prosess
    _prosess = gyldig(sprak)
    return _prosess


def aktivt() -> str:
    """The målform in force here: the block's (:func:`med_sprak`) or else the process's."""
    return _blokk.get() or _prosess


@contextlib.contextmanager
def med_sprak(sprak: str | None) -> Iterator[str]:
    """Use `sprak` inside the block only (safe with threads and asyncio tasks)."""
    token = _blokk.set(gyldig(sprak))
    try:
        yield _blokk.get()
    finally:
        _blokk.reset(token)


class _PoTranslations(gettext.NullTranslations):
    """A catalog read from a ``.po`` file: translated, non-fuzzy entries only."""

    def __init__(self, po: Path, lang: str) -> None:
        super().__init__()
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        self._plural = catalog.plural_expr
        self._nplurals = catalog.num_plurals
        self._singular: dict[tuple[str | None, str], str] = {}
        self._plurals: dict[tuple[str | None, str], tuple[str, ...]] = {}
        for m in catalog:
            if not m.id or m.fuzzy:
                continue
            if isinstance(m.id, (list, tuple)):
                forms = tuple(m.string or ())
                if forms and all(forms):
                    self._plurals[(m.context, m.id[0])] = forms
            elif m.string:
                self._singular[(m.context, m.id)] = m.string

    def gettext(self, message: str) -> str:
        return self._singular.get((None, message), message)

    def pgettext(self, context: str, message: str) -> str:
        return self._singular.get((context, message), message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plurals.get((None, msgid1))
        if not forms:
            return msgid1 if n == 1 else msgid2
        # The Norwegian plural rule (n != 1) is the catalog's; forms are (singular, plural).
        return forms[min(int(n != 1), len(forms) - 1)]


@functools.cache
def oversettelse(domene: str, sprak: str) -> gettext.NullTranslations:
    """The catalog of `domene` in `sprak` (bokmål: no translation). Read once per process."""
    sprak = gyldig(sprak)
    if sprak == STANDARD:
        return gettext.NullTranslations()
    po = _REPO_LOCALE / sprak / "LC_MESSAGES" / f"{domene}.po"
    if po.is_file():
        try:
            return _PoTranslations(po, sprak)
        except ImportError:  # no Babel here: fall through to the compiled catalog
            pass
    mo = _PAKKE_LOCALE / sprak / "LC_MESSAGES" / f"{domene}.mo"
    if not mo.is_file():
        mo = po.with_suffix(".mo")
    if mo.is_file():
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    log.warning("Ingen %s-katalog for «%s»: tekstene vises på bokmål.", sprak, domene)
    return gettext.NullTranslations()


def oversetter(domene: str) -> Callable[[str], str]:
    """The ``_`` of a module: ``_ = oversetter("widgets")``. It translates in the målform in force
    when it is called (not when the module was imported)."""

    def _(tekst: str) -> str:
        return oversettelse(domene, aktivt()).gettext(tekst)

    _.__doc__ = f"Translate a bokmål text of the «{domene}» domain into the målform in force."
    return _


def oversetter_n(domene: str) -> Callable[[str, str, int], str]:
    """The ``ngettext`` of a module: ``_n = oversetter_n("widgets")``; ``_n("ett svar", "{n} svar", n)``."""

    def _n(entall: str, flertall: str, n: int) -> str:
        return oversettelse(domene, aktivt()).ngettext(entall, flertall, n)

    return _n
