"""P1 «Å våge»: sort cases by their level of handlingsrom, and check a small experiment.

The teaching logic is plain functions over frozen dataclasses; the two views
(:class:`HandlingsromOppgave`, :class:`ForsoksSjekk`) only show it. All cases are
invented examples and name no real municipality.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import N_, oversetter
from widgets import _oppgave
from widgets._common import InputError, esc, feedback_html, finn, indeks
from widgets._oppgave import ETIKETT_STIL, Klassifiseringsoppgave, Svarvisning, er_besvart
from widgets._vage_innhold import NIVAER, SAKER, SPORSMAL, SVARVALG, Niva, Sak, Sporsmal

_ = oversetter("widgets")

__all__ = [
    "NIVAER",
    "SAKER",
    "SPORSMAL",
    "ForsoksSjekk",
    "ForsoksVurdering",
    "HandlingsromOppgave",
    "Niva",
    "Resultat",
    "Sak",
    "Sporsmal",
    "Vurdering",
    "finn_niva",
    "finn_sak",
    "oppsummer",
    "vurder",
    "vurder_alle",
    "vurder_forsok",
]


# ---------------------------------------------------------------------------
# Logic: levels of handlingsrom
# ---------------------------------------------------------------------------


_NIVA_INDEKS = indeks(NIVAER)
_SAK_INDEKS = indeks(SAKER)


def finn_niva(niva_id: str) -> Niva:
    """Return the level with this id, or raise :class:`InputError`."""
    gyldige = ", ".join(n.nokkel for n in NIVAER)
    return finn(_NIVA_INDEKS, niva_id, _("Ukjent nivå: «{niva_id}». Velg ett av disse: {gyldige}.").format(
        niva_id=niva_id,
        gyldige=gyldige,
    ))


def finn_sak(sak_id: str, saker: tuple[Sak, ...] = SAKER) -> Sak:
    """Return the case with this id, or raise :class:`InputError`."""
    return finn(_SAK_INDEKS if saker is SAKER else indeks(saker), sak_id, _("Ukjent sak: «{sak_id}».").format(
        sak_id=sak_id,
    ))


@dataclass(frozen=True)
class Vurdering:
    """Feedback on one case: whether the chosen level is right, and why."""

    sak_id: str
    valgt: str
    riktig: bool
    tekst: str


def vurder(sak_id: str, niva_id: str, saker: tuple[Sak, ...] = SAKER) -> Vurdering:
    """Judge one placement and explain it, including who can change the rule.

    >>> vurder("papir", "vane").riktig
    True
    """
    sak = finn_sak(sak_id, saker)
    valgt = finn_niva(niva_id)
    fasit = finn_niva(sak.riktig)
    endre = _("Hvem kan endre det? {fasit_hvem_kan_endre}").format(fasit_hvem_kan_endre=fasit.hvem_kan_endre)
    if valgt.nokkel == fasit.nokkel:
        tekst = _(
            "Riktig: {fasit_navn}. {sak_forklaring} {endre}"
        ).format(fasit_navn=fasit.navn.lower(), sak_forklaring=sak.forklaring, endre=endre)
    else:
        tekst = (
            _(
                "Ikke helt. Du valgte {valgt_navn}, men dette er {fasit_navn}. {sak_forklaring} {endre}"
            ).format(
                valgt_navn=valgt.navn.lower(),
                fasit_navn=fasit.navn.lower(),
                sak_forklaring=sak.forklaring,
                endre=endre,
            )
        )
    return Vurdering(sak.nokkel, valgt.nokkel, valgt.nokkel == fasit.nokkel, tekst)


@dataclass(frozen=True)
class Resultat(_oppgave.Resultat[Vurdering]):
    """All placements judged so far."""


def vurder_alle(svar: Mapping[str, str | None], saker: tuple[Sak, ...] = SAKER) -> Resultat:
    """Judge every answered case. Empty answers (``None`` or ``""``) are skipped.

    Raises :class:`InputError` for an unknown case or level.
    """
    vurderinger = _oppgave.vurder_besvarte(
        svar, saker, partial(finn_sak, saker=saker), partial(vurder, saker=saker)
    )
    return Resultat(vurderinger, len(saker))


_TEKSTER = _oppgave.Tekster(
    ingen=N_(
        "Du har ikke plassert noen saker ennå. Det er {antall} saker. Velg et nivå for hver sak, "
        "så får du en forklaring."
    ),
    gjort=N_("plassert"),
    ting=N_("saker"),
    alle_riktige=N_("Du skiller godt mellom nivåene."),
    noen_feil=N_("Les forklaringene på sakene du bommet på, og prøv igjen."),
    til_slutt=N_(
        "Legg merke til at de to nederste nivåene, skjønn og vane, kan endres lokalt og raskt. Det "
        "er der de fleste små forsøk kan starte."
    ),
)


def oppsummer(resultat: Resultat) -> tuple[str, str]:
    """Return the score message and its feedback kind (``info`` or ``ok``)."""
    return _oppgave.oppsummer(resultat, _TEKSTER)


# ---------------------------------------------------------------------------
# Logic: is a planned experiment small and safe? (our own checklist, a «forslag»)
# ---------------------------------------------------------------------------


_SVARVERDIER = frozenset(v for _, v in SVARVALG)


@dataclass(frozen=True)
class ForsoksVurdering:
    """The checklist verdict: a kind (``ok``/``info``/``feil``), a headline and advice."""

    kind: str
    overskrift: str
    rad: tuple[str, ...]
    besvart: int
    antall: int


def vurder_forsok(svar: Mapping[str, str | None]) -> ForsoksVurdering:
    """Judge a planned experiment from the checklist answers.

    Answers are ``"ja"``, ``"nei"`` or ``"vet_ikke"``; empty answers are skipped.
    A «nei» on a critical question (safety for residents, inside the
    handlingsrom) means the experiment is not ready.

    >>> vurder_forsok({s.nokkel: "ja" for s in SPORSMAL}).kind
    'ok'
    """
    gyldige = _SVARVERDIER
    ids = {s.nokkel for s in SPORSMAL}
    for sid, verdi in svar.items():
        if sid not in ids:
            raise InputError(_("Ukjent spørsmål: «{sid}».").format(sid=sid))
        if verdi not in gyldige and er_besvart(verdi):
            raise InputError(_("Ugyldig svar: «{verdi}». Svar ja, nei eller vet ikke.").format(verdi=verdi))
    besvarte = [s for s in SPORSMAL if er_besvart(svar.get(s.nokkel))]
    rad = tuple(s.rad for s in besvarte if svar[s.nokkel] != "ja")
    n = len(SPORSMAL)
    if not besvarte:
        return ForsoksVurdering(
            "info",
            _("Svar på de {n} spørsmålene for et forsøk du vurderer, så får du råd.").format(n=n),
            (),
            0,
            n,
        )
    if any(s.kritisk and svar[s.nokkel] == "nei" for s in besvarte):
        return ForsoksVurdering(
            "feil",
            _("Forsøket er ikke trygt nok ennå. Se rådene under før dere starter."),
            rad,
            len(besvarte),
            n,
        )
    if len(besvarte) < n:
        return ForsoksVurdering(
            "info",
            _("Du har svart på {besvarte} av {n} spørsmål.").format(besvarte=len(besvarte), n=n),
            rad,
            len(besvarte),
            n,
        )
    if not rad:
        return ForsoksVurdering(
            "ok",
            _("Forsøket ser lite og trygt ut. Sett i gang, og husk å dele det dere lærer."),
            (),
            n,
            n,
        )
    return ForsoksVurdering(
        "info",
        _("Forsøket er nesten klart. Gjør noen justeringer først:"),
        rad,
        n,
        n,
    )


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------

_VELG = (N_("Velg nivå …"), "")
#: Wide enough for the longest option; never wider than the page.
_VELGER_LAYOUT = {"width": "30em", "max_width": "100%"}


def _niva_liste() -> str:
    punkter = "".join(
        f"<li><strong>{esc(n.navn)}:</strong> {esc(n.beskrivelse)}</li>" for n in NIVAER
    )
    return f"<ol>{punkter}</ol>"


class HandlingsromOppgave(Klassifiseringsoppgave):
    """Sort invented cases by the level of handlingsrom that binds them.

    Each case gets immediate feedback: why it belongs to its level, and who can
    change it. The score counts the current right answers.

    Examples
    --------
    >>> oppgave = HandlingsromOppgave()
    >>> oppgave.svar = {"papir": "vane"}
    >>> oppgave.poeng
    1
    """

    svar = T.Dict(help="Valgt nivå per sak-id. Tom streng betyr at saken ikke er plassert.")
    poeng = T.Int(0, help="Antall saker som er plassert på riktig nivå.")
    ferdig = T.Bool(False, help="Sann når alle sakene er plassert.")

    def __init__(self, **kwargs):
        super().__init__(
            intro=_(
                "<p><strong>Oppgave: Hvem bestemmer?</strong> Under ser du {saker} saker fra en tenkt "
                "kommune. Sakene er oppdiktede eksempler. Velg hvilket nivå av handlingsrom som binder "
                "hver sak. Du får en forklaring med en gang.</p><p>Nivåene, fra vanskeligst til lettest å "
                "endre:</p>"
            ).format(saker=len(SAKER))
            + _niva_liste(),
            oppgaver=SAKER,
            valg=[(_(_VELG[0]), _VELG[1])] + [(n.navn, n.nokkel) for n in NIVAER],
            etikett=_("Nivå for sak {nr}:"),
            overskrift=_("Sak {nr}"),
            bredde=_VELGER_LAYOUT,
            gyldige=_NIVA_INDEKS,
            vurder=vurder_alle,
            oppsummer=oppsummer,
            vurdering_id=attrgetter("sak_id"),
            **kwargs,
        )


class ForsoksSjekk(Svarvisning):
    """A checklist (our own «forslag») for whether a planned experiment is small and safe.

    Examples
    --------
    >>> sjekk = ForsoksSjekk()
    >>> sjekk.svar = {s.nokkel: "ja" for s in SPORSMAL}
    >>> sjekk.vurdering
    'ok'
    """

    svar = T.Dict(help="Svar per spørsmål-id: 'ja', 'nei' eller 'vet_ikke'. Mangler: ikke svart.")
    vurdering = T.Unicode("info", help="Samlet vurdering: 'ok', 'info' eller 'feil'.")

    #: An unanswered question has no button pressed.
    _tomt = None

    def __init__(self, **kwargs):
        self._intro = W.HTML(
            _(
                "<p><strong>Sjekkliste: Er forsøket lite og trygt?</strong> Tenk på en liten endring dere "
                "vil prøve. Et eksempel (oppdiktet): et team i hjemmetjenesten vil prøve et morgenmøte på "
                "ti minutter i stedet for tretti, i fire uker. Svar på spørsmålene med knappene Ja, Nei "
                "eller Vet ikke. Sjekklisten er vårt forslag, ikke en offisiell mal.</p>"
            )
        )
        valg = [(_(etikett), verdi) for etikett, verdi in SVARVALG]
        self._knapper = {
            s.nokkel: W.ToggleButtons(options=valg, value=None, description=f"{s.kort}:", style=ETIKETT_STIL)
            for s in SPORSMAL
        }
        self._koble_svarkontroller(self._knapper, _SVARVERDIER)
        rader = [
            W.VBox([W.HTML(f"<p>{nr}. {esc(s.tekst)}</p>"), self._knapper[s.nokkel]])
            for nr, s in enumerate(SPORSMAL, start=1)
        ]
        self._resultat = W.HTML()
        self._nullstill = self._nullstillknapp(_("Fjern alle svarene"))
        super().__init__([self._intro, *rader, self._resultat, self._nullstill], **kwargs)

    def _update_visning(self) -> None:
        try:
            v = vurder_forsok(self.svar)
        except InputError as feil:
            self._resultat.value = feedback_html(str(feil), "feil")
            self.vurdering = "feil"
            return
        html = feedback_html(v.overskrift, v.kind, title=_("Vurdering:"))
        if v.rad:
            html += "<ul>" + "".join(f"<li>{esc(r)}</li>" for r in v.rad) + "</ul>"
        self._resultat.value = html
        self.vurdering = v.kind
