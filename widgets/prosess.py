"""Prosessdesign: plan your own process for employer policy, as a timeline with warnings.

The six phases are a proposal (the source promises phases but does not list
them). Durations and participants in ``standardplan`` are an example only.

Logic first (plain functions over frozen dataclasses), then the thin view
``Prosessplanlegger``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import ipywidgets as W
import traitlets as T

from widgets._common import InputError, esc, feedback_html, finn, indeks, tabell_html, tall
from widgets._oppgave import ETIKETT_STIL, Visning, avkrysning, knapp, nedtrekk

__all__ = [
    "DELTAKERE",
    "FASER",
    "MIN_UKER",
    "MAKS_UKER",
    "Fase",
    "Faseplan",
    "Prosessplan",
    "Tidslinjerad",
    "standardplan",
    "endre_fase",
    "valider",
    "tidslinje",
    "varsler",
    "Prosessplanlegger",
]

MIN_UKER = 1
MAKS_UKER = 104

DELTAKERE: dict[str, str] = {
    "folkevalgte": "Folkevalgte",
    "toppledelse": "Administrativ ledelse",
    "ledere": "Ledere",
    "ansatte": "Ansatte",
    "tillitsvalgte": "Tillitsvalgte",
    "verneombud": "Verneombud",
    "hr": "HR (personalavdelingen)",
}


@dataclass(frozen=True)
class Fase:
    """One phase of the proposed model.

    ``bor_med`` are participants whose absence gives a warning, with the reason in ``hvorfor``.
    """

    nokkel: str
    navn: str
    i_fasen: str
    aktiviteter: tuple[str, ...]
    bor_med: frozenset[str]
    hvorfor: str
    uten_fasen: str
    eksempel_uker: int
    eksempel_deltakere: frozenset[str]


FASER: tuple[Fase, ...] = (
    Fase(
        "forankring",
        "Forankring og mandat",
        "forankringsfasen",
        (
            "Politisk og administrativt mandat",
            "Prosjektgruppe der partene er med",
            "Plan for medvirkning og kommunikasjon",
        ),
        frozenset({"folkevalgte", "toppledelse", "tillitsvalgte"}),
        "Mandatet trenger politisk og administrativ forankring, og partene bør være med i "
        "prosjektgruppen fra starten.",
        "Uten forankring og mandat er det uklart hvem som eier arbeidet. Da blir det vanskelig å få "
        "politisk vedtak og gjennomføring senere.",
        4,
        frozenset({"folkevalgte", "toppledelse", "tillitsvalgte", "hr"}),
    ),
    Fase(
        "innsikt",
        "Innsikt",
        "innsiktsfasen",
        (
            "Resultater fra 10-FAKTOR",
            "Tall for sykefravær og rekruttering",
            "Framtidsbildet mot 2040",
        ),
        frozenset({"tillitsvalgte", "hr"}),
        "Et felles bilde av utfordringene krever at partene tolker tallene sammen.",
        "Uten innsikt bygger politikken på antakelser, ikke på felles forståelse av utfordringene.",
        6,
        frozenset({"toppledelse", "hr", "tillitsvalgte", "verneombud"}),
    ),
    Fase(
        "medvirkning",
        "Medvirkning",
        "medvirkningsfasen",
        (
            "Verksteder med ledere og ansatte",
            "Innspill fra tillitsvalgte og verneombud",
            "Dialog med folkevalgte",
        ),
        frozenset({"ledere", "ansatte", "tillitsvalgte", "verneombud", "folkevalgte"}),
        "Medvirkning betyr at de som skal leve med politikken, er med og former den.",
        "Uten medvirkning er det lite sannsynlig at ansatte kjenner seg igjen i politikken.",
        8,
        frozenset({"ledere", "ansatte", "tillitsvalgte", "verneombud", "folkevalgte", "hr"}),
    ),
    Fase(
        "vedtak",
        "Høring og politisk vedtak",
        "høringsfasen",
        (
            "Høring i organisasjonen",
            "Behandling i partssammensatt utvalg",
            "Politisk vedtak",
        ),
        frozenset({"folkevalgte", "tillitsvalgte"}),
        "De folkevalgte gjør vedtaket, og tillitsvalgte skal kunne gi sitt syn før det.",
        "Uten politisk vedtak mangler politikken politisk eierskap.",
        8,
        frozenset({"folkevalgte", "toppledelse", "tillitsvalgte", "ansatte"}),
    ),
    Fase(
        "strategi",
        "Arbeidsgiverstrategi og handlingsplan",
        "strategifasen",
        (
            "Konkrete mål og tiltak",
            "Ansvar, ressurser og frister",
            "Hvordan dere vil måle om det virker",
        ),
        frozenset({"toppledelse", "ledere", "tillitsvalgte"}),
        "Tiltakene skal gjennomføres av ledere og berører ansatte, så partene bør lage dem sammen.",
        "Uten strategi og handlingsplan blir politikken ord uten tiltak.",
        6,
        frozenset({"toppledelse", "ledere", "tillitsvalgte", "hr"}),
    ),
    Fase(
        "oppfolging",
        "Implementering, oppfølging og evaluering",
        "oppfølgingsfasen",
        (
            "Tiltak settes i gang i enhetene",
            "Jevnlig oppfølging i partssamarbeidet",
            "Evaluering og justering",
        ),
        frozenset({"ledere", "ansatte", "tillitsvalgte", "verneombud"}),
        "Det er i enhetene politikken skal leves, og partssamarbeidet følger opp.",
        "Uten oppfølging og evaluering vet dere ikke om politikken virker.",
        52,
        frozenset({"toppledelse", "ledere", "ansatte", "tillitsvalgte", "verneombud", "hr", "folkevalgte"}),
    ),
)

_FASE_INDEKS = indeks(FASER)


@dataclass(frozen=True)
class Faseplan:
    """The learner's choices for one phase."""

    fase: str
    med: bool
    uker: int
    deltakere: frozenset[str]


