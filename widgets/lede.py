"""P2 «Å lede»: place the activities of a digitalisation change on a timeline.

The case is an invented example: a municipality introduces a digital system for
duty rosters (vaktplaner). The logic checks each activity's phase and, above
all, whether the employees and their tillitsvalgte are involved before the
decision. Since 2024, digitalisation and new technology count as omstilling
under Hovedavtalen, so tillitsvalgte must be informed, consulted (drøfting) and
heard early. No paragraph text is quoted.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import N_, oversetter
from widgets._common import InputError, esc, feedback_html, finn, indeks, oppgavetekst_html
from widgets._lede_innhold import AKTIVITETER, CASE, FASER, Aktivitet, Fase
from widgets._oppgave import Svarvisning, er_besvart, svarnedtrekk

_ = oversetter("widgets")

__all__ = [
    "AKTIVITETER",
    "FASER",
    "Aktivitet",
    "Fase",
    "InvolveringsTidslinje",
    "Plassering",
    "Tidslinjeresultat",
    "finn_aktivitet",
    "finn_fase",
    "forslag_tidslinje",
    "ordne_tidslinje",
    "oppsummer",
    "vurder_tidslinje",
]


_FASE_INDEKS = indeks(FASER)
_AKTIVITET_INDEKS = indeks(AKTIVITETER)


def finn_fase(fase_id: str) -> Fase:
    """Return the phase with this id, or raise :class:`InputError`."""
    gyldige = ", ".join(f.nokkel for f in FASER)
    return finn(_FASE_INDEKS, fase_id, _("Ukjent fase: «{fase_id}». Velg en av disse: {gyldige}.").format(
        fase_id=fase_id,
        gyldige=gyldige,
    ))


def finn_aktivitet(aktivitet_id: str) -> Aktivitet:
    """Return the activity with this id, or raise :class:`InputError`."""
    return finn(_AKTIVITET_INDEKS, aktivitet_id, _("Ukjent aktivitet: «{aktivitet_id}».").format(
        aktivitet_id=aktivitet_id,
    ))


def _faser_tekst(aktivitet: Aktivitet) -> str:
    navn = [f.navn.split(" (")[0].lower() for f in FASER if f.nokkel in aktivitet.faser]
    return " eller ".join(navn)


@dataclass(frozen=True)
class Plassering:
    """Feedback on one activity's phase.

    ``retning`` is ``"for tidlig"``, ``"for sent"`` or ``""`` when the phase is right.
    """

    aktivitet_id: str
    fase_id: str
    riktig: bool
    retning: str
    tekst: str


@dataclass(frozen=True)
class Tidslinjeresultat:
    """The judged timeline."""

    plasseringer: tuple[Plassering, ...]
    antall: int
    tidlig_involvering: bool
    merknader: tuple[str, ...]

    @property
    def plassert(self) -> int:
        return len(self.plasseringer)

    @property
    def riktige(self) -> int:
        return sum(p.riktig for p in self.plasseringer)

    @property
    def ferdig(self) -> bool:
        return self.plassert == self.antall


def _vurder_en(aktivitet: Aktivitet, fase: Fase) -> Plassering:
    if fase.nokkel in aktivitet.faser:
        return Plassering(aktivitet.nokkel, fase.nokkel, True, "", _("Riktig. {aktivitet_forklaring}").format(
            aktivitet_forklaring=aktivitet.forklaring,
        ))
    tillatte = [_FASE_INDEKS[f].nr for f in aktivitet.faser]
    retning = _("for sent") if fase.nr > max(tillatte) else _("for tidlig")
    tekst = (
        _(
            "{retning}. Denne hører hjemme i fasen {faser}. {aktivitet_forklaring}"
        ).format(retning=retning.capitalize(), faser=_faser_tekst(aktivitet), aktivitet_forklaring=aktivitet.forklaring)
    )
    return Plassering(aktivitet.nokkel, fase.nokkel, False, retning, tekst)


def vurder_tidslinje(plassering: Mapping[str, str | None]) -> Tidslinjeresultat:
    """Judge where the learner placed each activity (activity id → phase id).

    Empty answers (``None`` or ``""``) are skipped. Unknown activities or phases
    raise :class:`InputError`.

    >>> r = vurder_tidslinje(forslag_tidslinje())
    >>> r.riktige == r.antall and r.tidlig_involvering
    True
    """
    for aktivitet_id, fase_id in plassering.items():
        finn_aktivitet(aktivitet_id)
        if er_besvart(fase_id):
            finn_fase(fase_id)
    plasseringer = tuple(
        _vurder_en(a, _FASE_INDEKS[plassering[a.nokkel]])
        for a in AKTIVITETER
        if er_besvart(plassering.get(a.nokkel))
    )
    fase_av = {p.aktivitet_id: _FASE_INDEKS[p.fase_id] for p in plasseringer}
    beslutning = _FASE_INDEKS["beslutning"].nr
    merknader: list[str] = []

    tidlige_ids = [a.nokkel for a in AKTIVITETER if a.involvering and a.nokkel != "evaluere"]
    if any(i in fase_av and fase_av[i].nr >= beslutning for i in tidlige_ids):
        merknader.append(
            _(
                "Noe av involveringen kommer først ved eller etter beslutningen. Da kan de ansatte bare si "
                "hva de mener om noe som allerede er bestemt. Det er ikke tidlig involvering."
            )
        )
    if {"informere", "drofte"} <= fase_av.keys() and fase_av["drofte"].nr < fase_av["informere"].nr:
        merknader.append(
            _(
                "Du har lagt drøftingen før informasjonen. De tillitsvalgte trenger informasjon først, "
                "ellers har de ikke grunnlag for å drøfte."
            )
        )
    if "beslutning" in fase_av and "informere_alle" in fase_av and (
        fase_av["informere_alle"].nr < fase_av["beslutning"].nr
    ):
        merknader.append(
            _(
                "Du informerer alle ansatte om beslutningen før den er tatt. Informer om planene tidlig, "
                "og om beslutningen når den er tatt."
            )
        )

    tidlig = all(i in fase_av and fase_av[i].nr < beslutning for i in tidlige_ids)
    return Tidslinjeresultat(plasseringer, len(AKTIVITETER), tidlig, tuple(merknader))


def ordne_tidslinje(plassering: Mapping[str, str | None]) -> list[tuple[Fase, list[Aktivitet]]]:
    """Group the placed activities by phase, in time order (empty phases included)."""
    for aktivitet_id, fase_id in plassering.items():
        finn_aktivitet(aktivitet_id)
        if er_besvart(fase_id):
            finn_fase(fase_id)
    return [
        (f, [a for a in AKTIVITETER if plassering.get(a.nokkel) == f.nokkel]) for f in FASER
    ]


def forslag_tidslinje() -> dict[str, str]:
    """One good timeline (our «forslag»): each activity in its earliest fitting phase."""
    return {
        a.nokkel: min((_FASE_INDEKS[f] for f in a.faser), key=lambda f: f.nr).nokkel for a in AKTIVITETER
    }


def oppsummer(resultat: Tidslinjeresultat) -> tuple[str, str]:
    """Return the headline of the feedback and its kind."""
    if not resultat.ferdig:
        return (
            _(
                "Du har plassert {resultat_plassert} av {resultat_antall} aktiviteter. Plasser alle før du "
                "sjekker."
            ).format(resultat_plassert=resultat.plassert, resultat_antall=resultat.antall),
            "info",
        )
    tekst = _(
        "Du har {resultat_riktige} av {resultat_antall} aktiviteter i en god fase."
    ).format(resultat_riktige=resultat.riktige, resultat_antall=resultat.antall)
    if resultat.tidlig_involvering:
        return (
            tekst + _(
                " Involveringen kommer før beslutningen. Slik skal det være: de ansatte og de "
                "tillitsvalgte kan påvirke valget, ikke bare reagere på det."
            ),
            "ok" if resultat.riktige == resultat.antall else "info",
        )
    return (
        tekst + _(
            " Men involveringen kommer for sent. Flytt informasjon, drøfting, arbeidsgruppe, "
            "kartlegging og risikovurdering til før beslutningen."
        ),
        "feil",
    )


_VELG = (N_("Velg fase …"), "")
#: Wide enough for the longest option; never wider than the page.
_VELGER_LAYOUT = {"width": "38em", "max_width": "100%"}


class InvolveringsTidslinje(Svarvisning):
    """Place the activities of an invented digitalisation change on a timeline.

    Changing a phase updates the learner's timeline at once; «Sjekk tidslinjen»
    shows the feedback per activity and on early involvement.

    Examples
    --------
    >>> t = InvolveringsTidslinje()
    >>> t.plassering = forslag_tidslinje()
    >>> t.sjekk.click()
    >>> t.poeng == len(AKTIVITETER)
    True
    """

    plassering = T.Dict(help="Valgt fase-id per aktivitet-id. Tom streng betyr ikke plassert.")
    sjekket = T.Bool(False, help="Sann etter «Sjekk tidslinjen», til neste endring.")
    poeng = T.Int(0, help="Antall aktiviteter i en god fase (etter sjekk).")
    tidlig_involvering = T.Bool(False, help="Sann når all involvering kommer før beslutningen.")

    #: The answers live in ``plassering`` (activity id → phase id).
    _svar_trait = "plassering"

    def __init__(self, **kwargs):
        faseliste = "".join(f"<li>{esc(f.navn)}</li>" for f in FASER)
        self._intro = W.HTML(
            _(
                "<p><strong>Oppgave: Når skal hvem involveres?</strong> {case}</p><p>Under står "
                "aktivitetene i tilfeldig rekkefølge. Velg en fase for hver aktivitet. Tidslinjen din "
                "vises under. Trykk «Sjekk tidslinjen» når du er ferdig.</p><p>Fasene, i "
                "rekkefølge:</p><ol>{faseliste}</ol>"
            ).format(case=esc(_(CASE)), faseliste=faseliste)
        )
        valg = [(_(_VELG[0]), _VELG[1])] + [(f"{f.nr}. {f.navn}", f.nokkel) for f in FASER]
        self._velgere = svarnedtrekk(AKTIVITETER, valg, _("Fase for aktivitet {nr}:"), _VELGER_LAYOUT)
        self._koble_svarkontroller(self._velgere, _FASE_INDEKS)
        rader = [
            W.VBox([W.HTML(oppgavetekst_html(_("Aktivitet {nr}").format(nr=nr), a.tekst)), self._velgere[a.nokkel]])
            for nr, a in enumerate(AKTIVITETER, start=1)
        ]
        self._tidslinje = W.HTML()
        self.sjekk = W.Button(
            description=_("Sjekk tidslinjen"), button_style="primary", tooltip=_("Vis tilbakemelding")
        )
        self.sjekk.on_click(self._on_sjekk)
        self._nullstill = self._nullstillknapp(_("Fjern alle plasseringene"))
        self._tilbakemelding = W.HTML()
        super().__init__(
            [
                self._intro,
                *rader,
                self._tidslinje,
                W.HBox([self.sjekk, self._nullstill]),
                self._tilbakemelding,
            ],
            **kwargs,
        )

    def _on_sjekk(self, _button=None) -> None:
        if self.sjekket:
            self._update_visning()
        else:
            self.sjekket = True

    @T.observe("sjekket")
    def _update_sjekket(self, _change) -> None:
        self._update_visning()

    def _update_svar(self, _change=None) -> None:
        # A new placement hides the feedback until «Sjekk tidslinjen» is pressed again.
        self._update_svarkontroller()
        if self.sjekket:
            self.sjekket = False
        else:
            self._update_visning()

    def _update_visning(self) -> None:
        try:
            ordnet = ordne_tidslinje(self.plassering)
            resultat = vurder_tidslinje(self.plassering)
        except InputError as feil:
            self._tilbakemelding.value = feedback_html(str(feil), "feil")
            return
        self._tidslinje.value = self._tidslinje_html(ordnet)
        self.tidlig_involvering = resultat.tidlig_involvering
        if not self.sjekket:
            self.poeng = 0
            self._tilbakemelding.value = feedback_html(
                _(
                    "Du har plassert {resultat_plassert} av {resultat_antall} aktiviteter. Trykk «Sjekk "
                    "tidslinjen» for å få tilbakemelding."
                ).format(resultat_plassert=resultat.plassert, resultat_antall=resultat.antall),
                "info",
            )
            return
        self.poeng = resultat.riktige
        tekst, kind = oppsummer(resultat)
        html = feedback_html(tekst, kind, title=_("Tilbakemelding:"))
        html += "".join(feedback_html(m, "feil", title=_("Merk:")) for m in resultat.merknader)
        if resultat.plasseringer:
            punkter = "".join(
                f"<li><strong>{esc(_AKTIVITET_INDEKS[p.aktivitet_id].tekst)}:</strong> {esc(p.tekst)}</li>"
                for p in resultat.plasseringer
            )
            html += f"<ul>{punkter}</ul>"
        self._tilbakemelding.value = html

    @staticmethod
    def _tidslinje_html(ordnet: list[tuple[Fase, list[Aktivitet]]]) -> str:
        deler = []
        for fase, aktiviteter in ordnet:
            innhold = (
                "<ul>" + "".join(f"<li>{esc(a.tekst)}</li>" for a in aktiviteter) + "</ul>"
                if aktiviteter
                else _("<p><em>Ingen aktiviteter ennå.</em></p>")
            )
            deler.append(f"<li><strong>{esc(fase.navn)}</strong>{innhold}</li>")
        return _("<p><strong>Din tidslinje:</strong></p><ol>") + "".join(deler) + "</ol>"
