"""The model of the course's own fremtidsøvelse: a simple labour-gap projection towards 2040.

Model (one step per year from ``START_AAR`` to ``MAAL_AAR``; levers phase in evenly):

* need (behov): today's årsverk, growing evenly by the expected growth in
  demand for services, then reduced by the share solved through
  digitalisation and the share solved together with others (samskaping);
* staff (bemanning): today's årsverk minus yearly loss (avgang, reduced by
  the retention lever) plus yearly recruitment; a stronger full-time culture
  gives more årsverk from the same people;
* gap: need minus staff. Positive means too few årsverk.

This module checks the learner's numbers and computes; :mod:`widgets.fremtid` explains the
result in words and shows it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from fellesregler.sprak import N_, oversetter
from widgets._common import InputError, tall

_ = oversetter("widgets")

__all__ = [
    "Aarsrad",
    "EKSEMPEL",
    "Framskriving",
    "Kommunetall",
    "MAAL_AAR",
    "MAKS_AARSVERK",
    "MAKS_ANDEL_PER_AAR",
    "MAKS_SPAK",
    "MAKS_VEKST",
    "MIN_VEKST",
    "SPAKER",
    "START_AAR",
    "Spaker",
    "framskriv",
    "lag_kommunetall",
    "lag_spaker",
    "les_tall",
    "spakeffekter",
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
        N_("Digitalisering"),
        N_("Ny teknologi løser en del av oppgavene, så behovet for årsverk blir mindre."),
    ),
    "heltid": (
        N_("Heltidskultur"),
        N_("Flere ansatte i hele stillinger gir flere årsverk fra de samme menneskene."),
    ),
    "samskaping": (
        N_("Samskaping"),
        N_("Innbyggere, frivillige og næringsliv skaper en del av velferden sammen med kommunen."),
    ),
    "beholde": (
        N_("Beholde ansatte"),
        N_("Færre slutter hvert år når arbeidsplassen er god å være på og å utvikle seg i."),
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
        raise InputError(_("Feltet «{navn}» er tomt. Skriv inn et tall.").format(navn=navn))
    if isinstance(verdi, (int, float)):
        x = float(verdi)
    else:
        tekst = str(verdi).strip()
        if not tekst:
            raise InputError(_("Feltet «{navn}» er tomt. Skriv inn et tall.").format(navn=navn))
        renset = tekst.rstrip("%").strip()
        for mellomrom in (" ", "\u00a0", "\u202f", "\u2009"):
            renset = renset.replace(mellomrom, "")
        renset = renset.replace("\u2212", "-").replace(",", ".")
        try:
            x = float(renset)
        except ValueError:
            raise InputError(
                _(
                    "«{tekst}» i feltet «{navn}» er ikke et tall. Skriv bare sifre, for eksempel 120 eller 2,5."
                ).format(tekst=tekst, navn=navn)
            ) from None
    if not math.isfinite(x):
        raise InputError(_("Feltet «{navn}» må være et vanlig tall.").format(navn=navn))
    return x


def _ikke_negativ(x: float, navn: str, hint: str = N_("Skriv 0 eller et høyere tall.")) -> None:
    if x < 0:
        raise InputError(_("Feltet «{navn}» kan ikke være negativt. {hint}").format(navn=navn, hint=_(hint)))


def lag_kommunetall(aarsverk: object, vekst: object, avgang: object, rekruttering: object) -> Kommunetall:
    """Check the four numbers and return them as :class:`Kommunetall`.

    Raises
    ------
    InputError
        With a Norwegian message for empty, non-numeric, negative or implausible numbers.
    """
    a = les_tall(aarsverk, _("Årsverk i dag"))
    _ikke_negativ(a, _("Årsverk i dag"), _("Skriv et tall større enn 0."))
    if a == 0:
        raise InputError(_("Feltet «Årsverk i dag» må være større enn 0."))
    if a > MAKS_AARSVERK:
        raise InputError(
            _(
                "{a} årsverk er urimelig mange for én kommune. Sjekk om du har skrevet en null for mye."
            ).format(a=tall(a))
        )
    v = les_tall(vekst, _("Vekst i behov"))
    if v < MIN_VEKST or v > MAKS_VEKST:
        raise InputError(
            _(
                "Veksten i behov må være mellom {min_vekst} og {maks_vekst} prosent. Et behov som synker, "
                "skriver du med minus foran."
            ).format(min_vekst=tall(MIN_VEKST), maks_vekst=tall(MAKS_VEKST))
        )
    grense = MAKS_ANDEL_PER_AAR * a
    ut = les_tall(avgang, _("Avgang per år"))
    _ikke_negativ(ut, _("Avgang per år"))
    if ut > grense:
        raise InputError(
            _(
                "En avgang på {ut} årsverk hvert år er mer enn halvparten av de ansatte. Sjekk tallet."
            ).format(ut=tall(ut))
        )
    inn = les_tall(rekruttering, _("Rekruttering per år"))
    _ikke_negativ(inn, _("Rekruttering per år"))
    if inn > grense:
        raise InputError(
            _(
                "En rekruttering på {inn} årsverk hvert år er mer enn halvparten av de ansatte. Sjekk "
                "tallet."
            ).format(inn=tall(inn))
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
            raise InputError(_("Spaken «{navn}» finnes ikke i øvelsen.").format(navn=navn))
        etikett = _(SPAKER[navn][0])
        x = les_tall(verdi, etikett)
        _ikke_negativ(x, etikett)
        if x > MAKS_SPAK:
            raise InputError(_(
                "Spaken «{etikett}» kan være høyst {maks_spak} prosent i denne øvelsen."
            ).format(etikett=etikett, maks_spak=tall(MAKS_SPAK)))
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
