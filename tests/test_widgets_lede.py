"""Tests for widgets.lede: the involvement timeline for an invented digitalisation change."""
from __future__ import annotations


import pytest
from live_notebook import run_live_notebook

from widgets._common import InputError
from widgets.lede import (
    AKTIVITETER,
    CASE,
    FASER,
    InvolveringsTidslinje,
    finn_aktivitet,
    finn_fase,
    forslag_tidslinje,
    oppsummer,
    ordne_tidslinje,
    vurder_tidslinje,
)

TIDLIG = [a.nokkel for a in AKTIVITETER if a.involvering and a.nokkel != "evaluere"]


# --- data ---------------------------------------------------------------------------------


def test_case_is_labelled_invented_and_phases_are_ordered():
    assert "oppdiktet" in CASE
    assert [f.nr for f in FASER] == list(range(1, len(FASER) + 1))
    assert len({a.nokkel for a in AKTIVITETER}) == len(AKTIVITETER)


def test_core_activities_exist():
    ids = {a.nokkel for a in AKTIVITETER}
    assert {"informere", "drofte", "arbeidsgruppe", "beslutning", "opplaering", "evaluere"} <= ids


def test_involvement_activities_all_belong_before_the_decision():
    beslutning = finn_fase("beslutning").nr
    for aid in TIDLIG:
        assert all(finn_fase(f).nr < beslutning for f in finn_aktivitet(aid).faser), aid


# --- logic --------------------------------------------------------------------------------


def test_proposal_is_fully_right_with_early_involvement():
    r = vurder_tidslinje(forslag_tidslinje())
    assert r.ferdig and r.riktige == r.antall == len(AKTIVITETER)
    assert r.tidlig_involvering and r.merknader == ()
    tekst, kind = oppsummer(r)
    assert kind == "ok" and "før beslutningen" in tekst


def test_late_drofting_is_too_late_and_breaks_early_involvement():
    plan = {**forslag_tidslinje(), "drofte": "innforing"}
    r = vurder_tidslinje(plan)
    p = next(p for p in r.plasseringer if p.aktivitet_id == "drofte")
    assert not p.riktig and p.retning == "for sent" and p.tekst.startswith("For sent")
    assert not r.tidlig_involvering
    assert any("allerede er bestemt" in m for m in r.merknader)
    assert oppsummer(r)[1] == "feil"


def test_informing_at_decision_counts_as_late():
    r = vurder_tidslinje({**forslag_tidslinje(), "informere": "beslutning"})
    assert not r.tidlig_involvering


def test_too_early_direction():
    r = vurder_tidslinje({"evaluere": "ide", "opplaering": "utredning"})
    assert {p.aktivitet_id: p.retning for p in r.plasseringer} == {
        "evaluere": "for tidlig",
        "opplaering": "for tidlig",
    }


def test_drofting_before_informing_gets_a_note():
    r = vurder_tidslinje({"informere": "utredning", "drofte": "ide"})
    assert any("informasjon først" in m for m in r.merknader)


def test_informing_everyone_before_decision_gets_a_note():
    r = vurder_tidslinje({"beslutning": "beslutning", "informere_alle": "utredning"})
    assert any("før den er tatt" in m for m in r.merknader)


def test_partial_and_empty_timelines():
    r = vurder_tidslinje({})
    assert (r.plassert, r.riktige, r.tidlig_involvering) == (0, 0, False)
    r = vurder_tidslinje({"informere": "ide", "drofte": "", "arbeidsgruppe": None})
    assert r.plassert == 1 and not r.ferdig
    tekst, kind = oppsummer(r)
    assert kind == "info" and "1 av" in tekst


def test_unknown_activity_or_phase_raises():
    with pytest.raises(InputError, match="Ukjent aktivitet"):
        vurder_tidslinje({"kaffe": "ide"})
    with pytest.raises(InputError, match="Ukjent fase"):
        vurder_tidslinje({"informere": "i morgen"})
    with pytest.raises(InputError):
        ordne_tidslinje({"informere": "i morgen"})
    with pytest.raises(InputError):
        finn_aktivitet(None)


def test_ordne_tidslinje_groups_by_phase_in_time_order():
    ordnet = ordne_tidslinje({"evaluere": "etterpa", "informere": "ide", "drofte": "ide"})
    assert [f.nokkel for f, _ in ordnet] == [f.nokkel for f in FASER]
    assert [a.nokkel for a in ordnet[0][1]] == ["informere", "drofte"]
    assert [a.nokkel for a in ordnet[-1][1]] == ["evaluere"]
    assert ordnet[2][1] == []


# --- views --------------------------------------------------------------------------------


def test_view_starts_with_case_instructions_and_empty_timeline():
    t = InvolveringsTidslinje()
    assert "oppdiktet" in t._intro.value and "Sjekk tidslinjen" in t._intro.value
    assert "Din tidslinje" in t._tidslinje.value and "Ingen aktiviteter" in t._tidslinje.value
    assert "0 av" in t._tilbakemelding.value
    assert t.sjekk.description == "Sjekk tidslinjen"
    assert all(v.description for v in t._velgere.values())


def test_view_dropdown_updates_timeline_and_check_button_gives_feedback():
    t = InvolveringsTidslinje()
    t._velgere["drofte"].value = "innforing"
    assert t.plassering == {"drofte": "innforing"}
    assert "Drøfte behovet" in t._tidslinje.value
    assert "Tilbakemelding" not in t._tilbakemelding.value  # not checked yet
    t.sjekk.click()
    assert t.sjekket
    assert "For sent" in t._tilbakemelding.value
    # A change hides the old verdict until the next check.
    t._velgere["drofte"].value = "ide"
    assert not t.sjekket and "For sent" not in t._tilbakemelding.value


def test_view_full_proposal_scores_and_reset():
    t = InvolveringsTidslinje()
    t.plassering = forslag_tidslinje()
    assert t._velgere["informere"].value == "ide"
    t.sjekk.click()
    assert t.poeng == len(AKTIVITETER) and t.tidlig_involvering
    assert "kurs-ok" in t._tilbakemelding.value
    t._nullstill.click()
    assert t.plassering == {} and t.poeng == 0 and t._velgere["informere"].value == ""


def test_view_late_involvement_warns():
    t = InvolveringsTidslinje()
    t.plassering = {**forslag_tidslinje(), "arbeidsgruppe": "innforing"}
    t.sjekk.click()
    assert not t.tidlig_involvering and "for sent" in t._tilbakemelding.value
    assert "kurs-feil" in t._tilbakemelding.value


def test_view_bad_input_is_shown_escaped():
    t = InvolveringsTidslinje()
    t.plassering = {"<b>x</b>": "ide"}
    assert "kurs-feil" in t._tilbakemelding.value and "<b>x</b>" not in t._tilbakemelding.value


# --- live notebook ------------------------------------------------------------------------


def test_live_notebook_is_thin_clean_and_runs(root):
    assert [type(w) for w in run_live_notebook(root, "lede")] == [InvolveringsTidslinje]
