"""Fremtidsøvelse: a simple labour-gap projection towards 2040.

This is the course's own exercise, made in the spirit of KS's
«Fremtidsverktøyet Norge 2040». It is *not* KS's tool and uses no data of its
own: the learner types in the municipality's numbers, and the model is
deliberately simple so that every step can be explained in plain words.

The model and the checks of the learner's numbers are in :mod:`widgets._fremtid_modell`; this
module explains a projection in plain words and shows it. The logic is plain
functions over dataclasses; :class:`Fremtidsovelse` is a thin ipywidgets view.
"""
from __future__ import annotations

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import oversetter
from widgets._common import InputError, esc, feedback_html, tabell_html, tall
from widgets._fremtid_modell import (
    EKSEMPEL,
    MAAL_AAR,
    MAKS_SPAK,
    SPAKER,
    START_AAR,
    Aarsrad,
    Framskriving,
    Kommunetall,
    Spaker,
    framskriv,
    lag_kommunetall,
    lag_spaker,
    les_tall,
    spakeffekter,
)
from widgets._oppgave import Visning

_ = oversetter("widgets")

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


def _pst(x: float) -> str:
    return tall(x, 0 if float(x).is_integer() else 1)


def forklaring(f: Framskriving) -> list[str]:
    """Plain-language sentences that explain a projection, in order."""
    kt, slutt = f.tall, f.slutt
    aar = MAAL_AAR - START_AAR
    netto = kt.rekruttering_per_aar - kt.avgang_per_aar
    linjer = [
        _(
            "I dag har kommunen {kt_aarsverk} årsverk. Vi regner med at behovet for tjenester endrer "
            "seg jevnt med {kt_vekst_prosent} prosent fram til {maal_aar}."
        ).format(kt_aarsverk=tall(kt.aarsverk), kt_vekst_prosent=_pst(kt.vekst_prosent), maal_aar=MAAL_AAR),
    ]
    if netto < 0:
        linjer.append(
            _(
                "Hvert år slutter {kt_avgang_per_aar} årsverk og {kt_rekruttering_per_aar} kommer til. Da "
                "mister kommunen {netto} årsverk i året, eller {netto_aar} på {aar} år."
            ).format(
                kt_avgang_per_aar=tall(kt.avgang_per_aar),
                kt_rekruttering_per_aar=tall(kt.rekruttering_per_aar),
                netto=tall(-netto),
                netto_aar=tall(-netto * aar),
                aar=aar,
            )
        )
    elif netto > 0:
        linjer.append(
            _(
                "Hvert år slutter {kt_avgang_per_aar} årsverk og {kt_rekruttering_per_aar} kommer til. Da "
                "vokser bemanningen med {netto} årsverk i året."
            ).format(
                kt_avgang_per_aar=tall(kt.avgang_per_aar),
                kt_rekruttering_per_aar=tall(kt.rekruttering_per_aar),
                netto=tall(netto),
            )
        )
    else:
        linjer.append(_("Like mange årsverk kommer til som slutter hvert år, så bemanningen står stille."))
    if f.spaker.er_i_bruk():
        linjer.append(_(
            "Spakene du har valgt, virker gradvis: litt de første årene og fullt i {maal_aar}."
        ).format(maal_aar=MAAL_AAR))
    if f.gap > 0.5:
        linjer.append(
            _(
                "I {maal_aar} trenger kommunen om lag {slutt_behov} årsverk, men har om lag "
                "{slutt_bemanning}. Det mangler {f_gap} årsverk, eller {f_gap_prosent} prosent av behovet."
            ).format(
                maal_aar=MAAL_AAR,
                slutt_behov=tall(slutt.behov),
                slutt_bemanning=tall(slutt.bemanning),
                f_gap=tall(f.gap),
                f_gap_prosent=tall(f.gap_prosent),
            )
        )
    elif f.gap < -0.5:
        linjer.append(
            _(
                "I {maal_aar} trenger kommunen om lag {slutt_behov} årsverk og har om lag "
                "{slutt_bemanning}. Med disse tallene er det ingen mangel. Sjekk om tallene er "
                "realistiske, og tenk på om kommunen har riktig kompetanse, ikke bare nok årsverk."
            ).format(maal_aar=MAAL_AAR, slutt_behov=tall(slutt.behov), slutt_bemanning=tall(slutt.bemanning))
        )
    else:
        linjer.append(_("I {maal_aar} går behov og bemanning omtrent opp med disse tallene.").format(maal_aar=MAAL_AAR))
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
        _("Framskriving i årsverk (forenklet modell)"),
        (_("År"), _("Behov"), _("Bemanning"), _("Gap (behov minus bemanning)")),
        rader,
        klasse="kurs-tabell",
    )


def _spaker_html(f: Framskriving) -> str:
    if not f.spaker.er_i_bruk():
        punkter = "".join(
            f"<li><strong>{esc(_(etikett))}:</strong> {esc(_(tekst))}</li>" for etikett, tekst in SPAKER.values()
        )
        return (
            _(
                "<p>Du har ikke tatt i bruk noen spaker ennå. Prøv å velge noen prosenter under «Spaker». "
                "Dette er spakene i øvelsen:</p><ul>{punkter}</ul>"
            ).format(punkter=punkter)
        )
    effekt = spakeffekter(f.tall, f.spaker)
    punkter = "".join(
        _(
            "<li><strong>{spak} ({prosent} %):</strong> tetter om lag {effekt} årsverk av "
            "gapet alene. {forklaring}</li>"
        ).format(
            spak=esc(_(SPAKER[n][0])),
            prosent=_pst(getattr(f.spaker, n)),
            effekt=tall(effekt[n]),
            forklaring=esc(_(SPAKER[n][1])),
        )
        for n in SPAKER
        if getattr(f.spaker, n) > 0
    )
    return _("<p>Slik virker spakene du har valgt:</p><ul>{punkter}</ul>").format(punkter=punkter)


