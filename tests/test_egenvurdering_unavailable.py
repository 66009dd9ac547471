"""A database that cannot be used (bad URL, folder that cannot be made or written): Norwegian messages, no crash.

The store raises its Norwegian StorageError subclasses, the apps start anyway and say what is wrong and whom
to tell, nothing typed is lost, and the same app works once the problem is fixed.
"""
from __future__ import annotations

import logging
import sqlite3

import pytest

from ev_helpers import answers
from widgets.egenvurdering import schema
from widgets.egenvurdering import store as store_mod
from widgets.egenvurdering.app import EgenvurderingApp
from widgets.egenvurdering import DatabaseUnavailable, StorageError, Store
from widgets.egenvurdering.team_app import TeamApp

BAD_URLS = ["ikke en url", "foo://x/y", "mysql://bruker:hemmelig@db.kommune.no/ev", "postgresql+nosuch://h/db"]


@pytest.fixture
def blocked(tmp_path):
    """An SQLite URL whose folder cannot be made: a plain file sits where a folder must be."""
    blocker = tmp_path / "kurs"
    blocker.write_text("en fil, ikke en mappe")
    return blocker, f"sqlite:///{blocker / 'var' / 'egenvurdering.db'}"


def unblock(blocker) -> None:
    blocker.unlink()
    blocker.mkdir()


# ---------------------------------------------------------------- store


def test_folder_that_cannot_be_made_gives_a_norwegian_error_and_the_same_store_works_once_fixed(blocked):
    blocker, url = blocked
    s = Store(url)  # no traceback here
    with pytest.raises(DatabaseUnavailable) as err:
        s.check()
    message = str(err.value)
    assert "mappen" in message and "kursansvarlig" in message and "EGENVURDERING_DB_URL" in message
    key = s.new_key()
    with pytest.raises(DatabaseUnavailable, match="mappen"):
        s.save_response(key, answers(2), "s1")
    unblock(blocker)
    s.save_response(key, answers(2), "s1")
    assert [r.answers["K1.1"] for r in s.responses(key)] == [2]
    s.close()


def test_default_url_with_a_var_folder_that_cannot_be_made(blocked, monkeypatch):
    blocker, url = blocked
    monkeypatch.delenv("EGENVURDERING_DB_URL", raising=False)
    monkeypatch.setattr(schema, "DEFAULT_URL", url)  # where Store() reads its default URL
    s = Store()
    assert s.url == url
    with pytest.raises(DatabaseUnavailable, match="mappen"):
        s.create_group("Team")
    s.close()


@pytest.mark.parametrize("where", ["missing-folder", "folder-as-file", "read-only-missing-file"])
def test_sqlite_file_that_cannot_be_opened_names_the_folder(tmp_path, where):
    url = {
        # URIs are not made by the store, so a missing folder stays missing.
        "missing-folder": f"sqlite:///file:{tmp_path / 'finnes-ikke' / 'ev.db'}?uri=true",
        "folder-as-file": f"sqlite:///{tmp_path}",
        "read-only-missing-file": f"sqlite:///file:{tmp_path / 'ev.db'}?mode=ro&uri=true",
    }[where]
    s = Store(url)
    with pytest.raises(DatabaseUnavailable) as err:
        s.check()
    assert "mappen" in str(err.value) and "EGENVURDERING_DB_URL" in str(err.value)
    s.close()


@pytest.mark.parametrize("url", BAD_URLS)
def test_malformed_url_or_missing_driver_is_a_norwegian_error_without_secrets(url, caplog):
    with caplog.at_level(logging.ERROR, logger=store_mod.__name__):
        with pytest.raises(DatabaseUnavailable) as err:
            Store(url)
    message = str(err.value)
    assert "feil satt opp" in message and "EGENVURDERING_DB_URL" in message and "kursansvarlig" in message
    assert "hemmelig" not in message and "hemmelig" not in caplog.text
    assert caplog.text  # the operator gets the details in the log


def test_malformed_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("EGENVURDERING_DB_URL", "sqlite//mangler-kolon")
    with pytest.raises(StorageError, match="feil satt opp"):
        Store()


# ---------------------------------------------------------------- employee app


def fill(app: EgenvurderingApp, value: str) -> None:
    for item in app.instrument.items:
        app.select_for(item.id).value = value


