"""Headless tests of the self-assessment app views: build, change, assert (no browser)."""
from __future__ import annotations

import sqlite3

import pytest

from widgets.egenvurdering import views
from widgets.egenvurdering.app import DONT_KNOW, NOT_ANSWERED, EgenvurderingApp, to_answers
from widgets.egenvurdering.instrument import load_instrument
from widgets.egenvurdering.scoring import score, weakest
from widgets.egenvurdering import Store
from widgets.egenvurdering.team_app import TeamApp


@pytest.fixture()
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'ev.db'}", busy_timeout_ms=200)


def fill(app: EgenvurderingApp, value: str) -> None:
    for item in app.instrument.items:
        app.select_for(item.id).value = value


def start(app: EgenvurderingApp) -> None:
    app.consent.value = True
    app.new_button.click()


def test_to_answers_maps_dont_know_to_none_and_drops_unanswered():
    assert to_answers({"a": "3", "b": DONT_KNOW, "c": NOT_ANSWERED}) == {"a": 3, "b": None}


def test_consent_is_needed_before_anything_is_stored(store):
    app = EgenvurderingApp(store=store)
    app.new_button.click()
    assert app.screen == "start"
    assert "Kryss av" in app.start_message.value
    assert app.key == ""


def test_full_flow_profile_plan_and_retake_shows_change(store):
    app = EgenvurderingApp(store=store)
    start(app)
    assert app.screen == "skjema"
    fill(app, "2")
    app.save_button.click()
    assert app.screen == "profil"
    first = store.responses(app.key)
    assert len(first) == 1
    assert "Profilen din" in app.profile_html.value and "<svg" in app.profile_html.value
    assert "Endring siden sist" not in app.profile_html.value
    # The plan starts from a template naming the two weakest dimensions.
    for s in weakest(first[0].scores, 2):
        assert f"Dimensjon: {s.dimension} {s.name}" in app.plan_area.value
    app.plan_area.value = "Mål: <script>alert(1)</script>"
    app.plan_button.click()
    assert store.latest_plan(app.key) == "Mål: <script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in app.downloads.value  # base64 inside a data: link
    app.retake_button.click()
    assert app.screen == "skjema"
    assert all(dd.value == NOT_ANSWERED for dd in app.selects.values())
    fill(app, "5")
    app.save_button.click()
    assert len(store.responses(app.key)) == 2
    assert "Endring siden sist" in app.profile_html.value
    assert "Du har tatt vurderingen 2 ganger" in app.profile_html.value


def test_double_click_on_save_creates_one_record(store):
    app = EgenvurderingApp(store=store)
    start(app)
    fill(app, "3")
    app.save_button.click()
    app.screen = "skjema"  # the same form shown again, as after a slow double click
    app.save_button.click()
    assert len(store.responses(app.key)) == 1