class Fremtidsovelse(Visning):
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

    aarsverk = T.Unicode(EKSEMPEL["aarsverk"], help="Årsverk i kommunen i dag, slik det er skrevet inn.")
    vekst = T.Unicode(EKSEMPEL["vekst"], help="Forventet vekst i behovet for tjenester til 2040, i prosent.")
    avgang = T.Unicode(EKSEMPEL["avgang"], help="Forventet avgang (pensjon og andre som slutter) i årsverk per år.")
    rekruttering = T.Unicode(EKSEMPEL["rekruttering"], help="Forventet rekruttering i årsverk per år.")
    digitalisering = T.Int(0, help="Spak: andel av behovet som løses med teknologi i 2040, i prosent.")
    heltid = T.Int(0, help="Spak: flere årsverk fra de samme ansatte i 2040, i prosent.")
    samskaping = T.Int(0, help="Spak: andel av behovet som løses sammen med andre i 2040, i prosent.")
    beholde = T.Int(0, help="Spak: hvor mye mindre avgangen blir, i prosent.")
    resultat = T.Instance(Framskriving, allow_none=True, help="Siste gyldige framskriving, ellers None.")
    feil = T.Unicode("", help="Feilmeldingen ved ugyldige tall, ellers tom.")

    def __init__(self, **kwargs):
        bredde = {"description_width": "17em"}
        rad = {"width": "100%", "max_width": "30em"}
        self._felter = {
            "aarsverk": W.Text(
                description=_("Årsverk i dag"), placeholder=_("for eksempel 1000"), style=bredde, layout=rad
            ),
            "vekst": W.Text(
                description=_("Vekst i behov til {maal_aar} (%)").format(maal_aar=MAAL_AAR),
                placeholder=_("for eksempel 20"),
                style=bredde,
                layout=rad,
            ),
            "avgang": W.Text(
                description=_("Avgang per år (årsverk)"),
                placeholder=_("pensjon og andre som slutter"),
                style=bredde,
                layout=rad,
            ),
            "rekruttering": W.Text(
                description=_("Rekruttering per år (årsverk)"),
                placeholder=_("for eksempel 60"),
                style=bredde,
                layout=rad,
            ),
        }
        for felt in self._felter.values():
            felt.continuous_update = False
        self._spakvalg = {
            navn: W.BoundedIntText(
                value=0, min=0, max=int(MAKS_SPAK), step=5, description=f"{_(etikett)} (%)", style=bredde, layout=rad
            )
            for navn, (etikett, _forklaring) in SPAKER.items()
        }
        self._eksempelknapp = W.Button(
            description=_("Bruk eksempeltallene"),
            tooltip=_("Sett inn eksempeltallene og nullstill spakene"),
            icon="undo",
            layout={"width": "auto", "align_self": "flex-start"},
        )
        self._melding = W.HTML()
        self._forklaring = W.HTML()
        super().__init__(**kwargs)
        for navn, felt in self._felter.items():
            T.link((self, navn), (felt, "value"))
        for navn, valg in self._spakvalg.items():
            T.link((self, navn), (valg, "value"))
        self._eksempelknapp.on_click(self._bruk_eksempel)
        self.children = [
            W.HTML(
                _(
                    "<p><strong>Kursets egen framtidsøvelse.</strong> Dette er ikke Fremtidsverktøyet Norge "
                    "2040 fra KS. Tallene under er eksempeltall for en tenkt kommune. Bytt dem ut med tall for "
                    "din kommune.</p>"
                )
            ),
            W.HTML(_("<p><strong>Tallene for kommunen</strong></p>")),
            *self._felter.values(),
            W.HTML(_("<p><strong>Spaker (dine egne antakelser for 2040)</strong></p>")),
            *self._spakvalg.values(),
            self._eksempelknapp,
            self._melding,
            self._forklaring,
        ]
        self._update_resultat()

    @T.validate("digitalisering", "heltid", "samskaping", "beholde")
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

    @T.observe(
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
            self._melding.value = feedback_html(str(e), "feil", title=_("Sjekk tallene."))
            self._forklaring.value = ""
            return
        f = framskriv(kt, sp)
        self.feil = ""
        self.resultat = f
        if f.gap > 0.5:
            hoved = feedback_html(
                _(
                    "Med disse tallene mangler kommunen om lag {f_gap} årsverk i {maal_aar}."
                ).format(f_gap=tall(f.gap), maal_aar=MAAL_AAR),
                "info",
                title=_("Resultat:"),
            )
        else:
            hoved = feedback_html(
                _("Med disse tallene har kommunen nok årsverk i {maal_aar}.").format(
                    maal_aar=MAAL_AAR,
                ), "ok", title=_("Resultat:")
            )
        varsel = ""
        if kt.vekst_prosent < 0:
            varsel = feedback_html(
                _(
                    "Du har skrevet at behovet for tjenester synker. Det kan skje, for eksempel når det blir "
                    "færre barn. Sjekk at minustegnet er riktig."
                ),
                "info",
            )
        self._melding.value = hoved + varsel
        tekst = "".join(f"<p>{esc(linje)}</p>" for linje in forklaring(f))
        self._forklaring.value = (
            _tabell_html(f)
            + tekst
            + _spaker_html(f)
            + _(
                "<p><em>Modellen er bevisst enkel. Den er et utgangspunkt for samtale, ikke en "
                "prognose.</em></p>"
            )
        )
