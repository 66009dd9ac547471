"""The memory limit per learner server, on the real hub (Chromium, two extra learners eva and frode).

Eva's kernel allocates more than the hub's limit (``KURS_HUB_MEM_LIMIT``, 2 GiB in
the test hub). With a writable memory cgroup (cgroup v2 or v1, what this
machine and CI have), the kernel's OOM killer stops her kernel: JupyterLab says
the kernel died and restarts it, her server goes on, and frode's server is not
touched. Without one, the hub's log says so and each process gets RLIMIT_DATA,
so her allocation fails with MemoryError instead.
"""
from __future__ import annotations

import json
import sys
import time

from pathlib import Path

import psutil
import pytest
import yaml

from hub_browser import close, leader_and_learner_in_lab
from hub_fixture import HUB_PY, PASSWORD

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "minne", "metadata": {}, "outputs": [],
               "source": "data = b'x' * GRENSE\nprint('ferdig', len(data))"}],
    "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _add_learner(hub, name: str) -> None:
    """A learner on the hub's roster (what `kursleder deltakere importer` does, through the same API)."""
    try:
        hub.api("POST", f"/users/{name}")
    except Exception:
        pass  # already there
    hub.api("POST", "/groups/deltakere/users", {"users": [name]})


def _ready(hub, name: str) -> bool:
    server = hub.api("GET", f"/users/{name}").get("servers", {}).get("")
    return bool(server and server.get("ready"))


def _pids(uid: int) -> set[int]:
    return {p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid}


def test_one_memory_limit_for_make_hub_and_kubernetes():
    """`make hub`'s default, KubeSpawner's default and the shipped values.yaml say the same."""
    sys.path.insert(0, str(ROOT / "hub" / "k8s"))
    try:
        import kubespawner_config
    finally:
        sys.path.remove(str(ROOT / "hub" / "k8s"))
    from kurshub.settings import MEM_LIMIT, HubSettings, _bytes, from_env

    values = yaml.safe_load((ROOT / "hub" / "k8s" / "values.yaml").read_text(encoding="utf-8"))
    assert kubespawner_config.DEFAULTS["memLimit"] == MEM_LIMIT
    assert _bytes(str(values["custom"]["kurs"]["memLimit"])) == _bytes(MEM_LIMIT)
    assert from_env({}).mem_limit == HubSettings(state=Path("/tmp")).mem_limit == _bytes(MEM_LIMIT)
    assert from_env({"KURS_HUB_MEM_LIMIT": "1.5G"}).mem_limit == int(1.5 * 2**30)


@pytest.mark.hub
@pytest.mark.browser
@pytest.mark.slow
def test_kernel_over_the_limit_is_stopped_and_other_learners_go_on(hub, browser):
    import pwd

    from kurshub.spawner import memory_cgroups

    for name in ("eva", "frode"):
        _add_learner(hub, name)
    hub.api("POST", "/users/frode/server")
    deadline = time.monotonic() + 180
    while not _ready(hub, "frode") and time.monotonic() < deadline:
        time.sleep(1)
    assert _ready(hub, "frode"), "frodes server startet ikke"
    frode_uid = pwd.getpwnam(hub.s.unix_name("frode")).pw_uid
    frode_before = _pids(frode_uid)
    assert frode_before

    kari, eva = leader_and_learner_in_lab(browser, hub, "eva", PASSWORD)

    unix = hub.s.unix_name("eva")
    cgroups = memory_cgroups()
    log = (hub.procs.log_dir / "hub.log").read_text(errors="replace")
    if cgroups is not None:
        assert f"Memory limit per learner server: cgroup v{cgroups.version}" in log
        limit_file = cgroups.path(unix) / cgroups.limit_files()[0]
        assert int(limit_file.read_text()) == hub.s.mem_limit
        server_pids = set(cgroups.pids(unix))
        assert server_pids, "evas server er ikke i sin cgroup"
        assert frode_before.isdisjoint(server_pids)
    else:
        assert "No memory cgroup for learner servers" in log

    nb = json.loads(json.dumps(NOTEBOOK))
    nb["cells"][0]["source"] = nb["cells"][0]["source"].replace("GRENSE", str(hub.s.mem_limit + (512 << 20)))
    home = pwd.getpwnam(unix).pw_dir
    wrote = hub.as_learner("eva", str(HUB_PY), "-c",
                           f"import json,sys; open('minne.ipynb','w').write({json.dumps(json.dumps(nb))})",
                           cwd=home)
    assert wrote.returncode == 0, wrote.stderr
    eva.goto(f"{hub.url}/user/eva/lab/tree/minne.ipynb")
    cell = eva.locator(".jp-CodeCell").first
    cell.wait_for()
    deadline = time.monotonic() + 120  # the notebook's kernel has started
    while not eva.request.get(f"{hub.url}/user/eva/api/kernels").json() and time.monotonic() < deadline:
        time.sleep(1)
    eva.wait_for_timeout(2000)
    cell.locator(".cm-content").click()
    eva.keyboard.press("Shift+Enter")

    if cgroups is not None:
        dialog = eva.get_by_role("dialog")
        dialog.wait_for(timeout=120_000)
        text = dialog.inner_text()
        # JupyterLab's own text (the bokmål language pack has no translation of it), see docs/drift.md.
        assert "appears to have died" in text, text
        assert cgroups.oom_kills(unix) >= 1
        eva.screenshot(path="/tmp/kd-eva-minne.png")
        assert cell.locator(".jp-OutputArea-output", has_text="ferdig").count() == 0
        # Her server lives on (only the kernel was stopped) and gives her a new kernel.
        assert _ready(hub, "eva")
        assert server_pids & set(cgroups.pids(unix)), "evas JupyterLab-server ble stoppet, ikke bare kjernen"
    else:
        cell.locator(".jp-OutputArea-output").filter(has_text="MemoryError").first.wait_for(timeout=120_000)

    # Frode's server is untouched: the same processes, still ready.
    assert frode_before <= _pids(frode_uid)
    assert _ready(hub, "frode")
    hub.api("DELETE", "/users/frode/server")
    close(eva)
    close(kari)
