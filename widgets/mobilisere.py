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

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import oversetter
from widgets import _oppgave
from widgets._common import InputError, esc, feedback_html, finn, indeks, oppgavetekst_html, rad_html, tabell_html
from widgets._mobilisere_innhold import (
    EKSEMPLER,
    RESSURSER,
    TYPER,
    UTFORDRINGER,
    Eksempel,
    Ressurs,
    Samskapingstype,
    Utfordring,
)
from widgets._oppgave import ETIKETT_STIL, Visning, avkrysning, avkrysset, knapp, nedtrekk

_ = oversetter("widgets")

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


_EKSEMPEL_INDEKS = indeks(EKSEMPLER)


@dataclass(frozen=True)
class Vurdering:
    """Feedback on one classification."""

    riktig: bool
    valgt: str
    fasit: str
    melding: str

    @property
    def tekst(self) -> str:
        """The feedback (the name :mod:`widgets._oppgave` reads)."""
        return self.melding


@dataclass(frozen=True)
class Oppsummering(_oppgave.Resultat[Vurdering]):
    """How many examples have been answered, and how many of those fit our proposed type."""

    @property
    def totalt(self) -> int:
        return self.antall

    @property
    def tekst(self) -> str:
        if self.besvart == 0:
            return _(
                "Du har ikke sjekket noen eksempler ennå. Det er {totalt} eksempler."
            ).format(totalt=self.totalt)
        return (
            _(
                "Du har sjekket {besvart} av {totalt} eksempler. {riktige} av dem passer med typen vi "
                "foreslår."
            ).format(besvart=self.besvart, totalt=self.totalt, riktige=self.riktige)
        )


def finn_eksempel(nokkel: str) -> Eksempel:
    """Return the example with this key, or raise ``InputError``."""
    return finn(_EKSEMPEL_INDEKS, nokkel, _("Eksemplet «{nokkel}» finnes ikke.").format(nokkel=nokkel))


def _finn_type(nokkel: str | None) -> Samskapingstype:
    if nokkel is None or nokkel == "":
        raise InputError(_("Velg en samskapingstype før du sjekker svaret."))
    return finn(TYPER, nokkel, _("Samskapingstypen «{nokkel}» finnes ikke.").format(nokkel=nokkel))


def vurder_type(eksempel: str, valgt: str | None) -> Vurdering:
    """Compare a learner's choice of type with the type we propose for an example.

    >>> vurder_type("badeplass", "ansvarliggjorende").riktig
    True
    """
    e = finn_eksempel(eksempel)
    t = _finn_type(valgt)
    fasit = TYPER[e.riktig]
    if t.nokkel == e.riktig:
        melding = _(
            "Riktig: {fasit_navn}. {e_forklaring}"
        ).format(fasit_navn=fasit.navn.lower(), e_forklaring=e.forklaring)
        return Vurdering(True, t.nokkel, e.riktig, melding)
    melding = (
        _(
            "Du valgte {t_navn}. Kjennetegn på den typen: {t_kjennetegn} Vi foreslår heller "
            "{fasit_navn}. {e_forklaring}"
        ).format(
            t_navn=t.navn.lower(),
            t_kjennetegn=t.kjennetegn,
            fasit_navn=fasit.navn.lower(),
            e_forklaring=e.forklaring,
        )
    )
    return Vurdering(False, t.nokkel, e.riktig, melding)


def oppsummer(svar: Mapping[str, str]) -> Oppsummering:
    """Count answered examples and how many of them match the proposed type.

    ``svar`` maps example keys to chosen type keys. Unknown keys raise ``InputError``.
    """
    return Oppsummering(_oppgave.vurder_besvarte(svar, EKSEMPLER, finn_eksempel, vurder_type), len(EKSEMPLER))


# ---------------------------------------------------------------------------
# Resource mapping
# ---------------------------------------------------------------------------


_UTFORDRING_INDEKS = indeks(UTFORDRINGER)


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
    u = finn(_UTFORDRING_INDEKS, utfordring, _("Utfordringen «{utfordring}» finnes ikke.").format(
        utfordring=utfordring,
    ))
    if isinstance(valgte, str):
        raise InputError(_("Ressursene må være en liste, ikke én tekst."))
    valgt = set()
    for r in valgte:
        if r not in RESSURSER:
            raise InputError(_("Ressursen «{r}» finnes ikke.").format(r=r))
        valgt.add(r)
    rader = tuple(
        Ressursrad(r.nokkel, r.navn, r.bidrag, r.avklar, r.nokkel in u.foreslatte)
        for r in RESSURSER.values()
        if r.nokkel in valgt
    )
    mangler = tuple(k for k in RESSURSER if k in u.foreslatte and k not in valgt)
    if not valgt:
        melding = _("Kryss av for minst én ressurs for å lage et ressurskart.")
        niva = "info"
    elif mangler:
        navn = ", ".join(RESSURSER[k].navn.lower() for k in mangler)
        melding = _("Vurder også: {navn}. {u_begrunnelse}").format(navn=navn, u_begrunnelse=u.begrunnelse)
        niva = "info"
    else:
        melding = _("Du har med alle ressursene vi foreslår. {u_begrunnelse}").format(u_begrunnelse=u.begrunnelse)
        niva = "ok"
    return Ressursvurdering(u.nokkel, rader, mangler, melding, niva)


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------

