"""hub/minside/config.py: what «Min side» adds to a JupyterHub config."""
from __future__ import annotations

import sys
from pathlib import Path

from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from minside.config import SERVICE, configure  # noqa: E402


def test_configure_adds_service_scopes_and_first_page(tmp_path):
    c = Config()
    c.JupyterHub.services = [{"name": "boka", "url": "http://127.0.0.1:1"}]
    c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "access:services!service=boka"]},
                               {"name": "kursleder", "groups": ["kursledere"], "scopes": ["read:groups"]}]
    c.JupyterHub.default_url = "/hub/home"
    entry = configure(c, course_dir=tmp_path / "kurs", exchange=tmp_path / "ut", user="kursgrader",
                      port=12345, formgrader_url="/services/retting/formgrader")
    names = [s["name"] for s in c.JupyterHub.services]
    assert names == ["boka", SERVICE]
    assert entry["url"] == "http://127.0.0.1:12345" and entry["user"] == "kursgrader"
    assert entry["environment"]["KURSLEDER_KURSMAPPE"] == str(tmp_path / "kurs")
    assert entry["environment"]["MINSIDE_FORMGRADER_URL"] == "/services/retting/formgrader"
    assert entry["oauth_client_allowed_scopes"] == ["read:users:groups!user"]
    user = next(r for r in c.JupyterHub.load_roles if r["name"] == "user")
    assert user["scopes"] == ["self", "access:services!service=boka",
                              f"access:services!service={SERVICE}", "read:users:groups!user"]
    assert c.JupyterHub.default_url == f"/services/{SERVICE}/"
    configure(c, course_dir=tmp_path / "kurs", port=12346)  # twice: still one entry, no repeats
    assert [s["name"] for s in c.JupyterHub.services].count(SERVICE) == 1
    user = next(r for r in c.JupyterHub.load_roles if r["name"] == "user")
    assert len(user["scopes"]) == len(set(user["scopes"])) == 4


def test_configure_on_an_empty_config(tmp_path):
    c = Config()
    configure(c, course_dir=tmp_path)
    assert c.JupyterHub.load_roles == [{"name": "user", "scopes": [
        "self", f"access:services!service={SERVICE}", "read:users:groups!user"]}]
    assert "user" not in c.JupyterHub.services[0]


def test_the_course_hub_makes_min_side_the_first_page(tmp_path):
    """hub/kurshub/config.py calls configure: the service runs as the grader account and looks for
    «hentet» in the learners' homes, named the way the spawner names their Unix users."""
    from kurshub import config as kurs_config
    from kurshub.settings import HubSettings

    s = HubSettings(state=tmp_path, unix_prefix="km-", grader="km-grader", apps_user="km-apper")
    c = Config()
    kurs_config.configure(c, s)
    assert c.JupyterHub.default_url == f"/services/{SERVICE}/"
    (entry,) = [x for x in c.JupyterHub.services if x["name"] == SERVICE]
    assert entry["user"] == "km-grader" and entry["cwd"] == str(s.course)
    env = entry["environment"]
    assert env["KURSLEDER_KURSMAPPE"] == str(s.course) and env["KURSLEDER_EXCHANGE"] == str(s.exchange)
    assert env["KURSLEDER_HENTET_MAL"] == str(s.homes / "{unix}" / "{assignment}")
    assert env["MINSIDE_UNIX_PREFIKS"] == "km-" and env["MINSIDE_GODKJENN_URL"] == "/hub/authorize"
    user = next(r for r in c.JupyterHub.load_roles if r["name"] == "user")
    assert f"access:services!service={SERVICE}" in user["scopes"]


def test_fetched_path_names_homes_like_the_spawner(monkeypatch):
    from kurshub.settings import HubSettings
    from minside.app import fetched_path, settings_from_env

    path = fetched_path("/hjem/{unix}/{assignment}", "kurs-")
    assert path("ada", "vage") == "/hjem/kurs-ada/vage"
    long_id = "ola.nordmann.med.et.langt.navn"
    unix = HubSettings(state=Path("/"), unix_prefix="kurs-").unix_name(long_id)
    assert len(unix) <= 32 and path(long_id, "lede") == f"/hjem/{unix}/lede"
    assert path("Ikke Gyldig", "vage") == ""  # never a path outside the homes
    monkeypatch.setenv("KURSLEDER_HENTET_MAL", "/hjem/{unix}/{assignment}")
    monkeypatch.setenv("MINSIDE_UNIX_PREFIKS", "kurs-")
    monkeypatch.setenv("MINSIDE_GODKJENN_URL", "/hub/authorize")
    s = settings_from_env()
    assert s.fetched_template("bo", "vage") == "/hjem/kurs-bo/vage" and s.approve_url == "/hub/authorize"
