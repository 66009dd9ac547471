"""Isolation on the hub: as a learner's Unix user, try every forbidden read and write.

The learner's server must run as that user, and the user must not read or
write another learner's files, the gradebook, the roster, the course source
(on the hub and in the checkout), the hub's own data or the apps' data.
"""
from __future__ import annotations

import json
import os
import subprocess
import time

import psutil
import pytest

from hub_fixture import ROOT

pytestmark = [pytest.mark.hub, pytest.mark.slow]

PROBE = r"""
import json, os, sys
results = {}
for kind, path in json.loads(sys.argv[1]):
    try:
        if kind == "read":
            with open(path, "rb") as fh:
                fh.read(1)
        elif kind == "list":
            os.listdir(path)
        elif kind == "write":
            with open(path, "ab") as fh:
                fh.write(b"")
        elif kind == "create":
            with open(os.path.join(path, "inntrenger.txt"), "x") as fh:
                fh.write("x")
        results[f"{kind} {path}"] = "TILLATT"
    except OSError as exc:
        results[f"{kind} {path}"] = type(exc).__name__
print(json.dumps(results))
"""


def _wait_server(hub, name: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        user = hub.api("GET", f"/users/{name}")
        server = (user.get("servers") or {}).get("")
        if server and server.get("ready"):
            return
        time.sleep(1)
    raise AssertionError(f"serveren til {name} ble ikke klar")


def test_learner_cannot_read_or_write_what_is_not_theirs(hub):
    from kurshub.spawner import ensure_unix_user

    hub.kursleder("deltakere", "importer", str(hub.roster_csv))
    hub.api("POST", "/users/dina/server")
    _wait_server(hub, "dina")
    s = hub.s
    dina = s.unix_name("dina")

    # The server runs as dina's own Unix user, not as root.
    import pwd

    uid = pwd.getpwnam(dina).pw_uid
    servers = [p for p in psutil.process_iter(["cmdline", "uids"])
               if p.info["cmdline"] and any("jupyterhub-singleuser" in a for a in p.info["cmdline"])
               and p.info["uids"].real == uid]
    assert servers, "fant ikke serveren til dina som hennes egen Unix-bruker"
    # Her home is hers (0700), apart from search only (x) for the account of «Min side», which
    # may see whether ~/<oppgave> exists (kurshub.spawner.let_see_fetched). The group bits show
    # the ACL mask; the owning group itself has nothing.
    home = pwd.getpwnam(dina).pw_dir
    assert os.stat(home).st_mode & 0o777 in (0o700, 0o710)
    acl = subprocess.run(["getfacl", "--omit-header", "--absolute-names", home], capture_output=True,
                         text=True, check=True).stdout.split()
    assert {e for e in acl if not e.startswith("default:")} <= {
        "user::rwx", f"user:{s.grader}:--x", "group::---", "mask::--x", "other::---"}, acl

    # Another learner with a private file.
    other = s.unix_name("cato")
    entry = ensure_unix_user(other, s.homes / other)
    secret = s.homes / other / "refleksjon.ipynb"
    secret.write_text("{}")
    os.chown(secret, entry.pw_uid, entry.pw_gid)

    inbound = next(s.exchange.glob("*/inbound"), None)
    checks = [
        ("read", secret), ("write", secret), ("create", s.homes / other), ("list", s.homes / other),
        ("read", s.course / "gradebook.db"), ("write", s.course / "gradebook.db"),
        ("read", s.course / "deltakere.csv"), ("write", s.course / "deltakere.csv"),
        ("read", s.course / "source" / "vage" / "vage.ipynb"), ("create", s.course / "source" / "vage"),
        ("list", s.course), ("create", s.course),
        ("read", ROOT / "exercises" / "source" / "vage" / "vage.ipynb"), ("list", ROOT / "exercises"),
        ("read", s.hub_data / "jupyterhub.sqlite"), ("read", s.hub_data / "jupyterhub_cookie_secret"),
        ("list", s.hub_data), ("create", s.hub_data),
        ("read", s.sync_token_file), ("list", s.apps_data), ("create", s.apps_data),
    ]
    if inbound is not None:
        checks.append(("list", inbound))
    if (ROOT / ".git").is_dir():
        checks.append(("list", ROOT / ".git"))
    res = hub.as_learner("dina", str(ROOT / ".venv-hub" / "bin" / "python"), "-c", PROBE,
                         json.dumps([(k, str(p)) for k, p in checks]))
    assert res.returncode == 0, res.stderr
    results = json.loads(res.stdout)
    allowed = [k for k, v in results.items() if v == "TILLATT"]
    assert allowed == [], f"Deltakeren fikk lov til: {allowed}"
    assert len(results) == len(checks)

    # And what is hers works: her own home is writable.
    ok = hub.as_learner("dina", "touch", "eget-notat.txt")
    assert ok.returncode == 0, ok.stderr