@dataclass(frozen=True)
class Prosessplan:
    """A whole plan: one ``Faseplan`` per phase, in the order of ``FASER``."""

    faser: tuple[Faseplan, ...]

    def fase(self, nokkel: str) -> Faseplan:
        for f in self.faser:
            if f.fase == nokkel:
                return f
        raise InputError(f"Fasen «{nokkel}» finnes ikke.")


@dataclass(frozen=True)
class Tidslinjerad:
    """One row of the timeline."""

    nr: int
    navn: str
    fra_uke: int
    til_uke: int
    uker: int
    deltakere: tuple[str, ...]


def standardplan() -> Prosessplan:
    """The example plan: all six phases with example durations and participants."""
    return Prosessplan(tuple(Faseplan(f.nokkel, True, f.eksempel_uker, f.eksempel_deltakere) for f in FASER))


def _finn_fase(nokkel: str) -> Fase:
    return finn(_FASE_INDEKS, nokkel, f"Fasen «{nokkel}» finnes ikke.")


def _sjekk_uker(uker: object) -> int:
    if isinstance(uker, bool) or not isinstance(uker, int):
        raise InputError("Varigheten må være et helt antall uker.")
    if not MIN_UKER <= uker <= MAKS_UKER:
        raise InputError(f"Varigheten må være mellom {MIN_UKER} og {MAKS_UKER} uker.")
    return uker


def _sjekk_deltakere(deltakere: Iterable[str]) -> frozenset[str]:
    if isinstance(deltakere, str):
        raise InputError("Deltakerne må være en liste, ikke én tekst.")
    ut = frozenset(deltakere)
    ukjente = sorted(ut - DELTAKERE.keys())
    if ukjente:
        raise InputError(f"Ukjent deltaker: «{ukjente[0]}».")
    return ut


def valider(plan: Prosessplan) -> Prosessplan:
    """Check a plan and return it, or raise ``InputError`` with a Norwegian message."""
    if [f.fase for f in plan.faser] != [f.nokkel for f in FASER]:
        raise InputError("Planen må ha de seks fasene i riktig rekkefølge.")
    for f in plan.faser:
        _sjekk_uker(f.uker)
        _sjekk_deltakere(f.deltakere)
    if not any(f.med for f in plan.faser):
        raise InputError("Ta med minst én fase i planen.")
    return plan


