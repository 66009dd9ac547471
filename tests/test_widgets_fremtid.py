"""The fremtidsøvelse: input checks, the projection, the levers and the view."""
from __future__ import annotations


import pytest
from live_notebook import run_live_notebook

from widgets._common import InputError
from widgets.fremtid import (
    EKSEMPEL,
    MAAL_AAR,
    SPAKER,
    START_AAR,
    Fremtidsovelse,
    Kommunetall,
    Spaker,
    forklaring,
    framskriv,
    lag_kommunetall,
    lag_spaker,
    les_tall,
    spakeffekter,
)

# --------------------------------------------------------------------------- les_tall


@pytest.mark.parametrize(
    ("tekst", "forventet"),
    [("1000", 1000.0), ("1 000", 1000.0), ("1\u00a0250,5", 1250.5), (" 2,5 % ", 2.5), ("-10", -10.0),
     ("\u221210", -10.0), (42, 42.0), (3.5, 3.5)],
)
def test_les_tall_godtar_norske_tall(tekst, forventet):
    assert les_tall(tekst, "Felt") == forventet


@pytest.mark.parametrize("tom", ["", "   ", None])
def test_les_tall_tomt_felt(tom):
    with pytest.raises(InputError, match="«Årsverk i dag» er tomt"):
        les_tall(tom, "Årsverk i dag")


@pytest.mark.parametrize("tekst", ["abc", "12a", "1.2.3", "ti", "--5"])
def test_les_tall_ikke_tall(tekst):
    with pytest.raises(InputError, match="er ikke et tall"):
        les_tall(tekst, "Avgang per år")


@pytest.mark.parametrize("tekst", ["inf", "nan", float("inf")])
def test_les_tall_uendelig(tekst):
    with pytest.raises(InputError, match="vanlig tall"):
        les_tall(tekst, "Felt")


def test_les_tall_avviser_bool():
    with pytest.raises(InputError):
        les_tall(True, "Felt")


# --------------------------------------------------------------------------- lag_kommunetall


def test_lag_kommunetall_gyldig():
    kt = lag_kommunetall("1 200", "15", "80,5", 70)
    assert kt == Kommunetall(1200.0, 15.0, 80.5, 70.0)


@pytest.mark.parametrize(
    ("args", "melding"),
    [
        (("-5", "10", "10", "10"), "«Årsverk i dag» kan ikke være negativt"),
        (("0", "10", "0", "0"), "større enn 0"),
        (("1000", "10", "-3", "10"), "«Avgang per år» kan ikke være negativt"),
        (("1000", "10", "10", "-1"), "«Rekruttering per år» kan ikke være negativt"),
        (("", "10", "10", "10"), "tomt"),
        (("1000", "", "10", "10"), "«Vekst i behov» er tomt"),
        (("1000", "x", "10", "10"), "ikke et tall"),
        (("1000000", "10", "10", "10"), "urimelig mange"),
        (("1000", "500", "10", "10"), "mellom -50 og 200"),
        (("1000", "-80", "10", "10"), "mellom -50 og 200"),
        (("1000", "10", "600", "10"), "mer enn halvparten"),
        (("1000", "10", "10", "900"), "mer enn halvparten"),
    ],
)
def test_lag_kommunetall_ugyldig(args, melding):
    with pytest.raises(InputError, match=melding):
        lag_kommunetall(*args)


def test_synkende_behov_er_lov():
    assert lag_kommunetall("1000", "-10", "10", "10").vekst_prosent == -10


def test_lag_spaker():
    assert lag_spaker(digitalisering="10", beholde=5) == Spaker(digitalisering=10, beholde=5)
    with pytest.raises(InputError, match="kan ikke være negativt"):
        lag_spaker(heltid=-5)
    with pytest.raises(InputError, match="høyst 50"):
        lag_spaker(samskaping=80)
    with pytest.raises(InputError, match="finnes ikke"):
        lag_spaker(trylleformel=10)
    with pytest.raises(InputError, match="tomt"):
        lag_spaker(heltid="")


# --------------------------------------------------------------------------- framskriv


def test_framskriv_uten_spaker_er_lineaer():
    f = framskriv(Kommunetall(1000, 20, 70, 60))
    assert [r.aar for r in f.rader] == list(range(START_AAR, MAAL_AAR + 1))
    assert f.rader[0].behov == pytest.approx(1000) and f.rader[0].gap == pytest.approx(0)
    aar = MAAL_AAR - START_AAR
    assert f.slutt.behov == pytest.approx(1200)
    assert f.slutt.bemanning == pytest.approx(1000 - 10 * aar)
    assert f.gap == pytest.approx(200 + 10 * aar)
    assert f.gap_prosent == pytest.approx(100 * f.gap / 1200)


def test_framskriv_balanse_og_overskudd():
    assert framskriv(Kommunetall(500, 0, 30, 30)).gap == pytest.approx(0)
    assert framskriv(Kommunetall(500, 0, 10, 30)).gap < 0


