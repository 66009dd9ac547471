"""P4 «Å mobilisere»: the teaching content of the chapter's widgets, as data.

The four co-creation types and the invented initiatives, and the resources and invented challenges
of the resource map. All cases are invented examples and name no real municipality.
The logic and the views that use them are in :mod:`widgets.mobilisere`.
"""
from __future__ import annotations

from dataclasses import dataclass

from fellesregler.sprak import N_, oversetter
from widgets._common import Oversatt

_ = oversetter("widgets")

__all__ = ['EKSEMPLER', 'Eksempel', 'RESSURSER', 'Ressurs', 'Samskapingstype', 'TYPER', 'UTFORDRINGER', 'Utfordring']


@dataclass(frozen=True)
class Samskapingstype(Oversatt):
    """One of the four co-creation types, with the course's working definition."""

    _tekstfelt = frozenset({"navn", "hvem_styrer", "kjennetegn"})

    nokkel: str
    navn: str
    hvem_styrer: str
    kjennetegn: str


TYPER: dict[str, Samskapingstype] = {
    t.nokkel: t
    for t in (
        Samskapingstype(
            "likeverdig",
            N_("Likeverdig samskaping"),
            N_("Alle parter sammen"),
            N_(
                "Kommunen og de andre definerer problemet sammen, bestemmer sammen og deler på arbeid og "
                "kostnader. Ingen part bestemmer alene."
            ),
        ),
        Samskapingstype(
            "styrt",
            N_("Styrt samskaping"),
            N_("Kommunen"),
            N_(
                "Kommunen bestemmer mål, rammer og opplegg. Innbyggere, frivillige eller bedrifter blir "
                "invitert til å bidra innenfor det kommunen har bestemt."
            ),
        ),
        Samskapingstype(
            "fasiliterende",
            N_("Fasiliterende samskaping"),
            N_("Innbyggerne eller organisasjonene"),
            N_(
                "Initiativet og styringen ligger hos innbyggere, frivillige eller næringsliv. Kommunen "
                "legger til rette, for eksempel med lokaler, råd, kontakter eller små tilskudd."
            ),
        ),
        Samskapingstype(
            "ansvarliggjorende",
            N_("Ansvarliggjørende samskaping"),
            N_("Den som har fått ansvaret, etter avtale"),
            N_(
                "Kommunen overlater ansvaret for en bestemt oppgave til innbyggere eller en organisasjon, "
                "ofte gjennom en avtale. De andre tar ansvaret for å utføre oppgaven, og kommunen følger "
                "opp."
            ),
        ),
    )
}


@dataclass(frozen=True)
class Eksempel(Oversatt):
    """An invented initiative to classify, with the type we think fits best and why."""

    _tekstfelt = frozenset({"tittel", "tekst", "forklaring"})

    nokkel: str
    tittel: str
    tekst: str
    riktig: str
    forklaring: str


EKSEMPLER: tuple[Eksempel, ...] = (
    Eksempel(
        "aktivitetspark",
        N_("Aktivitetsparken i boligfeltet"),
        N_(
            "Naboer i et boligfelt vil lage en aktivitetspark. De har startet en dugnadsgruppe og "
            "bestemmer selv hvordan parken skal se ut. Kommunen låner ut utstyr, gir råd om søknader "
            "og setter dem i kontakt med grunneieren."
        ),
        "fasiliterende",
        N_("Initiativet og beslutningene ligger hos naboene. Kommunen legger til rette, men styrer ikke."),
    ),
    Eksempel(
        "turvenner",
        N_("Turvenner for eldre"),
        N_(
            "Kommunen har bestemt at flere eldre skal komme seg ut på tur. Helse- og omsorgstjenesten "
            "har laget et fast opplegg med ruter, tider og mål, og inviterer frivillige til å gå med "
            "som turvenner etter planen."
        ),
        "styrt",
        N_(
            "Kommunen har bestemt mål og opplegg. De frivillige bidrar innenfor rammer de ikke har "
            "vært med på å lage."
        ),
    ),
    Eksempel(
        "ungdom",
        N_("Et sentrum for ungdom"),
        N_(
            "Kommunen, en gruppe ungdommer og et idrettslag setter seg ned for å finne ut hva som "
            "mangler for ungdom i sentrum. De blir enige om hva de vil prøve ut, og deler på arbeidet "
            "og kostnadene."
        ),
        "likeverdig",
        N_("Partene definerer problemet sammen, bestemmer sammen og deler på ressursene."),
    ),
    Eksempel(
        "badeplass",
        N_("Badeplassen"),
        N_(
            "Kommunen og en velforening inngår en avtale. Velforeningen skal holde en badeplass ren og "
            "trygg om sommeren og får et fast tilskudd. Den melder fra til kommunen hvis noe må "
            "repareres."
        ),
        "ansvarliggjorende",
        N_(
            "Kommunen har overlatt ansvaret for en bestemt oppgave til velforeningen gjennom en "
            "avtale, og følger opp."
        ),
    ),
    Eksempel(
        "digital-hjelp",
        N_("Digital hjelp på biblioteket"),
        N_(
            "En pensjonistforening vil hjelpe eldre med mobil, nettbank og digitale skjemaer. "
            "Foreningen lager opplegget selv. Kommunen låner ut et rom på biblioteket og sprer "
            "informasjon om tilbudet."
        ),
        "fasiliterende",
        N_("Det er foreningen som eier og styrer tilbudet. Kommunen bidrar med rom og informasjon."),
    ),
    Eksempel(
        "ryddedag",
        N_("Ryddedag i strandsonen"),
        N_(
            "Kommunen har vedtatt en plan for å rydde strendene. Den organiserer en ryddedag, "
            "bestemmer hvor det skal ryddes, og inviterer bedrifter til å stille med ansatte."
        ),
        "styrt",
        N_("Kommunen styrer mål, sted og opplegg. Bedriftene bidrar med folk innenfor kommunens rammer."),
    ),
    Eksempel(
        "kunstgress",
        N_("Banen til idrettslaget"),
        N_(
            "Kommunen eier en kunstgressbane. Etter en avtale driver og vedlikeholder idrettslaget "
            "banen, og leier den ut til andre. Avtalen sier hva laget har ansvar for, og hva kommunen "
            "gjør."
        ),
        "ansvarliggjorende",
        N_(
            "Idrettslaget har fått ansvaret for driften gjennom en avtale. Kommunen eier banen og "
            "følger opp avtalen."
        ),
    ),
)


