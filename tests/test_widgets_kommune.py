"""Kommune 1.0/2.0/3.0: the practices, the checks, the summary and the view."""
from __future__ import annotations

from collections import Counter

import pytest
from live_notebook import run_live_notebook

from widgets._common import InputError
from widgets.kommune import (
    MODELLER,
    PRAKSISER,
    KommuneSortering,
    finn_praksis,
    oppsummer,
    vurder,
)

# --------------------------------------------------------------------------- data


def test_praksisene_er_balanserte_og_unike():
    assert len({p.nokkel for p in PRAKSISER}) == len(PRAKSISER)
    antall = Counter(p.modell for p in PRAKSISER)
    assert set(antall) == set(MODELLER)
    assert len(set(antall.values())) == 1, "like mange praksiser per modell"
    assert all(p.tekst.strip() and p.forklaring.strip() for p in PRAKSISER)


def test_praksisene_nevner_ingen_ekte_kommune():
    tekst = " ".join(p.tekst + p.forklaring for p in PRAKSISER)
    for navn in ("Skanderborg", "Bærum", "Porsanger", "Ørland", "Sandefjord", "Nordre Follo", "Oslo"):
        assert navn not in tekst


# --------------------------------------------------------------------------- vurder


@pytest.mark.parametrize("praksis", PRAKSISER, ids=lambda p: p.nokkel)
def test_vurder_riktig_og_galt(praksis):
    rett = vurder(praksis.nokkel, praksis.modell)
    assert rett.riktig and "Dette er kommune" in rett.melding and praksis.forklaring in rett.melding
    galt_svar = next(k for k in MODELLER if k != praksis.modell)
    galt = vurder(praksis.nokkel, galt_svar)
    assert not galt.riktig
    assert f"Du valgte kommune {galt_svar}" in galt.melding and praksis.modell in galt.melding


def test_vurder_godtar_kortform():
    assert vurder("moteplass", "3").svar == "3.0"
    assert vurder("moteplass", " 3.0 ").riktig


@pytest.mark.parametrize("svar", [None, "", "  "])
def test_vurder_tomt_svar(svar):
    with pytest.raises(InputError, match="ikke valgt noen modell"):
        vurder("moteplass", svar)


@pytest.mark.parametrize("svar", ["4.0", "-1", "abc", "0"])
def test_vurder_ukjent_modell(svar):
    with pytest.raises(InputError, match="ikke en av modellene"):
        vurder("moteplass", svar)


def test_ukjent_praksis():
    with pytest.raises(InputError, match="Fant ingen praksis"):
        finn_praksis("finnes-ikke")
    with pytest.raises(InputError, match="Fant ingen praksis"):
        oppsummer({"finnes-ikke": None})


# --------------------------------------------------------------------------- oppsummer


def test_oppsummer_tomt():
    o = oppsummer({})
    assert (o.besvart, o.riktige, o.totalt) == (0, 0, len(PRAKSISER))
    assert "ikke svart på noen" in o.tekst()


def test_oppsummer_alt_riktig():
    o = oppsummer({p.nokkel: p.modell for p in PRAKSISER})
    assert o.ferdig and o.riktige == o.totalt
    assert all(r == n == 3 for r, n in o.per_modell.values())
    assert "Flott" in o.tekst()


def test_oppsummer_blanding_peker_paa_svak_modell():
    p20 = next(p for p in PRAKSISER if p.modell == "2.0")
    p30 = next(p for p in PRAKSISER if p.modell == "3.0")
    o = oppsummer({p20.nokkel: "3.0", p30.nokkel: "3.0", PRAKSISER[0].nokkel: None})
    assert (o.besvart, o.riktige) == (2, 1)
    assert o.per_modell["2.0"] == (0, 1) and o.per_modell["3.0"] == (1, 1)
    assert "1 er riktig." in o.tekst() and "kommune 2.0" in o.tekst() and "kommune 3.0" not in o.tekst()


def test_oppsummer_ugyldig_svar():
    with pytest.raises(InputError):
        oppsummer({"moteplass": "5"})


# --------------------------------------------------------------------------- view


def test_view_starter_med_arbeidet_eksempel():
    v = KommuneSortering()
    forste = PRAKSISER[0]
    assert v.svar == {forste.nokkel: forste.modell}
    assert v._knapper[forste.nokkel].value == forste.modell
    assert "Riktig." in v._tilbakemeldinger[forste.nokkel].value
    assert "1 av 9" in v._sammendrag.value


def test_view_uten_eksempel_er_tom():
    v = KommuneSortering(eksempel=False)
    assert v.svar == {} and v.oppsummering.besvart == 0
    assert all(k.value is None for k in v._knapper.values())
    assert all(k.description for k in v._knapper.values())


def test_view_knapp_oppdaterer_svar_og_tilbakemelding():
    v = KommuneSortering(eksempel=False)
    v._knapper["hull-i-veien"].value = "3.0"
    assert v.svar == {"hull-i-veien": "3.0"}
    assert "Ikke helt." in v._tilbakemeldinger["hull-i-veien"].value
    assert "Digitalisering alene" in v._tilbakemeldinger["hull-i-veien"].value
    assert v.oppsummering.riktige == 0


def test_view_trait_setter_alle_knapper():
    v = KommuneSortering(eksempel=False)
    v.svar = {p.nokkel: p.modell for p in PRAKSISER}
    assert [k.value for k in v._knapper.values()] == [p.modell for p in PRAKSISER]
    assert v.oppsummering.ferdig and "Flott" in v._sammendrag.value


def test_view_ugyldig_svar_gir_feilmelding():
    v = KommuneSortering(eksempel=False)
    v.svar = {"moteplass": "9.9"}
    assert v.oppsummering is None
    assert "kurs-feil" in v._sammendrag.value and "ikke en av modellene" in v._sammendrag.value


def test_view_nullstill():
    v = KommuneSortering()
    v._nullstill.click()
    assert v.svar == {} and all(k.value is None for k in v._knapper.values())
    assert all(t.value == "" for t in v._tilbakemeldinger.values())


def test_live_notatbok_er_ren_og_kjorer(root):
    assert [type(w) for w in run_live_notebook(root, "kommune")] == [KommuneSortering]
