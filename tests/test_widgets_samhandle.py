"""Tests for widgets.samhandle: arena and partners for invented cases."""
from __future__ import annotations

import pytest

from widgets._common import InputError
from widgets.samhandle import (
    ARENAER,
    PARTER,
    SAKER,
    Samhandlingskart,
    finn_sak,
    oppsummering,
    vurder_samhandling,
)

# -- data ------------------------------------------------------------------------


def test_cases_refer_to_known_arenas_and_partners():
    for s in SAKER:
        assert s.arena in ARENAER
        assert s.ma and s.ma <= PARTER.keys() and s.kan <= PARTER.keys()
        assert not s.ma & s.kan


def test_required_arenas_are_covered():
    assert {s.arena for s in SAKER} == set(ARENAER)
    trepart = next(s for s in SAKER if s.arena == "trepart")
    assert {"folkevalgte", "administrasjon", "tillitsvalgte"} <= trepart.ma


# -- vurder_samhandling ----------------------------------------------------------


@pytest.mark.parametrize("sak", SAKER, ids=lambda s: s.nokkel)
def test_proposal_itself_is_approved(sak):
    v = vurder_samhandling(sak.nokkel, sak.arena, sorted(sak.ma))
    assert v.godkjent and v.niva == "ok"
    assert v.mangler == () and v.ekstra == ()
    assert v.meldinger[-1] == sak.forklaring
    assert oppsummering(v) == "Arenaen og partene passer med forslaget vårt."


@pytest.mark.parametrize("sak", SAKER, ids=lambda s: s.nokkel)
def test_optional_partners_give_no_note(sak):
    v = vurder_samhandling(sak.nokkel, sak.arena, sak.ma | sak.kan)
    assert v.godkjent and v.ekstra == ()


def test_missing_union_reps_in_digitalisation_case():
    v = vurder_samhandling("turnus", "partssamarbeid", ["administrasjon"])
    assert not v.godkjent and v.niva == "info"
    assert v.mangler == ("tillitsvalgte",)
    assert any("Du mangler tillitsvalgte" in m for m in v.meldinger)
    assert "2024" in v.meldinger[-1]
    assert oppsummering(v) == "Arena: passer. Parter som mangler: 1."


def test_wrong_arena_is_explained():
    v = vurder_samhandling("fagfolk", "partnerskap", ["nabokommuner", "administrasjon", "folkevalgte", "tillitsvalgte"])
    assert not v.arena_riktig and v.mangler == ()
    assert not v.godkjent
    assert "interkommunalt samarbeid" in v.meldinger[0]
    assert oppsummering(v) == "Arena: vi foreslår en annen. Parter som mangler: ingen."


def test_extra_partner_gets_gentle_note_but_can_still_be_approved():
    v = vurder_samhandling("strategi", "trepart", ["folkevalgte", "administrasjon", "tillitsvalgte", "naeringsliv"])
    assert v.godkjent and v.ekstra == ("naeringsliv",)
    assert any("ikke en sentral part" in m for m in v.meldinger)


def test_duplicates_are_ignored():
    v = vurder_samhandling("turnus", "partssamarbeid", ["administrasjon", "tillitsvalgte", "tillitsvalgte"])
    assert v.godkjent


@pytest.mark.parametrize(
    "sak, arena, parter, melding",
    [
        ("tull", "trepart", ["folkevalgte"], "Saken «tull» finnes ikke"),
        ("strategi", None, ["folkevalgte"], "Velg en arena"),
        ("strategi", "", ["folkevalgte"], "Velg en arena"),
        ("strategi", "kaffe", ["folkevalgte"], "Arenaen «kaffe» finnes ikke"),
        ("strategi", "trepart", ["ordfører"], "Parten «ordfører» finnes ikke"),
        ("strategi", "trepart", [], "Velg minst én part"),
        ("strategi", "trepart", "folkevalgte", "liste"),
    ],
)
def test_invalid_input(sak, arena, parter, melding):
    with pytest.raises(InputError, match=melding):
        vurder_samhandling(sak, arena, parter)


def test_finn_sak():
    assert finn_sak("ensomhet").arena == "partnerskap"
    with pytest.raises(InputError):
        finn_sak(None)  # type: ignore[arg-type]


# -- view --------------------------------------------------------------------------


def test_view_starts_with_case_and_instructions():
    v = Samhandlingskart()
    assert SAKER[0].tittel in v.beskrivelse.value
    assert "Slik gjør du" in v.tilbakemelding.value
    assert v.arena is None and v.parter == []
    assert v.velg_sak.description and v.velg_arena.description and v.sjekk.description
    assert all(b.description for b in v.avkrysning.values())


def test_view_check_without_arena_shows_error():
    v = Samhandlingskart()
    v.sjekk.click()
    assert "kurs-feil" in v.tilbakemelding.value and "Velg en arena" in v.tilbakemelding.value


def test_view_controls_drive_feedback():
    v = Samhandlingskart(sak="turnus")
    v.velg_arena.value = "partssamarbeid"
    v.avkrysning["administrasjon"].value = True
    assert v.arena == "partssamarbeid" and v.parter == ["administrasjon"]
    v.sjekk.click()
    assert "kurs-info" in v.tilbakemelding.value
    assert "Du mangler tillitsvalgte" in v.tilbakemelding.value
    v.avkrysning["tillitsvalgte"].value = True
    v.sjekk.click()
    assert "kurs-ok" in v.tilbakemelding.value and "Godt forslag" in v.tilbakemelding.value


def test_view_traits_drive_controls_and_case_change_resets():
    v = Samhandlingskart()
    v.arena = "trepart"
    v.parter = ["folkevalgte", "tillitsvalgte"]
    assert v.velg_arena.value == "trepart"
    assert [k for k, b in v.avkrysning.items() if b.value] == ["folkevalgte", "tillitsvalgte"]
    v.velg_sak.value = "ensomhet"
    assert v.sak == "ensomhet" and v.arena is None and v.parter == []
    assert not any(b.value for b in v.avkrysning.values())
    assert "Mindre ensomhet" in v.beskrivelse.value


def test_view_escapes_and_rejects_unknown_case():
    with pytest.raises(InputError):
        Samhandlingskart(sak="<script>")


def test_docstring_examples_run():
    import doctest

    import widgets.samhandle as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
