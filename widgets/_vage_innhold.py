"""P1 «Å våge»: the teaching content of the chapter's widgets, as data.

The levels of handlingsrom and the invented cases, and the questions of the experiment checklist (our own «forslag»). All cases are invented examples and name no real municipality.
The logic and the views that use them are in :mod:`widgets.vage`.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ['NIVAER', 'Niva', 'SAKER', 'SPORSMAL', 'SVARVALG', 'Sak', 'Sporsmal']


@dataclass(frozen=True)
class Niva:
    """One level of handlingsrom, from the hardest to change (lov) to the easiest (vane)."""

    nokkel: str
    navn: str
    beskrivelse: str
    hvem_kan_endre: str


@dataclass(frozen=True)
class Sak:
    """An invented example case and the level that binds it."""

    nokkel: str
    tekst: str
    riktig: str
    forklaring: str


NIVAER: tuple[Niva, ...] = (
    Niva(
        "lov",
        "Lov eller forskrift",
        "Regler fra Stortinget (lov) eller fra regjeringen og departementene (forskrift).",
        "Ingen i kommunen kan endre dette. Kommunen kan si fra i høringer og bruke "
        "det rommet regelen selv gir.",
    ),
    Niva(
        "avtale",
        "Avtale mellom partene",
        "Hovedavtalen og tariffavtalene, som KS og arbeidstakerorganisasjonene inngår.",
        "Bare partene sammen, når de forhandler. Arbeidsgiveren kan ikke endre en avtale alene.",
    ),
    Niva(
        "politisk",
        "Lokalt politisk vedtak",
        "Vedtak i kommunestyret eller fylkestinget, eller i et utvalg som har fått myndighet.",
        "Politikerne, med et nytt vedtak. Administrasjonen kan legge fram en sak med forslag "
        "om endring.",
    ),
    Niva(
        "skjonn",
        "Administrativt skjønn",
        "Valg som kommunedirektøren og lederne tar innenfor den myndigheten de har fått.",
        "Den lederen som tok beslutningen, eller en leder over. Det kan skje raskt, gjerne "
        "etter innspill fra de ansatte.",
    ),
    Niva(
        "vane",
        "Vane og praksis",
        "«Slik har vi alltid gjort det.» Ingen har egentlig bestemt det.",
        "Dere selv. Ofte er det nok at teamet blir enige om å prøve noe nytt.",
    ),
)

SAKER: tuple[Sak, ...] = (
    Sak(
        "hviletid",
        "En ansatt vil jobbe to lange vakter rett etter hverandre, med bare en kort pause "
        "imellom. Reglene om hvile mellom vaktene stopper det.",
        "lov",
        "Reglene om arbeidstid og hvile står i arbeidsmiljøloven. Loven åpner for noen unntak, "
        "men bare innenfor de rammene den selv setter.",
    ),
    Sak(
        "journal",
        "Sykepleierne i hjemmetjenesten må dokumentere helsehjelpen de gir, i en journal.",
        "lov",
        "Plikten til å føre journal står i helselovgivningen. Men hvordan dere dokumenterer, "
        "for eksempel når på dagen og med hvilket verktøy, er ofte skjønn eller vane.",
    ),
    Sak(
        "helgetillegg",
        "Ansatte som jobber på lørdag og søndag, får et tillegg i lønnen.",
        "avtale",
        "Tillegget står i tariffavtalen. Det er partene som har forhandlet det fram, og det "
        "endres bare i nye forhandlinger.",
    ),
    Sak(
        "digitalisering",
        "Kommunen vil innføre et nytt digitalt system. De tillitsvalgte skal få informasjon "
        "og drøfte saken tidlig.",
        "avtale",
        "Hovedavtalen sier at ansatte og organisasjonene deres skal involveres tidlig i "
        "omstilling. Protokollen fra forhandlingene i desember 2023 regner digitalisering og "
        "ny teknologi som omstilling i perioden 2024–2025. Sjekk avtalen som gjelder nå.",
    ),
    Sak(
        "heltid",
        "Kommunestyret har vedtatt at nye stillinger i helse og omsorg som hovedregel skal "
        "lyses ut som hele stillinger.",
        "politisk",
        "Dette er et lokalt politisk vedtak. Det gjelder til politikerne vedtar noe annet.",
    ),
    Sak(
        "apningstid",
        "Biblioteket har åpent til klokken 20 to dager i uken. Det ble bestemt i budsjettet som "
        "kommunestyret vedtok.",
        "politisk",
        "Budsjettet er vedtatt av kommunestyret. Å endre åpningstiden krever et nytt politisk "
        "vedtak, eller at politikerne har gitt administrasjonen rom til å justere den.",
    ),
    Sak(
        "avviksrutine",
        "Enhetslederen har bestemt at alle avvik skal sendes til henne på e-post før de "
        "registreres i avvikssystemet.",
        "skjonn",
        "Dette er en lokal rutine som en leder har innført. Plikten til å melde avvik kan stå "
        "i regelverket, men denne ekstra runden har lederen selv bestemt.",
    ),
    Sak(
        "motemal",
        "Kommunedirektøren har bestemt at alle enheter skal bruke samme mal for referater fra "
        "personalmøter.",
        "skjonn",
        "Kommunedirektøren leder administrasjonen og kan bestemme slike rutiner. Ingen lov "
        "eller avtale krever akkurat denne malen.",
    ),
    Sak(
        "papir",
        "Ansatte skriver notater på papir og fører dem inn i datasystemet senere. Ingen vet "
        "hvem som bestemte det.",
        "vane",
        "Ingen har vedtatt dette. Det er en vane. Ofte er det her det største ubrukte "
        "handlingsrommet ligger.",
    ),
    Sak(
        "personalmote",
        "Personalmøtet er alltid tirsdag klokken 14 og varer i to timer. Slik har det vært i "
        "mange år.",
        "vane",
        "Tid og lengde på møtet er en vane. Teamet kan prøve et kortere møte eller en annen "
        "dag, uten å spørre noen utenfor.",
    ),
)


@dataclass(frozen=True)
class Sporsmal:
    """One question in the checklist, with advice if the answer is not «ja»."""

    nokkel: str
    kort: str
    tekst: str
    rad: str
    kritisk: bool = False


SPORSMAL: tuple[Sporsmal, ...] = (
    Sporsmal(
        "innbyggere",
        "Trygt for innbyggerne",
        "Får innbyggerne minst like trygg og god hjelp mens forsøket varer?",
        "Forsøket må ikke gå ut over sikkerheten eller rettighetene til innbyggerne. "
        "Gjør forsøket mindre, eller endre det.",
        kritisk=True,
    ),
    Sporsmal(
        "handlingsrom",
        "Innenfor handlingsrommet",
        "Ligger endringen innenfor det dere selv kan bestemme (skjønn eller vane)?",
        "Hvis endringen berører lov, avtale eller politisk vedtak, må dere ha med dem som "
        "kan endre den. Det er ikke et forbud, men et lengre løp.",
        kritisk=True,
    ),
    Sporsmal(
        "sluttdato",
        "Sluttdato",
        "Har forsøket en fast sluttdato, for eksempel om fire eller seks uker?",
        "Sett en sluttdato. Et forsøk med en slutt er lettere å si ja til og lettere å stoppe.",
    ),
    Sporsmal(
        "tilbake",
        "Kan gå tilbake",
        "Kan dere gå tilbake til slik det var før, uten store kostnader?",
        "Velg en versjon av forsøket som er lett å reversere, eller prøv i mindre skala først.",
    ),
    Sporsmal(
        "involvert",
        "Ansatte med",
        "Er de ansatte som berøres, med på å lage forsøket? Er tillitsvalgt og verneombud "
        "med når arbeidsforholdene endres?",
        "Ta med dem som berøres. De kjenner arbeidet best, og tidlig involvering gir bedre "
        "forsøk og mindre motstand.",
    ),
    Sporsmal(
        "maal",
        "Vet hva dere ser etter",
        "Har dere bestemt hva dere skal se etter for å vite om forsøket virket?",
        "Bestem på forhånd ett eller to tegn på at forsøket virker, og hvordan dere skal "
        "følge med på dem.",
    ),
    Sporsmal(
        "dele",
        "Deler det dere lærer",
        "Har dere avtalt når dere skal snakke om hva dere lærte, også hvis forsøket ikke "
        "virket?",
        "Sett av tid til å evaluere. Et forsøk som ikke virket, gir også kunnskap, hvis dere "
        "deler den.",
    ),
)

SVARVALG: tuple[tuple[str, str], ...] = (("Ja", "ja"), ("Nei", "nei"), ("Vet ikke", "vet_ikke"))
