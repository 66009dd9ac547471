"""Operations and bad input on the real hub, with learner D (dina) in Chromium:

- the hub and then the proxy are restarted while her JupyterLab is open; she
  then fetches, writes and submits, and the submission goes through;
- a second submit of the same assignment, after the deadline: both are kept,
  and the collected one is recorded as late;
- a third «dina» submission made by another Unix user is not collected, is
  reported, and stays in the exchange untouched;
- she is removed from the roster while logged in: her server stops, and she
  gets the Norwegian «not on the roster» page and no server.
"""
from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from browser import format_violations, run_axe
from hub_browser import close, fetch_write_submit, leader_and_learner_in_lab, log_in
from hub_fixture import HUB_PY, PASSWORD, write_roster

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

LATE = """
import os
from nbgrader.api import Gradebook
with Gradebook("sqlite:///" + os.path.join(os.environ["KURSLEDER_KURSMAPPE"], "gradebook.db")) as gb:
    s = gb.find_submission("vage", "dina")
    print(s.timestamp, s.duedate, s.total_seconds_late)
"""


# Run as the grader account: a copy of a submission under the learner's id, with a newer timestamp.
FORGE = """
import datetime as dt, json, pathlib, secrets, sys
src, student = pathlib.Path(sys.argv[1]), sys.argv[2]
ts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
dest = src.parent / f"{student}+vage+{ts}+{secrets.token_hex(4)}"
dest.mkdir()
nb = json.loads((src / "vage.ipynb").read_text(encoding="utf-8"))
nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Forfalsket svar."})
(dest / "vage.ipynb").write_text(json.dumps(nb), encoding="utf-8")
(dest / "timestamp.txt").write_text(ts, encoding="utf-8")
print(dest)
"""


def _routes(hub) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{hub.procs.proxy_api_port}/api/routes",
                                 headers={"Authorization": f"token {hub.procs.token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def _inbound(hub, name: str) -> list:
    return sorted(p.name for p in hub.s.exchange.glob(f"*/inbound/{name}+vage+*"))


def test_restarts_second_late_submit_and_removal(hub, browser):
    hub.kursleder("deltakere", "importer", str(hub.roster_csv))
    hub.kursleder("del-ut", "vage")
    kari, d = leader_and_learner_in_lab(browser, hub, "dina", PASSWORD)

    # Restart the hub, then the proxy, while her JupyterLab is open.
    hub.procs.restart_hub()
    assert d.request.get(f"{hub.url}/user/dina/api/status").ok
    hub.procs.restart_proxy()
    deadline = time.monotonic() + 60
    while "/user/dina" not in _routes(hub) and time.monotonic() < deadline:
        time.sleep(1)
    assert "/user/dina" in _routes(hub), "huben la ikke ruten inn igjen i proxyen"
    # The restarted hub routes her server again once its services (now also «Min side») are up.
    # A JupyterLab that polled in between asks whether to restart the server; it runs: say no.
    dialog = d.locator(".jp-Dialog")
    if dialog.count():
        d.keyboard.press("Escape")
        dialog.wait_for(state="detached")
    fetch_write_submit(d, hub, "dina", "Første svar etter omstart.")
    deadline = time.monotonic() + 60
    while not _inbound(hub, "dina") and time.monotonic() < deadline:
        time.sleep(1)
    first = _inbound(hub, "dina")
    assert len(first) == 1, first

    # Second submit, after the deadline.
    hub.kursleder("frist", "vage", "01.01.2026 12:00")
    fetch_write_submit(d, hub, "dina", "Andre svar etter fristen.", fetch=False)
    deadline = time.monotonic() + 60
    while len(_inbound(hub, "dina")) < 2 and time.monotonic() < deadline:
        time.sleep(1)
    both = _inbound(hub, "dina")
    assert len(both) == 2 and first[0] in both, both
    # A third «dina» submission, newest of all, made by another Unix user (the grader account):
    # not collected, reported, and left in the exchange as it is (grading/hub_unix.py).
    forged = hub.as_grader(str(HUB_PY), "-c", FORGE, str(next(hub.s.exchange.glob(f"*/inbound/{both[-1]}"))),
                           "dina").stdout.strip()
    forged_before = {p.name: p.read_bytes() for p in Path(forged).iterdir()}
    out = hub.kursleder("samle-inn", "vage").stdout
    assert "levert av en annen bruker enn dina" in out, out
    assert {p.name: p.read_bytes() for p in Path(forged).iterdir()} == forged_before
    collected = (hub.s.course / "submitted" / "dina" / "vage" / "vage.ipynb").read_text(encoding="utf-8")
    assert "Andre svar etter fristen." in collected and "Forfalsket" not in collected
    out += hub.kursleder("rett", "vage", "--deltaker", "dina", "--prosesser", "1").stdout
    late = hub.as_grader(str(HUB_PY), "-c", LATE).stdout.split()
    assert float(late[-1]) > 0, (late, out)
    archived = list((hub.s.course / "arkiv" / "vage" / "dina").rglob("*.ipynb"))
    assert archived, "originalinnleveringen ble ikke arkivert"
    hub.kursleder("frist", "vage", "--fjern")

    # Removed from the roster while logged in.
    write_roster(hub.roster_csv.with_name("uten-dina.csv"), ["anna", "bjorn", "cato"])
    out = hub.kursleder("deltakere", "importer", str(hub.roster_csv.with_name("uten-dina.csv"))).stdout
    assert "dina" in out and "mistet tilgangen" in out, out
    assert "dina" not in hub.api("GET", "/groups/deltakere")["users"]
    assert not hub.api("GET", "/users/dina").get("servers")
    # Her hub session ends at the next check (auth_refresh_age = 60 s); a new login is refused.
    time.sleep(61)
    d.goto(f"{hub.url}/hub/home")
    assert "/hub/login" in d.url, d.url
    log_in(d, hub, "dina", PASSWORD)
    assert d.get_by_role("heading", name="Du står ikke på deltakerlisten").is_visible()
    assert d.evaluate("document.documentElement.lang") == "nb"
    violations = run_axe(d)
    assert violations == [], format_violations(violations)
    r = d.request.get(f"{hub.url}/hub/spawn/dina", max_redirects=0)
    assert r.status in (302, 403), r.status
    assert not hub.api("GET", "/users/dina").get("servers")
    close(d)
    close(kari)
