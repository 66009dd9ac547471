"""Tests for widgets.mobilisere: co-creation types and the resource map."""
from __future__ import annotations

import pytest

from widgets._common import InputError
from widgets.mobilisere import (
    EKSEMPLER,
    RESSURSER,
    TYPER,
    UTFORDRINGER,
    Ressurskart,
    SamskapingsTyper,
    finn_eksempel,
    kartlegg_ressurser,
    oppsummer,
    vurder_type,
)

# -- data ---------------------------------------------------------------------


def test_four_types_with_norwegian_names():
    assert set(TYPER) == {"likeverdig", "styrt", "fasiliterende", "ansvarliggjorende"}
    assert {t.navn.split()[0] for t in TYPER.values()} == {
        "Likeverdig",
        "Styrt",
        "Fasiliterende",
        "Ansvarliggjørende",
    }


def test_every_type_has_at_least_one_example_and_keys_are_unique():
    assert {e.riktig for e in EKSEMPLER} == set(TYPER)
    assert len({e.nokkel for e in EKSEMPLER}) == len(EKSEMPLER)


def test_every_challenge_proposes_known_resources():
    for u in UTFORDRINGER:
        assert u.foreslatte and u.foreslatte <= RESSURSER.keys()


# -- vurder_type ----------------------------------------------------------------


@pytest.mark.parametrize("eksempel", EKSEMPLER, ids=lambda e: e.nokkel)
def test_proposed_type_is_judged_right(eksempel):
    v = vurder_type(eksempel.nokkel, eksempel.riktig)
    assert v.riktig and v.fasit == eksempel.riktig
    assert v.melding.startswith("Riktig")
    assert eksempel.forklaring in v.melding


@pytest.mark.parametrize("eksempel", EKSEMPLER, ids=lambda e: e.nokkel)
def test_every_other_type_is_judged_wrong_with_explanation(eksempel):
    for nokkel, t in TYPER.items():
        if nokkel == eksempel.riktig:
            continue
        v = vurder_type(eksempel.nokkel, nokkel)
        assert not v.riktig
        assert v.valgt == nokkel and v.fasit == eksempel.riktig
        # Explains the chosen type and names the proposed one.
        assert t.kjennetegn in v.melding
        assert TYPER[eksempel.riktig].navn.lower() in v.melding


@pytest.mark.parametrize("valgt", [None, ""])
def test_missing_choice_raises_norwegian_error(valgt):
    with pytest.raises(InputError, match="Velg en samskapingstype"):
        vurder_type("badeplass", valgt)


def test_unknown_type_and_example_raise():
    with pytest.raises(InputError, match="finnes ikke"):
        vurder_type("badeplass", "hierarkisk")
    with pytest.raises(InputError, match="Eksemplet «tull» finnes ikke"):
        finn_eksempel("tull")
    with pytest.raises(InputError):
        finn_eksempel(None)  # type: ignore[arg-type]


# -- oppsummer --------------------------------------------------------------------


def test_summary_empty():
    o = oppsummer({})
    assert (o.riktige, o.besvart, o.totalt) == (0, 0, len(EKSEMPLER))
    assert "ikke sjekket" in o.tekst


def test_summary_counts_right_and_wrong():
    svar = {"badeplass": "ansvarliggjorende", "turvenner": "likeverdig", "ungdom": "likeverdig"}
    o = oppsummer(svar)
    assert (o.riktige, o.besvart) == (2, 3)
    assert "3 av 7" in o.tekst and "2 av dem" in o.tekst


def test_summary_rejects_unknown_example():
    with pytest.raises(InputError):
        oppsummer({"tull": "styrt"})


# -- kartlegg_ressurser -------------------------------------------------------------


def test_resource_map_lists_chosen_in_fixed_order_and_missing():
    v = kartlegg_ressurser("ensomhet", ["ansatte", "frivillige"])
    assert [r.ressurs for r in v.rader] == ["frivillige", "ansatte"]
    assert v.mangler == ("innbyggere",)
    assert v.niva == "info" and "Vurder også: innbyggerne" in v.melding


def test_resource_map_complete_is_ok_and_marks_extras():
    v = kartlegg_ressurser("sommerjobb", list(RESSURSER))
    assert v.mangler == () and v.niva == "ok"
    extra = {r.ressurs: r.foreslatt for r in v.rader}
    assert extra["ansatte"] is False and extra["naeringsliv"] is True


