"""Å mobilisere: sort invented co-creation examples into four types, and map resources.

The four types (likeverdig, styrt, fasiliterende, ansvarliggjørende) are used in
one Norwegian presentation; who coined them is not verified. The definitions
below are the course's own working definitions, and every example is invented.

Logic first (plain functions over frozen dataclasses), then two thin views:
``SamskapingsTyper`` and ``Ressurskart``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ipywidgets as w
from traitlets import Dict, List, Unicode, observe

from widgets._common import InputError, esc, feedback_html, finn, oppgavetekst_html, rad_html, tabell_html
from widgets._oppgave import ETIKETT_STIL, Visning, avkrysning, avkrysset, knapp, nedtrekk

__all__ = [
    "TYPER",
    "EKSEMPLER",
    "RESSURSER",
    "UTFORDRINGER",
    "Samskapingstype",
    "Eksempel",
    "Vurdering",
    "Oppsummering",
    "Ressurs",
    "Utfordring",
    "Ressursrad",
    "Ressursvurdering",
    "finn_eksempel",
    "vurder_type",
    "oppsummer",
    "kartlegg_ressurser",
    "SamskapingsTyper",
    "Ressurskart",
]


# ---------------------------------------------------------------------------
# Co-creation types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Samskapingstype:
    """One of the four co-creation types, with the course's working definition."""

    nokkel: str
    navn: str
    hvem_styrer: str
    kjennetegn: str


TYPER: dict[str, Samskapingstype] = {
    t.nokkel: t
    for t in (
        Samskapingstype(
            "likeverdig",
            "Likeverdig samskaping",
            "Alle parter sammen",
            "Kommunen og de andre definerer problemet sammen, bestemmer sammen og deler på arbeid og "
            "kostnader. Ingen part bestemmer alene.",
        ),
        Samskapingstype(
            "styrt",
            "Styrt samskaping",
            "Kommunen",
            "Kommunen bestemmer mål, rammer og opplegg. Innbyggere, frivillige eller bedrifter blir "
            "invitert til å bidra innenfor det kommunen har bestemt.",
        ),
        Samskapingstype(
            "fasiliterende",
            "Fasiliterende samskaping",
            "Innbyggerne eller organisasjonene",
            "Initiativet og styringen ligger hos innbyggere, frivillige eller næringsliv. Kommunen "
            "legger til rette, for eksempel med lokaler, råd, kontakter eller små tilskudd.",
        ),
        Samskapingstype(
            "ansvarliggjorende",
            "Ansvarliggjørende samskaping",
            "Den som har fått ansvaret, etter avtale",
            "Kommunen overlater ansvaret for en bestemt oppgave til innbyggere eller en organisasjon, "
            "ofte gjennom en avtale. De andre tar ansvaret for å utføre oppgaven, og kommunen følger opp.",
        ),
    )
}


@dataclass(frozen=True)
class Eksempel:
    """An invented initiative to classify, with the type we think fits best and why."""

    nokkel: str
    tittel: str
    tekst: str
    riktig: str
    forklaring: str