def test_bemanning_blir_aldri_negativ():
    f = framskriv(Kommunetall(100, 0, 50, 0))
    assert min(r.bemanning for r in f.rader) == 0
    assert f.gap == pytest.approx(100)


@pytest.mark.parametrize("navn", list(SPAKER))
def test_hver_spak_minsker_gapet(navn):
    kt = Kommunetall(1000, 20, 70, 60)
    uten = framskriv(kt).gap
    med = framskriv(kt, Spaker(**{navn: 20})).gap
    assert med < uten
    # The levers phase in: no effect in the first year.
    assert framskriv(kt, Spaker(**{navn: 20})).rader[0].gap == pytest.approx(0)


def test_spakene_virker_som_beskrevet():
    kt = Kommunetall(1000, 20, 70, 60)
    assert framskriv(kt, Spaker(digitalisering=10)).slutt.behov == pytest.approx(1200 * 0.9)
    assert framskriv(kt, Spaker(samskaping=10, digitalisering=10)).slutt.behov == pytest.approx(1200 * 0.81)
    uten = framskriv(kt).slutt.bemanning
    assert framskriv(kt, Spaker(heltid=10)).slutt.bemanning == pytest.approx(uten * 1.1)


def test_spakeffekter():
    kt = Kommunetall(1000, 20, 70, 60)
    effekt = spakeffekter(kt, Spaker(digitalisering=10, heltid=0))
    assert effekt["digitalisering"] == pytest.approx(120)
    assert effekt["heltid"] == 0
    assert set(effekt) == set(SPAKER)


def test_forklaring_mangel_og_overskudd():
    mangel = " ".join(forklaring(framskriv(Kommunetall(1000, 20, 70, 60))))
    assert "Det mangler 340 årsverk" in mangel and "mister kommunen 10 årsverk i året" in mangel
    overskudd = " ".join(forklaring(framskriv(Kommunetall(1000, 0, 10, 30))))
    assert "ingen mangel" in overskudd and "vokser bemanningen" in overskudd
    balanse = " ".join(forklaring(framskriv(Kommunetall(1000, 0, 30, 30))))
    assert "står stille" in balanse and "omtrent opp" in balanse


# --------------------------------------------------------------------------- view


def test_view_viser_startresultat():
    o = Fremtidsovelse()
    assert o.aarsverk == EKSEMPEL["aarsverk"]
    assert o.resultat is not None and o.feil == ""
    assert round(o.resultat.gap) == 340
    assert "340 årsverk" in o._melding.value
    assert "<table" in o._forklaring.value and "ikke Fremtidsverktøyet Norge 2040 fra KS" in o.children[0].value


def test_view_alle_kontroller_har_norsk_beskrivelse():
    o = Fremtidsovelse()
    kontroller = [*o._felter.values(), *o._spakvalg.values()]
    assert all(k.description for k in kontroller)
    assert o._eksempelknapp.description == "Bruk eksempeltallene"


def test_view_reagerer_paa_trait_og_felt():
    o = Fremtidsovelse()
    o.digitalisering = 10
    assert o._spakvalg["digitalisering"].value == 10
    assert o.resultat.spaker.digitalisering == 10
    assert "Digitalisering (10 %)" in o._forklaring.value
    o._felter["aarsverk"].value = "2000"
    assert o.aarsverk == "2000"
    assert o.resultat.tall.aarsverk == 2000


@pytest.mark.parametrize(
    ("felt", "verdi", "melding"),
    [("aarsverk", "-1", "kan ikke være negativt"), ("avgang", "", "er tomt"), ("vekst", "mye", "ikke et tall"),
     ("aarsverk", "9999999", "urimelig")],
)
def test_view_viser_feilmelding(felt, verdi, melding):
    o = Fremtidsovelse()
    setattr(o, felt, verdi)
    assert o.resultat is None
    assert melding in o.feil
    assert "kurs-feil" in o._melding.value and melding in o._melding.value
    assert o._forklaring.value == ""


def test_view_synkende_behov_gir_merknad():
    o = Fremtidsovelse(vekst="-10")
    assert o.resultat is not None
    assert "synker" in o._melding.value


def test_view_spak_klemmes_til_lovlig_omraade():
    o = Fremtidsovelse()
    o.heltid = 90
    assert o.heltid == 50 and o._spakvalg["heltid"].value == 50
    o.beholde = -5
    assert o.beholde == 0


def test_view_eksempelknapp_nullstiller():
    o = Fremtidsovelse(aarsverk="abc")
    o.samskaping = 20
    assert o.resultat is None
    o._eksempelknapp.click()
    assert o.aarsverk == EKSEMPEL["aarsverk"] and o.samskaping == 0
    assert round(o.resultat.gap) == 340


def test_live_notatbok_er_ren_og_kjorer(root):
    assert [type(w) for w in run_live_notebook(root, "fremtid")] == [Fremtidsovelse]