def test_resource_map_empty_and_duplicates():
    v = kartlegg_ressurser("digital", [])
    assert v.rader == () and "minst én" in v.melding
    v2 = kartlegg_ressurser("digital", ["frivillige", "frivillige"])
    assert len(v2.rader) == 1


@pytest.mark.parametrize(
    "utfordring, valgte, melding",
    [
        ("tull", [], "Utfordringen «tull» finnes ikke"),
        ("ensomhet", ["roboter"], "Ressursen «roboter» finnes ikke"),
        ("ensomhet", "frivillige", "liste"),
    ],
)
def test_resource_map_invalid_input(utfordring, valgte, melding):
    with pytest.raises(InputError, match=melding):
        kartlegg_ressurser(utfordring, valgte)


# -- views ----------------------------------------------------------------------------


def test_types_view_starts_with_instructions_and_guide():
    v = SamskapingsTyper()
    assert v.eksempel == EKSEMPLER[0].nokkel
    assert EKSEMPLER[0].tittel in v.beskrivelse.value
    assert "Slik gjør du" in v.tilbakemelding.value
    assert "ikke sjekket" in v.fremdrift.value
    for t in TYPER.values():
        assert t.navn in v.typeguide.value
    # Every control is named.
    assert v.velg_eksempel.description and v.velg_type.description
    assert v.sjekk.description and v.neste.description


def test_types_view_check_without_choice_shows_error():
    v = SamskapingsTyper()
    v.sjekk.click()
    assert "kurs-feil" in v.tilbakemelding.value
    assert v.resultater == {}


def test_types_view_right_and_wrong_answers_update_progress():
    v = SamskapingsTyper(eksempel="turvenner")
    v.velg_type.value = "styrt"
    assert v.svar == "styrt"
    v.sjekk.click()
    assert "kurs-ok" in v.tilbakemelding.value and "Riktig" in v.tilbakemelding.value
    v.neste.click()
    assert v.eksempel == "ungdom" and v.velg_type.value is None
    v.svar = "styrt"
    assert v.velg_type.value == "styrt"
    v.sjekk.click()
    assert "kurs-info" in v.tilbakemelding.value
    assert v.resultater == {"turvenner": "styrt", "ungdom": "styrt"}
    assert "2 av 7" in v.fremdrift.value and "1 av dem" in v.fremdrift.value


def test_types_view_remembers_answer_when_coming_back():
    v = SamskapingsTyper()
    v.svar = "fasiliterende"
    v.sjekk.click()
    v.velg_eksempel.value = "badeplass"
    assert v.svar is None
    v.velg_eksempel.value = EKSEMPLER[0].nokkel
    assert v.velg_type.value == "fasiliterende"


def test_types_view_next_wraps_around():
    v = SamskapingsTyper(eksempel=EKSEMPLER[-1].nokkel)
    v.neste.click()
    assert v.eksempel == EKSEMPLER[0].nokkel


def test_types_view_rejects_unknown_start_example():
    with pytest.raises(InputError):
        SamskapingsTyper(eksempel="tull")


def test_resource_view_starts_with_a_map():
    v = Ressurskart()
    assert v.valgte == ["frivillige"]
    assert v.avkrysning["frivillige"].value is True
    assert "Frivillige organisasjoner" in v.kart.value
    assert "Vurder også" in v.tilbakemelding.value
    assert all(b.description for b in v.avkrysning.values())


def test_resource_view_ticking_and_changing_challenge():
    v = Ressurskart()
    for k in ("innbyggere", "ansatte"):
        v.avkrysning[k].value = True
    assert v.valgte == ["innbyggere", "frivillige", "ansatte"]
    assert "kurs-ok" in v.tilbakemelding.value
    v.velg_utfordring.value = "sommerjobb"
    assert v.utfordring == "sommerjobb"
    assert "næringsliv" in v.tilbakemelding.value


def test_resource_view_trait_drives_checkboxes_and_shows_errors():
    v = Ressurskart(utfordring="digital")
    v.valgte = ["naeringsliv"]
    assert [k for k, b in v.avkrysning.items() if b.value] == ["naeringsliv"]
    v.valgte = []
    assert v.kart.value == "" and "minst én" in v.tilbakemelding.value
    v.valgte = ["roboter"]
    assert "kurs-feil" in v.tilbakemelding.value and "roboter" in v.tilbakemelding.value


def test_docstring_examples_run():
    import doctest

    import widgets.mobilisere as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
