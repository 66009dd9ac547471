"""Tests for widgets.vage: handlingsrom levels, the experiment checklist and their views."""
from __future__ import annotations


import pytest
from live_notebook import run_live_notebook

from widgets._common import InputError
from widgets.vage import (
    NIVAER,
    SAKER,
    SPORSMAL,
    ForsoksSjekk,
    HandlingsromOppgave,
    finn_niva,
    finn_sak,
    oppsummer,
    vurder,
    vurder_alle,
    vurder_forsok,
)

FASIT = {s.nokkel: s.riktig for s in SAKER}


# --- data ---------------------------------------------------------------------------------


def test_five_levels_in_order_from_law_to_habit():
    assert [n.nokkel for n in NIVAER] == ["lov", "avtale", "politisk", "skjonn", "vane"]


def test_every_level_has_at_least_two_cases_and_unique_ids():
    assert len({s.nokkel for s in SAKER}) == len(SAKER)
    for niva in NIVAER:
        assert sum(s.riktig == niva.nokkel for s in SAKER) >= 2, niva.nokkel


def test_cases_name_no_real_municipality():
    for navn in ("Bærum", "Porsanger", "Ørland", "Sandefjord", "Nordre Follo", "Skanderborg"):
        assert all(navn not in s.tekst + s.forklaring for s in SAKER)


# --- logic --------------------------------------------------------------------------------


def test_right_answer_explains_and_says_who_can_change():
    v = vurder("helgetillegg", "avtale")
    assert v.riktig
    assert v.tekst.startswith("Riktig")
    assert "Hvem kan endre det?" in v.tekst
    assert "partene" in v.tekst.lower()


def test_wrong_answer_names_both_levels():
    v = vurder("papir", "lov")
    assert not v.riktig
    assert "lov eller forskrift" in v.tekst and "vane og praksis" in v.tekst
    assert "Dere selv" in v.tekst  # who can change a habit


@pytest.mark.parametrize("sak_id", [s.nokkel for s in SAKER])
def test_each_case_is_right_only_at_its_own_level(sak_id):
    treff = [n.nokkel for n in NIVAER if vurder(sak_id, n.nokkel).riktig]
    assert treff == [FASIT[sak_id]]


def test_unknown_case_and_level_raise_norwegian_input_error():
    with pytest.raises(InputError, match="Ukjent sak"):
        finn_sak("finnes-ikke")
    with pytest.raises(InputError, match="Ukjent nivå"):
        finn_niva("grunnlov")
    with pytest.raises(InputError, match="Ukjent nivå"):
        vurder("papir", "")
    with pytest.raises(InputError):
        vurder_alle({"finnes-ikke": "lov"})
    with pytest.raises(InputError):
        vurder_alle({"papir": "tull"})


def test_vurder_alle_skips_empty_and_counts():
    r = vurder_alle({})
    assert (r.besvart, r.riktige, r.ferdig) == (0, 0, False)
    r = vurder_alle({"papir": "vane", "journal": "vane", "heltid": "", "apningstid": None})
    assert (r.besvart, r.riktige, r.antall) == (2, 1, len(SAKER))


def test_full_score_and_summary():
    r = vurder_alle(FASIT)
    assert r.ferdig and r.riktige == len(SAKER)
    tekst, kind = oppsummer(r)
    assert kind == "ok" and f"{len(SAKER)} av {len(SAKER)}" in tekst


def test_summary_before_start_and_halfway():
    tekst, kind = oppsummer(vurder_alle({}))
    assert kind == "info" and "ikke plassert" in tekst
    tekst, _ = oppsummer(vurder_alle({"papir": "lov"}))
    assert "1 av" in tekst and "0 er riktige" in tekst


def test_checklist_empty_all_yes_and_critical_no():
    assert vurder_forsok({}).kind == "info"
    alle_ja = {s.nokkel: "ja" for s in SPORSMAL}
    v = vurder_forsok(alle_ja)
    assert v.kind == "ok" and v.rad == ()
    v = vurder_forsok({**alle_ja, "innbyggere": "nei"})
    assert v.kind == "feil" and len(v.rad) == 1
    # A critical «nei» stops the experiment even when the rest is unanswered.
    assert vurder_forsok({"handlingsrom": "nei"}).kind == "feil"


def test_checklist_non_critical_no_and_unknown_give_advice():
    alle_ja = {s.nokkel: "ja" for s in SPORSMAL}
    v = vurder_forsok({**alle_ja, "sluttdato": "nei", "maal": "vet_ikke"})
    assert v.kind == "info" and len(v.rad) == 2
    assert vurder_forsok({"sluttdato": "ja"}).besvart == 1


def test_checklist_invalid_input():
    with pytest.raises(InputError, match="Ukjent spørsmål"):
        vurder_forsok({"tull": "ja"})
    with pytest.raises(InputError, match="Ugyldig svar"):
        vurder_forsok({"sluttdato": "kanskje"})


# --- views --------------------------------------------------------------------------------


def test_view_starts_with_instructions_cases_and_score():
    o = HandlingsromOppgave()
    html = o._intro.value
    assert "oppdiktede eksempler" in html and "Vane og praksis" in html
    assert "ikke plassert" in o._poengboks.value
    assert o.poeng == 0 and not o.ferdig
    for velger in o._velgere.values():
        assert velger.description  # every control has a visible name


def test_view_dropdown_gives_feedback_per_case():
    o = HandlingsromOppgave()
    o._velgere["journal"].value = "vane"
    assert o.svar == {"journal": "vane"}
    assert "kurs-feil" in o._svarbokser["journal"].value
    assert "Ikke helt" in o._svarbokser["journal"].value
    o._velgere["journal"].value = "lov"
    assert "kurs-ok" in o._svarbokser["journal"].value and o.poeng == 1
    assert o._svarbokser["papir"].value == ""


def test_view_trait_syncs_dropdowns_and_reset_button_clears():
    o = HandlingsromOppgave()
    o.svar = dict(FASIT)
    assert o.ferdig and o.poeng == len(SAKER)
    assert o._velgere["papir"].value == "vane"
    assert "Ferdig" in o._poengboks.value
    o._nullstill.click()
    assert o.svar == {} and o.poeng == 0 and o._velgere["papir"].value == ""


def test_view_shows_error_for_bad_input_escaped():
    o = HandlingsromOppgave()
    o.svar = {"<script>": "lov"}
    assert "kurs-feil" in o._poengboks.value
    assert "<script>" not in o._poengboks.value and "&lt;script&gt;" in o._poengboks.value


def test_checklist_view_toggle_and_reset():
    f = ForsoksSjekk()
    assert "Svar på de" in f._resultat.value and f.vurdering == "info"
    for s in SPORSMAL:
        f._knapper[s.nokkel].value = "ja"
    assert f.vurdering == "ok" and "lite og trygt" in f._resultat.value
    f._knapper["innbyggere"].value = "nei"
    assert f.vurdering == "feil" and "<li>" in f._resultat.value
    f._nullstill.click()
    assert f.svar == {} and f._knapper["innbyggere"].value is None and f.vurdering == "info"


def test_checklist_view_bad_input():
    f = ForsoksSjekk()
    f.svar = {"sluttdato": "kanskje"}
    assert f.vurdering == "feil" and "Ugyldig svar" in f._resultat.value


# --- live notebook ------------------------------------------------------------------------


def test_live_notebook_is_thin_clean_and_runs(root):
    assert [type(w).__name__ for w in run_live_notebook(root, "vage")] == ["HandlingsromOppgave", "ForsoksSjekk"]
