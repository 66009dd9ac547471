"""P2 «Å lede»: the teaching content of the chapter's widget, as data.

The invented case, the phases of a change and the activities to place on the timeline. The texts are
bokmål, marked with ``N_()``; the
dataclasses give them in the målform in force (:class:`widgets._common.Oversatt`). The logic and
the view that use them are in :mod:`widgets.lede`.
"""
from __future__ import annotations

from dataclasses import dataclass

from fellesregler.sprak import N_
from widgets._common import Oversatt

__all__ = ['AKTIVITETER', 'Aktivitet', 'CASE', 'FASER', 'Fase']


CASE = (
    N_(
        "Eksempel (oppdiktet): En kommune vil innføre et digitalt system for vaktplaner i helse og "
        "omsorg. De ansatte skal se vaktene sine og bytte vakter i en app."
    )
)


@dataclass(frozen=True)
class Fase(Oversatt):
    """A phase of the change, in time order (``nr`` 1 is first)."""

    _tekstfelt = frozenset({"navn"})

    nokkel: str
    nr: int
    navn: str


@dataclass(frozen=True)
class Aktivitet(Oversatt):
    """An activity, the phases where it belongs, and why."""

    _tekstfelt = frozenset({"tekst", "forklaring"})

    nokkel: str
    tekst: str
    faser: frozenset[str]
    forklaring: str
    involvering: bool = False


FASER: tuple[Fase, ...] = (
    Fase("ide", 1, N_("Idé og behov (ingenting er bestemt)")),
    Fase("utredning", 2, N_("Utredning og valg av løsning")),
    Fase("beslutning", 3, N_("Beslutning")),
    Fase("innforing", 4, N_("Innføring")),
    Fase("etterpa", 5, N_("Etter innføringen")),
)

AKTIVITETER: tuple[Aktivitet, ...] = (
    Aktivitet(
        "opplaering",
        N_("Gi de ansatte opplæring i det nye systemet"),
        frozenset({"innforing"}),
        N_("Opplæring hører til innføringen, når systemet er valgt og snart skal brukes."),
    ),
    Aktivitet(
        "informere",
        N_("Informere de tillitsvalgte om at kommunen vurderer et nytt digitalt system"),
        frozenset({"ide"}),
        N_(
            "Informasjon skal komme så tidlig som mulig, før noe er bestemt. Protokollen til "
            "Hovedavtalen for 2024–2025 regner digitalisering som omstilling, så de tillitsvalgte skal "
            "vite om planene fra starten."
        ),
        involvering=True,
    ),
    Aktivitet(
        "beslutning",
        N_("Kommunen bestemmer hvilket system den skal kjøpe"),
        frozenset({"beslutning"}),
        N_(
            "Beslutningen tar arbeidsgiveren. Den blir bedre når ansatte og tillitsvalgte har vært med "
            "i fasene før."
        ),
    ),
    Aktivitet(
        "evaluere",
        N_("Evaluere sammen med ansatte og tillitsvalgte hvordan systemet virker"),
        frozenset({"etterpa"}),
        N_(
            "Dere kan evaluere først når systemet har vært i bruk en stund. Evalueringen viser hva "
            "dere må justere, og hva dere lærte til neste gang."
        ),
        involvering=True,
    ),
    Aktivitet(
        "drofte",
        N_("Drøfte behovet og mulige løsninger med de tillitsvalgte"),
        frozenset({"ide", "utredning"}),
        N_(
            "Drøfting betyr at partene utveksler synspunkter før arbeidsgiveren bestemmer. Drøfting "
            "etter beslutningen er ikke reell drøfting."
        ),
        involvering=True,
    ),
    Aktivitet(
        "pilot",
        N_("Prøve systemet i én avdeling før alle tar det i bruk"),
        frozenset({"utredning", "innforing"}),
        N_(
            "En pilot kan brukes til å velge løsning, eller som første steg i innføringen. Begge deler "
            "er gode, små forsøk."
        ),
    ),
    Aktivitet(
        "arbeidsgruppe",
        N_(
            "Sette ned en partssammensatt arbeidsgruppe med ledere, ansatte, tillitsvalgte og "
            "verneombud"
        ),
        frozenset({"ide", "utredning"}),
        N_(
            "En partssammensatt arbeidsgruppe har folk fra både arbeidsgiveren og de ansatte. Den må "
            "komme i gang før beslutningen, ellers har den lite å si."
        ),
        involvering=True,
    ),
    Aktivitet(
        "kartlegge",
        N_("Kartlegge sammen med de ansatte hvordan vaktplanleggingen fungerer i dag"),
        frozenset({"ide", "utredning"}),
        N_(
            "De ansatte kjenner dagens arbeid best. Kartleggingen viser hva systemet må løse, og må "
            "derfor komme før dere velger løsning."
        ),
        involvering=True,
    ),
    Aktivitet(
        "risiko",
        N_(
            "Vurdere hva systemet betyr for arbeidsmiljøet og personvernet, sammen med verneombudet"
        ),
        frozenset({"ide", "utredning"}),
        N_("Konsekvensene må være kjent før beslutningen. Da kan de påvirke valget av system."),
        involvering=True,
    ),
    Aktivitet(
        "informere_alle",
        N_("Informere alle ansatte om beslutningen og planen for innføringen"),
        frozenset({"beslutning", "innforing"}),
        N_("Når beslutningen er tatt, trenger alle ansatte å vite hva som skjer og når."),
    ),
)
