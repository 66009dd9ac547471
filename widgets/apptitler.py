"""The heading of each chapter widget's Voila page (``apps/widgets/<chapter>.ipynb``), in the målform in force.

The notebooks show it with :func:`vis_tittel` after :func:`widgets.sprak_fra_voila`, so a page opened
with ``?sprak=nn`` has a nynorsk heading too (a markdown cell could not follow the URL).
"""
from __future__ import annotations

from fellesregler.escaping import esc
from fellesregler.sprak import N_, oversetter

__all__ = ["APPTITLER", "tittel_html", "vis_tittel"]

_ = oversetter("widgets")

#: chapter -> (heading, one line on what the page holds), in bokmål; translated when shown.
APPTITLER: dict[str, tuple[str, str]] = {
    "fremtid": (N_("Framtidsøvelse: behov og bemanning fram mot 2040"),
                N_("Kursets egen øvelse. Den er ikke KS sitt Fremtidsverktøyet Norge 2040. "
                   "Skriv inn tallene for din kommune.")),
    "kommune": (N_("Kommune 1.0, 2.0 eller 3.0?"),
                N_("Sorter praksisene etter hvilken modell de ligner mest på. Praksisene er eksempler "
                   "laget for kurset.")),
    "laere": (N_("Å lære: de ti faktorene og læringssløyfen"),
              N_("To øvelser fra kapittelet «Å lære». Situasjonene er våre egne, oppdiktede eksempler.")),
    "lede": (N_("Å lede: når skal hvem involveres?"),
             N_("Øvelsen fra kapittelet «Å lede». Saken er et oppdiktet eksempel.")),
    "mobilisere": (N_("Å mobilisere: samskapingstyper og ressurskart"),
                   N_("To øvelser fra kapittelet «Å mobilisere». Eksemplene og utfordringene er oppdiktet.")),
    "prosess": (N_("Prosessdesign: planlegg prosessen din"),
                N_("Øvelsen fra kapittelet «Prosessdesign». Fasemodellen er et forslag som må tilpasses "
                   "din kommune.")),
    "samhandle": (N_("Å samhandle: hvem bør være med, og på hvilken arena?"),
                  N_("Øvelsen fra kapittelet «Å samhandle». Sakene er oppdiktet.")),
    "vage": (N_("Å våge: hvem bestemmer, og er forsøket trygt?"),
             N_("To øvelser fra kapittelet «Å våge». Sakene og eksemplene er oppdiktet.")),
}


def tittel_html(kapittel: str) -> str:
    """``<h1>`` and the line under it for `kapittel`, translated."""
    heading, line = APPTITLER[kapittel]
    return f"<h1>{esc(_(heading))}</h1><p>{esc(_(line))}</p>"


def vis_tittel(kapittel: str) -> None:
    """Show the page's heading (in a notebook or Voila)."""
    from IPython.display import HTML, display

    display(HTML(tittel_html(kapittel)))
