"""Kommune 1.0, 2.0 or 3.0? Classify short, made-up practice descriptions.

The descriptions are generic examples written for the course. None of them
describes a real municipality. Real municipalities mix all three models, so
the exercise is about recognising traits, not about judging anyone.

The logic is plain functions over dataclasses; :class:`KommuneSortering`
is a thin ipywidgets view.
"""
from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import traitlets

from widgets._common import InputError, esc, feedback_html, oppgavetekst_html
from widgets._oppgave import ETIKETT_STIL, Visning

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
class Modell:
    """One of the three municipal models."""

    kode: str
    navn: str
    innbyggeren: str
    kjennetegn: str


MODELLER: dict[str, Modell] = {
    "1.0": Modell(
        "1.0",
        "Myndighetskommunen",
        "undersått som mottar det kommunen bestemmer",
        "Kommunen og fagfolkene vet best. Regler, vedtak og kontroll styrer.",
    ),
    "2.0": Modell(
        "2.0",
        "Servicekommunen",
        "kunde som velger og vurderer tjenester",
        "Kommunen leverer tjenester og måler service, kvalitet og kostnader (New Public Management).",
    ),
    "3.0": Modell(
        "3.0",
        "Samskapingskommunen",
        "aktiv medborger som skaper velferd sammen med kommunen",
        "Kommunen legger til rette, og innbyggere, frivillige og næringsliv bidrar med egne ressurser "
        "(New Public Governance).",
    ),
}


@dataclass(frozen=True)
class Praksis:
    """A short, made-up description of how a municipality works."""

    id: str
    tekst: str
    modell: str
    forklaring: str


#: Example practices, written for the course. Not about any real municipality.
PRAKSISER: tuple[Praksis, ...] = (
    Praksis(
        "bibliotek",
        "Kommunen bestemmer nye åpningstider for biblioteket ut fra hva som passer driften. "
        "Innbyggerne får vite det i et brev.",
        "1.0",
        "Kommunen bestemmer alene og informerer etterpå. Innbyggerne er mottakere, ikke deltakere.",
    ),
    Praksis(
        "brukerundersokelse",
        "Hvert år svarer brukerne av hjemmetjenesten på en undersøkelse. Kommunen rangerer enhetene "
        "etter hvor fornøyde brukerne er.",
        "2.0",
        "Brukerne blir sett på som kunder. Kommunen måler tilfredshet og sammenligner enheter, "
        "slik New Public Management legger vekt på.",
    ),
    Praksis(
        "moteplass",
        "Ungdom, foreldre og idrettslaget planlegger en ny møteplass sammen med kommunen. "
        "Kommunen stiller med lokale og en ansatt som leder arbeidet.",
        "3.0",
        "Innbyggere og foreninger bidrar med egne ideer og egen innsats. Kommunen legger til rette "
        "i stedet for å levere en ferdig løsning.",
    ),
    Praksis(
        "hull-i-veien",
        "Innbyggerne kan melde fra om hull i veien i en app. Kommunen lover å svare innen tre dager "
        "og å reparere raskt.",
        "2.0",
        "Appen er ny teknologi, men rollene er de samme: innbyggeren bestiller, og kommunen leverer "
        "service med en svarfrist. Digitalisering alene gjør ikke en praksis til samskaping.",
    ),
    Praksis(
        "vedtak-uten-samtale",
        "En saksbehandler vurderer hva en eldre innbygger trenger, og sender et vedtak. "
        "Ingen har spurt innbyggeren hva som er viktig for henne.",
        "1.0",
        "Fagpersonen avgjør behovet uten å snakke med innbyggeren. Det er typisk for myndighetskommunen.",
    ),
    Praksis(
        "hva-er-viktig",
        "Ansatte i hjemmetjenesten spør brukeren hva som er viktig for ham. Sammen med familien og en "
        "frivillig besøksvenn lager de en plan for hverdagen.",
        "3.0",
        "Brukeren, familien og en frivillig er med og skaper løsningen. De ansatte får en ny rolle: "
        "de leder samarbeidet i stedet for å levere alt selv.",
    ),
    Praksis(
        "fritt-valg",
        "Innbyggerne kan velge mellom flere leverandører av praktisk bistand. Kommunen sammenligner "
        "pris og kvalitet hos leverandørene.",
        "2.0",
        "Fritt valg, konkurranse og sammenligning av pris og kvalitet er kjennetegn på servicekommunen.",
    ),
    Praksis(
        "horingsmote",
        "Kommunen holder et møte om en ny skolestruktur. Løsningen er allerede bestemt, "
        "og innspillene fra møtet endrer ingenting.",
        "1.0",
        "Møtet ser ut som medvirkning, men beslutningen er tatt på forhånd. Innbyggerne blir informert, "
        "ikke involvert.",
    ),
    Praksis(
        "tomme-lokaler",
        "Kommunen lager en oversikt over lokaler som står tomme på kveldstid. Frivillige lag kan låne "
        "dem gratis og lage aktiviteter for eldre.",
        "3.0",
        "Kommunen deler ressursene sine, og frivillige skaper tilbudet. Sammen får de mer velferd ut av "
        "det som finnes.",
    ),
)