@dataclass(frozen=True)
class Ressurs(Oversatt):
    """A resource outside the usual line of service, with what it can give and what to clarify."""

    _tekstfelt = frozenset({"navn", "bidrag", "avklar"})

    nokkel: str
    navn: str
    bidrag: str
    avklar: str


RESSURSER: dict[str, Ressurs] = {
    r.nokkel: r
    for r in (
        Ressurs(
            "innbyggere",
            N_("Innbyggerne"),
            N_("Kunnskap om egne behov, ideer og innsats i eget nærmiljø."),
            N_(
                "Hvordan dere når dem som sjelden deltar, og hvordan dere viser hva innspillene ble brukt "
                "til."
            ),
        ),
        Ressurs(
            "frivillige",
            N_("Frivillige organisasjoner"),
            N_("Tid, nettverk, aktiviteter og kontakt med miljøer kommunen ikke når alene."),
            N_(
                "At frivillig innsats kommer i tillegg og ikke erstatter lovpålagte tjenester eller faste "
                "stillinger. Hvem som er kontaktperson i kommunen."
            ),
        ),
        Ressurs(
            "naeringsliv",
            N_("Lokalt næringsliv"),
            N_("Kompetanse, utstyr, arbeidsplasser, praksisplasser og av og til penger."),
            N_(
                "Regler for offentlige anskaffelser, likebehandling og habilitet. Avtalen bør være åpen og "
                "skriftlig."
            ),
        ),
        Ressurs(
            "ansatte",
            N_("Ansattes ubrukte kompetanse"),
            N_(
                "Kompetanse fra tidligere jobber, utdanning, språk, fritid og digitale ferdigheter som "
                "ikke brukes i jobben i dag."
            ),
            N_(
                "Med tillitsvalgte og den ansatte hvordan oppgaven passer i stillingen, arbeidstiden og "
                "lønnen. Det skal være frivillig å bidra med kompetanse utenfor stillingen."
            ),
        ),
    )
}


@dataclass(frozen=True)
class Utfordring(Oversatt):
    """An invented local challenge, with the resources we propose to consider and why."""

    _tekstfelt = frozenset({"tittel", "begrunnelse"})

    nokkel: str
    tittel: str
    foreslatte: frozenset[str]
    begrunnelse: str


UTFORDRINGER: tuple[Utfordring, ...] = (
    Utfordring(
        "ensomhet",
        N_("Mange eldre er ensomme"),
        frozenset({"innbyggere", "frivillige", "ansatte"}),
        N_(
            "De eldre selv vet best hva som hjelper. Frivillige kan gi fellesskap, og ansatte i "
            "tjenestene ser hvem som trenger det."
        ),
    ),
    Utfordring(
        "sommerjobb",
        N_("For få sommerjobber for ungdom"),
        frozenset({"naeringsliv", "frivillige", "innbyggere"}),
        N_("Bedrifter og lag har jobber og oppgaver. Ungdommene selv vet hva som gjør en jobb attraktiv."),
    ),
    Utfordring(
        "digital",
        N_("Mange innbyggere får ikke til digitale tjenester"),
        frozenset({"frivillige", "ansatte", "naeringsliv", "innbyggere"}),
        N_(
            "Frivillige og lokale bedrifter kan gi opplæring. Mange ansatte har digital kompetanse som "
            "kan deles, og innbyggerne kan fortelle hva som er vanskelig."
        ),
    ),
)
