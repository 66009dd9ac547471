"""Fremtidsøvelse: a simple labour-gap projection towards 2040.

This is the course's own exercise, made in the spirit of KS's
«Fremtidsverktøyet Norge 2040». It is *not* KS's tool and uses no data of its
own: the learner types in the municipality's numbers, and the model is
deliberately simple so that every step can be explained in plain words.

Model (one step per year from ``START_AAR`` to ``MAAL_AAR``; levers phase in evenly):

* need (behov): today's årsverk, growing evenly by the expected growth in
  demand for services, then reduced by the share solved through
  digitalisation and the share solved together with others (samskaping);
* staff (bemanning): today's årsverk minus yearly loss (avgang, reduced by
  the retention lever) plus yearly recruitment; a stronger full-time culture
  gives more årsverk from the same people;
* gap: need minus staff. Positive means too few årsverk.

The logic is plain functions over dataclasses; :class:`Fremtidsovelse` is a
thin ipywidgets view.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import ipywidgets as widgets
import traitlets

from widgets._common import InputError, esc, feedback_html, tabell_html, tall

__all__ = [
    "START_AAR",
    "MAAL_AAR",
    "SPAKER",
    "EKSEMPEL",
    "Kommunetall",
    "Spaker",
    "Aarsrad",
    "Framskriving",
    "les_tall",
    "lag_kommunetall",
    "lag_spaker",
    "framskriv",
    "spakeffekter",
    "forklaring",
    "Fremtidsovelse",
]

START_AAR = 2026
MAAL_AAR = 2040

#: Upper limits that catch typing errors (an extra zero and so on).
MAKS_AARSVERK = 100_000
MIN_VEKST, MAKS_VEKST = -50.0, 200.0
MAKS_ANDEL_PER_AAR = 0.5  # loss or recruitment above half the staff each year is not plausible
MAKS_SPAK = 50.0

#: The levers: key -> (label shown to the learner, plain explanation).
SPAKER: dict[str, tuple[str, str]] = {
    "digitalisering": (
        "Digitalisering",
        "Ny teknologi løser en del av oppgavene, så behovet for årsverk blir mindre.",
    ),
    "heltid": (
        "Heltidskultur",
        "Flere ansatte i hele stillinger gir flere årsverk fra de samme menneskene.",
    ),
    "samskaping": (
        "Samskaping",
        "Innbyggere, frivillige og næringsliv skaper en del av velferden sammen med kommunen.",
    ),
    "beholde": (
        "Beholde ansatte",
        "Færre slutter hvert år når arbeidsplassen er god å være på og å utvikle seg i.",
    ),
}

#: Example numbers for a made-up municipality. Not data about any real municipality.
EKSEMPEL = {"aarsverk": "1000", "vekst": "20", "avgang": "70", "rekruttering": "60"}


@dataclass(frozen=True)
class Kommunetall:
    """The municipality's numbers, already checked.

    Attributes
    ----------
    aarsverk : float
        Årsverk (full-time equivalents) today.
    vekst_prosent : float
        Expected growth in demand for services from today to 2040, in per cent.
    avgang_per_aar : float
        Årsverk lost each year (retirement and turnover).
    rekruttering_per_aar : float
        Årsverk recruited each year.
    """

    aarsverk: float
    vekst_prosent: float
    avgang_per_aar: float
    rekruttering_per_aar: float


@dataclass(frozen=True)
class Spaker:
    """The levers, each in per cent (0–50). Zero means «as today»."""

    digitalisering: float = 0.0
    heltid: float = 0.0
    samskaping: float = 0.0
    beholde: float = 0.0

    def er_i_bruk(self) -> bool:
        return any(getattr(self, navn) > 0 for navn in SPAKER)


@dataclass(frozen=True)
class Aarsrad:
    """One year of the projection."""

    aar: int
    behov: float
    bemanning: float

    @property
    def gap(self) -> float:
        return self.behov - self.bemanning


@dataclass(frozen=True)
class Framskriving:
    """The whole projection from ``START_AAR`` to ``MAAL_AAR``."""

    tall: Kommunetall
    spaker: Spaker
    rader: list[Aarsrad] = field(default_factory=list)

    @property
    def slutt(self) -> Aarsrad:
        return self.rader[-1]

    @property
    def gap(self) -> float:
        return self.slutt.gap

    @property
    def gap_prosent(self) -> float:
        """The gap in 2040 as a share of the need in 2040, in per cent."""
        behov = self.slutt.behov
        return 0.0 if behov == 0 else 100.0 * self.gap / behov


# --------------------------------------------------------------------------- input


def les_tall(verdi: object, navn: str) -> float:
    """Read one number typed by a learner.

    Accepts numbers and text with Norwegian conventions: spaces as thousands
    separators, a decimal comma and an optional trailing «%».

    Raises
    ------
    InputError
        If the field is empty or not a finite number. The message names the field.

    Examples
    --------
    >>> les_tall("1 250,5", "Årsverk i dag")
    1250.5
    """
    if verdi is None or isinstance(verdi, bool):
        raise InputError(f"Feltet «{navn}» er tomt. Skriv inn et tall.")
    if isinstance(verdi, (int, float)):
        x = float(verdi)
    else:
        tekst = str(verdi).strip()
        if not tekst:
            raise InputError(f"Feltet «{navn}» er tomt. Skriv inn et tall.")
        renset = tekst.rstrip("%").strip()
        for mellomrom in (" ", "\u00a0", "\u202f", "\u2009"):
            renset = renset.replace(mellomrom, "")
        renset = renset.replace("\u2212", "-").replace(",", ".")
        try:
            x = float(renset)
        except ValueError:
            raise InputError(
                f"«{tekst}» i feltet «{navn}» er ikke et tall. Skriv bare sifre, for eksempel 120 eller 2,5."
            ) from None
    if not math.isfinite(x):
        raise InputError(f"Feltet «{navn}» må være et vanlig tall.")
    return x


def _ikke_negativ(x: float, navn: str, hint: str = "Skriv 0 eller et høyere tall.") -> None:
    if x < 0:
        raise InputError(f"Feltet «{navn}» kan ikke være negativt. {hint}")


def lag_kommunetall(aarsverk: object, vekst: object, avgang: object, rekruttering: object) -> Kommunetall:
    """Check the four numbers and return them as :class:`Kommunetall`.

    Raises
    ------
    InputError
        With a Norwegian message for empty, non-numeric, negative or implausible numbers.
    """
    a = les_tall(aarsverk, "Årsverk i dag")
    _ikke_negativ(a, "Årsverk i dag", "Skriv et tall større enn 0.")
    if a == 0:
        raise InputError("Feltet «Årsverk i dag» må være større enn 0.")
    if a > MAKS_AARSVERK:
        raise InputError(
            f"{tall(a)} årsverk er urimelig mange for én kommune. Sjekk om du har skrevet en null for mye."
        )
    v = les_tall(vekst, "Vekst i behov")
    if v < MIN_VEKST or v > MAKS_VEKST:
        raise InputError(
            f"Veksten i behov må være mellom {tall(MIN_VEKST)} og {tall(MAKS_VEKST)} prosent. "
            "Et behov som synker, skriver du med minus foran."
        )
    grense = MAKS_ANDEL_PER_AAR * a
    ut = les_tall(avgang, "Avgang per år")
    _ikke_negativ(ut, "Avgang per år")
    if ut > grense:
        raise InputError(
            f"En avgang på {tall(ut)} årsverk hvert år er mer enn halvparten av de ansatte. Sjekk tallet."
        )
    inn = les_tall(rekruttering, "Rekruttering per år")
    _ikke_negativ(inn, "Rekruttering per år")
    if inn > grense:
        raise InputError(
            f"En rekruttering på {tall(inn)} årsverk hvert år er mer enn halvparten av de ansatte. Sjekk tallet."
        )
    return Kommunetall(a, v, ut, inn)


def lag_spaker(**prosent: object) -> Spaker:
    """Check lever values (per cent, 0–50) and return :class:`Spaker`.

    Raises
    ------
    InputError
        For an unknown lever or a value outside 0–50.
    """
    verdier: dict[str, float] = {}
    for navn, verdi in prosent.items():
        if navn not in SPAKER:
            raise InputError(f"Spaken «{navn}» finnes ikke i øvelsen.")
        etikett = SPAKER[navn][0]
        x = les_tall(verdi, etikett)
        _ikke_negativ(x, etikett)
        if x > MAKS_SPAK:
            raise InputError(f"Spaken «{etikett}» kan være høyst {tall(MAKS_SPAK)} prosent i denne øvelsen.")
        verdier[navn] = x
    return Spaker(**verdier)


# --------------------------------------------------------------------------- model


def framskriv(kt: Kommunetall, spaker: Spaker | None = None) -> Framskriving:
    """Project need, staff and gap for every year from ``START_AAR`` to ``MAAL_AAR``.

    Loss and recruitment act from the first year on. The levers phase in
    evenly, with no effect today and full effect in ``MAAL_AAR``.

    Examples
    --------
    >>> f = framskriv(Kommunetall(1000, 20, 70, 60))
    >>> round(f.slutt.behov), round(f.slutt.bemanning), round(f.gap)
    (1200, 860, 340)
    """
    sp = spaker or Spaker()
    aar_totalt = MAAL_AAR - START_AAR
    rader: list[Aarsrad] = []
    folk = kt.aarsverk
    for i in range(aar_totalt + 1):
        # The levers phase in evenly: no effect today, full effect in 2040.
        andel = i / aar_totalt
        if i > 0:
            avgang = kt.avgang_per_aar * (1 - sp.beholde / 100 * andel)
            folk = max(0.0, folk + kt.rekruttering_per_aar - avgang)
        behov = kt.aarsverk * (1 + kt.vekst_prosent / 100 * andel)
        behov *= (1 - sp.digitalisering / 100 * andel) * (1 - sp.samskaping / 100 * andel)
        bemanning = folk * (1 + sp.heltid / 100 * andel)
        rader.append(Aarsrad(START_AAR + i, behov, bemanning))
    return Framskriving(kt, sp, rader)


def spakeffekter(kt: Kommunetall, spaker: Spaker) -> dict[str, float]:
    """How many årsverk of the 2040 gap each lever closes on its own.

    The sum may differ a little from the combined effect, because the levers
    work on each other (for example, full-time culture on a smaller staff).
    """
    uten = framskriv(kt).gap
    effekt: dict[str, float] = {}
    for navn in SPAKER:
        alene = Spaker(**{navn: getattr(spaker, navn)})
        effekt[navn] = uten - framskriv(kt, alene).gap
    return effekt


def _pst(x: float) -> str:
    return tall(x, 0 if float(x).is_integer() else 1)


def forklaring(f: Framskriving) -> list[str]:
    """Plain-language sentences that explain a projection, in order."""
    kt, slutt = f.tall, f.slutt
    aar = MAAL_AAR - START_AAR
    netto = kt.rekruttering_per_aar - kt.avgang_per_aar
    linjer = [
        f"I dag har kommunen {tall(kt.aarsverk)} årsverk. Vi regner med at behovet for tjenester "
        f"endrer seg jevnt med {_pst(kt.vekst_prosent)} prosent fram til {MAAL_AAR}.",
    ]
    if netto < 0:
        linjer.append(
            f"Hvert år slutter {tall(kt.avgang_per_aar)} årsverk og {tall(kt.rekruttering_per_aar)} kommer til. "
            f"Da mister kommunen {tall(-netto)} årsverk i året, eller {tall(-netto * aar)} på {aar} år."
        )
    elif netto > 0:
        linjer.append(
            f"Hvert år slutter {tall(kt.avgang_per_aar)} årsverk og {tall(kt.rekruttering_per_aar)} kommer til. "
            f"Da vokser bemanningen med {tall(netto)} årsverk i året."
        )
    else:
        linjer.append("Like mange årsverk kommer til som slutter hvert år, så bemanningen står stille.")
    if f.spaker.er_i_bruk():
        linjer.append("Spakene du har valgt, virker gradvis: litt de første årene og fullt i " f"{MAAL_AAR}.")
    if f.gap > 0.5:
        linjer.append(
            f"I {MAAL_AAR} trenger kommunen om lag {tall(slutt.behov)} årsverk, men har om lag "
            f"{tall(slutt.bemanning)}. Det mangler {tall(f.gap)} årsverk, eller {tall(f.gap_prosent)} prosent "
            "av behovet."
        )
    elif f.gap < -0.5:
        linjer.append(
            f"I {MAAL_AAR} trenger kommunen om lag {tall(slutt.behov)} årsverk og har om lag "
            f"{tall(slutt.bemanning)}. Med disse tallene er det ingen mangel. Sjekk om tallene er realistiske, "
            "og tenk på om kommunen har riktig kompetanse, ikke bare nok årsverk."
        )
    else:
        linjer.append(f"I {MAAL_AAR} går behov og bemanning omtrent opp med disse tallene.")
    return linjer


# --------------------------------------------------------------------------- view


def _tabell_html(f: Framskriving) -> str:
    vis = {START_AAR, 2030, 2035, MAAL_AAR}
    hoyre = "style='text-align:right'"
    rader = "".join(
        f"<tr><th scope='row'>{r.aar}</th><td {hoyre}>{tall(r.behov)}</td><td {hoyre}>{tall(r.bemanning)}</td>"
        f"<td {hoyre}>{tall(r.gap)}</td></tr>"
        for r in f.rader
        if r.aar in vis
    )
    return tabell_html(
        "Framskriving i årsverk (forenklet modell)",
        ("År", "Behov", "Bemanning", "Gap (behov minus bemanning)"),
        rader,
        klasse="kurs-tabell",
    )


def _spaker_html(f: Framskriving) -> str:
    if not f.spaker.er_i_bruk():
        punkter = "".join(
            f"<li><strong>{esc(etikett)}:</strong> {esc(tekst)}</li>" for etikett, tekst in SPAKER.values()
        )
        return (
            "<p>Du har ikke tatt i bruk noen spaker ennå. Prøv å velge noen prosenter under «Spaker». "
            "Dette er spakene i øvelsen:</p>"
            f"<ul>{punkter}</ul>"
        )
    effekt = spakeffekter(f.tall, f.spaker)
    punkter = "".join(
        f"<li><strong>{esc(SPAKER[n][0])} ({_pst(getattr(f.spaker, n))} %):</strong> "
        f"tetter om lag {tall(effekt[n])} årsverk av gapet alene. {esc(SPAKER[n][1])}</li>"
        for n in SPAKER
        if getattr(f.spaker, n) > 0
    )
    return f"<p>Slik virker spakene du har valgt:</p><ul>{punkter}</ul>"


class Fremtidsovelse(widgets.VBox):
    """Kursets egen fremtidsøvelse: et enkelt regnestykke for gapet mellom behov og bemanning i 2040.

    The learner types in four numbers for the municipality and may try four
    levers. The view recomputes at every change and explains the result.

    Parameters
    ----------
    **kwargs
        Initial trait values, for example ``aarsverk="500"``.

    Examples
    --------
    >>> ovelse = Fremtidsovelse(aarsverk="500", vekst="10", avgang="30", rekruttering="30")
    >>> round(ovelse.resultat.gap)
    50
    >>> ovelse.digitalisering = 10
    >>> round(ovelse.resultat.gap)
    -5
    """

    aarsverk = traitlets.Unicode(EKSEMPEL["aarsverk"], help="Årsverk i kommunen i dag, slik det er skrevet inn.")
    vekst = traitlets.Unicode(EKSEMPEL["vekst"], help="Forventet vekst i behovet for tjenester til 2040, i prosent.")
    avgang = traitlets.Unicode(EKSEMPEL["avgang"], help="Forventet avgang (pensjon og andre som slutter) i årsverk per år.")
    rekruttering = traitlets.Unicode(EKSEMPEL["rekruttering"], help="Forventet rekruttering i årsverk per år.")
    digitalisering = traitlets.Int(0, help="Spak: andel av behovet som løses med teknologi i 2040, i prosent.")
    heltid = traitlets.Int(0, help="Spak: flere årsverk fra de samme ansatte i 2040, i prosent.")
    samskaping = traitlets.Int(0, help="Spak: andel av behovet som løses sammen med andre i 2040, i prosent.")
    beholde = traitlets.Int(0, help="Spak: hvor mye mindre avgangen blir, i prosent.")
    resultat = traitlets.Instance(Framskriving, allow_none=True, help="Siste gyldige framskriving, ellers None.")
    feil = traitlets.Unicode("", help="Feilmeldingen ved ugyldige tall, ellers tom.")

    def __init__(self, **kwargs):
        bredde = {"description_width": "17em"}
        rad = {"width": "100%", "max_width": "30em"}
        self._felter = {
            "aarsverk": widgets.Text(
                description="Årsverk i dag", placeholder="for eksempel 1000", style=bredde, layout=rad
            ),
            "vekst": widgets.Text(
                description=f"Vekst i behov til {MAAL_AAR} (%)",
                placeholder="for eksempel 20",
                style=bredde,
                layout=rad,
            ),
            "avgang": widgets.Text(
                description="Avgang per år (årsverk)", placeholder="pensjon og andre som slutter", style=bredde, layout=rad
            ),
            "rekruttering": widgets.Text(
                description="Rekruttering per år (årsverk)", placeholder="for eksempel 60", style=bredde, layout=rad
            ),
        }
        for felt in self._felter.values():
            felt.continuous_update = False
        self._spakvalg = {
            navn: widgets.BoundedIntText(
                value=0, min=0, max=int(MAKS_SPAK), step=5, description=f"{etikett} (%)", style=bredde, layout=rad
            )
            for navn, (etikett, _) in SPAKER.items()
        }
        self._eksempelknapp = widgets.Button(
            description="Bruk eksempeltallene",
            tooltip="Sett inn eksempeltallene og nullstill spakene",
            icon="undo",
            layout={"width": "auto", "align_self": "flex-start"},
        )
        self._melding = widgets.HTML()
        self._forklaring = widgets.HTML()
        super().__init__(**kwargs)
        for navn, felt in self._felter.items():
            traitlets.link((self, navn), (felt, "value"))
        for navn, valg in self._spakvalg.items():
            traitlets.link((self, navn), (valg, "value"))
        self._eksempelknapp.on_click(self._bruk_eksempel)
        self.children = [
            widgets.HTML(
                "<p><strong>Kursets egen framtidsøvelse.</strong> Dette er ikke Fremtidsverktøyet "
                "Norge 2040 fra KS. Tallene under er eksempeltall for en tenkt kommune. Bytt dem ut med tall for "
                "din kommune.</p>"
            ),
            widgets.HTML("<p><strong>Tallene for kommunen</strong></p>"),
            *self._felter.values(),
            widgets.HTML("<p><strong>Spaker (dine egne antakelser for 2040)</strong></p>"),
            *self._spakvalg.values(),
            self._eksempelknapp,
            self._melding,
            self._forklaring,
        ]
        self._update_resultat()

    @traitlets.validate("digitalisering", "heltid", "samskaping", "beholde")
    def _valider_spak(self, proposal) -> int:
        # Keep the trait and its number box in step: the box clamps to 0–50 as well.
        return min(max(int(proposal["value"]), 0), int(MAKS_SPAK))

    def _bruk_eksempel(self, _knapp=None) -> None:
        with self.hold_trait_notifications():
            for navn, verdi in EKSEMPEL.items():
                setattr(self, navn, verdi)
            for navn in SPAKER:
                setattr(self, navn, 0)
        self._update_resultat()

    @traitlets.observe(
        "aarsverk", "vekst", "avgang", "rekruttering", "digitalisering", "heltid", "samskaping", "beholde"
    )
    def _on_input(self, _change) -> None:
        self._update_resultat()

    def _update_resultat(self) -> None:
        try:
            kt = lag_kommunetall(self.aarsverk, self.vekst, self.avgang, self.rekruttering)
            sp = lag_spaker(**{navn: getattr(self, navn) for navn in SPAKER})
        except InputError as e:
            self.feil = str(e)
            self.resultat = None
            self._melding.value = feedback_html(str(e), "feil", title="Sjekk tallene.")
            self._forklaring.value = ""
            return
        f = framskriv(kt, sp)
        self.feil = ""
        self.resultat = f
        if f.gap > 0.5:
            hoved = feedback_html(
                f"Med disse tallene mangler kommunen om lag {tall(f.gap)} årsverk i {MAAL_AAR}.",
                "info",
                title="Resultat:",
            )
        else:
            hoved = feedback_html(
                f"Med disse tallene har kommunen nok årsverk i {MAAL_AAR}.", "ok", title="Resultat:"
            )
        varsel = ""
        if kt.vekst_prosent < 0:
            varsel = feedback_html(
                "Du har skrevet at behovet for tjenester synker. Det kan skje, for eksempel når det blir "
                "færre barn. Sjekk at minustegnet er riktig.",
                "info",
            )
        self._melding.value = hoved + varsel
        tekst = "".join(f"<p>{esc(linje)}</p>" for linje in forklaring(f))
        self._forklaring.value = (
            _tabell_html(f)
            + tekst
            + _spaker_html(f)
            + "<p><em>Modellen er bevisst enkel. Den er et utgangspunkt for samtale, ikke en prognose.</em></p>"
        )