EKSEMPLER: tuple[Eksempel, ...] = (
    Eksempel(
        "aktivitetspark",
        "Aktivitetsparken i boligfeltet",
        "Naboer i et boligfelt vil lage en aktivitetspark. De har startet en dugnadsgruppe og "
        "bestemmer selv hvordan parken skal se ut. Kommunen låner ut utstyr, gir råd om søknader og "
        "setter dem i kontakt med grunneieren.",
        "fasiliterende",
        "Initiativet og beslutningene ligger hos naboene. Kommunen legger til rette, men styrer ikke.",
    ),
    Eksempel(
        "turvenner",
        "Turvenner for eldre",
        "Kommunen har bestemt at flere eldre skal komme seg ut på tur. Helse- og omsorgstjenesten "
        "har laget et fast opplegg med ruter, tider og mål, og inviterer frivillige til å gå med "
        "som turvenner etter planen.",
        "styrt",
        "Kommunen har bestemt mål og opplegg. De frivillige bidrar innenfor rammer de ikke har vært "
        "med på å lage.",
    ),
    Eksempel(
        "ungdom",
        "Et sentrum for ungdom",
        "Kommunen, en gruppe ungdommer og et idrettslag setter seg ned for å finne ut hva som mangler "
        "for ungdom i sentrum. De blir enige om hva de vil prøve ut, og deler på arbeidet og "
        "kostnadene.",
        "likeverdig",
        "Partene definerer problemet sammen, bestemmer sammen og deler på ressursene.",
    ),
    Eksempel(
        "badeplass",
        "Badeplassen",
        "Kommunen og en velforening inngår en avtale. Velforeningen skal holde en badeplass ren og "
        "trygg om sommeren og får et fast tilskudd. Den melder fra til kommunen hvis noe må "
        "repareres.",
        "ansvarliggjorende",
        "Kommunen har overlatt ansvaret for en bestemt oppgave til velforeningen gjennom en avtale, "
        "og følger opp.",
    ),
    Eksempel(
        "digital-hjelp",
        "Digital hjelp på biblioteket",
        "En pensjonistforening vil hjelpe eldre med mobil, nettbank og digitale skjemaer. Foreningen "
        "lager opplegget selv. Kommunen låner ut et rom på biblioteket og sprer informasjon om "
        "tilbudet.",
        "fasiliterende",
        "Det er foreningen som eier og styrer tilbudet. Kommunen bidrar med rom og informasjon.",
    ),
    Eksempel(
        "ryddedag",
        "Ryddedag i strandsonen",
        "Kommunen har vedtatt en plan for å rydde strendene. Den organiserer en ryddedag, bestemmer "
        "hvor det skal ryddes, og inviterer bedrifter til å stille med ansatte.",
        "styrt",
        "Kommunen styrer mål, sted og opplegg. Bedriftene bidrar med folk innenfor kommunens rammer.",
    ),
    Eksempel(
        "kunstgress",
        "Banen til idrettslaget",
        "Kommunen eier en kunstgressbane. Etter en avtale driver og vedlikeholder idrettslaget banen, "
        "og leier den ut til andre. Avtalen sier hva laget har ansvar for, og hva kommunen gjør.",
        "ansvarliggjorende",
        "Idrettslaget har fått ansvaret for driften gjennom en avtale. Kommunen eier banen og følger "
        "opp avtalen.",
    ),
)

_EKSEMPEL_INDEKS = {e.nokkel: e for e in EKSEMPLER}


@dataclass(frozen=True)
class Vurdering:
    """Feedback on one classification."""

    riktig: bool
    valgt: str
    fasit: str
    melding: str


@dataclass(frozen=True)
class Oppsummering:
    """How many examples have been answered, and how many of those fit our proposed type."""

    riktige: int
    besvart: int
    totalt: int

    @property
    def tekst(self) -> str:
        if self.besvart == 0:
            return f"Du har ikke sjekket noen eksempler ennå. Det er {self.totalt} eksempler."
        return (
            f"Du har sjekket {self.besvart} av {self.totalt} eksempler. "
            f"{self.riktige} av dem passer med typen vi foreslår."
        )


def finn_eksempel(nokkel: str) -> Eksempel:
    """Return the example with this key, or raise ``InputError``."""
    return finn(_EKSEMPEL_INDEKS, nokkel, f"Eksemplet «{nokkel}» finnes ikke.")


def _finn_type(nokkel: str | None) -> Samskapingstype:
    if nokkel is None or nokkel == "":
        raise InputError("Velg en samskapingstype før du sjekker svaret.")
    return finn(TYPER, nokkel, f"Samskapingstypen «{nokkel}» finnes ikke.")


def vurder_type(eksempel: str, valgt: str | None) -> Vurdering:
    """Compare a learner's choice of type with the type we propose for an example.

    >>> vurder_type("badeplass", "ansvarliggjorende").riktig
    True
    """
    e = finn_eksempel(eksempel)
    t = _finn_type(valgt)
    fasit = TYPER[e.riktig]
    if t.nokkel == e.riktig:
        melding = f"Riktig: {fasit.navn.lower()}. {e.forklaring}"
        return Vurdering(True, t.nokkel, e.riktig, melding)
    melding = (
        f"Du valgte {t.navn.lower()}. Kjennetegn på den typen: {t.kjennetegn} "
        f"Vi foreslår heller {fasit.navn.lower()}. {e.forklaring}"
    )
    return Vurdering(False, t.nokkel, e.riktig, melding)