@dataclass(frozen=True)
class Vurdering:
    """Feedback on one answer."""

    praksis: Praksis
    svar: str
    riktig: bool

    @property
    def melding(self) -> str:
        fasit = MODELLER[self.praksis.modell]
        if self.riktig:
            return f"Dette er kommune {fasit.kode}, {fasit.navn.lower()}. {self.praksis.forklaring}"
        valgt = MODELLER[self.svar]
        return (
            f"Du valgte kommune {valgt.kode}, men dette ligner mest på kommune {fasit.kode}, "
            f"{fasit.navn.lower()}. {self.praksis.forklaring}"
        )


@dataclass(frozen=True)
class Oppsummering:
    """Score summary: how many answered, how many right, per model."""

    besvart: int
    riktige: int
    totalt: int
    per_modell: dict[str, tuple[int, int]]  # model code -> (right, answered)

    @property
    def ferdig(self) -> bool:
        return self.besvart == self.totalt

    def tekst(self) -> str:
        if self.besvart == 0:
            return f"Du har ikke svart på noen ennå. Det er {self.totalt} praksiser å sortere."
        flertall = "riktig" if self.riktige == 1 else "riktige"
        deler = [f"Du har svart på {self.besvart} av {self.totalt}, og {self.riktige} er {flertall}."]
        svake = [
            f"kommune {kode}" for kode, (rett, svart) in self.per_modell.items() if svart and rett < svart
        ]
        if svake:
            deler.append(
                "Les gjerne beskrivelsen av " + " og ".join(svake) + " en gang til, og se på forklaringene."
            )
        elif self.ferdig:
            deler.append("Flott! Du kjenner igjen trekkene fra alle tre modellene.")
        return " ".join(deler)


def finn_praksis(praksis_id: str, praksiser: tuple[Praksis, ...] = PRAKSISER) -> Praksis:
    """Return the practice with this id.

    Raises
    ------
    InputError
        If no practice has this id.
    """
    for p in praksiser:
        if p.id == praksis_id:
            return p
    raise InputError(f"Fant ingen praksis med navnet «{praksis_id}».")


def _sjekk_svar(svar: object) -> str:
    if svar is None or (isinstance(svar, str) and not svar.strip()):
        raise InputError("Du har ikke valgt noen modell. Velg 1.0, 2.0 eller 3.0.")
    kode = str(svar).strip()
    if kode in {"1", "2", "3"}:
        kode += ".0"
    if kode not in MODELLER:
        raise InputError(f"«{svar}» er ikke en av modellene. Velg 1.0, 2.0 eller 3.0.")
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


def oppsummer(svar: dict[str, object], praksiser: tuple[Praksis, ...] = PRAKSISER) -> Oppsummering:
    """Summarise all answers. Unanswered practices (``None``) are left out.

    Raises
    ------
    InputError
        For an unknown practice or an answer that is not a model.
    """
    per_modell = {kode: [0, 0] for kode in MODELLER}
    besvart = riktige = 0
    for pid, s in svar.items():
        if s is None:
            finn_praksis(pid, praksiser)
            continue
        v = vurder(pid, s, praksiser)
        besvart += 1
        riktige += v.riktig
        teller = per_modell[v.praksis.modell]
        teller[0] += v.riktig
        teller[1] += 1
    return Oppsummering(
        besvart, riktige, len(praksiser), {kode: (r, n) for kode, (r, n) in per_modell.items()}
    )


