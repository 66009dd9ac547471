"""OpenID Connect login (hub/oidc.py) on a real JupyterHub against a real OpenID provider.

The provider is npm's certified `oidc-provider` (tests/oidc/provider.mjs), the hub is
JupyterHub with configurable-http-proxy, and the browser is Debian's Chromium. Nothing
of the protocol is mocked: the browser follows the real redirects, the hub exchanges
the real code with PKCE and checks the real ID token's signature.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from oidc_provider import private_file, running_provider, stop, wait_for
from voila_process import free_port

ROOT = Path(__file__).resolve().parents[1]
CHP = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
JUPYTERHUB = Path(sys.executable).with_name("jupyterhub")

sys.path.insert(0, str(ROOT / "hub"))
import oidc  # noqa: E402  (hub/oidc.py, as jupyterhub_config.py imports it)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The course roster (HR file) and the course leaders, as `make hub` has them.
ROSTER_CSV = """id;navn;epost;enhet
kari;Kari Nordmann;kari.nordmann@test.kommune.no;Helse
"""
KURSLEDERE = ["lars.leder"]
# At the provider: Kari is on the roster (her UPN has other case), Lars leads the course
# (matched through the municipality's e-mail domain), Per is not on the roster.
ACCOUNTS = {
    "lars": {"password": secrets.token_urlsafe(12),
             "claims": {"sub": "51ce-lars", "preferred_username": "lars.leder@test.kommune.no",
                        "name": "Lars Leder", "email": "lars.leder@test.kommune.no"}},
    "kari": {"password": secrets.token_urlsafe(12),
             "claims": {"sub": "0f3c-kari", "preferred_username": "Kari.Nordmann@test.kommune.no",
                        "name": "Kari Nordmann", "email": "kari.nordmann@test.kommune.no"}},
    "per": {"password": secrets.token_urlsafe(12),
            "claims": {"sub": "9b1d-per", "preferred_username": "per.utenfor@test.kommune.no",
                       "name": "Per Utenfor", "email": "per.utenfor@test.kommune.no"}},
    # Not on the roster at first; the last test adds her while the hub runs.
    "ola": {"password": secrets.token_urlsafe(12),
            "claims": {"sub": "77aa-ola", "preferred_username": "ola.nykommer@test.kommune.no",
                       "name": "Ola Nykommer", "email": "ola.nykommer@test.kommune.no"}},
}

HUB_CONFIG = """
import sys
sys.path.insert(0, {hub_dir!r})
import oidc
from kurshub import sprak