def endre_fase(
    plan: Prosessplan,
    fase: str,
    *,
    med: bool | None = None,
    uker: int | None = None,
    deltakere: Iterable[str] | None = None,
) -> Prosessplan:
    """Return a new plan with one phase changed. Invalid input raises ``InputError``.

    >>> p = endre_fase(standardplan(), "innsikt", uker=3)
    >>> p.fase("innsikt").uker
    3
    """
    _finn_fase(fase)
    ny = plan.fase(fase)
    if med is not None:
        ny = replace(ny, med=bool(med))
    if uker is not None:
        ny = replace(ny, uker=_sjekk_uker(uker))
    if deltakere is not None:
        ny = replace(ny, deltakere=_sjekk_deltakere(deltakere))
    return valider(Prosessplan(tuple(ny if f.fase == fase else f for f in plan.faser)))


def tidslinje(plan: Prosessplan) -> list[Tidslinjerad]:
    """Place the included phases one after another, counting weeks from week 1."""
    valider(plan)
    rader: list[Tidslinjerad] = []
    start = 1
    for i, fp in enumerate(plan.faser, start=1):
        if not fp.med:
            continue
        navn = tuple(DELTAKERE[k] for k in DELTAKERE if k in fp.deltakere)
        rader.append(Tidslinjerad(i, _FASE_INDEKS[fp.fase].navn, start, start + fp.uker - 1, fp.uker, navn))
        start += fp.uker
    return rader


def varsler(plan: Prosessplan) -> list[str]:
    """Warnings about missing phases, missing participants and timing, in plain Norwegian.

    >>> p = endre_fase(standardplan(), "innsikt", deltakere=["hr"])
    >>> varsler(p)[0].startswith("Tillitsvalgte er ikke med i innsiktsfasen")
    True
    """
    valider(plan)
    ut: list[str] = []
    for fp in plan.faser:
        fase = _FASE_INDEKS[fp.fase]
        if not fp.med:
            ut.append(f"Fasen «{fase.navn}» er tatt ut. {fase.uten_fasen}")
            continue
        mangler = [DELTAKERE[k] for k in DELTAKERE if k in fase.bor_med and k not in fp.deltakere]
        for navn in mangler:
            ut.append(f"{navn} er ikke med i {fase.i_fasen}. {fase.hvorfor}")
    medv = plan.fase("medvirkning")
    if medv.med and medv.uker < 3:
        ut.append("Medvirkning på under tre uker gir lite tid til verksteder og innspill fra alle enheter.")
    for_vedtak = sum(f.uker for f in plan.faser[:4] if f.med)
    if for_vedtak > 52:
        ut.append(
            f"Det går {tall(for_vedtak)} uker før politisk vedtak. Vurder om noe kan gjøres parallelt, "
            "så engasjementet ikke forsvinner."
        )
    return ut


# ---------------------------------------------------------------------------
# View
# ---------------------------------------------------------------------------

