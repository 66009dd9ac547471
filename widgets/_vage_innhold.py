"""P1 «Å våge»: the teaching content of the chapter's widgets, as data.

The levels of handlingsrom and the invented cases, and the questions of the experiment checklist
(our own «forslag»). All cases are invented examples and name no real municipality.
The logic and the views that use them are in :mod:`widgets.vage`.
"""
from __future__ import annotations

from dataclasses import dataclass

from fellesregler.sprak import N_, oversetter
from widgets._common import Oversatt

_ = oversetter("widgets")

__all__ = ['NIVAER', 'Niva', 'SAKER', 'SPORSMAL', 'SVARVALG', 'Sak', 'Sporsmal']


@dataclass(frozen=True)
class Niva(Oversatt):
    """One level of handlingsrom, from the hardest to change (lov) to the easiest (vane)."""

    _tekstfelt = frozenset({"navn", "beskrivelse", "hvem_kan_endre"})

    nokkel: str
    navn: str
    beskrivelse: str
    hvem_kan_endre: str


@dataclass(frozen=True)
class Sak(Oversatt):
    """An invented example case and the level that binds it."""

    _tekstfelt = frozenset({"tekst", "forklaring"})

    nokkel: str
    tekst: str
    riktig: str
    forklaring: str


NIVAER: tuple[Niva, ...] = (
    Niva(
        "lov",
        N_("Lov eller forskrift"),
        N_("Regler fra Stortinget (lov) eller fra regjeringen og departementene (forskrift)."),
        N_(
            "Ingen i kommunen kan endre dette. Kommunen kan si fra i høringer og bruke det rommet "
            "regelen selv gir."
        ),
    ),
    Niva(
        "avtale",
        N_("Avtale mellom partene"),
        N_("Hovedavtalen og tariffavtalene, som KS og arbeidstakerorganisasjonene inngår."),
        N_("Bare partene sammen, når de forhandler. Arbeidsgiveren kan ikke endre en avtale alene."),
    ),
    Niva(
        "politisk",
        N_("Lokalt politisk vedtak"),
        N_("Vedtak i kommunestyret eller fylkestinget, eller i et utvalg som har fått myndighet."),
        N_(
            "Politikerne, med et nytt vedtak. Administrasjonen kan legge fram en sak med forslag om "
            "endring."
        ),
    ),
    Niva(
        "skjonn",
        N_("Administrativt skjønn"),
        N_("Valg som kommunedirektøren og lederne tar innenfor den myndigheten de har fått."),
        N_(
            "Den lederen som tok beslutningen, eller en leder over. Det kan skje raskt, gjerne etter "
            "innspill fra de ansatte."
        ),
    ),
    Niva(
        "vane",
        N_("Vane og praksis"),
        N_("«Slik har vi alltid gjort det.» Ingen har egentlig bestemt det."),
        N_("Dere selv. Ofte er det nok at teamet blir enige om å prøve noe nytt."),
    ),
)

SAKER: tuple[Sak, ...] = (
    Sak(
        "hviletid",
        N_(
            "En ansatt vil jobbe to lange vakter rett etter hverandre, med bare en kort pause imellom. "
            "Reglene om hvile mellom vaktene stopper det."
        ),
        "lov",
        N_(
            "Reglene om arbeidstid og hvile står i arbeidsmiljøloven. Loven åpner for noen unntak, men "
            "bare innenfor de rammene den selv setter."
        ),
    ),
    Sak(
        "journal",
        N_("Sykepleierne i hjemmetjenesten må dokumentere helsehjelpen de gir, i en journal."),
        "lov",
        N_(
            "Plikten til å føre journal står i helselovgivningen. Men hvordan dere dokumenterer, for "
            "eksempel når på dagen og med hvilket verktøy, er ofte skjønn eller vane."
        ),
    ),
    Sak(
        "helgetillegg",
        N_("Ansatte som jobber på lørdag og søndag, får et tillegg i lønnen."),
        "avtale",
        N_(
            "Tillegget står i tariffavtalen. Det er partene som har forhandlet det fram, og det endres "
            "bare i nye forhandlinger."
        ),
    ),
    Sak(
        "digitalisering",
        N_(
            "Kommunen vil innføre et nytt digitalt system. De tillitsvalgte skal få informasjon og "
            "drøfte saken tidlig."
        ),
        "avtale",
        N_(
            "Hovedavtalen sier at ansatte og organisasjonene deres skal involveres tidlig i "
            "omstilling. Protokollen fra forhandlingene i desember 2023 regner digitalisering og ny "
            "teknologi som omstilling i perioden 2024–2025. Sjekk avtalen som gjelder nå."
        ),
    ),
    Sak(
        "heltid",
        N_(
            "Kommunestyret har vedtatt at nye stillinger i helse og omsorg som hovedregel skal lyses "
            "ut som hele stillinger."
        ),
        "politisk",
        N_("Dette er et lokalt politisk vedtak. Det gjelder til politikerne vedtar noe annet."),
    ),
    Sak(
        "apningstid",
        N_(
            "Biblioteket har åpent til klokken 20 to dager i uken. Det ble bestemt i budsjettet som "
            "kommunestyret vedtok."
        ),
        "politisk",
        N_(
            "Budsjettet er vedtatt av kommunestyret. Å endre åpningstiden krever et nytt politisk "
            "vedtak, eller at politikerne har gitt administrasjonen rom til å justere den."
        ),
    ),
    Sak(
        "avviksrutine",
        N_(
            "Enhetslederen har bestemt at alle avvik skal sendes til henne på e-post før de "
            "registreres i avvikssystemet."
        ),
        "skjonn",
        N_(
            "Dette er en lokal rutine som en leder har innført. Plikten til å melde avvik kan stå i "
            "regelverket, men denne ekstra runden har lederen selv bestemt."
        ),
    ),
    Sak(
        "motemal",
        N_(
            "Kommunedirektøren har bestemt at alle enheter skal bruke samme mal for referater fra "
            "personalmøter."
        ),
        "skjonn",
        N_(
            "Kommunedirektøren leder administrasjonen og kan bestemme slike rutiner. Ingen lov eller "
            "avtale krever akkurat denne malen."
        ),
    ),
    Sak(
        "papir",
        N_(
            "Ansatte skriver notater på papir og fører dem inn i datasystemet senere. Ingen vet hvem "
            "som bestemte det."
        ),
        "vane",
        N_(
            "Ingen har vedtatt dette. Det er en vane. Ofte er det her det største ubrukte "
            "handlingsrommet ligger."
        ),
    ),
    Sak(
        "personalmote",
        N_(
            "Personalmøtet er alltid tirsdag klokken 14 og varer i to timer. Slik har det vært i mange "
            "år."
        ),
        "vane",
        N_(
            "Tid og lengde på møtet er en vane. Teamet kan prøve et kortere møte eller en annen dag, "
            "uten å spørre noen utenfor."
        ),
    ),
)