def _typeguide_html() -> str:
    return tabell_html(
        _("De fire samskapingstypene (arbeidsdefinisjoner i dette kurset)"),
        (_("Type"), _("Hvem styrer"), _("Kjennetegn")),
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

    eksempel = T.Unicode(EKSEMPLER[0].nokkel, help="Key of the example being shown.")
    svar = T.Unicode(None, allow_none=True, help="Key of the type the learner has chosen, or None.")
    resultater = T.Dict(help="Checked answers so far: example key -> chosen type key.")

    def __init__(self, eksempel: str | None = None, **kwargs):
        self.velg_eksempel = nedtrekk([(e.tittel, e.nokkel) for e in EKSEMPLER], _("Eksempel (oppdiktet):"))
        self.beskrivelse = W.HTML()
        self.velg_type = W.RadioButtons(
            options=[(t.navn, t.nokkel) for t in TYPER.values()],
            value=None,
            description=_("Din vurdering:"),
            style=ETIKETT_STIL,
        )
        self.sjekk = knapp(_("Sjekk svaret"), "check")
        self.neste = knapp(_("Neste eksempel"), "arrow-right")
        self.tilbakemelding = W.HTML()
        self.fremdrift = W.HTML()
        self.typeguide = W.HTML(_typeguide_html())
        super().__init__(
            children=[
                self.velg_eksempel,
                self.beskrivelse,
                self.velg_type,
                W.HBox([self.sjekk, self.neste]),
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
    @T.observe("eksempel")
    def _on_eksempel(self, change) -> None:
        self._update_eksempel()

    @T.observe("svar")
    def _on_svar(self, change) -> None:
        if self.velg_type.value != change["new"]:
            self.velg_type.value = change["new"]

    @T.observe("resultater")
    def _on_resultater(self, change) -> None:
        self._update_fremdrift()

    def _update_eksempel(self) -> None:
        e = finn_eksempel(self.eksempel)
        if self.velg_eksempel.value != e.nokkel:
            self.velg_eksempel.value = e.nokkel
        self.beskrivelse.value = oppgavetekst_html(e.tittel, e.tekst)
        self.svar = self.resultater.get(e.nokkel)
        self.tilbakemelding.value = feedback_html(
            _(
                "Hvem tok initiativet, hvem bestemmer, og hvem har ansvaret? Velg typen du mener passer "
                "best, og trykk «Sjekk svaret»."
            ),
            "info",
            _("Slik gjør du:"),
        )

    def _update_vurdering(self) -> None:
        try:
            v = vurder_type(self.eksempel, self.svar)
        except InputError as err:
            self.tilbakemelding.value = feedback_html(str(err), "feil", _("Obs:"))
            return
        self.resultater = {**self.resultater, self.eksempel: v.valgt}
        self.tilbakemelding.value = feedback_html(v.melding, "ok" if v.riktig else "info")

    def _update_neste(self) -> None:
        nokler = [e.nokkel for e in EKSEMPLER]
        i = nokler.index(self.eksempel)
        self.eksempel = nokler[(i + 1) % len(nokler)]

    def _update_fremdrift(self) -> None:
        o = oppsummer(self.resultater)
        self.fremdrift.value = _("<p>{o_tekst} Grensene mellom typene er ikke skarpe.</p>").format(o_tekst=esc(o.tekst))


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

    utfordring = T.Unicode(UTFORDRINGER[0].nokkel, help="Key of the challenge being mapped.")
    valgte = T.List(T.Unicode(), default_value=["frivillige"], help="Keys of the resources ticked.")

    def __init__(self, utfordring: str | None = None, **kwargs):
        self.velg_utfordring = nedtrekk([(u.tittel, u.nokkel) for u in UTFORDRINGER], _("Utfordring (oppdiktet):"))
        self.avkrysning = avkrysning((r.nokkel, r.navn) for r in RESSURSER.values())
        self.kart = W.HTML()
        self.tilbakemelding = W.HTML()
        super().__init__(
            children=[
                self.velg_utfordring,
                W.HTML(_("<p>Hvilke ressurser vil du ta i bruk? Kryss av:</p>")),
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

    @T.observe("utfordring", "valgte")
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
            self.tilbakemelding.value = feedback_html(str(err), "feil", _("Obs:"))
            self.kart.value = ""
            return
        self.tilbakemelding.value = feedback_html(v.melding, v.niva)
        if not v.rader:
            self.kart.value = ""
            return
        self.kart.value = tabell_html(
            _("Ressurskartet ditt (forslag til hva du kan avklare)"),
            (_("Ressurs"), _("Hva de kan bidra med"), _("Hva må avklares")),
            "".join(rad_html(r.navn, r.bidrag, r.avklar) for r in v.rader),
        )
