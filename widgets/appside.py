"""The Voila page of each chapter widget (``apps/widgets/<side>.ipynb``): heading, one line, the widgets.

Each notebook is one code cell, ``vis_side("vage", HandlingsromOppgave, ForsoksSjekk)``. The page's
målform is chosen from its URL (``?sprak=nn``, :func:`widgets.voila_sprak.sprak_fra_voila`) before
anything is built, so the heading follows it as the widgets' own texts do; a markdown cell could not,
since it is rendered before the kernel knows the URL. The same heading gives the page's ``<title>``
(:func:`sidetitler`, a text of the Voila template ``kurs``). The texts live here once, in bokmål,
and are translated where they are shown (domain ``widgets``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fellesregler.escaping import esc
from fellesregler.sprak import N_, bruk, fra_url, med_sprak, oversetter

__all__ = ["KURSNAVN", "SIDER", "Side", "overskrift_html", "sidetitler", "sidetittel", "vis_side"]

_ = oversetter("widgets")

#: The course's name: KS' title, written the same in both målformer (docs/skriveregler.md).
KURSNAVN = "Nyskapende arbeidsgivere"


@dataclass(frozen=True)
class Side:
    """What a chapter widget's page says above the widgets (bokmål; translated when shown)."""

    overskrift: str  #: the page's only <h1>, and its <title>
    ingress: str  #: one line: what the page holds and what is made up


#: One page per notebook in apps/widgets/, by the notebook's name.
SIDER: dict[str, Side] = {
    "fremtid": Side(N_("Framtidsøvelse: behov og bemanning fram mot 2040"),
                    N_("Kursets egen øvelse, ikke KS' verktøy «Fremtidsverktøyet Norge 2040». "
                       "Skriv inn tallene for din kommune.")),
    "kommune": Side(N_("Kommune 1.0, 2.0 eller 3.0?"),
                    N_("Sorter praksisene etter hvilken modell de ligner mest på. "
                       "Praksisene er eksempler laget for kurset.")),
    "laere": Side(N_("Å lære: de ti faktorene og læringssløyfen"),
                  N_("To øvelser fra kapittelet «Å lære». Situasjonene er våre egne, oppdiktede eksempler.")),
    "lede": Side(N_("Å lede: når skal hvem involveres?"),
                 N_("Øvelsen fra kapittelet «Å lede». Saken er et oppdiktet eksempel.")),
    "mobilisere": Side(N_("Å mobilisere: samskapingstyper og ressurskart"),
                       N_("To øvelser fra kapittelet «Å mobilisere». Eksemplene og utfordringene er oppdiktet.")),
    "prosess": Side(N_("Prosessdesign: planlegg prosessen din"),
                    N_("Øvelsen fra kapittelet «Prosessdesign». Fasemodellen er et forslag som må tilpasses "
                       "din kommune.")),
    "samhandle": Side(N_("Å samhandle: hvem bør være med, og på hvilken arena?"),
                      N_("Øvelsen fra kapittelet «Å samhandle». Sakene er oppdiktet.")),
    "vage": Side(N_("Å våge: hvem bestemmer, og er forsøket trygt?"),
                 N_("To øvelser fra kapittelet «Å våge». Sakene og eksemplene er oppdiktet.")),
}


def overskrift_html(side: str) -> str:
    """The page's heading (its only ``<h1>``) and the line under it, in the målform in force."""
    s = SIDER[side]
    return f"<h1>{esc(_(s.overskrift))}</h1><p>{esc(_(s.ingress))}</p>"


def sidetittel(side: str) -> str:
    """The page's ``<title>`` in the målform in force: its heading, then the course's name."""
    return f"{_(SIDER[side].overskrift)} – {KURSNAVN}"


def sidetitler(sprak: str) -> dict[str, str]:
    """Every page's ``<title>`` in `sprak`, by notebook name (for the Voila template ``kurs``)."""
    with med_sprak(sprak):
        return {navn: sidetittel(navn) for navn in SIDER}


def vis_side(side: str, *lag: Callable[[], object], query: str | None = None):
    """What the notebook of chapter widget `side` shows: heading and line, then the widgets `lag` make.

    The målform comes first: from `query` if given (tests), else from the Voila page's URL. Only then
    are the heading and the widgets built, so all of them are in that målform.
    """
    import ipywidgets as w

    if query is None:
        from widgets.voila_sprak import sprak_fra_voila

        sprak_fra_voila()
    else:
        bruk(fra_url(query))
    side_html = w.HTML(overskrift_html(side))
    side_html.add_class("kurs-sidetopp")
    return w.VBox([side_html, *(lage() for lage in lag)])
