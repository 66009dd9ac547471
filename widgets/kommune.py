"""Kommune 1.0, 2.0 or 3.0? Classify short, made-up practice descriptions.

The descriptions are generic examples written for the course. None of them
describes a real municipality. Real municipalities mix all three models, so
the exercise is about recognising traits, not about judging anyone.

The logic is plain functions over dataclasses; :class:`KommuneSortering`
is a thin ipywidgets view.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import N_, oversetter, oversetter_n
from widgets import _oppgave
from widgets._common import InputError, Oversatt, esc, feedback_html, finn, indeks, oppgavetekst_html
from widgets._oppgave import ETIKETT_STIL, Svarvisning

_ = oversetter("widgets")
_n = oversetter_n("widgets")

__all__ = [
    "MODELLER",
    "PRAKSISER",
    "Modell",
    "Praksis",
    "Vurdering",
    "Oppsummering",
    "finn_praksis",
    "vurder",
    "oppsummer",
    "KommuneSortering",
]


@dataclass(frozen=True)
class Modell(Oversatt):
    """One of the three municipal models."""

    _tekstfelt = frozenset({"navn", "innbyggeren", "kjennetegn"})

    kode: str
    navn: str
    innbyggeren: str
    kjennetegn: str


MODELLER: dict[str, Modell] = {
    "1.0": Modell(
        "1.0",
        N_("Myndighetskommunen"),
        N_("undersått som mottar det kommunen bestemmer"),
        N_("Kommunen og fagfolkene vet best. Regler, vedtak og kontroll styrer."),
    ),
    "2.0": Modell(
        "2.0",
        N_("Servicekommunen"),
        N_("kunde som velger og vurderer tjenester"),
        N_("Kommunen leverer tjenester og måler service, kvalitet og kostnader (New Public Management)."),
    ),
    "3.0": Modell(
        "3.0",
        N_("Samskapingskommunen"),
        N_("aktiv medborger som skaper velferd sammen med kommunen"),
        N_(
            "Kommunen legger til rette, og innbyggere, frivillige og næringsliv bidrar med egne "
            "ressurser (New Public Governance)."
        ),
    ),
}


@dataclass(frozen=True)
class Praksis(Oversatt):
    """A short, made-up description of how a municipality works."""

    _tekstfelt = frozenset({"tekst", "forklaring"})

    nokkel: str
    tekst: str
    modell: str
    forklaring: str


#: Example practices, written for the course. Not about any real municipality.
PRAKSISER: tuple[Praksis, ...] = (
    Praksis(
        "bibliotek",
        N_(
            "Kommunen bestemmer nye åpningstider for biblioteket ut fra hva som passer driften. "
            "Innbyggerne får vite det i et brev."
        ),
        "1.0",
        N_("Kommunen bestemmer alene og informerer etterpå. Innbyggerne er mottakere, ikke deltakere."),
    ),
    Praksis(
        "brukerundersokelse",
        N_(
            "Hvert år svarer brukerne av hjemmetjenesten på en undersøkelse. Kommunen rangerer "
            "enhetene etter hvor fornøyde brukerne er."
        ),
        "2.0",
        N_(
            "Brukerne blir sett på som kunder. Kommunen måler tilfredshet og sammenligner enheter, "
            "slik New Public Management legger vekt på."
        ),
    ),
    Praksis(
        "moteplass",
        N_(
            "Ungdom, foreldre og idrettslaget planlegger en ny møteplass sammen med kommunen. Kommunen "
            "stiller med lokale og en ansatt som leder arbeidet."
        ),
        "3.0",
        N_(
            "Innbyggere og foreninger bidrar med egne ideer og egen innsats. Kommunen legger til rette "
            "i stedet for å levere en ferdig løsning."
        ),
    ),
    Praksis(
        "hull-i-veien",
        N_(
            "Innbyggerne kan melde fra om hull i veien i en app. Kommunen lover å svare innen tre "
            "dager og å reparere raskt."
        ),
        "2.0",
        N_(
            "Appen er ny teknologi, men rollene er de samme: innbyggeren bestiller, og kommunen "
            "leverer service med en svarfrist. Digitalisering alene gjør ikke en praksis til "
            "samskaping."
        ),
    ),
    Praksis(
        "vedtak-uten-samtale",
        N_(
            "En saksbehandler vurderer hva en eldre innbygger trenger, og sender et vedtak. Ingen har "
            "spurt innbyggeren hva som er viktig for henne."
        ),
        "1.0",
        N_("Fagpersonen avgjør behovet uten å snakke med innbyggeren. Det er typisk for myndighetskommunen."),
    ),
    Praksis(
        "hva-er-viktig",
        N_(
            "Ansatte i hjemmetjenesten spør brukeren hva som er viktig for ham. Sammen med familien og "
            "en frivillig besøksvenn lager de en plan for hverdagen."
        ),
        "3.0",
        N_(
            "Brukeren, familien og en frivillig er med og skaper løsningen. De ansatte får en ny "
            "rolle: de leder samarbeidet i stedet for å levere alt selv."
        ),
    ),
    Praksis(
        "fritt-valg",
        N_(
            "Innbyggerne kan velge mellom flere leverandører av praktisk bistand. Kommunen "
            "sammenligner pris og kvalitet hos leverandørene."
        ),
        "2.0",
        N_("Fritt valg, konkurranse og sammenligning av pris og kvalitet er kjennetegn på servicekommunen."),
    ),
    Praksis(
        "horingsmote",
        N_(
            "Kommunen holder et møte om en ny skolestruktur. Løsningen er allerede bestemt, og "
            "innspillene fra møtet endrer ingenting."
        ),
        "1.0",
        N_(
            "Møtet ser ut som medvirkning, men beslutningen er tatt på forhånd. Innbyggerne blir "
            "informert, ikke involvert."
        ),
    ),
    Praksis(
        "tomme-lokaler",
        N_(
            "Kommunen lager en oversikt over lokaler som står tomme på kveldstid. Frivillige lag kan "
            "låne dem gratis og lage aktiviteter for eldre."
        ),
        "3.0",
        N_(
            "Kommunen deler ressursene sine, og frivillige skaper tilbudet. Sammen får de mer velferd "
            "ut av det som finnes."
        ),
    ),
)


_PRAKSIS_INDEKS = indeks(PRAKSISER)


@dataclass(frozen=True)
class Vurdering:
    """Feedback on one answer."""

    praksis: Praksis
    svar: str
    riktig: bool

    @property
    def tekst(self) -> str:
        fasit = MODELLER[self.praksis.modell]
        if self.riktig:
            return _(
                "Dette er kommune {fasit_kode}, {fasit_navn}. {praksis_forklaring}"
            ).format(fasit_kode=fasit.kode, fasit_navn=fasit.navn.lower(), praksis_forklaring=self.praksis.forklaring)
        valgt = MODELLER[self.svar]
        return (
            _(
                "Du valgte kommune {valgt_kode}, men dette ligner mest på kommune {fasit_kode}, "
                "{fasit_navn}. {praksis_forklaring}"
            ).format(
                valgt_kode=valgt.kode,
                fasit_kode=fasit.kode,
                fasit_navn=fasit.navn.lower(),
                praksis_forklaring=self.praksis.forklaring,
            )
        )

    #: The feedback, as the chapter's earlier API called it.
    melding = tekst


@dataclass(frozen=True)
class Oppsummering(_oppgave.Resultat[Vurdering]):
    """Score summary: how many answered, how many right, per model."""

    @property
    def totalt(self) -> int:
        return self.antall

    @property
    def per_modell(self) -> dict[str, tuple[int, int]]:
        """Model code → (right, answered)."""
        return {
            kode: (
                sum(v.riktig for v in self.vurderinger if v.praksis.modell == kode),
                sum(v.praksis.modell == kode for v in self.vurderinger),
            )
            for kode in MODELLER
        }

    def tekst(self) -> str:
        if self.besvart == 0:
            return _(
                "Du har ikke svart på noen ennå. Det er {totalt} praksiser å sortere."
            ).format(totalt=self.totalt)
        deler = [
            _n(
                "Du har svart på {besvart} av {totalt}, og {riktige} er riktig.",
                "Du har svart på {besvart} av {totalt}, og {riktige} er riktige.",
                self.riktige,
            ).format(besvart=self.besvart, totalt=self.totalt, riktige=self.riktige)
        ]
        svake = [
            _("kommune {kode}").format(kode=kode)
            for kode, (rett, svart) in self.per_modell.items()
            if svart and rett < svart
        ]
        if svake:
            deler.append(
                _("Les gjerne beskrivelsen av {modeller} en gang til, og se på forklaringene.").format(
                    modeller=_(" og ").join(svake)
                )
            )
        elif self.ferdig:
            deler.append(_("Flott! Du kjenner igjen trekkene fra alle tre modellene."))
        return " ".join(deler)


def finn_praksis(praksis_id: str, praksiser: tuple[Praksis, ...] = PRAKSISER) -> Praksis:
    """Return the practice with this key.

    Raises
    ------
    InputError
        If no practice has this key.
    """
    tabell = _PRAKSIS_INDEKS if praksiser is PRAKSISER else indeks(praksiser)
    return finn(tabell, praksis_id, _("Fant ingen praksis med navnet «{praksis_id}».").format(praksis_id=praksis_id))


def _sjekk_svar(svar: object) -> str:
    if svar is None or (isinstance(svar, str) and not svar.strip()):
        raise InputError(_("Du har ikke valgt noen modell. Velg 1.0, 2.0 eller 3.0."))
    kode = str(svar).strip()
    if kode in {"1", "2", "3"}:
        kode += ".0"
    if kode not in MODELLER:
        raise InputError(_("«{svar}» er ikke en av modellene. Velg 1.0, 2.0 eller 3.0.").format(svar=svar))
    return kode


def vurder(praksis_id: str, svar: object, praksiser: tuple[Praksis, ...] = PRAKSISER) -> Vurdering:
    """Check one answer and return feedback.

    Examples
    --------
    >>> vurder("moteplass", "3.0").riktig
    True
    """
    p = finn_praksis(praksis_id, praksiser)
    kode = _sjekk_svar(svar)
    return Vurdering(p, kode, kode == p.modell)


def oppsummer(svar: Mapping[str, object], praksiser: tuple[Praksis, ...] = PRAKSISER) -> Oppsummering:
    """Summarise all answers. Unanswered practices (``None``) are left out.

    Raises
    ------
    InputError
        For an unknown practice or an answer that is not a model.
    """
    vurderinger = _oppgave.vurder_besvarte(
        svar, praksiser, partial(finn_praksis, praksiser=praksiser), partial(vurder, praksiser=praksiser)
    )
    return Oppsummering(vurderinger, len(praksiser))


class KommuneSortering(Svarvisning):
    """Sorteringsøvelse: er praksisen kommune 1.0, 2.0 eller 3.0?

    Each practice gets a group of radio buttons and feedback at once. A
    summary counts the right answers. The first practice is answered as a
    worked example when the view is built, so the static book shows feedback.

    Parameters
    ----------
    eksempel : bool
        Answer the first practice as a worked example (default ``True``).
    **kwargs
        Initial trait values.

    Examples
    --------
    >>> ovelse = KommuneSortering(eksempel=False)
    >>> ovelse.svar = {"moteplass": "3.0"}
    >>> ovelse.oppsummering.riktige
    1
    """

    svar = T.Dict(help="Svarene: praksis-id → '1.0', '2.0' eller '3.0'. Ubesvarte er utelatt.")
    oppsummering = T.Instance(Oppsummering, allow_none=True, help="Siste oppsummering av svarene.")

    #: An unanswered practice has no radio button chosen.
    _tomt = None

    def __init__(self, eksempel: bool = True, praksiser: tuple[Praksis, ...] = PRAKSISER, **kwargs):
        self._praksiser = praksiser
        valg = [(f"{m.kode} {m.navn}", m.kode) for m in MODELLER.values()]
        self._knapper = {
            p.nokkel: W.RadioButtons(
                options=valg, value=None, description=_("Modell for praksis {nr}:").format(nr=nr), style=ETIKETT_STIL
            )
            for nr, p in enumerate(praksiser, start=1)
        }
        self._tilbakemeldinger = {p.nokkel: W.HTML() for p in praksiser}
        self._koble_svarkontroller(self._knapper, MODELLER)
        bokser = [
            W.VBox(
                [
                    W.HTML(oppgavetekst_html(_("Praksis {nr}").format(nr=nr), p.tekst)),
                    self._knapper[p.nokkel],
                    self._tilbakemeldinger[p.nokkel],
                ],
                layout=W.Layout(margin="0 0 1em 0"),
            )
            for nr, p in enumerate(praksiser, start=1)
        ]
        self._nullstill = W.Button(
            description=_("Nullstill svarene"),
            tooltip=_("Fjern alle svarene og begynn på nytt"),
            icon="undo",
            layout={"width": "auto", "align_self": "flex-start"},
        )
        self._nullstill.on_click(self._on_nullstill)
        self._sammendrag = W.HTML()
        modeller = "".join(
            _(
                "<li><strong>{m_kode} {m_navn}:</strong> innbyggeren er {m_innbyggeren}. "
                "{m_kjennetegn}</li>"
            ).format(
                m_kode=esc(m.kode),
                m_navn=esc(m.navn),
                m_innbyggeren=esc(m.innbyggeren),
                m_kjennetegn=esc(m.kjennetegn),
            )
            for m in MODELLER.values()
        )
        intro = W.HTML(
            _(
                "<p>Praksisene under er eksempler laget for kurset. Velg den modellen hver praksis ligner "
                "mest på. Du får svar med en gang.</p><ul>{modeller}</ul>"
            ).format(modeller=modeller)
        )
        super().__init__([intro, *bokser, self._sammendrag, self._nullstill], **kwargs)
        if eksempel and not self.svar and praksiser:
            self.svar = {praksiser[0].nokkel: praksiser[0].modell}

    def _update_visning(self) -> None:
        try:
            self.oppsummering = oppsummer(self.svar, self._praksiser)
        except InputError as e:
            self.oppsummering = None
            self._sammendrag.value = feedback_html(str(e), "feil", title=_("Noe er galt med svarene."))
            return
        per_praksis = {v.praksis.nokkel: v for v in self.oppsummering.vurderinger}
        for pid, felt in self._tilbakemeldinger.items():
            v = per_praksis.get(pid)
            felt.value = "" if v is None else feedback_html(
                v.tekst, "ok" if v.riktig else "info", title=_("Riktig.") if v.riktig else _("Ikke helt.")
            )
        self._sammendrag.value = feedback_html(self.oppsummering.tekst(), "info", title=_("Oppsummering:"))