class KommuneSortering(Visning):
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

    svar = traitlets.Dict(help="Svarene: praksis-id → '1.0', '2.0' eller '3.0'. Ubesvarte er utelatt.")
    oppsummering = traitlets.Instance(Oppsummering, allow_none=True, help="Siste oppsummering av svarene.")

    def __init__(self, eksempel: bool = True, praksiser: tuple[Praksis, ...] = PRAKSISER, **kwargs):
        self._praksiser = praksiser
        valg = [(f"{m.kode} {m.navn}", m.kode) for m in MODELLER.values()]
        self._knapper: dict[str, widgets.RadioButtons] = {}
        self._tilbakemeldinger: dict[str, widgets.HTML] = {}
        bokser = []
        for nr, p in enumerate(praksiser, start=1):
            knapper = widgets.RadioButtons(
                options=valg,
                value=None,
                description=f"Modell for praksis {nr}:",
                style=ETIKETT_STIL,
            )
            knapper.observe(self._on_knapp, names="value")
            self._knapper[p.id] = knapper
            self._tilbakemeldinger[p.id] = widgets.HTML()
            bokser.append(
                widgets.VBox(
                    [widgets.HTML(oppgavetekst_html(f"Praksis {nr}", p.tekst)), knapper,
                     self._tilbakemeldinger[p.id]],
                    layout=widgets.Layout(margin="0 0 1em 0"),
                )
            )
        self._nullstill = widgets.Button(
            description="Nullstill svarene",
            tooltip="Fjern alle svarene og begynn på nytt",
            icon="undo",
            layout={"width": "auto", "align_self": "flex-start"},
        )
        self._nullstill.on_click(self._nullstill_svar)
        self._sammendrag = widgets.HTML()
        modeller = "".join(
            f"<li><strong>{esc(m.kode)} {esc(m.navn)}:</strong> innbyggeren er {esc(m.innbyggeren)}. "
            f"{esc(m.kjennetegn)}</li>"
            for m in MODELLER.values()
        )
        super().__init__(**kwargs)
        self.children = [
            widgets.HTML(
                "<p>Praksisene under er eksempler laget for kurset. Velg den modellen hver praksis ligner "
                f"mest på. Du får svar med en gang.</p><ul>{modeller}</ul>"
            ),
            *bokser,
            self._sammendrag,
            self._nullstill,
        ]
        if eksempel and not self.svar and praksiser:
            self.svar = {praksiser[0].id: praksiser[0].modell}
        self._update_visning()

    def _on_knapp(self, _change) -> None:
        if self._synker:
            return
        self.svar = {pid: k.value for pid, k in self._knapper.items() if k.value is not None}

    def _nullstill_svar(self, _knapp=None) -> None:
        self.svar = {}

    @traitlets.observe("svar")
    def _on_svar(self, _change) -> None:
        self._update_visning()

    def _update_visning(self) -> None:
        try:
            self.oppsummering = oppsummer(self.svar, self._praksiser)
        except InputError as e:
            self.oppsummering = None
            self._sammendrag.value = feedback_html(str(e), "feil", title="Noe er galt med svarene.")
            return
        with self._synkroniserer():
            for pid, knapper in self._knapper.items():
                valgt = self.svar.get(pid)
                knapper.value = None if valgt is None else vurder(pid, valgt, self._praksiser).svar
        for pid, knapper in self._knapper.items():
            felt = self._tilbakemeldinger[pid]
            if knapper.value is None:
                felt.value = ""
                continue
            v = vurder(pid, knapper.value, self._praksiser)
            felt.value = feedback_html(
                v.melding, "ok" if v.riktig else "info", title="Riktig." if v.riktig else "Ikke helt."
            )
        self._sammendrag.value = feedback_html(self.oppsummering.tekst(), "info", title="Oppsummering:")
