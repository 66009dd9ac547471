"""P3 «Å lære»: the ten factors of KS's 10-FAKTOR, and a learning loop.

:class:`FaktorOppgave` lets learners match short workplace situations to the
factor they concern. The situations are our own invented examples; they are
not survey items from 10-FAKTOR. The short factor descriptions are our own
plain-language summaries.

:class:`LaeringsSloyfe` lets learners put the steps of a learning loop
(plan, try, evaluate, decide) in order. The loop is our «forslag».
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import N_, oversetter
from widgets import _oppgave
from widgets._common import InputError, esc, feedback_html, finn, indeks
from widgets._laere_innhold import FAKTORER, SITUASJONER, STEG, Faktor, Situasjon, Steg
from widgets._oppgave import Klassifiseringsoppgave, Visning, start_paa_nytt

_ = oversetter("widgets")

__all__ = [
    "FAKTORER",
    "SITUASJONER",
    "STEG",
    "Faktor",
    "FaktorOppgave",
    "FaktorResultat",
    "FaktorVurdering",
    "LaeringsSloyfe",
    "Situasjon",
    "SloyfeResultat",
    "Steg",
    "finn_faktor",
    "finn_situasjon",
    "oppsummer_faktorer",
    "vurder_faktor",
    "vurder_faktorer",
    "vurder_sloyfe",
]


# ---------------------------------------------------------------------------
# Logic: the ten factors
# ---------------------------------------------------------------------------


_FAKTOR_INDEKS = indeks(FAKTORER)
_SITUASJON_INDEKS = indeks(SITUASJONER)


def finn_faktor(faktor_id: str) -> Faktor:
    """Return the factor with this id, or raise :class:`InputError`."""
    return finn(_FAKTOR_INDEKS, faktor_id, _("Ukjent faktor: «{faktor_id}».").format(faktor_id=faktor_id))


def finn_situasjon(situasjon_id: str) -> Situasjon:
    """Return the situation with this id, or raise :class:`InputError`."""
    return finn(_SITUASJON_INDEKS, situasjon_id, _("Ukjent situasjon: «{situasjon_id}».").format(
        situasjon_id=situasjon_id,
    ))


@dataclass(frozen=True)
class FaktorVurdering:
    """Feedback on one match."""

    situasjon_id: str
    valgt: str
    riktig: bool
    tekst: str


def vurder_faktor(situasjon_id: str, faktor_id: str) -> FaktorVurdering:
    """Judge one match and explain it; a wrong answer also explains the chosen factor.

    >>> vurder_faktor("ansvar", "rolleklarhet").riktig
    True
    """
    s = finn_situasjon(situasjon_id)
    valgt = finn_faktor(faktor_id)
    fasit = finn_faktor(s.riktig)
    if valgt.nokkel == fasit.nokkel:
        tekst = _(
            "Riktig. {s_hvorfor} {fasit_navn} betyr {fasit_beskrivelse}."
        ).format(s_hvorfor=s.hvorfor, fasit_navn=fasit.navn, fasit_beskrivelse=fasit.beskrivelse)
    else:
        tekst = (
            _(
                "Ikke helt. {valgt_navn} betyr {valgt_beskrivelse}. {s_hvorfor} {fasit_navn} betyr "
                "{fasit_beskrivelse}."
            ).format(
                valgt_navn=valgt.navn,
                valgt_beskrivelse=valgt.beskrivelse,
                s_hvorfor=s.hvorfor,
                fasit_navn=fasit.navn,
                fasit_beskrivelse=fasit.beskrivelse,
            )
        )
    return FaktorVurdering(s.nokkel, valgt.nokkel, valgt.nokkel == fasit.nokkel, tekst)


@dataclass(frozen=True)
class FaktorResultat(_oppgave.Resultat[FaktorVurdering]):
    """All matches judged so far."""


def vurder_faktorer(svar: Mapping[str, str | None]) -> FaktorResultat:
    """Judge every answered situation. Empty answers (``None`` or ``""``) are skipped."""
    vurderinger = _oppgave.vurder_besvarte(svar, SITUASJONER, finn_situasjon, vurder_faktor)
    return FaktorResultat(vurderinger, len(SITUASJONER))


_TEKSTER = _oppgave.Tekster(
    ingen=N_("Du har ikke koblet noen situasjoner ennå. Det er {antall} situasjoner, én for hver faktor."),
    gjort=N_("koblet"),
    ting=N_("situasjoner"),
    alle_riktige=N_("Du kjenner faktorene godt."),
    noen_feil=N_(
        "Mange blander mestringsklima (kollegene) og mestringsorientert ledelse (lederen), og "
        "indre motivasjon (oppgaven) og prososial motivasjon (andre mennesker). Les forklaringene "
        "og prøv igjen."
    ),
)


def oppsummer_faktorer(resultat: FaktorResultat) -> tuple[str, str]:
    """Return the score message and its feedback kind."""
    return _oppgave.oppsummer(resultat, _TEKSTER)


# ---------------------------------------------------------------------------
# Logic: a learning loop (our «forslag»)
# ---------------------------------------------------------------------------


_STEG_INDEKS = indeks(STEG)


@dataclass(frozen=True)
class SloyfeResultat:
    """The judged order of the steps."""

    rekkefolge: tuple[str, ...]
    riktige: int
    antall: int
    merknader: tuple[str, ...]

    @property
    def ferdig(self) -> bool:
        return len(self.rekkefolge) == self.antall


def vurder_sloyfe(rekkefolge: Sequence[str]) -> SloyfeResultat:
    """Judge the order the learner chose (a list of step ids, first step first).

    The list may be partial. Unknown or repeated steps raise :class:`InputError`.

    >>> vurder_sloyfe([s.nokkel for s in STEG]).riktige
    5
    """
    sett: set[str] = set()
    for steg_id in rekkefolge:
        if steg_id not in _STEG_INDEKS:
            raise InputError(_("Ukjent steg: «{steg_id}».").format(steg_id=steg_id))
        if steg_id in sett:
            raise InputError(_(
                "Steget «{steg}» er valgt to ganger."
            ).format(steg=_STEG_INDEKS[steg_id].kort))
        sett.add(steg_id)
    plass = {steg_id: nr for nr, steg_id in enumerate(rekkefolge, start=1)}
    riktige = sum(_STEG_INDEKS[steg_id].nr == nr for steg_id, nr in plass.items())
    merknader: list[str] = []
    if "evaluere" in plass and ("prove" not in plass or plass["evaluere"] < plass["prove"]):
        merknader.append(_("Dere kan ikke evaluere før dere har prøvd noe."))
    if "prove" in plass and ("plan" not in plass or plass["prove"] < plass["plan"]):
        merknader.append(
            _(
                "Bestem hva dere skal se etter før dere prøver. Ellers er det vanskelig å vite om forsøket "
                "virket."
            )
        )
    if "beslutte" in plass and ("evaluere" not in plass or plass["beslutte"] < plass["evaluere"]):
        merknader.append(
            _(
                "Bestem ikke om dere skal fortsette før dere har evaluert. Da mister dere det dere kunne "
                "ha lært."
            )
        )
    if rekkefolge and rekkefolge[0] != "problem":
        merknader.append(_("Start med problemet, ikke med løsningen."))
    return SloyfeResultat(tuple(rekkefolge), riktige, len(STEG), tuple(merknader))


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------

_VELG = (N_("Velg faktor …"), "")
#: Wide enough for the longest option; never wider than the page.
_VELGER_LAYOUT = {"width": "34em", "max_width": "100%"}


class FaktorOppgave(Klassifiseringsoppgave):
    """Match invented workplace situations to the 10-FAKTOR factor they concern.

    Each match gets immediate feedback; the score counts the current right answers.

    Examples
    --------
    >>> oppgave = FaktorOppgave()
    >>> oppgave.svar = {"ansvar": "rolleklarhet"}
    >>> oppgave.poeng
    1
    """

    svar = T.Dict(help="Valgt faktor-id per situasjon-id. Tom streng betyr ikke valgt.")
    poeng = T.Int(0, help="Antall situasjoner koblet til riktig faktor.")
    ferdig = T.Bool(False, help="Sann når alle situasjonene er koblet.")

    def __init__(self, **kwargs):
        faktorliste = "".join(
            f"<li><strong>{esc(f.navn)}:</strong> {esc(f.beskrivelse)}</li>" for f in FAKTORER
        )
        super().__init__(
            intro=_(
                "<p><strong>Oppgave: Hvilken faktor handler det om?</strong> Under står {situasjoner} "
                "korte situasjoner fra arbeidslivet. De er våre egne, oppdiktede eksempler, ikke spørsmål "
                "fra 10-FAKTOR. Velg den faktoren hver situasjon handler mest om. Du får en forklaring med "
                "en gang.</p><p>De ti faktorene, forklart med våre ord:</p><ul>{faktorliste}</ul>"
            ).format(situasjoner=len(SITUASJONER), faktorliste=faktorliste),
            oppgaver=SITUASJONER,
            valg=[(_(_VELG[0]), _VELG[1])] + [(f.navn, f.nokkel) for f in FAKTORER],
            etikett=_("Faktor for situasjon {nr}:"),
            overskrift=_("Situasjon {nr}"),
            bredde=_VELGER_LAYOUT,
            gyldige=_FAKTOR_INDEKS,
            vurder=vurder_faktorer,
            oppsummer=oppsummer_faktorer,
            vurdering_id=attrgetter("situasjon_id"),
            **kwargs,
        )


class LaeringsSloyfe(Visning):
    """Put the steps of a learning loop in order by clicking them, first step first.

    Examples
    --------
    >>> sloyfe = LaeringsSloyfe()
    >>> for steg in STEG:
    ...     sloyfe.knapper[steg.nokkel].click()
    >>> sloyfe.poeng
    5
    """

    rekkefolge = T.List(T.Unicode(), help="Steg-id-ene i den rekkefølgen de er valgt.")
    poeng = T.Int(0, help="Antall steg på riktig plass.")

    def __init__(self, **kwargs):
        self._intro = W.HTML(
            _(
                "<p><strong>Oppgave: Læringssløyfen.</strong> En enhet vil prøve noe nytt og lære av det. "
                "Trykk på stegene i den rekkefølgen du mener de skal komme. Det første steget først. "
                "Sløyfen er vårt forslag.</p>"
            )
        )
        # Shown in a fixed, mixed order so the answer is not the button order.
        blandet = ("evaluere", "plan", "beslutte", "problem", "prove")
        self.knapper: dict[str, W.Button] = {}
        for steg_id in blandet:
            knapp = W.Button(
                description=_STEG_INDEKS[steg_id].kort,
                tooltip=_STEG_INDEKS[steg_id].tekst,
                layout=W.Layout(width="auto"),
            )
            knapp.on_click(lambda _b, sid=steg_id: self._on_steg(sid))
            self.knapper[steg_id] = knapp
        self._angre = W.Button(description=_("Angre siste"), tooltip=_("Fjern det siste steget"))
        self._angre.on_click(self._on_angre)
        self._nullstill = start_paa_nytt(_("Fjern alle stegene"))
        self._nullstill.on_click(self._on_nullstill)
        self._visning = W.HTML()
        super().__init__(
            [
                self._intro,
                W.HBox(list(self.knapper.values()), layout=W.Layout(flex_flow="row wrap")),
                self._visning,
                W.HBox([self._angre, self._nullstill]),
            ],
            **kwargs,
        )
        self.add_class("kurs-widget")
        self._update_visning()

    def _on_steg(self, steg_id: str) -> None:
        if steg_id not in self.rekkefolge:
            self.rekkefolge = [*self.rekkefolge, steg_id]

    def _on_angre(self, _button=None) -> None:
        self.rekkefolge = self.rekkefolge[:-1]

    def _on_nullstill(self, _button=None) -> None:
        self.rekkefolge = []

    @T.observe("rekkefolge")
    def _update_rekkefolge(self, _change) -> None:
        self._update_visning()

    def _update_visning(self) -> None:
        try:
            r = vurder_sloyfe(self.rekkefolge)
        except InputError as feil:
            self._visning.value = feedback_html(str(feil), "feil")
            return
        for steg_id, knapp in self.knapper.items():
            knapp.disabled = steg_id in r.rekkefolge
        self.poeng = r.riktige if r.ferdig else 0
        if not r.rekkefolge:
            self._visning.value = feedback_html(
                _("Du har ikke valgt noen steg ennå. Det er {r_antall} steg.").format(r_antall=r.antall), "info"
            )
            return
        liste = "".join(f"<li>{esc(_STEG_INDEKS[s].tekst)}</li>" for s in r.rekkefolge)
        html = _("<p><strong>Din rekkefølge:</strong></p><ol>{liste}</ol>").format(liste=liste)
        if not r.ferdig:
            html += feedback_html(_(
                "Du har valgt {r_rekkefolge} av {r_antall} steg."
            ).format(r_rekkefolge=len(r.rekkefolge), r_antall=r.antall), "info")
        elif r.riktige == r.antall:
            html += feedback_html(
                _(
                    "Riktig rekkefølge. Etter siste steg starter sløyfen på nytt med et nytt problem eller en "
                    "justert plan."
                ),
                "ok",
                title=_("Tilbakemelding:"),
            )
        else:
            riktig = "".join(f"<li>{esc(s.tekst)}</li>" for s in STEG)
            html += feedback_html(
                _(
                    "{r_riktige} av {r_antall} steg står på riktig plass. Sammenlign med forslaget under."
                ).format(r_riktige=r.riktige, r_antall=r.antall),
                "feil",
                title=_("Tilbakemelding:"),
            )
            html += _("<p><strong>Forslag til rekkefølge:</strong></p><ol>{riktig}</ol>").format(riktig=riktig)
        html += "".join(feedback_html(m, "info", title=_("Merk:")) for m in r.merknader)
        self._visning.value = html
