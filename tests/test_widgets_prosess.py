"""Tests for widgets.prosess: the process planner (proposed six-phase model)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from widgets._common import InputError
from widgets.prosess import (
    DELTAKERE,
    FASER,
    MAKS_UKER,
    Prosessplan,
    Prosessplanlegger,
    endre_fase,
    standardplan,
    tidslinje,
    valider,
    varsler,
)


def test_six_phases_in_proposed_order():
    assert [f.navn for f in FASER] == [
        "Forankring og mandat",
        "Innsikt",
        "Medvirkning",
        "Høring og politisk vedtak",
        "Arbeidsgiverstrategi og handlingsplan",
        "Implementering, oppfølging og evaluering",
    ]
    for f in FASER:
        assert f.bor_med <= DELTAKERE.keys() and f.eksempel_deltakere <= DELTAKERE.keys()
        assert "tillitsvalgte" in f.bor_med


def test_example_plan_has_no_warnings():
    assert varsler(standardplan()) == []


def test_timeline_is_consecutive():
    rader = tidslinje(standardplan())
    assert [r.nr for r in rader] == [1, 2, 3, 4, 5, 6]
    assert rader[0].fra_uke == 1
    for a, b in zip(rader, rader[1:]):
        assert b.fra_uke == a.til_uke + 1
    assert sum(r.uker for r in rader) == rader[-1].til_uke


def test_timeline_skips_excluded_phase():
    p = endre_fase(standardplan(), "innsikt", med=False)
    rader = tidslinje(p)
    assert [r.nr for r in rader] == [1, 3, 4, 5, 6]
    assert rader[1].fra_uke == rader[0].til_uke + 1
    assert any(v.startswith("Fasen «Innsikt» er tatt ut") for v in varsler(p))


def test_warning_when_union_reps_missing_from_insight():
    p = endre_fase(standardplan(), "innsikt", deltakere=["toppledelse", "hr"])
    v = varsler(p)
    assert v[0].startswith("Tillitsvalgte er ikke med i innsiktsfasen")


def test_missing_participants_listed_in_fixed_order():
    p = endre_fase(standardplan(), "medvirkning", deltakere=[])
    v = varsler(p)
    assert [t.split(" er ikke")[0] for t in v] == ["Folkevalgte", "Ledere", "Ansatte", "Tillitsvalgte", "Verneombud"]


def test_timing_warnings():
    p = endre_fase(standardplan(), "medvirkning", uker=2)
    assert any("under tre uker" in t for t in varsler(p))
    p = endre_fase(standardplan(), "innsikt", uker=60)
    assert any("før politisk vedtak" in t for t in varsler(p))
    # Implementation time does not count towards the time before the decision.
    p = endre_fase(standardplan(), "oppfolging", uker=MAKS_UKER)
    assert varsler(p) == []


@pytest.mark.parametrize("uker", [0, -1, MAKS_UKER + 1, 2.5, "4", True])
def test_invalid_duration(uker):
    with pytest.raises(InputError, match="uker"):
        endre_fase(standardplan(), "innsikt", uker=uker)


def test_invalid_phase_and_participant():
    with pytest.raises(InputError, match="Fasen «tull» finnes ikke"):
        endre_fase(standardplan(), "tull", uker=3)
    with pytest.raises(InputError, match="Ukjent deltaker"):
        endre_fase(standardplan(), "innsikt", deltakere=["ordfører"])
    with pytest.raises(InputError, match="liste"):
        endre_fase(standardplan(), "innsikt", deltakere="hr")


def test_plan_needs_at_least_one_phase():
    p = standardplan()
    for f in FASER[:-1]:
        p = endre_fase(p, f.nokkel, med=False)
    with pytest.raises(InputError, match="minst én fase"):
        endre_fase(p, FASER[-1].nokkel, med=False)


def test_valider_rejects_wrong_order():
    p = standardplan()
    with pytest.raises(InputError, match="rekkefølge"):
        valider(Prosessplan(tuple(reversed(p.faser))))
    bad = Prosessplan((replace(p.faser[0], uker=0),) + p.faser[1:])
    with pytest.raises(InputError):
        tidslinje(bad)


def test_endre_fase_does_not_mutate():
    p = standardplan()
    endre_fase(p, "innsikt", uker=2)
    assert p.fase("innsikt").uker == 6


# -- view -----------------------------------------------------------------------------


def test_view_starts_with_timeline():
    v = Prosessplanlegger()
    assert "Forankring og mandat" in v.tabell.value and "uke 1–4" in v.tabell.value
    assert "Ingen varsler" in v.varselboks.value
    assert "Politisk og administrativt mandat" in v.aktiviteter.value
    assert v.velg_fase.description and v.med.description and v.uker.description and v.tilbake.description
    assert all(b.description for b in v.avkrysning.values())


def test_view_change_participant_gives_warning_and_reset_clears():
    v = Prosessplanlegger()
    v.velg_fase.value = "innsikt"
    assert v.fase == "innsikt" and v.uker.value == 6
    v.avkrysning["tillitsvalgte"].value = False
    assert "Tillitsvalgte er ikke med i innsiktsfasen" in v.varselboks.value
    v.tilbake.click()
    assert "Ingen varsler" in v.varselboks.value
    assert v.avkrysning["tillitsvalgte"].value is True


def test_view_invalid_duration_shows_error_and_keeps_plan():
    v = Prosessplanlegger()
    v.fase = "medvirkning"
    v.uker.value = 0
    assert "kurs-feil" in v.feil.value
    assert v.plan.fase("medvirkning").uker == 8
    v.uker.value = 10
    assert v.feil.value == "" and v.plan.fase("medvirkning").uker == 10
    assert "uke 11–20" in v.tabell.value


def test_view_excluding_phase_disables_controls():
    v = Prosessplanlegger()
    v.med.value = False
    assert v.uker.disabled and all(b.disabled for b in v.avkrysning.values())
    assert "Forankring og mandat" not in v.tabell.value
    assert "tatt ut" in v.varselboks.value


def test_view_accepts_start_plan():
    p = endre_fase(standardplan(), "vedtak", deltakere=["toppledelse"])
    v = Prosessplanlegger(plan=p)
    assert "Folkevalgte er ikke med i høringsfasen" in v.varselboks.value


def test_docstring_examples_run():
    import doctest

    import widgets.prosess as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