def oppsummer(svar: Mapping[str, str]) -> Oppsummering:
    """Count answered examples and how many of them match the proposed type.

    ``svar`` maps example keys to chosen type keys. Unknown keys raise ``InputError``.
    """
    riktige = 0
    for eksempel, valgt in svar.items():
        riktige += vurder_type(eksempel, valgt).riktig
    return Oppsummering(riktige=riktige, besvart=len(svar), totalt=len(EKSEMPLER))


# ---------------------------------------------------------------------------
# Resource mapping
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ressurs:
    """A resource outside the usual line of service, with what it can give and what to clarify."""

    nokkel: str
    navn: str
    bidrag: str
    avklar: str


RESSURSER: dict[str, Ressurs] = {
    r.nokkel: r
    for r in (
        Ressurs(
            "innbyggere",
            "Innbyggerne",
            "Kunnskap om egne behov, ideer og innsats i eget nærmiljø.",
            "Hvordan dere når dem som sjelden deltar, og hvordan dere viser hva innspillene ble brukt til.",
        ),
        Ressurs(
            "frivillige",
            "Frivillige organisasjoner",
            "Tid, nettverk, aktiviteter og kontakt med miljøer kommunen ikke når alene.",
            "At frivillig innsats kommer i tillegg og ikke erstatter lovpålagte tjenester eller faste "
            "stillinger. Hvem som er kontaktperson i kommunen.",
        ),
        Ressurs(
            "naeringsliv",
            "Lokalt næringsliv",
            "Kompetanse, utstyr, arbeidsplasser, praksisplasser og av og til penger.",
            "Regler for offentlige anskaffelser, likebehandling og habilitet. Avtalen bør være åpen "
            "og skriftlig.",
        ),
        Ressurs(
            "ansatte",
            "Ansattes ubrukte kompetanse",
            "Kompetanse fra tidligere jobber, utdanning, språk, fritid og digitale ferdigheter som "
            "ikke brukes i jobben i dag.",
            "Med tillitsvalgte og den ansatte hvordan oppgaven passer i stillingen, arbeidstiden og "
            "lønnen. Det skal være frivillig å bidra med kompetanse utenfor stillingen.",
        ),
    )
}


@dataclass(frozen=True)
class Utfordring:
    """An invented local challenge, with the resources we propose to consider and why."""

    nokkel: str
    tittel: str
    foreslatte: frozenset[str]
    begrunnelse: str


UTFORDRINGER: tuple[Utfordring, ...] = (
    Utfordring(
        "ensomhet",
        "Mange eldre er ensomme",
        frozenset({"innbyggere", "frivillige", "ansatte"}),
        "De eldre selv vet best hva som hjelper. Frivillige kan gi fellesskap, og ansatte i "
        "tjenestene ser hvem som trenger det.",
    ),
    Utfordring(
        "sommerjobb",
        "For få sommerjobber for ungdom",
        frozenset({"naeringsliv", "frivillige", "innbyggere"}),
        "Bedrifter og lag har jobber og oppgaver. Ungdommene selv vet hva som gjør en jobb attraktiv.",
    ),
    Utfordring(
        "digital",
        "Mange innbyggere får ikke til digitale tjenester",
        frozenset({"frivillige", "ansatte", "naeringsliv", "innbyggere"}),
        "Frivillige og lokale bedrifter kan gi opplæring. Mange ansatte har digital kompetanse som "
        "kan deles, og innbyggerne kan fortelle hva som er vanskelig.",
    ),
)

_UTFORDRING_INDEKS = {u.nokkel: u for u in UTFORDRINGER}


@dataclass(frozen=True)
class Ressursrad:
    """One row of the resource map."""

    ressurs: str
    navn: str
    bidrag: str
    avklar: str
    foreslatt: bool


@dataclass(frozen=True)
class Ressursvurdering:
    """The resource map for a challenge and what it lacks compared with our proposal."""

    utfordring: str
    rader: tuple[Ressursrad, ...]
    mangler: tuple[str, ...]
    melding: str
    niva: str


