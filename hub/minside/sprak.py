"""The målform of «Min side» and its error pages: bokmål or nynorsk, per request.

The texts of the templates are in ``{% trans %}``/``_()``, and those :mod:`grading.progress` and
:mod:`grading.completion` write for the page in ``_()``: the gettext domain ``hub``
(``locale/nn/LC_MESSAGES/hub.po``), as the hub's own pages (:mod:`kurshub.sprak`). Which målform is
:func:`fellesregler.sprak.velg`: ``?sprak=nn``/``?sprak=nb`` (the switch on the page), the cookie
``kurs_sprak`` that the hub's pages share, the learner's ``målform`` from the roster, bokmål. A page is
rendered inside ``med_sprak`` in the worker thread (a context variable does not follow a task into
``run_in_executor``). «Kursoversikt» is for course leaders and stays bokmål.
"""
from __future__ import annotations

import jinja2

from fellesregler.sprak import KAPSEL, STANDARD, oversetter, oversetter_n, sprakbytte, velg

DOMENE = "hub"
_ = oversetter(DOMENE)
_n = oversetter_n(DOMENE)


def install(env: jinja2.Environment) -> None:
    """``{% trans %}`` and ``_()`` in `env`, in the målform of the ``med_sprak`` around a render."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_, _n, newstyle=True)


def ns(sprak: str, query: str = "") -> dict:
    """What a page needs for its målform: ``sprak`` (``<html lang>``) and the switch's links."""
    return {"sprak": sprak, "sprakbytte": sprakbytte(sprak, query)}


def utgave(url: str, sprak: str, *, som_query: bool = False) -> str:
    """The address of the book (``…/nn/``) or an app (``?sprak=nn``) in the målform."""
    if sprak == STANDARD:
        return url
    return f"{url}?sprak={sprak}" if som_query else f"{url}{sprak}/"


def valg(handler) -> tuple[str, str | None]:
    """The query string and the cookie that choose a request's målform."""
    return handler.request.query, handler.get_cookie(KAPSEL)


def husk(handler, sprak: str) -> None:
    """Remember the målform of the learner's own page for the hub's pages: a choice made in the URL
    for a year, one from the roster (when no cookie says otherwise) for this browser session only,
    so that a change in the roster shows next time."""
    from kurshub.sprak import husk as sett_kapsel

    query, kapsel = valg(handler)
    valgt_na = velg(query)[1]
    if valgt_na or kapsel is None:
        sett_kapsel(handler, sprak, varig=valgt_na)
