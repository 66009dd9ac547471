"""The apps' light Voila front end (vendor/src/voila-kurs.js in the `kurs` template).

Voila still runs the notebooks and the kernels; in the browser, our bundle
replaces Voila's JupyterLab application. These tests check, in real Chromium:
- the page loads our bundle and none of Voila's own front-end scripts;
- it opens exactly one kernel connection (the early socket, adopted);
- every live chapter widget and both self-assessment apps start, without
  script errors, outside requests or axe-core violations;
- an unknown kernel, a connection that is lost, or a kernel that dies gives a
  Norwegian message.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import format_violations, run_axe
from voila_process import running_voila
from tools import voila_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["egenvurdering.ipynb", "team.ipynb"] + sorted(
    f"widgets/{p.name}" for p in (ROOT / "apps" / "widgets").glob("*.ipynb")
)


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('db') / 'egenvurdering.db'}"
    with running_voila(db, preheat=False) as (port, _log):
        yield port


def wait_ready(page) -> None:
    page.wait_for_selector("body[data-kurs-ready='true']", state="attached")


def test_the_page_loads_our_bundle_and_not_voilas_front_end(page, voila):
    page.goto(voila_server.url(voila, "egenvurdering.ipynb"))
    wait_ready(page)
    scripts = [u for u in page.request_log.all if u.split("?")[0].endswith(".js")]
    assert any(u.endswith("/voila/templates/kurs/static/build/voila-kurs.js") for u in scripts), scripts
    voilas_own = [u for u in scripts if re.search(r"/(\d+\.)?voila\.js$", u.split("?")[0])]
    assert voilas_own == [], f"Voilas egen nettleserdel ble lastet: {voilas_own}"
    # Exactly one connection to the kernel: the one the page opened early, adopted by the bundle.
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    channels = [u for u in page.sockets if "/channels" in u]
    assert len(channels) == 1, channels
    assert f"/api/kernels/{kernel_id}/channels" in channels[0]
    assert page.evaluate("window.kursEarlySocket.adopted") is True


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_app_starts_cleanly(page, voila, notebook):
    page.goto(voila_server.url(voila, notebook))
    wait_ready(page)
    assert page.locator("#kurs-status").count() == 0, page.locator("#kurs-status").inner_text()
    assert page.locator("#loading").count() == 0
    expect(page.locator("#rendered_cells")).to_be_visible()
    # The widgets are live views: at least one interactive control is on screen.
    controls = page.locator("#rendered_cells").locator("button, select, input, textarea")
    expect(controls.first).to_be_visible()
    assert page.errors == [], page.errors
    violations = run_axe(page)
    assert violations == [], f"axe fant brudd i {notebook}:\n{format_violations(violations)}"
    assert page.request_log.external == [], page.request_log.external
    assert page.evaluate("document.documentElement.lang") == "nb"


def test_an_unknown_kernel_gives_a_norwegian_message(page, voila):
    """A page whose kernel no longer exists (for example culled) says so, in bokmål."""
    url = voila_server.url(voila, "widgets/vage.ipynb")

    def tamper(route):
        response = route.fetch()
        body = re.sub(r'"kernelId": "[^"]+"', '"kernelId": "00000000-0000-0000-0000-000000000000"', response.text())
        route.fulfill(response=response, body=body)

    page.route(url, tamper)
    page.goto(url)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Appen kunne ikke starte", timeout=20_000)
    expect(alert).to_contain_text("Last inn siden på nytt")


@pytest.mark.parametrize("query, message", [("", "Forbindelsen til appen ble brutt"),
                                            ("?sprak=nn", "Tilkoplinga til appen vart broten")])
def test_a_lost_connection_gives_a_norwegian_message(page, voila, query, message):
    """In the page's målform: the message comes from the template's texts (sprakvalg.MAL_TEKSTER)."""
    page.goto(voila_server.url(voila, "widgets/vage.ipynb") + query)
    wait_ready(page)
    assert page.get_by_role("alert").count() == 0
    # Close the kernel connection the way a server restart or a network drop would end it.
    page.evaluate("window.kursEarlySocket.ws.close(1000)")
    expect(page.get_by_role("alert")).to_contain_text(message, timeout=20_000)


def test_a_kernel_that_dies_gives_a_norwegian_message(page, voila):
    """If the app's kernel crashes, Jupyter restarts an empty kernel: the page says to reload."""
    page.goto(voila_server.url(voila, "widgets/vage.ipynb"))
    wait_ready(page)
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    pids = [int(line.split(None, 1)[0]) for line in subprocess.run(
        ["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout.splitlines()[1:]
        if f"kernel-{kernel_id}.json" in line]
    assert len(pids) == 1, (kernel_id, pids)
    os.kill(pids[0], signal.SIGKILL)
    expect(page.get_by_role("alert")).to_contain_text("Forbindelsen til appen ble brutt", timeout=30_000)