def kartlegg_ressurser(utfordring: str, valgte: Iterable[str]) -> Ressursvurdering:
    """Build a resource map for an invented challenge and compare it with our proposal.

    >>> kartlegg_ressurser("ensomhet", ["frivillige"]).mangler
    ('innbyggere', 'ansatte')
    """
    u = finn(_UTFORDRING_INDEKS, utfordring, f"Utfordringen «{utfordring}» finnes ikke.")
    if isinstance(valgte, str):
        raise InputError("Ressursene må være en liste, ikke én tekst.")
    valgt = set()
    for r in valgte:
        if r not in RESSURSER:
            raise InputError(f"Ressursen «{r}» finnes ikke.")
        valgt.add(r)
    rader = tuple(
        Ressursrad(r.nokkel, r.navn, r.bidrag, r.avklar, r.nokkel in u.foreslatte)
        for r in RESSURSER.values()
        if r.nokkel in valgt
    )
    mangler = tuple(k for k in RESSURSER if k in u.foreslatte and k not in valgt)
    if not valgt:
        melding = "Kryss av for minst én ressurs for å lage et ressurskart."
        niva = "info"
    elif mangler:
        navn = ", ".join(RESSURSER[k].navn.lower() for k in mangler)
        melding = f"Vurder også: {navn}. {u.begrunnelse}"
        niva = "info"
    else:
        melding = f"Du har med alle ressursene vi foreslår. {u.begrunnelse}"
        niva = "ok"
    return Ressursvurdering(u.nokkel, rader, mangler, melding, niva)


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------

def _typeguide_html() -> str:
    return tabell_html(
        "De fire samskapingstypene (arbeidsdefinisjoner i dette kurset)",
        ("Type", "Hvem styrer", "Kjennetegn"),
        "".join(rad_html(t.navn, t.hvem_styrer, t.kjennetegn) for t in TYPER.values()),
    )


class SamskapingsTyper(Visning):
    """Sort invented initiatives into the four co-creation types, with feedback.

    Parameters
    ----------
    eksempel : str, optional
        Key of the example to show first (see ``EKSEMPLER``).

    Examples
    --------
    >>> v = SamskapingsTyper()
    >>> v.svar = "fasiliterende"
    >>> v.sjekk.click()
    >>> "Riktig" in v.tilbakemelding.value
    True
    """

    eksempel = Unicode(EKSEMPLER[0].nokkel, help="Key of the example being shown.")
    svar = Unicode(None, allow_none=True, help="Key of the type the learner has chosen, or None.")
    resultater = Dict(help="Checked answers so far: example key -> chosen type key.")

    def __init__(self, eksempel: str | None = None, **kwargs):
        self.velg_eksempel = nedtrekk([(e.tittel, e.nokkel) for e in EKSEMPLER], "Eksempel (oppdiktet):")
        self.beskrivelse = w.HTML()
        self.velg_type = w.RadioButtons(
            options=[(t.navn, t.nokkel) for t in TYPER.values()],
            value=None,
            description="Din vurdering:",
            style=ETIKETT_STIL,
        )
        self.sjekk = knapp("Sjekk svaret", "check")
        self.neste = knapp("Neste eksempel", "arrow-right")
        self.tilbakemelding = w.HTML()
        self.fremdrift = w.HTML()
        self.typeguide = w.HTML(_typeguide_html())
        super().__init__(
            children=[
                self.velg_eksempel,
                self.beskrivelse,
                self.velg_type,
                w.HBox([self.sjekk, self.neste]),
                self.tilbakemelding,
                self.fremdrift,
                self.typeguide,
            ],
            **kwargs,
        )
        self.velg_eksempel.observe(self._kopier_til("eksempel"), names="value")
        self.velg_type.observe(self._kopier_til("svar"), names="value")
        self.sjekk.on_click(lambda _b: self._update_vurdering())
        self.neste.on_click(lambda _b: self._update_neste())
        if eksempel is not None:
            finn_eksempel(eksempel)
            self.eksempel = eksempel
        self._update_eksempel()
        self._update_fremdrift()

    # -- traits -> view
    @observe("eksempel")
    def _on_eksempel(self, change) -> None:
        self._update_eksempel()

    @observe("svar")
    def _on_svar(self, change) -> None:
        if self.velg_type.value != change["new"]:
            self.velg_type.value = change["new"]

    @observe("resultater")
    def _on_resultater(self, change) -> None:
        self._update_fremdrift()

    def _update_eksempel(self) -> None:
        e = finn_eksempel(self.eksempel)
        if self.velg_eksempel.value != e.nokkel:
            self.velg_eksempel.value = e.nokkel
        self.beskrivelse.value = oppgavetekst_html(e.tittel, e.tekst)
        self.svar = self.resultater.get(e.nokkel)
        self.tilbakemelding.value = feedback_html(
            "Hvem tok initiativet, hvem bestemmer, og hvem har ansvaret? Velg typen du mener passer "
            "best, og trykk «Sjekk svaret».",
            "info",
            "Slik gjør du:",
        )

    def _update_vurdering(self) -> None:
        try:
            v = vurder_type(self.eksempel, self.svar)
        except InputError as err:
            self.tilbakemelding.value = feedback_html(str(err), "feil", "Obs:")
            return
        self.resultater = {**self.resultater, self.eksempel: v.valgt}
        self.tilbakemelding.value = feedback_html(v.melding, "ok" if v.riktig else "info")

    def _update_neste(self) -> None:
        nokler = [e.nokkel for e in EKSEMPLER]
        i = nokler.index(self.eksempel)
        self.eksempel = nokler[(i + 1) % len(nokler)]

    def _update_fremdrift(self) -> None:
        o = oppsummer(self.resultater)
        self.fremdrift.value = f"<p>{esc(o.tekst)} Grensene mellom typene er ikke skarpe.</p>"


