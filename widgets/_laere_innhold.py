"""P3 «Å lære»: the teaching content of the chapter's widgets, as data.

The learning factors and the invented situations, and the steps of the learning loop. All cases are
invented examples and name no real municipality.
The logic and the views that use them are in :mod:`widgets.laere`.
"""
from __future__ import annotations

from dataclasses import dataclass

from fellesregler.sprak import N_, oversetter
from widgets._common import Oversatt

_ = oversetter("widgets")

__all__ = ['FAKTORER', 'Faktor', 'SITUASJONER', 'STEG', 'Situasjon', 'Steg']


@dataclass(frozen=True)
class Faktor(Oversatt):
    """One of the ten factors, with our own short description."""

    _tekstfelt = frozenset({"navn", "beskrivelse"})

    nokkel: str
    navn: str
    beskrivelse: str


@dataclass(frozen=True)
class Situasjon(Oversatt):
    """An invented workplace situation and the factor it mainly concerns."""

    _tekstfelt = frozenset({"tekst", "hvorfor"})

    nokkel: str
    tekst: str
    riktig: str
    hvorfor: str


FAKTORER: tuple[Faktor, ...] = (
    Faktor("indre_motivasjon", N_("Indre motivasjon"),
           N_("at arbeidsoppgavene i seg selv er interessante og gir glede")),
    Faktor("mestringstro", N_("Mestringstro"),
           N_("at den ansatte har tro på at hun eller han klarer oppgavene og utfordringene")),
    Faktor("autonomi", N_("Autonomi"),
           N_("at den ansatte selv kan bestemme hvordan arbeidet skal gjøres")),
    Faktor("bruk_av_kompetanse", N_("Bruk av kompetanse"),
           N_("at kunnskapen og ferdighetene den ansatte har, faktisk blir brukt i jobben")),
    Faktor("mestringsorientert_ledelse", N_("Mestringsorientert ledelse"),
           N_(
               "at lederen støtter læring og utvikling, gir tilbakemeldinger og hjelper den ansatte å "
               "mestre"
           )),
    Faktor("rolleklarhet", N_("Rolleklarhet"),
           N_("at den ansatte vet hva som er forventet, og hva som er ansvaret hennes eller hans")),
    Faktor("relevant_kompetanseutvikling", N_("Relevant kompetanseutvikling"),
           N_("at opplæring og utvikling passer til de oppgavene den ansatte har")),
    Faktor("fleksibilitetsvilje", N_("Fleksibilitetsvilje"),
           N_(
               "at den ansatte er villig til å lære nytt, ta nye oppgaver og endre måten å jobbe på"
           )),
    Faktor("mestringsklima", N_("Mestringsklima"),
           N_(
               "at kollegene på arbeidsplassen lærer av hverandre, hjelper hverandre og tåler at noe går "
               "galt"
           )),
    Faktor("prososial_motivasjon", N_("Prososial motivasjon"),
           N_(
               "at den ansatte blir motivert av å gjøre noe godt for andre, for eksempel innbyggerne"
           )),
)

SITUASJONER: tuple[Situasjon, ...] = (
    Situasjon(
        "ansvar",
        N_(
            "Etter omorganiseringen vet ikke Kari hvem som skal følge opp nye brukere. Hun og en "
            "kollega gjør av og til den samme jobben."
        ),
        "rolleklarhet",
        N_("Problemet er at ansvaret er uklart. Det handler om rolleklarhet."),
    ),
    Situasjon(
        "rekkefolge",
        N_(
            "Ahmed bestemmer selv rekkefølgen på besøkene sine, så lenge brukerne får den hjelpen de "
            "skal ha."
        ),
        "autonomi",
        N_("Ahmed har frihet til å bestemme hvordan han gjør jobben. Det er autonomi."),
    ),
    Situasjon(
        "feil",
        N_(
            "På avdelingen snakker kollegene åpent om feil på morgenmøtet, og de spør hverandre om "
            "hjelp. Ingen blir gjort narr av når noe går galt."
        ),
        "mestringsklima",
        N_(
            "Det er kollegene og kulturen på arbeidsplassen som støtter læring. Det er mestringsklima."
        ),
    ),
    Situasjon(
        "tilbakemelding",
        N_(
            "Lederen gir Siri konkrete tilbakemeldinger på hva hun har blitt bedre til, og hjelper "
            "henne å sette mål for det hun vil lære."
        ),
        "mestringsorientert_ledelse",
        N_("Det er lederen som støtter læringen. Det er mestringsorientert ledelse."),
    ),
    Situasjon(
        "ingenior",
        N_(
            "Jonas er utdannet ingeniør, men bruker det meste av tiden på å kopiere papirer og svare "
            "på telefonen."
        ),
        "bruk_av_kompetanse",
        N_("Jonas har kunnskap som ikke blir brukt. Det handler om bruk av kompetanse."),
    ),
    Situasjon(
        "kurs",
        N_(
            "Teamet fikk opplæring i det nye journalsystemet rett før de skulle bruke det. Kurset "
            "handlet om oppgavene de faktisk gjør."
        ),
        "relevant_kompetanseutvikling",
        N_(
            "Opplæringen passer til jobben og kommer når den trengs. Det er relevant "
            "kompetanseutvikling."
        ),
    ),
    Situasjon(
        "nye_oppgaver",
        N_(
            "Enheten skal jobbe på en ny måte. Mona sier ja til å lære nye oppgaver og bytte "
            "arbeidsmåte."
        ),
        "fleksibilitetsvilje",
        N_("Mona er villig til å endre seg og lære nytt. Det er fleksibilitetsvilje."),
    ),
    Situasjon(
        "forskjell",
        N_("Per sier at det viktigste for ham er å gjøre en forskjell for de eldre han hjelper."),
        "prososial_motivasjon",
        N_("Per blir motivert av å hjelpe andre. Det er prososial motivasjon."),
    ),
    Situasjon(
        "spennende",
        N_(
            "Leila synes oppgavene hennes er spennende i seg selv, og hun gleder seg til å gå på jobb."
        ),
        "indre_motivasjon",
        N_("Det er selve oppgavene som motiverer Leila. Det er indre motivasjon."),
    ),
    Situasjon(
        "klare_det",
        N_(
            "Ole har fått en vanskelig ny oppgave. Han er trygg på at han skal klare den, selv om det "
            "blir krevende."
        ),
        "mestringstro",
        N_("Ole har tro på at han mestrer oppgaven. Det er mestringstro."),
    ),
)


@dataclass(frozen=True)
class Steg(Oversatt):
    """One step of the learning loop; ``nr`` is its place in the loop."""

    _tekstfelt = frozenset({"kort", "tekst"})

    nokkel: str
    nr: int
    kort: str
    tekst: str


STEG: tuple[Steg, ...] = (
    Steg("problem", 1, N_("Beskrive problemet"),
         N_("Beskriv problemet dere vil løse, sammen med dem det gjelder.")),
    Steg("plan", 2, N_("Planlegge et lite forsøk"),
         N_("Planlegg et lite forsøk, og bestem hva dere skal se etter.")),
    Steg("prove", 3, N_("Prøve ut"),
         N_("Prøv forsøket i en avtalt periode.")),
    Steg("evaluere", 4, N_("Evaluere"),
         N_("Se på hva som skjedde, og snakk om hva dere lærte.")),
    Steg("beslutte", 5, N_("Bestemme og dele"),
         N_("Bestem om dere skal fortsette, justere eller stoppe. Del det dere lærte.")),
)