def test_locked_database_gives_a_clear_message_and_nothing_typed_is_lost(store, tmp_path):
    app = EgenvurderingApp(store=store)
    start(app)
    fill(app, "4")
    blocker = sqlite3.connect(tmp_path / "ev.db", timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        app.save_button.click()
        assert app.screen == "skjema"
        assert "opptatt" in app.form_message.value
        assert "Svarene dine står fortsatt i skjemaet" in app.form_message.value
        assert all(dd.value == "4" for dd in app.selects.values())
    finally:
        blocker.rollback()
        blocker.close()
    app.save_button.click()
    assert app.screen == "profil"
    assert len(store.responses(app.key)) == 1


def test_unknown_code_says_so(store):
    app = EgenvurderingApp(store=store)
    app.consent.value = True
    app.code_input.value = "AAAA-BBBB-CCCC"
    app.fetch_button.click()
    assert app.screen == "start"
    assert "kode" in app.start_message.value.lower()


def test_profile_links_weakest_dimensions_to_their_chapters(store):
    ins = load_instrument()
    app = EgenvurderingApp(store=store)
    start(app)
    fill(app, "4")
    # Make P1 clearly the weakest: disagree with its positive items, agree with its reverse items.
    for item in ins.dimension("P1").items:
        app.select_for(item.id).value = "5" if item.reverse else "1"
    app.save_button.click()
    assert "chapters/vage.html" in app.profile_html.value


def test_team_app_shows_nothing_below_five_and_escapes_group_names(store):
    ins = load_instrument()
    team = TeamApp(store=store)
    team.name_input.value = "<b>Team</b>"
    team.create_button.click()
    code = team.code_input.value
    for i in range(5):
        key = store.new_key()
        store.save_response(key, {it.id: 1 + (i % 5) for it in ins.items}, f"s{i}")
        store.join_group(key, code)
        team.show_button.click()
        if i < 4:
            assert "minst 5" in team.result.value
            assert "<table" not in team.result.value
    assert "<table" in team.result.value
    assert "&lt;b&gt;Team&lt;/b&gt;" in team.result.value
    assert "<b>Team</b>" not in team.result.value


def test_profile_table_and_csv_match_the_scores():
    ins = load_instrument()
    answers = {it.id: 3 for it in ins.items}
    scores = score(ins, answers)
    table = views.profile_table(scores)
    assert table.count("<tr>") == 1 + len(ins.dimensions)
    assert "50" in table  # (3 − 1) / 4 × 100
    rows = views.scores_csv(scores).strip().splitlines()
    assert len(rows) == 1 + len(ins.dimensions)
    assert rows[1].endswith(";50.0;under utvikling")


def test_read_only_database_gives_a_clear_message_and_keeps_the_form(store, tmp_path):
    writer = EgenvurderingApp(store=store)
    start(writer)  # creates the tables
    store.close()  # as when the file has been made read-only for everyone
    ro = Store(f"sqlite:///file:{tmp_path / 'ev.db'}?mode=ro&uri=true", busy_timeout_ms=100)
    app = EgenvurderingApp(store=ro)
    start(app)
    fill(app, "2")
    app.save_button.click()
    assert app.screen == "skjema"
    # SQLite reports a read-only WAL database as «unable to open»; either way the message is clear.
    assert "svarene dine er ikke lagret" in app.form_message.value
    assert "Svarene dine står fortsatt i skjemaet" in app.form_message.value
    assert all(app.select_for(item.id).value == "2" for item in app.instrument.items)
    ro.close()


def test_empty_plan_gets_a_message_and_a_usable_button(store):
    app = EgenvurderingApp(store=store)
    start(app)
    fill(app, "3")
    app.save_button.click()
    app.plan_area.value = "   "
    app.plan_button.click()
    assert "Handlingsplanen er tom" in app.plan_message.value
    assert "Ikke lagret." in app.plan_message.value
    assert not app.plan_button.disabled
    assert store.latest_plan(app.key) is None


def test_plan_is_saved_even_if_reading_the_profile_again_fails(store, monkeypatch):
    from widgets.egenvurdering import DatabaseLocked

    app = EgenvurderingApp(store=store)
    start(app)
    fill(app, "3")
    app.save_button.click()
    app.plan_area.value = "Tiltak: faste møter med tillitsvalgte"

    def locked(*_a, **_k):
        raise DatabaseLocked()

    monkeypatch.setattr(store, "responses", locked)
    app._on_save_plan()  # called directly: a click would hide an escaping exception in the widget log
    assert "Handlingsplanen er lagret." in app.plan_message.value
    assert not app.plan_button.disabled
    assert store.latest_plan(app.key) == "Tiltak: faste møter med tillitsvalgte"


def test_fetched_code_is_kept_in_its_normal_form(store):
    key = store.new_key()
    store.save_response(key, {it.id: 3 for it in load_instrument().items}, "s1")
    app = EgenvurderingApp(store=store)
    app.consent.value = True
    app.code_input.value = " " + key.replace("-", " ").lower() + " "
    app.fetch_button.click()
    assert app.screen == "profil"
    assert app.key == key
    assert f"<strong>{key}</strong>" in app.profile_html.value


def test_group_code_placeholder_has_the_form_of_a_group_code(store):
    app = EgenvurderingApp(store=store)
    start(app)
    fill(app, "3")
    app.save_button.click()
    assert Store.validate_group_code(app.group_input.placeholder) == app.group_input.placeholder


def test_team_view_survives_a_busy_database_while_making_the_download_files(store, monkeypatch):
    from widgets.egenvurdering import DatabaseLocked

    ins = load_instrument()
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    team.create_button.click()
    code = team.code_input.value
    for i in range(5):
        key = store.new_key()
        store.save_response(key, {it.id: 1 + (i % 5) for it in ins.items}, f"s{i}")
        store.join_group(key, code)

    def locked(*_a, **_k):
        raise DatabaseLocked()

    monkeypatch.setattr(store, "export_group", locked)
    team.show_button.click()
    assert "<table" in team.result.value
    assert "opptatt" in team.result.value
    assert "base64" not in team.result.value


def test_too_few_respondents_is_information_not_an_error(store):
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    team.create_button.click()
    team.show_button.click()
    assert "kurs-info" in team.result.value and "kurs-feil" not in team.result.value
    team.code_input.value = "<b>x</b>"
    team.show_button.click()
    assert "kurs-feil" in team.result.value and "<b>" not in team.result.value


# ---------------------------------------------------------------- launcher (tools/serve.py)
# Here because tests/test_serve.py needs a built book and a browser; this one needs neither.


def test_serve_stops_every_started_process_when_interrupted_during_startup(tmp_path, monkeypatch):
    import importlib.util
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("serve_under_test", root / "tools" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    (tmp_path / "_build" / "html").mkdir(parents=True)
    (tmp_path / "_build" / "html" / "index.html").write_text("<html></html>")
    monkeypatch.setattr(serve, "ROOT", tmp_path)
    monkeypatch.setattr(serve, "port_free", lambda port: True)
    monkeypatch.setenv("EGENVURDERING_DB_URL", f"sqlite:///{tmp_path / 'ev.db'}")
    real_popen, started = subprocess.Popen, []

    def fake_popen(*_a, **_k):
        p = real_popen([sys.executable, "-c", "import time; time.sleep(60)"])
        started.append(p)
        return p

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt  # Ctrl+C (or SIGTERM) while waiting for the services

    monkeypatch.setattr(serve.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(serve, "wait_until_up", interrupted)
    try:
        assert serve.main() == 0
        assert len(started) == 3
        assert all(p.poll() is not None for p in started)
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()


def test_app_texts_follow_the_instrument_not_fixed_numbers(store):
    import dataclasses

    ins = load_instrument()
    small = dataclasses.replace(ins, min_group=7, dimensions=ins.dimensions[:3])
    app = EgenvurderingApp(store=Store(store.url, instrument=small), instrument=small)
    assert "profil over 3 dimensjoner" in app.start_intro.value
    app.consent.value = True
    app.new_button.click()
    fill(app, "3")
    app.screen = "profil"
    page = "".join(c.value for c in app._profile.children if hasattr(c, "value") and isinstance(c.value, str))
    assert "minst 7 har svart" in page and "minst 5 har svart" not in page
    assert "Edderkoppdiagram over de 3 dimensjonene" in views.radar_svg(score(ins, {})[:3])