class Ressurskart(Visning):
    """Map which resources outside the usual services can help with an invented challenge.

    Parameters
    ----------
    utfordring : str, optional
        Key of the challenge to start with (see ``UTFORDRINGER``).

    Examples
    --------
    >>> v = Ressurskart()
    >>> v.avkrysning["naeringsliv"].value = True
    >>> "Lokalt næringsliv" in v.kart.value
    True
    """

    utfordring = Unicode(UTFORDRINGER[0].nokkel, help="Key of the challenge being mapped.")
    valgte = List(Unicode(), default_value=["frivillige"], help="Keys of the resources ticked.")

    def __init__(self, utfordring: str | None = None, **kwargs):
        self.velg_utfordring = nedtrekk([(u.tittel, u.nokkel) for u in UTFORDRINGER], "Utfordring (oppdiktet):")
        self.avkrysning = avkrysning((r.nokkel, r.navn) for r in RESSURSER.values())
        self.kart = w.HTML()
        self.tilbakemelding = w.HTML()
        super().__init__(
            children=[
                self.velg_utfordring,
                w.HTML("<p>Hvilke ressurser vil du ta i bruk? Kryss av:</p>"),
                *self.avkrysning.values(),
                self.tilbakemelding,
                self.kart,
            ],
            **kwargs,
        )
        if utfordring is not None:
            self.utfordring = utfordring
        self.velg_utfordring.observe(self._kopier_til("utfordring"), names="value")
        kopier_valgte = self._kopier_til("valgte", lambda _change: avkrysset(self.avkrysning))
        for boks in self.avkrysning.values():
            boks.observe(kopier_valgte, names="value")
        self._update_kontroller()
        self._update_kart()

    @observe("utfordring", "valgte")
    def _on_state(self, _change) -> None:
        self._update_kontroller()
        self._update_kart()

    def _update_kontroller(self) -> None:
        with self._synkroniserer():
            if self.utfordring in _UTFORDRING_INDEKS:
                self.velg_utfordring.value = self.utfordring
            for nokkel, boks in self.avkrysning.items():
                boks.value = nokkel in self.valgte

    def _update_kart(self) -> None:
        try:
            v = kartlegg_ressurser(self.utfordring, list(self.valgte))
        except InputError as err:
            self.tilbakemelding.value = feedback_html(str(err), "feil", "Obs:")
            self.kart.value = ""
            return
        self.tilbakemelding.value = feedback_html(v.melding, v.niva)
        if not v.rader:
            self.kart.value = ""
            return
        self.kart.value = tabell_html(
            "Ressurskartet ditt (forslag til hva du kan avklare)",
            ("Ressurs", "Hva de kan bidra med", "Hva må avklares"),
            "".join(rad_html(r.navn, r.bidrag, r.avklar) for r in v.rader),
        )
