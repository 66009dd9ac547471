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