@dataclass(frozen=True)
class Sporsmal(Oversatt):
    """One question in the checklist, with advice if the answer is not «ja»."""

    _tekstfelt = frozenset({"kort", "tekst", "rad"})

    nokkel: str
    kort: str
    tekst: str
    rad: str
    kritisk: bool = False


SPORSMAL: tuple[Sporsmal, ...] = (
    Sporsmal(
        "innbyggere",
        N_("Trygt for innbyggerne"),
        N_("Får innbyggerne minst like trygg og god hjelp mens forsøket varer?"),
        N_(
            "Forsøket må ikke gå ut over sikkerheten eller rettighetene til innbyggerne. Gjør forsøket "
            "mindre, eller endre det."
        ),
        kritisk=True,
    ),
    Sporsmal(
        "handlingsrom",
        N_("Innenfor handlingsrommet"),
        N_("Ligger endringen innenfor det dere selv kan bestemme (skjønn eller vane)?"),
        N_(
            "Hvis endringen berører lov, avtale eller politisk vedtak, må dere ha med dem som kan "
            "endre den. Det er ikke et forbud, men et lengre løp."
        ),
        kritisk=True,
    ),
    Sporsmal(
        "sluttdato",
        N_("Sluttdato"),
        N_("Har forsøket en fast sluttdato, for eksempel om fire eller seks uker?"),
        N_("Sett en sluttdato. Et forsøk med en slutt er lettere å si ja til og lettere å stoppe."),
    ),
    Sporsmal(
        "tilbake",
        N_("Kan gå tilbake"),
        N_("Kan dere gå tilbake til slik det var før, uten store kostnader?"),
        N_("Velg en versjon av forsøket som er lett å reversere, eller prøv i mindre skala først."),
    ),
    Sporsmal(
        "involvert",
        N_("Ansatte med"),
        N_(
            "Er de ansatte som berøres, med på å lage forsøket? Er tillitsvalgt og verneombud med når "
            "arbeidsforholdene endres?"
        ),
        N_(
            "Ta med dem som berøres. De kjenner arbeidet best, og tidlig involvering gir bedre forsøk "
            "og mindre motstand."
        ),
    ),
    Sporsmal(
        "maal",
        N_("Vet hva dere ser etter"),
        N_("Har dere bestemt hva dere skal se etter for å vite om forsøket virket?"),
        N_(
            "Bestem på forhånd ett eller to tegn på at forsøket virker, og hvordan dere skal følge med "
            "på dem."
        ),
    ),
    Sporsmal(
        "dele",
        N_("Deler det dere lærer"),
        N_(
            "Har dere avtalt når dere skal snakke om hva dere lærte, også hvis forsøket ikke virket?"
        ),
        N_(
            "Sett av tid til å evaluere. Et forsøk som ikke virket, gir også kunnskap, hvis dere deler "
            "den."
        ),
    ),
)

SVARVALG: tuple[tuple[str, str], ...] = ((N_("Ja"), "ja"), (N_("Nei"), "nei"), (N_("Vet ikke"), "vet_ikke"))
