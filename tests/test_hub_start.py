"""Starting and stopping the real hub the way `make hub` does (hub/kurshub/run.py), with its own hub.

- stopped while its services are still starting, the hub leaves no process of its
  Unix users behind, so they can be deleted;
- `wait_for_services` returns only when every service answers through the proxy, so
  the address `make hub` then prints never sends a fresh login to a 404;
- the hub's 404 page (what an early visitor of an unrouted service gets) says in
  bokmål that the page may still be starting.

Its own Unix users (``kh-<tag>-``), removed afterwards.
"""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hub_fixture import HUB_PY, LEADERS, ROOT, _free_port

from kurshub.run import ROUTED_SERVICES, HubProcesses, _NoRedirect
from kurshub.settings import HubSettings
from kurshub.spawner import remove_unix_user

pytestmark = [pytest.mark.hub, pytest.mark.slow]


def _users(prefix: str) -> list[str]:
    return [e.pw_name for e in pwd.getpwall() if e.pw_name.startswith(prefix)]


def _pids_of(users: list[str]) -> list[int]:
    uids = {pwd.getpwnam(u).pw_uid for u in users}
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        if "Z" in fields.get("State", ""):
            continue
        if int(fields["Uid"].split()[0]) in uids:
            found.append(int(status.parent.name))
    return found


@pytest.fixture
def own_hub():
    if os.geteuid() != 0:
        raise RuntimeError("Hub-testene må kjøres som root (de lager Unix-brukere). CI kjører som root.")
    tag = secrets.token_hex(2)
    prefix = f"kh-{tag}-"
    state = Path(tempfile.mkdtemp(prefix="kh-hub-"))
    os.chmod(state, 0o755)
    s = HubSettings(state=state / "hub", unix_prefix=prefix, grader=f"{prefix}grader", apps_user=f"{prefix}apper",
                    port=_free_port(), kursledere=LEADERS, mem_limit=2 << 30, cull_idle_seconds=3600)
    procs = HubProcesses(s, python=str(HUB_PY), log_dir=state / "logg")
    try:
        prep = subprocess.run([str(HUB_PY), "-m", "kurshub.prepare"], cwd=ROOT / "hub", env=procs.env(),
                              capture_output=True, text=True, timeout=600)
        assert prep.returncode == 0, f"{prep.stdout}\n{prep.stderr}"
        yield procs
    finally:
        procs.stop()
        for pid in _pids_of(_users(prefix)):
            os.kill(pid, 9)
        for name in _users(prefix):
            remove_unix_user(name)
        shutil.rmtree(state, ignore_errors=True)


def _answer(url: str) -> tuple[int, str]:
    try:
        r = urllib.request.build_opener(_NoRedirect).open(url, timeout=10)
        return r.status, ""
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location", "")


def test_stop_while_services_start_then_start_and_wait(own_hub):
    procs = own_hub
    users = _users(procs.s.unix_prefix)
    assert procs.s.grader in users and procs.s.apps_user in users, users

    # Stopped while its services start: the hub answers, the services run, not all are routed yet.
    procs.start()
    deadline = time.monotonic() + 120
    while not _pids_of(users) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _pids_of(users), "ingen tjeneste startet som kursets egne brukere"
    early = {name: _answer(f"{procs.url}/services/{name}/") for name in ROUTED_SERVICES}
    procs.stop()
    assert _pids_of(users) == [], f"prosesser igjen etter stopp (svar da: {early})"
    assert procs.service_pids() == []
    for name in users:  # userdel refuses a user with running processes
        res = subprocess.run(["userdel", name], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        subprocess.run(["groupdel", name], capture_output=True)

    # Started again (the users come back with a new preparation), `make hub` waits for every route.
    prep = subprocess.run([str(HUB_PY), "-m", "kurshub.prepare"], cwd=ROOT / "hub", env=procs.env(),
                          capture_output=True, text=True, timeout=600)
    assert prep.returncode == 0, f"{prep.stdout}\n{prep.stderr}"
    procs.start()
    seen = []
    procs.wait_for_services(timeout=600, progress=lambda ready, names: seen.append(list(ready)))
    assert sorted(seen[-1]) == sorted(ROUTED_SERVICES)
    for name in ROUTED_SERVICES:
        status, location = _answer(f"{procs.url}/services/{name}/")
        assert status < 500 and "/hub/services/" not in location, (name, status, location)
    # The service most learners meet first sends them to the hub's login, not to a 404.
    status, location = _answer(f"{procs.url}/services/minside/")
    assert status == 302 and "oauth2/authorize" in location, (status, location)

    # What a learner who logs in too early sees: the hub's own 404 for a service it has not routed.
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{procs.url}/hub/services/finnes-ikke/", timeout=30)
    assert e.value.code == 404
    html = e.value.read().decode()
    assert 'lang="nb"' in html
    assert "starter fortsatt" in html and "Prøv igjen om et minutt" in html

    procs.stop()
    assert _pids_of(_users(procs.s.unix_prefix)) == []