class Prosessplanlegger(Visning):
    """Plan a process: choose phases, durations and participants, and see a timeline with warnings.

    Parameters
    ----------
    plan : Prosessplan, optional
        The plan to start from. Defaults to ``standardplan()``.

    Examples
    --------
    >>> v = Prosessplanlegger()
    >>> v.fase = "innsikt"
    >>> v.avkrysning["tillitsvalgte"].value = False
    >>> "Tillitsvalgte er ikke med i innsiktsfasen" in v.varselboks.value
    True
    """

    plan = T.Instance(Prosessplan, help="The current plan (replaced, never mutated).")
    fase = T.Unicode(FASER[0].nokkel, help="Key of the phase being edited.")

    def __init__(self, plan: Prosessplan | None = None, **kwargs):
        self.velg_fase = nedtrekk(
            [(f"{i}. {f.navn}", f.nokkel) for i, f in enumerate(FASER, start=1)], "Fase du vil endre:"
        )
        self.aktiviteter = W.HTML()
        self.med = W.Checkbox(value=True, description="Ta med denne fasen", indent=False)
        self.uker = W.IntText(value=1, description="Varighet i uker:", style=ETIKETT_STIL)
        self.avkrysning = avkrysning(DELTAKERE.items())
        self.tilbake = knapp("Tilbake til eksempelplanen", "undo")
        self.feil = W.HTML()
        self.tabell = W.HTML()
        self.varselboks = W.HTML()
        super().__init__(
            children=[
                self.velg_fase,
                self.aktiviteter,
                self.med,
                self.uker,
                W.HTML("<p>Hvem deltar i denne fasen? Kryss av:</p>"),
                *self.avkrysning.values(),
                self.tilbake,
                self.feil,
                self.tabell,
                self.varselboks,
            ],
            **kwargs,
        )
        self.velg_fase.observe(self._kopier_til("fase"), names="value")
        self.med.observe(self._on_kontroll, names="value")
        self.uker.observe(self._on_kontroll, names="value")
        for boks in self.avkrysning.values():
            boks.observe(self._on_kontroll, names="value")
        self.tilbake.on_click(lambda _b: self._update_tilbakestill())
        self.plan = valider(plan) if plan is not None else standardplan()

    # -- controls -> traits
    def _on_kontroll(self, _change) -> None:
        if self._synker:
            return
        try:
            self.plan = endre_fase(
                self.plan,
                self.fase,
                med=self.med.value,
                uker=self.uker.value,
                deltakere=[k for k, b in self.avkrysning.items() if b.value],
            )
        except InputError as err:
            self.feil.value = feedback_html(str(err), "feil", "Obs:")
            return
        self.feil.value = ""

    # -- traits -> view
    @T.observe("fase")
    def _on_fase(self, _change) -> None:
        self.feil.value = ""
        self._update_kontroller()

    @T.observe("plan")
    def _on_plan(self, _change) -> None:
        self._update_kontroller()
        self._update_tabell()

    def _update_tilbakestill(self) -> None:
        self.feil.value = ""
        self.plan = standardplan()

    def _update_kontroller(self) -> None:
        fase = _finn_fase(self.fase)
        fp = self.plan.fase(self.fase)
        with self._synkroniserer():
            self.velg_fase.value = fase.nokkel
            self.med.value = fp.med
            self.uker.value = fp.uker
            self.uker.disabled = not fp.med
            for k, boks in self.avkrysning.items():
                boks.value = k in fp.deltakere
                boks.disabled = not fp.med
        punkter = "".join(f"<li>{esc(a)}</li>" for a in fase.aktiviteter)
        self.aktiviteter.value = f"<p>Eksempler på aktiviteter i fasen «{esc(fase.navn)}»:</p><ul>{punkter}</ul>"

    def _update_tabell(self) -> None:
        rader = tidslinje(self.plan)
        total = sum(r.uker for r in rader)
        html_rader = "".join(
            f"<tr><th scope='row'>{r.nr}. {esc(r.navn)}</th><td style='white-space: nowrap'>uke {r.fra_uke}–{r.til_uke}</td>"
            f"<td>{r.uker}</td><td>{esc(', '.join(r.deltakere)) or 'ingen'}</td></tr>"
            for r in rader
        )
        self.tabell.value = tabell_html(
            f"Tidslinje for prosessen din (til sammen {tall(total)} uker)",
            ("Fase", "Når", "Uker", "Hvem deltar"),
            html_rader,
        )
        v = varsler(self.plan)
        if v:
            punkter = "".join(f"<li>{esc(t)}</li>" for t in v)
            self.varselboks.value = (
                feedback_html(f"{len(v)} ting å se på i planen.", "info", "Varsler:") + f"<ul>{punkter}</ul>"
            )
        else:
            self.varselboks.value = feedback_html(
                "Ingen varsler. Husk at planen er et eksempel som må tilpasses din kommune.", "ok"
            )
