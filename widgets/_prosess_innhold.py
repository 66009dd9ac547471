"""«Prosessdesign»: the teaching content of the chapter's widget, as data.

Who can take part and the six phases of the process for a new arbeidsgiverpolitikk, with the example
plan. The texts are bokmål, marked with ``N_()``; the
dataclasses give them in the målform in force (:class:`widgets._common.Oversatt`). The logic and
the view that use them are in :mod:`widgets.prosess`.
"""
from __future__ import annotations

from dataclasses import dataclass

from fellesregler.sprak import N_
from widgets._common import Oversatt

__all__ = ['DELTAKERE', 'FASER', 'Fase']


DELTAKERE: dict[str, str] = {
    "folkevalgte": N_("Folkevalgte"),
    "toppledelse": N_("Administrativ ledelse"),
    "ledere": N_("Ledere"),
    "ansatte": N_("Ansatte"),
    "tillitsvalgte": N_("Tillitsvalgte"),
    "verneombud": N_("Verneombud"),
    "hr": N_("HR (personalavdelingen)"),
}


@dataclass(frozen=True)
class Fase(Oversatt):
    """One phase of the proposed model.

    ``bor_med`` are participants whose absence gives a warning, with the reason in ``hvorfor``.
    """

    _tekstfelt = frozenset({"navn", "i_fasen", "hvorfor", "uten_fasen", "aktiviteter"})

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
        N_("Forankring og mandat"),
        N_("forankringsfasen"),
        (
            N_("Politisk og administrativt mandat"),
            N_("Prosjektgruppe der partene er med"),
            N_("Plan for medvirkning og kommunikasjon"),
        ),
        frozenset({"folkevalgte", "toppledelse", "tillitsvalgte"}),
        N_(
            "Mandatet trenger politisk og administrativ forankring, og partene bør være med i "
            "prosjektgruppen fra starten."
        ),
        N_(
            "Uten forankring og mandat er det uklart hvem som eier arbeidet. Da blir det vanskelig å "
            "få politisk vedtak og gjennomføring senere."
        ),
        4,
        frozenset({"folkevalgte", "toppledelse", "tillitsvalgte", "hr"}),
    ),
    Fase(
        "innsikt",
        N_("Innsikt"),
        N_("innsiktsfasen"),
        (
            N_("Resultater fra 10-FAKTOR"),
            N_("Tall for sykefravær og rekruttering"),
            N_("Framtidsbildet mot 2040"),
        ),
        frozenset({"tillitsvalgte", "hr"}),
        N_("Et felles bilde av utfordringene krever at partene tolker tallene sammen."),
        N_("Uten innsikt bygger politikken på antakelser, ikke på felles forståelse av utfordringene."),
        6,
        frozenset({"toppledelse", "hr", "tillitsvalgte", "verneombud"}),
    ),
    Fase(
        "medvirkning",
        N_("Medvirkning"),
        N_("medvirkningsfasen"),
        (
            N_("Verksteder med ledere og ansatte"),
            N_("Innspill fra tillitsvalgte og verneombud"),
            N_("Dialog med folkevalgte"),
        ),
        frozenset({"ledere", "ansatte", "tillitsvalgte", "verneombud", "folkevalgte"}),
        N_("Medvirkning betyr at de som skal leve med politikken, er med og former den."),
        N_("Uten medvirkning er det lite sannsynlig at ansatte kjenner seg igjen i politikken."),
        8,
        frozenset({"ledere", "ansatte", "tillitsvalgte", "verneombud", "folkevalgte", "hr"}),
    ),
    Fase(
        "vedtak",
        N_("Høring og politisk vedtak"),
        N_("høringsfasen"),
        (
            N_("Høring i organisasjonen"),
            N_("Behandling i partssammensatt utvalg"),
            N_("Politisk vedtak"),
        ),
        frozenset({"folkevalgte", "tillitsvalgte"}),
        N_("De folkevalgte gjør vedtaket, og tillitsvalgte skal kunne gi sitt syn før det."),
        N_("Uten politisk vedtak mangler politikken politisk eierskap."),
        8,
        frozenset({"folkevalgte", "toppledelse", "tillitsvalgte", "ansatte"}),
    ),
    Fase(
        "strategi",
        N_("Arbeidsgiverstrategi og handlingsplan"),
        N_("strategifasen"),
        (
            N_("Konkrete mål og tiltak"),
            N_("Ansvar, ressurser og frister"),
            N_("Hvordan dere vil måle om det virker"),
        ),
        frozenset({"toppledelse", "ledere", "tillitsvalgte"}),
        N_("Tiltakene skal gjennomføres av ledere og berører ansatte, så partene bør lage dem sammen."),
        N_("Uten strategi og handlingsplan blir politikken ord uten tiltak."),
        6,
        frozenset({"toppledelse", "ledere", "tillitsvalgte", "hr"}),
    ),
    Fase(
        "oppfolging",
        N_("Implementering, oppfølging og evaluering"),
        N_("oppfølgingsfasen"),
        (
            N_("Tiltak settes i gang i enhetene"),
            N_("Jevnlig oppfølging i partssamarbeidet"),
            N_("Evaluering og justering"),
        ),
        frozenset({"ledere", "ansatte", "tillitsvalgte", "verneombud"}),
        N_("Det er i enhetene politikken skal leves, og partssamarbeidet følger opp."),
        N_("Uten oppfølging og evaluering vet dere ikke om politikken virker."),
        52,
        frozenset({"toppledelse", "ledere", "ansatte", "tillitsvalgte", "verneombud", "hr", "folkevalgte"}),
    ),
)