sprak.install(c)  # our templates are translated per request (Jinja i18n), as in kurshub.config
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/cookie_secret"
c.JupyterHub.pid_file = "{state}/jupyterhub.pid"
c.JupyterHub.spawner_class = "simple"
c.JupyterHub.redirect_to_server = False
c.Authenticator.auth_refresh_age = 1
c.JupyterHub.template_paths = {templates!r}
c.JupyterHub.load_groups = {{"kursledere": {{"users": {kursledere!r}}}, "deltakere": {{"users": ["kari"]}}}}
# Like `kursleder deltakere importer`'s service: it keeps the group «deltakere».
c.JupyterHub.services = [{{"name": "oidc-test", "api_token": {api_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "oidc-test", "services": ["oidc-test"],
                             "scopes": ["admin:users", "groups", "list:groups", "read:groups"]}}]
oidc.configure(c, course_dir={course!r})
"""


@pytest.fixture(scope="module")
def state():
    path = Path(tempfile.mkdtemp(prefix="ko-oidc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def provider(state):
    """A running oidc-provider with one client (the hub) and the test accounts."""
    hub_port = free_port()
    with running_provider(state, f"http://127.0.0.1:{hub_port}/hub/oauth_callback", ACCOUNTS) as prov:
        yield {**prov, "hub_port": hub_port}


@pytest.fixture(scope="module")
def hub(state, provider):
    """A real JupyterHub + configurable-http-proxy that logs in through the provider."""
    if not CHP.exists():
        raise RuntimeError("configurable-http-proxy mangler. Kjør `make hub-deps` (make test gjør det).")
    from grading.roster import import_roster

    course = state / "kurs"
    course.mkdir()
    import_roster(course, data=ROSTER_CSV.encode())
    secret_file = private_file(state / "oidc-client-secret", provider["client_secret"] + "\n")
    api_token = secrets.token_hex(32)
    templates = [str(ROOT / "hub" / "templates")]  # the hub's own bokmål pages
    config = state / "jupyterhub_config.py"
    config.write_text(HUB_CONFIG.format(
        hub_dir=str(ROOT / "hub"), course=str(course), kursledere=KURSLEDERE, port=provider["hub_port"],
        hub_port=free_port(), api_port=free_port(), chp=str(CHP), state=state,
        templates=templates, api_token=api_token), encoding="utf-8")
    env = {**os.environ,
           "KURS_OIDC_ISSUER": provider["issuer"],
           "KURS_OIDC_CLIENT_ID": provider["client_id"],
           "KURS_OIDC_CLIENT_SECRET_FILE": str(secret_file),
           "KURS_OIDC_LOGIN_SERVICE": "testkommunen",
           "KURS_OIDC_EPOSTDOMENER": "test.kommune.no"}
    env.pop("KURS_OIDC_CLIENT_SECRET", None)
    log = state / "jupyterhub.log"
    url = f"http://127.0.0.1:{provider['hub_port']}"
    with open(log, "w") as fh:
        proc = subprocess.Popen([str(JUPYTERHUB), "-f", str(config)], cwd=state, env=env,
                                stdout=fh, stderr=subprocess.STDOUT)
    wait_for(url + "/hub/api/", proc, log, "JupyterHub")

    def api(path: str, method: str = "GET", body: dict | None = None):
        req = urllib.request.Request(url + "/hub/api" + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {api_token}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, None

    yield {"url": url, "api": api, "log": log, "secret": provider["client_secret"],
           "db": state / "jupyterhub.sqlite", "course": course}
    stop(proc)


def _to_provider(page, hub):
    """The hub's login page sends the browser on to the provider (single sign-on)."""
    page.goto(hub["url"] + "/hub/login")


def _log_in(page, hub, login: str):
    """Open the hub's login page, follow its link to the provider and sign in there."""
    _to_provider(page, hub)
    page.wait_for_url("**/interaction/**")
    page.get_by_label("Brukernavn").fill(login)
    page.get_by_label("Passord").fill(ACCOUNTS[login]["password"])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize(("login", "hub_name", "group"), [
    ("kari", "kari", "deltakere"),  # her UPN matches her e-mail on the roster
    ("lars", "lars.leder", "kursledere"),  # his UPN is in the municipality's domain
])
def test_roster_member_logs_in_as_roster_id_in_their_group(page, hub, login, hub_name, group):
    _log_in(page, hub, login)
    page.wait_for_url("**/hub/home")
    status, user = hub["api"](f"/users/{hub_name}")
    assert status == 200
    assert user["groups"] == [group]
    assert user["admin"] is False
    # No token is kept in the hub's database.
    with sqlite3.connect(hub["db"]) as db:
        assert db.execute("select count(*) from users where encrypted_auth_state is not null").fetchone() == (0,)


def test_outsider_is_refused_in_norwegian_and_gets_no_server(page, hub):
    from browser import format_violations, run_axe

    _log_in(page, hub, "per")
    page.wait_for_url("**/hub/oauth_callback**")
    body = page.locator("body").inner_text()
    assert oidc.NOT_ON_ROSTER in body
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("h1").count() == 1
    # No hub user was made, so there is no server either.
    assert hub["api"]("/users/per.utenfor")[0] == 404
    status, users = hub["api"]("/users")
    assert status == 200
    assert not [u["name"] for u in users if "per" in u["name"]]
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_hub_log_holds_neither_the_outsider_nor_the_secret(hub, page):
    start = hub["log"].stat().st_size
    _log_in(page, hub, "per")
    page.wait_for_url("**/hub/oauth_callback**")
    with open(hub["log"], encoding="utf-8", errors="replace") as fh:
        fh.seek(start)
        text = fh.read()
    assert "OIDC-innlogging avvist" in text
    assert "per.utenfor" not in text.lower()
    assert hub["secret"] not in text
    # The authorization code only appears masked.
    assert re.findall(r"code=([^&\s]*)", text) and set(re.findall(r"code=([^&\s]*)", text)) == {"[secret]"}


def test_login_follows_the_roster_without_restart(page, hub):
    """Ola is refused, imported while the hub runs and let in, then taken off and logged out."""
    from grading.roster import import_roster

    _log_in(page, hub, "ola")
    page.wait_for_url("**/hub/oauth_callback**")
    assert "står ikke på deltakerlisten" in page.locator("body").inner_text()
    assert hub["api"]("/users/ola")[0] == 404
    # What `kursleder deltakere importer` does: the course roster, then the hub's group.
    import_roster(hub["course"], data=(ROSTER_CSV + "ola;Ola Nykommer;ola.nykommer@test.kommune.no;Skole\n").encode())
    assert hub["api"]("/users/ola", "POST", {})[0] == 201
    assert hub["api"]("/groups/deltakere/users", "POST", {"users": ["ola"]})[0] == 200
    page.context.clear_cookies()
    _log_in(page, hub, "ola")
    page.wait_for_url("**/hub/home")
    status, user = hub["api"]("/users/ola")
    assert status == 200 and user["groups"] == ["deltakere"]
    # Taken off the roster while logged in: out at the next check, and refused at the provider's return.
    assert hub["api"]("/groups/deltakere/users", "DELETE", {"users": ["ola"]})[0] == 200
    time.sleep(2)
    # Still signed in at the provider (single sign-on): straight back, and refused.
    page.goto(hub["url"] + "/hub/home")
    page.wait_for_url("**/hub/oauth_callback**")
    assert "står ikke på deltakerlisten" in page.locator("body").inner_text()


# The set-up checks: a wrong setting stops the hub with a Norwegian message.

def test_client_secret_file_must_be_private(state):
    secret = state / "hemmelig"
    secret.write_text("abc\n")
    secret.chmod(0o644)
    with pytest.raises(oidc.OIDCConfigError, match="chmod 600"):
        oidc.read_client_secret({"KURS_OIDC_CLIENT_SECRET_FILE": str(secret)})
    secret.chmod(0o620)
    with pytest.raises(oidc.OIDCConfigError, match="chmod 600"):
        oidc.read_client_secret({"KURS_OIDC_CLIENT_SECRET_FILE": str(secret)})
    # 0440 in the hub's own group is how Kubernetes mounts a secret with defaultMode 0400.
    for mode in (0o600, 0o400, 0o440):
        secret.chmod(mode)
        assert oidc.read_client_secret({"KURS_OIDC_CLIENT_SECRET_FILE": str(secret)}) == "abc"
    with pytest.raises(oidc.OIDCConfigError, match="Klienthemmeligheten mangler"):
        oidc.read_client_secret({})


def test_discovery_checks_the_issuer(provider):
    assert oidc.discover(provider["issuer"])["issuer"] == provider["issuer"]
    other = provider["issuer"].replace("127.0.0.1", "localhost")
    with pytest.raises(oidc.OIDCConfigError, match="utstederen"):
        oidc.discover(other)
    with pytest.raises(oidc.OIDCConfigError, match="Fikk ikke lest"):
        oidc.discover(f"http://127.0.0.1:{free_port()}")


def test_id_token_from_another_key_is_refused(provider):
    """A token signed with a key the provider does not publish is refused (real JWKS)."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    doc = oidc.discover(provider["issuer"])
    auth = oidc.KursOIDCAuthenticator(issuer=doc["issuer"], jwks_uri=doc["jwks_uri"],
                                      client_id=provider["client_id"])
    now = int(time.time())
    claims = {"iss": doc["issuer"], "aud": provider["client_id"], "sub": "0f3c-kari", "iat": now,
              "exp": now + 300, "preferred_username": "kari.nordmann@test.kommune.no"}
    forged = jwt.encode(claims, rsa.generate_private_key(public_exponent=65537, key_size=2048),
                        algorithm="RS256", headers={"kid": "test"})
    with pytest.raises(jwt.PyJWTError):
        auth._verify_id_token(forged)


def test_configure_reads_the_environment_and_the_discovery_document(provider, state):
    from traitlets.config import Config

    secret = private_file(state / "hemmelig-2", "s3\n")
    env = {"KURS_OIDC_ISSUER": provider["issuer"], "KURS_OIDC_CLIENT_ID": "klient",
           "KURS_OIDC_CLIENT_SECRET_FILE": str(secret), "KURS_OIDC_USERDATA": "userinfo",
           "KURS_OIDC_AUTO_LOGIN": "0", "KURS_OIDC_EPOSTDOMENER": "a.example, b.example"}
    c = Config()
    oidc.configure(c, course_dir=state, env=env)
    a = c.KursOIDCAuthenticator
    assert (a.client_id, a.client_secret, a.course_dir) == ("klient", "s3", str(state))
    assert a.userdata_url == provider["issuer"] + "/me" and "userdata_from_id_token" not in a
    assert a.auto_login is False and a.enable_pkce is True and a.enable_auth_state is False
    assert a.email_domains == ["a.example", "b.example"]
    with pytest.raises(oidc.OIDCConfigError, match="KURS_OIDC_ISSUER"):
        oidc.configure(Config(), env={"KURS_OIDC_CLIENT_ID": "klient"})
    with pytest.raises(oidc.OIDCConfigError, match="KURS_OIDC_USERDATA"):
        oidc.configure(Config(), env={**env, "KURS_OIDC_USERDATA": "begge"})


def test_roster_matching_rules():
    roster = [{"id": "kari", "gruppe": "deltakere", "epost": "Kari.Nordmann@test.kommune.no"},
              {"id": "lars.leder", "gruppe": "kursledere"},
              {"id": "lars.leder", "gruppe": "deltakere"}]
    assert oidc.roster_id_for(" KARI ", roster) == "kari"
    assert oidc.roster_id_for("kari.nordmann@TEST.kommune.no", roster) == "kari"
    assert oidc.roster_id_for("lars.leder@test.kommune.no", roster) is None
    assert oidc.roster_id_for("lars.leder@test.kommune.no", roster, ["test.kommune.no"]) == "lars.leder"
    assert oidc.roster_id_for("lars.leder@annen.no", roster, ["test.kommune.no"]) is None
    assert oidc.roster_id_for("", roster) is None
    assert oidc.roster_index(roster)[0]["lars.leder"] == "kursledere"
