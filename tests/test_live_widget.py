"""The live version of a chapter widget runs its Python callbacks under Voila.

In the book the widgets run in the page (Pyodide, test_pyodide_widgets.py); a book
built with a live server configured also links to the same widget served by Voila
(`make start`). This test starts Voila the way
`make start` does (tools.voila_server), opens the page the chapter «Å våge»
links to, chooses a level for the first case in Chromium, and checks that the
feedback computed by the Python callback appears: the same text the teaching
logic (widgets.vage.vurder_alle) gives for that answer.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from browser import format_violations, launch, run_axe, watch_requests
from voila_process import running_voila

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import kurs  # noqa: E402
from tools import voila_server  # noqa: E402
from widgets.appside import SIDER, sidetittel  # noqa: E402
from widgets.vage import NIVAER, SAKER, oppsummer, vurder_alle  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "widgets/vage.ipynb"


@pytest.fixture(scope="module")
def voila():
    with running_voila(preheat=False) as (port, _log):
        yield port


def test_chapter_links_to_this_notebook():
    text = (ROOT / "chapters" / "vage.md").read_text(encoding="utf-8")
    assert f"{{live}}`{NOTEBOOK}`" in text
    assert (ROOT / "apps" / NOTEBOOK).is_file()
    # A book built with KURS_LIVE_BASE=kurs.LIVE_BASE_LOCAL links to the URL `make start` serves.
    assert f"{kurs.LIVE_BASE_LOCAL}/{NOTEBOOK}" == voila_server.url(8866, NOTEBOOK)


def test_live_widget_runs_the_python_callback(voila):
    sak, niva = SAKER[0], NIVAER[0]
    resultat = vurder_alle({sak.nokkel: niva.nokkel})
    expected = next(v.tekst for v in resultat.vurderinger if v.sak_id == sak.nokkel)
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


def test_live_widget_speaks_nynorsk_when_the_url_asks(voila):
    """`?sprak=nn` on the live page: the notebook calls sprak.bruk() before it builds the widget."""
    from fellesregler import sprak

    sak, niva = SAKER[0], NIVAER[0]
    with sprak.med_sprak("nn"):
        resultat = vurder_alle({sak.nokkel: niva.nokkel})
        expected = next(v.tekst for v in resultat.vurderinger if v.sak_id == sak.nokkel)
        niva_navn = niva.navn
    bokmal = next(v.tekst for v in vurder_alle({sak.nokkel: niva.nokkel}).vurderinger)
    assert expected != bokmal  # the catalog translates this feedback

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            log = watch_requests(page)
            page.goto(voila_server.url(voila, NOTEBOOK) + "?sprak=nn")
            dropdown = page.get_by_label("Nivå for sak 1:")
            dropdown.wait_for(timeout=60_000)
            dropdown.select_option(label=niva_navn)
            feedback = page.locator(".kurs-feedback", has_text=expected[:60])
            feedback.first.wait_for(timeout=20_000)
            assert re.sub(r"\s+", " ", feedback.first.inner_text()).strip() == re.sub(r"\s+", " ", expected).strip()
            assert page.get_by_text(bokmal[:40], exact=False).count() == 0
            assert log.external == [], log.external
        finally:
            browser.close()



@pytest.mark.parametrize("malform, query, heading", [
    ("nn", "?sprak=nn", "Å våge: kven bestemmer, og er forsøket trygt?"),
    ("nb", "", "Å våge: hvem bestemmer, og er forsøket trygt?"),
])
def test_the_page_heading_and_title_follow_the_url(voila, page, malform, query, heading):
    """The page's one <h1>, the line under it and its <title> are in the målform of the URL, as the
    widgets are (widgets.appside.vis_side); lang follows too, axe passes and nothing leaves the machine."""
    from playwright.sync_api import expect

    from fellesregler import sprak

    oversett = sprak.oversettelse("widgets", malform).gettext
    assert oversett(SIDER["vage"].overskrift) == heading
    with sprak.med_sprak(malform):
        title = sidetittel("vage")
    page.goto(voila_server.url(voila, NOTEBOOK) + query)
    page.get_by_label("Nivå for sak 1:").wait_for(timeout=60_000)
    h1 = page.locator("h1")
    expect(h1).to_have_count(1)
    expect(h1).to_have_text(heading)
    expect(page.get_by_text(oversett(SIDER["vage"].ingress), exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == malform
    assert page.title() == title and title.startswith(heading)
    violations = run_axe(page)
    assert violations == [], f"axe fant brudd i {NOTEBOOK}{query}:\n{format_violations(violations)}"
    assert page.request_log.external == [], page.request_log.external
