"""Målform of the self-assessment apps: chosen by the app's URL (``?sprak=nn``), with a switch in each app.

A Voila kernel serves one reader, so the app notebook sets the målform for its whole kernel once,
from the query string of the page (:func:`start`). A preheated kernel runs the notebook before
anyone asks for the page; :func:`velg_sprak` then waits for the request (as Voila's
``wait_for_request`` does, but without importing voila: :func:`widgets.sprak_fra_voila`), after the
slow imports and the bokmål app are ready (:func:`start`).

The page around the app (the Voila template ``kurs``) is rendered before the request too, so it
cannot pick the målform on the server: it carries the texts of both målformer (the Jinja filter
:func:`mal_tekster`) and a tiny script that reads the same query argument (:func:`sprakregel`) and
sets ``<html lang>`` and the loading text. The målform is a property of the page only: it is
never stored with answers, plans or groups.
"""
from __future__ import annotations

import os
from collections.abc import Callable

from fellesregler.escaping import esc
from fellesregler.sprak import (N_, SPRAK, STANDARD, URL_NOKLER, aktivt, bruk, bytte_href, fra_url, gyldig, navn,
                                oversetter, oversettelse)
from widgets.appside import sidetitler

__all__ = ["MAL_TEKSTER", "URL_NOKLER", "bytte_href", "mal_tekster", "sprakbytte_html", "sprakregel", "start",
           "velg_sprak"]

_ = oversetter("egenvurdering")

#: What the Voila template shows before the app is ready.
MAL_TEKSTER = {
    "laster": N_("Laster inn appen …"),
    "del": N_("Gjør klar appen: del {index} av {count} …"),
    "uten_js": N_("Appen trenger JavaScript. Slå på JavaScript i nettleseren, og last inn siden på nytt."),
    # The front end's messages (vendor/src/voila-kurs.js): the connection to the kernel lost, or never made.
    "brutt": N_("Forbindelsen til appen ble brutt. Last inn siden på nytt for å fortsette."),
    "feilet": N_("Appen kunne ikke starte. Last inn siden på nytt. Hvis feilen gjentar seg, kontakt kursansvarlig."),
    # The page titles: the same as the "title" in apps/egenvurdering.ipynb and apps/team.ipynb
    # (the chapter widgets' pages take theirs from widgets.appside: see mal_tekster).
    "tittel_egenvurdering": N_("Egenvurdering – Nyskapende arbeidsgivere"),
    "tittel_team": N_("Teamvisning – Nyskapende arbeidsgivere"),
}
#: Values of ?sprak= the page script understands, and the målform each means (as fra_url reads them).
_VERDIER = ("nb", "nn", "no", "nob", "nno", "bokmål", "bokmal", "nynorsk", "nb-no", "nn-no", "nb_no", "nn_no")


def velg_sprak(query: str | None = None) -> str:
    """Set the kernel's målform from the page's query string (``?sprak=nn``); bokmål if none.

    In a preheated Voila kernel this waits until the page is asked for.
    """
    if query is None:
        from widgets.voila_sprak import sprak_fra_voila

        return sprak_fra_voila()
    return bruk(fra_url(query))


def sprakbytte_html(query: str | None = None, sprak: str | None = None) -> str:
    """The language switch at the top of an app: a link to the app in the other målform."""
    sprak = gyldig(sprak or aktivt())
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    lenker = "".join(f"<li><a href='{esc(bytte_href(s, query))}' lang='{s}' hreflang='{s}'>{esc(navn(s))}</a></li>"
                     for s in SPRAK if s != sprak)
    merke = esc(_("Målform"))
    return f"<nav class='kurs-sprakvalg' aria-label='{merke}'><ul>{lenker}</ul></nav>"


def start(lag_app: Callable[[], object], query: str | None = None):
    """What an app notebook shows: the målform chosen from the URL, the switch, then the app.

    The app is built in bokmål first, while a preheated kernel waits for its reader, so a bokmål
    page is as quick as before. A reader who asks for nynorsk gets it built again in nynorsk; the
    bokmål one was never shown, and its widgets are closed so the browser never loads them.
    """
    import ipywidgets as w

    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    app = lag_app()
    first = [_instances[k] for k in set(_instances) - before]  # every widget the bokmål app made
    sprak = velg_sprak(query)
    if sprak != STANDARD:
        for widget in first:
            widget.close()
        app = lag_app()
    ramme = w.VBox([w.HTML(sprakbytte_html(query, sprak)), app])
    ramme.add_class("kurs-ramme")
    return ramme


# ----------------------------------------------------------------------- the Voila template

def mal_tekster(_verdi: object = None) -> dict[str, dict[str, str]]:
    """Jinja filter ``kurs_mal_tekster``: the template's texts in every målform, ``{sprak: {key: text}}``.

    With the titles of the chapter widgets' pages (``tittel_<notebook>``, from :mod:`widgets.appside`).
    """
    return {s: {**{k: oversettelse("egenvurdering", s).gettext(v) for k, v in MAL_TEKSTER.items()},
                **{f"tittel_{navn}": tittel for navn, tittel in sidetitler(s).items()}}
            for s in SPRAK}


def sprakregel(_verdi: object = None) -> dict:
    """Jinja filter ``kurs_sprakregel``: how the page script reads the målform from its URL, as fra_url does."""
    return {"nokler": list(URL_NOKLER), "verdier": {v: fra_url({"sprak": v}) for v in _VERDIER},
            "standard": STANDARD}