def test_employee_app_starts_with_a_message_keeps_the_answers_and_saves_once_the_folder_is_fixed(
    blocked, monkeypatch
):
    blocker, url = blocked
    monkeypatch.setenv("EGENVURDERING_DB_URL", url)
    app = EgenvurderingApp()  # no traceback
    assert app.screen == "start"
    assert "kurs-feil" in app.store_message.value and "mappen" in app.store_message.value
    assert "kursansvarlig" in app.store_message.value
    assert app.store_message in app._start.children
    app.consent.value = True
    app.new_button.click()
    assert app.screen == "skjema" and app.key
    fill(app, "4")
    app._on_save()  # called directly: a click would hide an escaping exception in the widget log
    assert app.screen == "skjema"
    assert "Ikke lagret." in app.form_message.value and "mappen" in app.form_message.value
    assert "Svarene dine står fortsatt i skjemaet" in app.form_message.value
    assert all(app.select_for(item.id).value == "4" for item in app.instrument.items)
    unblock(blocker)
    app._on_save()
    assert app.screen == "profil"
    assert app.store_message.value == ""
    check = Store(url)
    assert [r.answers["K1.1"] for r in check.responses(app.key)] == [4]
    check.close()


def test_employee_app_with_a_malformed_url_starts_and_retries_when_the_setting_is_fixed(tmp_path, monkeypatch):
    monkeypatch.setenv("EGENVURDERING_DB_URL", "ikke en url")
    app = EgenvurderingApp()
    assert "feil satt opp" in app.store_message.value and "EGENVURDERING_DB_URL" in app.store_message.value
    app.consent.value = True
    app.code_input.value = "AAAA-BBBB-CCCC"
    app._on_fetch()
    assert app.screen == "start" and "feil satt opp" in app.start_message.value
    app.new_button.click()
    fill(app, "5")
    app._on_save()
    assert app.screen == "skjema" and "feil satt opp" in app.form_message.value
    good = f"sqlite:///{tmp_path / 'ev.db'}"
    monkeypatch.setenv("EGENVURDERING_DB_URL", good)
    app._on_save()
    assert app.screen == "profil"
    check = Store(good)
    assert len(check.responses(app.key)) == 1
    check.close()


def test_employee_app_join_with_the_database_gone_says_so(monkeypatch):
    monkeypatch.setenv("EGENVURDERING_DB_URL", "foo://x")
    app = EgenvurderingApp()
    app.key = Store.new_key()
    app._build_profile()
    app.group_input.value = "4KXM-92TQ"
    app._on_join()
    assert "kurs-feil" in app.group_message.value and "feil satt opp" in app.group_message.value


# ---------------------------------------------------------------- team app


def test_team_app_starts_with_a_message_keeps_the_name_and_creates_once_the_folder_is_fixed(blocked, monkeypatch):
    blocker, url = blocked
    monkeypatch.setenv("EGENVURDERING_DB_URL", url)
    team = TeamApp()  # no traceback
    assert "kurs-feil" in team.store_message.value and "mappen" in team.store_message.value
    assert team.store_message in team.children
    team.name_input.value = "Team hjemmetjenesten"
    team._on_create()
    assert "kurs-feil" in team.create_message.value and "mappen" in team.create_message.value
    assert team.name_input.value == "Team hjemmetjenesten" and team.code_input.value == ""
    team.code_input.value = "4KXM-92TQ"
    team._on_show()
    assert "kurs-feil" in team.result.value and "mappen" in team.result.value
    team._on_close()
    assert "kurs-feil" in team.close_message.value
    unblock(blocker)
    team._on_create()
    code = team.code_input.value
    assert Store.validate_group_code(code) == code
    assert team.store_message.value == ""
    check = Store(url)
    assert check.group_name(code) == "Team hjemmetjenesten"
    check.close()


@pytest.mark.parametrize("url", BAD_URLS[:2])
def test_team_app_with_a_malformed_url_starts_with_a_message(url, monkeypatch):
    monkeypatch.setenv("EGENVURDERING_DB_URL", url)
    team = TeamApp()
    assert "feil satt opp" in team.store_message.value
    team.name_input.value = "Team"
    team._on_create()
    assert "feil satt opp" in team.create_message.value


def test_apps_with_a_working_database_show_no_storage_message(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'ev.db'}")
    assert EgenvurderingApp(store=s).store_message.value == ""
    assert TeamApp(store=s).store_message.value == ""
    # The check at start made the tables, so the database is ready before anyone answers.
    con = sqlite3.connect(tmp_path / "ev.db")
    assert con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ev_group'").fetchone()[0] == 1
    con.close()
