"""The live version of a chapter widget runs its Python callbacks under Voila.

The book's widgets are static (no kernel). The role {live} links to the same
widget served by Voila (`make start`). This test starts Voila the way
`make start` does (widgets.voila_server), opens the page the chapter «Å våge»
links to, chooses a level for the first case in Chromium, and checks that the
feedback computed by the Python callback appears: the same text the teaching
logic (widgets.vage.vurder_alle) gives for that answer.
"""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from browser import launch, watch_requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import kurs  # noqa: E402
from widgets import voila_server  # noqa: E402
from widgets.vage import NIVAER, SAKER, oppsummer, vurder_alle  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "widgets/vage.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila():
    port = _free_port()
    state = Path(tempfile.mkdtemp(prefix="kurs-live-"))
    env = voila_server.environment()
    for var in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        env[var] = str(state / var.lower())
    log = state / "voila.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(voila_server.command(port, preheat=False), env=env, cwd=ROOT,
                                stdout=fh, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/tree", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voila startet ikke:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_chapter_links_to_this_notebook():
    text = (ROOT / "chapters" / "vage.md").read_text(encoding="utf-8")
    assert f"{{live}}`{NOTEBOOK}`" in text
    assert (ROOT / "apps" / NOTEBOOK).is_file()
    # The link the book renders is the URL `make start` serves (port 8866).
    assert f"{kurs.LIVE_BASE_DEFAULT}/{NOTEBOOK}" == voila_server.url(8866, NOTEBOOK)


def test_live_widget_runs_the_python_callback(voila):
    sak, niva = SAKER[0], NIVAER[0]
    resultat = vurder_alle({sak.id: niva.id})
    expected = next(v.tekst for v in resultat.vurderinger if v.sak_id == sak.id)
    summary, _ = oppsummer(resultat)

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            log = watch_requests(page)
            page.goto(voila_server.url(voila, NOTEBOOK))
            dropdown = page.get_by_label("Nivå for sak 1:")
            dropdown.wait_for(timeout=60_000)
            # Before the answer, the case has no feedback.
            assert page.get_by_text(expected, exact=False).count() == 0
            dropdown.select_option(label=niva.navn)
            feedback = page.locator(".kurs-feedback", has_text=expected[:60])
            feedback.first.wait_for(timeout=20_000)
            assert re.sub(r"\s+", " ", feedback.first.inner_text()).strip() == re.sub(r"\s+", " ", expected).strip()
            score = page.locator(".kurs-feedback", has_text="Poeng:")
            assert summary in re.sub(r"\s+", " ", score.first.inner_text())
            assert log.external == [], log.external
        finally:
            browser.close()
