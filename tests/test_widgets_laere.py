"""Tests for widgets.laere: the ten 10-FAKTOR factors and the learning loop."""
from __future__ import annotations


import pytest
from live_notebook import run_live_notebook

from widgets._common import InputError
from widgets.laere import (
    FAKTORER,
    SITUASJONER,
    STEG,
    FaktorOppgave,
    LaeringsSloyfe,
    finn_faktor,
    finn_situasjon,
    oppsummer_faktorer,
    vurder_faktor,
    vurder_faktorer,
    vurder_sloyfe,
)

FASIT = {s.nokkel: s.riktig for s in SITUASJONER}


# --- data ---------------------------------------------------------------------------------


def test_the_ten_factors_from_the_brief():
    assert [f.navn for f in FAKTORER] == [
        "Indre motivasjon",
        "Mestringstro",
        "Autonomi",
        "Bruk av kompetanse",
        "Mestringsorientert ledelse",
        "Rolleklarhet",
        "Relevant kompetanseutvikling",
        "Fleksibilitetsvilje",
        "Mestringsklima",
        "Prososial motivasjon",
    ]


def test_one_situation_per_factor():
    assert sorted(FASIT.values()) == sorted(f.nokkel for f in FAKTORER)
    assert len({s.nokkel for s in SITUASJONER}) == len(SITUASJONER)


# --- factor logic -------------------------------------------------------------------------


@pytest.mark.parametrize("situasjon_id", [s.nokkel for s in SITUASJONER])
def test_each_situation_is_right_for_exactly_one_factor(situasjon_id):
    treff = [f.nokkel for f in FAKTORER if vurder_faktor(situasjon_id, f.nokkel).riktig]
    assert treff == [FASIT[situasjon_id]]


def test_wrong_match_explains_both_factors():
    v = vurder_faktor("feil", "mestringsorientert_ledelse")
    assert not v.riktig and v.tekst.startswith("Ikke helt")
    assert "Mestringsorientert ledelse betyr" in v.tekst and "Mestringsklima betyr" in v.tekst


def test_right_match_explains_factor():
    v = vurder_faktor("forskjell", "prososial_motivasjon")
    assert v.riktig and "Prososial motivasjon betyr" in v.tekst


def test_invalid_input_raises():
    with pytest.raises(InputError, match="Ukjent faktor"):
        finn_faktor("lønn")
    with pytest.raises(InputError, match="Ukjent situasjon"):
        finn_situasjon("x")
    with pytest.raises(InputError):
        vurder_faktorer({"x": "autonomi"})
    with pytest.raises(InputError):
        vurder_faktorer({"ansvar": "lønn"})


def test_counting_and_summary():
    r = vurder_faktorer({})
    assert r.besvart == 0 and "ikke koblet" in oppsummer_faktorer(r)[0]
    r = vurder_faktorer({"ansvar": "rolleklarhet", "feil": "autonomi", "kurs": ""})
    assert (r.besvart, r.riktige, r.ferdig) == (2, 1, False)
    r = vurder_faktorer(FASIT)
    tekst, kind = oppsummer_faktorer(r)
    assert r.ferdig and r.riktige == 10 and kind == "ok" and "10 av 10" in tekst
    galt = {**FASIT, "feil": "mestringsorientert_ledelse"}
    tekst, _ = oppsummer_faktorer(vurder_faktorer(galt))
    assert "9 av 10" in tekst and "Les forklaringene" in tekst


# --- learning loop logic ------------------------------------------------------------------


def test_loop_right_order():
    r = vurder_sloyfe([s.nokkel for s in STEG])
    assert r.ferdig and r.riktige == r.antall == 5 and r.merknader == ()


def test_loop_evaluate_before_trying_is_noted():
    r = vurder_sloyfe(["problem", "plan", "evaluere", "prove", "beslutte"])
    assert r.riktige == 3
    assert any("evaluere før" in m for m in r.merknader)


def test_loop_partial_and_empty():
    assert vurder_sloyfe([]).riktige == 0
    r = vurder_sloyfe(["problem", "plan"])
    assert not r.ferdig and r.riktige == 2 and r.merknader == ()
    r = vurder_sloyfe(["plan"])
    assert any("problemet" in m for m in r.merknader)


def test_loop_invalid_input():
    with pytest.raises(InputError, match="Ukjent steg"):
        vurder_sloyfe(["problem", "feire"])
    with pytest.raises(InputError, match="to ganger"):
        vurder_sloyfe(["problem", "problem"])


# --- views --------------------------------------------------------------------------------


def test_factor_view_starts_with_instructions_and_factor_list():
    o = FaktorOppgave()
    assert "ikke spørsmål fra 10-FAKTOR" in o._intro.value
    assert all(f.navn in o._intro.value for f in FAKTORER)
    assert "ikke koblet" in o._poengboks.value and o.poeng == 0
    assert all(v.description for v in o._velgere.values())


def test_factor_view_dropdown_feedback_and_reset():
    o = FaktorOppgave()
    o._velgere["spennende"].value = "prososial_motivasjon"
    assert "kurs-feil" in o._svarbokser["spennende"].value
    o._velgere["spennende"].value = "indre_motivasjon"
    assert "kurs-ok" in o._svarbokser["spennende"].value and o.poeng == 1
    o.svar = dict(FASIT)
    assert o.ferdig and o.poeng == 10 and o._velgere["ansvar"].value == "rolleklarhet"
    o._nullstill.click()
    assert o.svar == {} and o.poeng == 0 and o._svarbokser["ansvar"].value == ""


def test_factor_view_bad_input():
    o = FaktorOppgave()
    o.svar = {"ansvar": "<i>lønn</i>"}
    assert "kurs-feil" in o._poengboks.value and "<i>" not in o._poengboks.value


def test_loop_view_click_in_order_undo_and_reset():
    s = LaeringsSloyfe()
    assert "ikke valgt noen steg" in s._visning.value
    assert all(k.description for k in s.knapper.values())
    s.knapper["problem"].click()
    assert s.rekkefolge == ["problem"] and s.knapper["problem"].disabled
    s.knapper["problem"].click()  # a second click on a used step does nothing
    assert s.rekkefolge == ["problem"]
    for sid in ("plan", "prove", "evaluere", "beslutte"):
        s.knapper[sid].click()
    assert s.poeng == 5 and "Riktig rekkefølge" in s._visning.value
    s._angre.click()
    assert s.rekkefolge == ["problem", "plan", "prove", "evaluere"] and s.poeng == 0
    assert not s.knapper["beslutte"].disabled
    s._nullstill.click()
    assert s.rekkefolge == []


def test_loop_view_wrong_order_shows_proposal():
    s = LaeringsSloyfe()
    for sid in ("prove", "plan", "problem", "evaluere", "beslutte"):
        s.knapper[sid].click()
    assert s.poeng == 3 and "Forslag til rekkefølge" in s._visning.value
    assert "kurs-feil" in s._visning.value


def test_loop_view_bad_input():
    s = LaeringsSloyfe()
    s.rekkefolge = ["problem", "problem"]
    assert "to ganger" in s._visning.value


# --- live notebook ------------------------------------------------------------------------


def test_live_notebook_is_thin_clean_and_runs(root):
    assert [type(w).__name__ for w in run_live_notebook(root, "laere")] == ["FaktorOppgave", "LaeringsSloyfe"]
