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

from fellesregler.sprak import oversetter
from widgets._common import InputError, esc, feedback_html, finn, indeks, tabell_html, tall
from widgets._oppgave import ETIKETT_STIL, Visning, avkrysning, knapp, nedtrekk
from widgets._prosess_innhold import DELTAKERE, FASER, Fase

_ = oversetter("widgets")

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
        raise InputError(_("Fasen «{nokkel}» finnes ikke.").format(nokkel=nokkel))


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
    return finn(_FASE_INDEKS, nokkel, _("Fasen «{nokkel}» finnes ikke.").format(nokkel=nokkel))


def _sjekk_uker(uker: object) -> int:
    if isinstance(uker, bool) or not isinstance(uker, int):
        raise InputError(_("Varigheten må være et helt antall uker."))
    if not MIN_UKER <= uker <= MAKS_UKER:
        raise InputError(_(
            "Varigheten må være mellom {min_uker} og {maks_uker} uker."
        ).format(min_uker=MIN_UKER, maks_uker=MAKS_UKER))
    return uker


def _sjekk_deltakere(deltakere: Iterable[str]) -> frozenset[str]:
    if isinstance(deltakere, str):
        raise InputError(_("Deltakerne må være en liste, ikke én tekst."))
    ut = frozenset(deltakere)
    ukjente = sorted(ut - DELTAKERE.keys())
    if ukjente:
        raise InputError(_("Ukjent deltaker: «{ukjente}».").format(ukjente=ukjente[0]))
    return ut


def valider(plan: Prosessplan) -> Prosessplan:
    """Check a plan and return it, or raise ``InputError`` with a Norwegian message."""
    if [f.fase for f in plan.faser] != [f.nokkel for f in FASER]:
        raise InputError(_("Planen må ha de seks fasene i riktig rekkefølge."))
    for f in plan.faser:
        _sjekk_uker(f.uker)
        _sjekk_deltakere(f.deltakere)
    if not any(f.med for f in plan.faser):
        raise InputError(_("Ta med minst én fase i planen."))
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
        navn = tuple(_(DELTAKERE[k]) for k in DELTAKERE if k in fp.deltakere)
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
            ut.append(_(
                "Fasen «{fase_navn}» er tatt ut. {fase_uten_fasen}"
            ).format(fase_navn=fase.navn, fase_uten_fasen=fase.uten_fasen))
            continue
        mangler = [_(DELTAKERE[k]) for k in DELTAKERE if k in fase.bor_med and k not in fp.deltakere]
        for navn in mangler:
            ut.append(_(
                "{navn} er ikke med i {fase_i_fasen}. {fase_hvorfor}"
            ).format(navn=navn, fase_i_fasen=fase.i_fasen, fase_hvorfor=fase.hvorfor))
    medv = plan.fase("medvirkning")
    if medv.med and medv.uker < 3:
        ut.append(_("Medvirkning på under tre uker gir lite tid til verksteder og innspill fra alle enheter."))
    for_vedtak = sum(f.uker for f in plan.faser[:4] if f.med)
    if for_vedtak > 52:
        ut.append(
            _(
                "Det går {for_vedtak} uker før politisk vedtak. Vurder om noe kan gjøres parallelt, så "
                "engasjementet ikke forsvinner."
            ).format(for_vedtak=tall(for_vedtak))
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
            [(f"{i}. {f.navn}", f.nokkel) for i, f in enumerate(FASER, start=1)], _("Fase du vil endre:")
        )
        self.aktiviteter = W.HTML()
        self.med = W.Checkbox(value=True, description=_("Ta med denne fasen"), indent=False)
        self.uker = W.IntText(value=1, description=_("Varighet i uker:"), style=ETIKETT_STIL)
        self.avkrysning = avkrysning((k, _(navn)) for k, navn in DELTAKERE.items())
        self.tilbake = knapp(_("Tilbake til eksempelplanen"), "undo")
        self.feil = W.HTML()
        self.tabell = W.HTML()
        self.varselboks = W.HTML()
        super().__init__(
            children=[
                self.velg_fase,
                self.aktiviteter,
                self.med,
                self.uker,
                W.HTML(_("<p>Hvem deltar i denne fasen? Kryss av:</p>")),
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
            self.feil.value = feedback_html(str(err), "feil", _("Obs:"))
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
        self.aktiviteter.value = _(
            "<p>Eksempler på aktiviteter i fasen «{fase_navn}»:</p><ul>{punkter}</ul>"
        ).format(fase_navn=esc(fase.navn), punkter=punkter)

    def _update_tabell(self) -> None:
        rader = tidslinje(self.plan)
        total = sum(r.uker for r in rader)
        html_rader = "".join(
            f"<tr><th scope='row'>{r.nr}. {esc(r.navn)}</th><td style='white-space: nowrap'>"
            + _("uke {fra}–{til}").format(fra=r.fra_uke, til=r.til_uke)
            + f"</td><td>{r.uker}</td><td>{esc(', '.join(r.deltakere)) or esc(_('ingen'))}</td></tr>"
            for r in rader
        )
        self.tabell.value = tabell_html(
            _("Tidslinje for prosessen din (til sammen {total} uker)").format(total=tall(total)),
            (_("Fase"), _("Når"), _("Uker"), _("Hvem deltar")),
            html_rader,
        )
        v = varsler(self.plan)
        if v:
            punkter = "".join(f"<li>{esc(t)}</li>" for t in v)
            self.varselboks.value = (
                feedback_html(_("{v} ting å se på i planen.").format(
                    v=len(v),
                ), "info", _("Varsler:")) + f"<ul>{punkter}</ul>"
            )
        else:
            self.varselboks.value = feedback_html(
                _("Ingen varsler. Husk at planen er et eksempel som må tilpasses din kommune."), "ok"
            )
