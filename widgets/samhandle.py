"""Å samhandle: choose partners and arena for invented cases, with feedback.

Arenas: trepartssamarbeid (politicians, administration, unions), partssamarbeid
in a partssammensatt group or utvalg, inter-municipal collaboration, and
partnerships with business, the voluntary sector or other public bodies
(SDG 17). Every case is invented; the proposed answers are the course's own.

Logic first (plain functions over frozen dataclasses), then the thin view
``Samhandlingskart``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import N_, oversetter
from widgets._common import InputError, Oversatt, esc, feedback_html, finn, indeks, oppgavetekst_html
from widgets._oppgave import ETIKETT_STIL, Visning, avkrysning, avkrysset, knapp, nedtrekk

_ = oversetter("widgets")

__all__ = [
    "PARTER",
    "ARENAER",
    "SAKER",
    "Part",
    "Arena",
    "Sak",
    "Samhandlingsvurdering",
    "finn_sak",
    "vurder_samhandling",
    "oppsummering",
    "Samhandlingskart",
]


@dataclass(frozen=True)
class Part(Oversatt):
    """A possible partner and the role it usually has."""

    _tekstfelt = frozenset({"navn", "rolle"})

    nokkel: str
    navn: str
    rolle: str


PARTER: dict[str, Part] = {
    p.nokkel: p
    for p in (
        Part("folkevalgte", N_("Folkevalgte"), N_("gir politisk eierskap og gjør vedtakene")),
        Part(
            "administrasjon",
            N_("Administrasjonen (kommunedirektør og ledere)"),
            N_("har arbeidsgiveransvaret og leder arbeidet"),
        ),
        Part(
            "tillitsvalgte",
            N_("Tillitsvalgte"),
            N_("representerer de ansatte og skal tas med tidlig når endringer berører de ansatte"),
        ),
        Part("verneombud", N_("Verneombud"), N_("passer på arbeidsmiljøet")),
        Part("ansatte", N_("Ansatte i enhetene som berøres"), N_("kjenner arbeidet og blir berørt av endringen")),
        Part("nabokommuner", N_("Nabokommuner"), N_("har ofte samme utfordring og kan dele fagfolk og kostnader")),
        Part("naeringsliv", N_("Lokalt næringsliv"), N_("har arbeidsplasser, kompetanse og nettverk")),
        Part("frivillige", N_("Frivillige organisasjoner"), N_("når mennesker og miljøer kommunen ikke når alene")),
        Part("innbyggere", N_("Innbyggerne"), N_("kjenner egne behov og har egne ressurser")),
        Part(
            "offentlige",
            N_("Andre offentlige aktører (for eksempel fylkeskommunen eller NAV)"),
            N_("har ansvar eller virkemidler som kommunen ikke har selv"),
        ),
    )
}


@dataclass(frozen=True)
class Arena(Oversatt):
    """A way of working together."""

    _tekstfelt = frozenset({"navn", "beskrivelse"})

    nokkel: str
    navn: str
    beskrivelse: str


ARENAER: dict[str, Arena] = {
    a.nokkel: a
    for a in (
        Arena(
            "trepart",
            N_("Trepartssamarbeid"),
            N_(
                "Folkevalgte, administrasjonen og tillitsvalgte arbeider sammen. Passer for store, "
                "langsiktige spørsmål der både politisk eierskap og de ansattes stemme trengs."
            ),
        ),
        Arena(
            "partssamarbeid",
            N_("Partssamarbeid i en partssammensatt gruppe eller et partssammensatt utvalg"),
            N_(
                "Arbeidsgiveren og de tillitsvalgte samarbeider om omstilling på arbeidsplassen, slik "
                "Hovedavtalen legger opp til."
            ),
        ),
        Arena(
            "interkommunalt",
            N_("Interkommunalt samarbeid"),
            N_(
                "To eller flere kommuner løser en oppgave sammen, for eksempel for å dele fagfolk som hver "
                "kommune ikke har nok oppgaver til alene."
            ),
        ),
        Arena(
            "partnerskap",
            N_("Partnerskap med næringsliv, frivillighet eller andre offentlige aktører"),
            N_(
                "Kommunen samarbeider med aktører utenfor egen organisasjon om et felles mål, i tråd med "
                "bærekraftsmål 17."
            ),
        ),
    )
}


@dataclass(frozen=True)
class Sak(Oversatt):
    """An invented case with the arena and partners we propose.

    ``ma`` are partners that must take part, ``kan`` are partners it makes sense to add.
    """

    _tekstfelt = frozenset({"tittel", "tekst", "forklaring"})

    nokkel: str
    tittel: str
    tekst: str
    arena: str
    ma: frozenset[str]
    kan: frozenset[str]
    forklaring: str


SAKER: tuple[Sak, ...] = (
    Sak(
        "strategi",
        N_("Ny arbeidsgiverpolitikk"),
        N_(
            "En kommune vil lage en ny arbeidsgiverpolitikk. Den skal ha politisk eierskap, og de "
            "ansatte skal kjenne seg igjen i den."
        ),
        "trepart",
        frozenset({"folkevalgte", "administrasjon", "tillitsvalgte"}),
        frozenset({"verneombud", "ansatte"}),
        N_(
            "Politisk eierskap krever folkevalgte. Administrasjonen har arbeidsgiveransvaret, og "
            "tillitsvalgte sørger for at de ansattes stemme er med fra starten."
        ),
    ),
    Sak(
        "turnus",
        N_("Digital turnusplanlegging"),
        N_(
            "Kommunen vil ta i bruk et nytt digitalt verktøy for å lage turnus i helse og omsorg. "
            "Verktøyet endrer hvordan de ansatte får vaktene sine."
        ),
        "partssamarbeid",
        frozenset({"administrasjon", "tillitsvalgte"}),
        frozenset({"verneombud", "ansatte"}),
        N_(
            "Protokollen fra forhandlingene om Hovedavtalen i desember 2023 regner digitalisering og "
            "ny teknologi som omstilling i perioden 2024–2025 (sjekk avtalen som gjelder nå). Da skal "
            "tillitsvalgte informeres, tas med på drøfting og høres tidlig. En partssammensatt "
            "arbeidsgruppe er en vanlig arena for dette."
        ),
    ),
    Sak(
        "fagfolk",
        N_("Fagfolk som ingen har nok oppgaver til alene"),
        N_(
            "Tre små nabokommuner trenger hver sin kompetanse på informasjonssikkerhet, men ingen av "
            "dem har oppgaver nok til en hel stilling."
        ),
        "interkommunalt",
        frozenset({"nabokommuner", "administrasjon", "folkevalgte", "tillitsvalgte"}),
        frozenset({"ansatte", "verneombud"}),
        N_(
            "Kommunene kan dele på fagfolk og kostnader. Et varig samarbeid mellom kommuner må "
            "forankres politisk i hver kommune, og tillitsvalgte bør være med fordi arbeidsforholdene "
            "kan endres."
        ),
    ),
    Sak(
        "sommerjobb",
        N_("Sommerjobber og lærlingplasser"),
        N_("Kommunen vil at flere ungdommer skal få sommerjobb eller lærlingplass i kommunen."),
        "partnerskap",
        frozenset({"naeringsliv", "administrasjon"}),
        frozenset({"offentlige", "frivillige", "folkevalgte", "innbyggere", "tillitsvalgte"}),
        N_(
            "Kommunen har ikke nok plasser selv. Næringslivet har arbeidsplasser, og et partnerskap "
            "gjør at flere kan bidra mot samme mål."
        ),
    ),
    Sak(
        "ensomhet",
        N_("Mindre ensomhet blant eldre"),
        N_("Kommunen ser at mange eldre som bor hjemme, er ensomme, og vil gjøre noe med det."),
        "partnerskap",
        frozenset({"frivillige", "innbyggere", "administrasjon"}),
        frozenset({"ansatte", "naeringsliv", "offentlige", "folkevalgte"}),
        N_(
            "Kommunen kan ikke løse dette alene. Frivillige og innbyggerne selv har fellesskap og "
            "kunnskap som tjenestene mangler."
        ),
    ),
)

_SAK_INDEKS = indeks(SAKER)


@dataclass(frozen=True)
class Samhandlingsvurdering:
    """Feedback on a proposed arena and set of partners for a case."""

    sak: str
    arena_riktig: bool
    mangler: tuple[str, ...]
    ekstra: tuple[str, ...]
    niva: str
    meldinger: tuple[str, ...]

    @property
    def godkjent(self) -> bool:
        return self.arena_riktig and not self.mangler


def finn_sak(nokkel: str) -> Sak:
    """Return the case with this key, or raise ``InputError``."""
    return finn(_SAK_INDEKS, nokkel, _("Saken «{nokkel}» finnes ikke.").format(nokkel=nokkel))


def vurder_samhandling(sak: str, arena: str | None, parter: Iterable[str]) -> Samhandlingsvurdering:
    """Compare a proposed arena and set of partners with the course's proposal.

    Missing required partners and a wrong arena give feedback; extra partners
    only give a gentle note, since involving more is rarely wrong.

    >>> v = vurder_samhandling("turnus", "partssamarbeid", ["administrasjon"])
    >>> v.mangler
    ('tillitsvalgte',)
    """
    s = finn_sak(sak)
    if arena is None or arena == "":
        raise InputError(_("Velg en arena før du sjekker forslaget."))
    if arena not in ARENAER:
        raise InputError(_("Arenaen «{arena}» finnes ikke.").format(arena=arena))
    if isinstance(parter, str):
        raise InputError(_("Partene må være en liste, ikke én tekst."))
    valgt: set[str] = set()
    for p in parter:
        if p not in PARTER:
            raise InputError(_("Parten «{p}» finnes ikke.").format(p=p))
        valgt.add(p)
    if not valgt:
        raise InputError(_("Velg minst én part før du sjekker forslaget."))

    arena_riktig = arena == s.arena
    mangler = tuple(k for k in PARTER if k in s.ma and k not in valgt)
    ekstra = tuple(k for k in PARTER if k in valgt and k not in s.ma and k not in s.kan)

    meldinger: list[str] = []
    if arena_riktig:
        meldinger.append(_("Arenaen passer: {arenaer_navn}.").format(arenaer_navn=ARENAER[arena].navn.lower()))
    else:
        meldinger.append(
            _(
                "Vi foreslår heller {arenaer_navn}. {arenaer_beskrivelse}"
            ).format(arenaer_navn=ARENAER[s.arena].navn.lower(), arenaer_beskrivelse=ARENAER[s.arena].beskrivelse)
        )
    for k in mangler:
        meldinger.append(_(
            "Du mangler {parter_navn}, som {parter_rolle}."
        ).format(parter_navn=PARTER[k].navn.lower(), parter_rolle=PARTER[k].rolle))
    for k in ekstra:
        meldinger.append(
            _(
                "{parter_navn}: ikke en sentral part i denne saken. Det er ikke galt å ha med flere, men "
                "hver part bør ha en tydelig rolle."
            ).format(parter_navn=PARTER[k].navn)
        )
    meldinger.append(s.forklaring)
    niva = "ok" if arena_riktig and not mangler else "info"
    return Samhandlingsvurdering(s.nokkel, arena_riktig, mangler, ekstra, niva, tuple(meldinger))


def oppsummering(v: Samhandlingsvurdering) -> str:
    """One short sentence that sums up the feedback."""
    if v.godkjent:
        return _("Arenaen og partene passer med forslaget vårt.")
    arena = _("passer") if v.arena_riktig else _("vi foreslår en annen")
    mangler = _("ingen") if not v.mangler else str(len(v.mangler))
    return _("Arena: {arena}. Parter som mangler: {mangler}.").format(arena=arena, mangler=mangler)


# ---------------------------------------------------------------------------
# View
# ---------------------------------------------------------------------------

def _arenaguide_html() -> str:
    punkter = "".join(f"<li><strong>{esc(a.navn)}:</strong> {esc(a.beskrivelse)}</li>" for a in ARENAER.values())
    return _("<details><summary>Hva betyr arenaene?</summary><ul>{punkter}</ul></details>").format(punkter=punkter)


class Samhandlingskart(Visning):
    """Choose arena and partners for an invented case, and get feedback.

    Parameters
    ----------
    sak : str, optional
        Key of the case to start with (see ``SAKER``).

    Examples
    --------
    >>> v = Samhandlingskart(sak="turnus")
    >>> v.arena = "partssamarbeid"
    >>> v.parter = ["administrasjon", "tillitsvalgte"]
    >>> v.sjekk.click()
    >>> "Arenaen passer" in v.tilbakemelding.value
    True
    """

    sak = T.Unicode(SAKER[0].nokkel, help="Key of the case being shown.")
    arena = T.Unicode(None, allow_none=True, help="Key of the chosen arena, or None.")
    parter = T.List(T.Unicode(), help="Keys of the partners ticked.")

    def __init__(self, sak: str | None = None, **kwargs):
        self.velg_sak = nedtrekk([(s.tittel, s.nokkel) for s in SAKER], _("Sak (oppdiktet):"))
        self.beskrivelse = W.HTML()
        self.velg_arena = W.RadioButtons(
            options=[(a.navn, a.nokkel) for a in ARENAER.values()],
            value=None,
            description=_("Arena:"),
            style=ETIKETT_STIL,
            layout=W.Layout(width="auto"),
        )
        self.avkrysning = avkrysning(((p.nokkel, p.navn) for p in PARTER.values()), width="auto")
        self.sjekk = knapp(_("Sjekk forslaget"), "check")
        self.tilbakemelding = W.HTML()
        super().__init__(
            children=[
                self.velg_sak,
                self.beskrivelse,
                self.velg_arena,
                W.HTML(_arenaguide_html()),
                W.HTML(_("<p>Hvem bør være med? Kryss av:</p>")),
                *self.avkrysning.values(),
                self.sjekk,
                self.tilbakemelding,
            ],
            **kwargs,
        )
        self.velg_sak.observe(self._kopier_til("sak"), names="value")
        self.velg_arena.observe(self._kopier_til("arena"), names="value")
        kopier_parter = self._kopier_til("parter", lambda _change: avkrysset(self.avkrysning))
        for boks in self.avkrysning.values():
            boks.observe(kopier_parter, names="value")
        self.sjekk.on_click(lambda _b: self._update_vurdering())
        if sak is not None:
            finn_sak(sak)
            self.sak = sak
        self._update_sak()

    # -- traits -> view
    @T.observe("sak")
    def _on_sak(self, _change) -> None:
        self._update_sak()

    @T.observe("arena", "parter")
    def _on_valg(self, _change) -> None:
        self._update_kontroller()

    def _update_kontroller(self) -> None:
        with self._synkroniserer():
            if self.sak in _SAK_INDEKS:
                self.velg_sak.value = self.sak
            if self.arena is None or self.arena in ARENAER:
                self.velg_arena.value = self.arena
            for nokkel, boks in self.avkrysning.items():
                boks.value = nokkel in self.parter

    def _update_sak(self) -> None:
        s = finn_sak(self.sak)
        self.beskrivelse.value = oppgavetekst_html(s.tittel, s.tekst)
        self.arena = None
        self.parter = []
        self._update_kontroller()
        self.tilbakemelding.value = feedback_html(
            _(
                "Hva skal løses, og hvem har ansvar, kunnskap eller ressurser som trengs? Velg en arena, "
                "kryss av for partene og trykk «Sjekk forslaget»."
            ),
            "info",
            _("Slik gjør du:"),
        )

    def _update_vurdering(self) -> None:
        try:
            v = vurder_samhandling(self.sak, self.arena, self.parter)
        except InputError as err:
            self.tilbakemelding.value = feedback_html(str(err), "feil", _("Obs:"))
            return
        tittel = _("Godt forslag.") if v.godkjent else _("Se på dette:")
        punkter = "".join(f"<li>{esc(m)}</li>" for m in v.meldinger)
        self.tilbakemelding.value = feedback_html(oppsummering(v), v.niva, tittel) + f"<ul>{punkter}</ul>"
