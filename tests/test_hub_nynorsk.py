"""The hub's own pages and «Min side» in nynorsk, on the real hub in Debian's Chromium.

A browser that prefers nynorsk (Accept-Language) gets the login page in nynorsk. A reader who clicks
«Nynorsk» on the login page keeps it on the next pages (the cookie ``kurs_sprak``) and after login on
«Min side»; «Bokmål» there switches back, for the hub's pages too. Every page: ``<html lang>`` in the
målform shown, a heading in it, axe WCAG 2.1 A/AA with 0 violations, 0 external requests.
The choice itself, and «Min side» following the roster's målform: tests/test_hub_sprak.py.
"""
from __future__ import annotations

import re

import pytest

from browser import format_violations, run_axe, watch_requests
from hub_browser import close

pytestmark = [pytest.mark.hub, pytest.mark.browser]


def _page(browser, **options):
    # bypass_csp: axe-core is injected as an inline script; «Min side» forbids those.
    context = browser.new_context(viewport={"width": 1300, "height": 900}, bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.request_log = watch_requests(page)
    return page


def _check(page, lang: str, heading: str, what: str) -> None:
    assert page.evaluate("document.documentElement.lang") == lang, what
    assert page.get_by_role("heading", name=heading, exact=True).is_visible(), what
    violations = run_axe(page)
    assert violations == [], f"{what}:\n{format_violations(violations)}"


def test_a_browser_that_prefers_nynorsk_gets_the_login_page_in_nynorsk(hub, browser):
    p = _page(browser, locale="nn-NO")
    p.goto(f"{hub.url}/hub/login")
    _check(p, "nn", "Logg inn", "innlogging, nynorsk frå nettlesaren")
    assert p.get_by_label("Brukarnamn").is_visible()
    assert "brukarnamnet frå deltakarlista" in p.locator("main").inner_text()
    assert p.get_by_role("link", name="Bokmål").get_attribute("lang") == "nb"
    close(p)


def test_login_and_min_side_in_nynorsk_and_back(hub, browser):
    p = _page(browser, locale="en-GB")
    p.goto(f"{hub.url}/hub/login")
    _check(p, "nb", "Logg inn", "innlogging, bokmål")
    p.get_by_role("link", name="Nynorsk").click()
    p.wait_for_url(re.compile(r"sprak=nn"))
    _check(p, "nn", "Logg inn", "innlogging, nynorsk")
    assert "Lag ein konto" in p.locator("main").inner_text()

    p.goto(f"{hub.url}/hub/signup")  # no ?sprak=: the choice is remembered
    _check(p, "nn", "Lag ein konto", "ny konto, nynorsk")

    p.goto(f"{hub.url}/hub/login")
    p.get_by_label("Brukarnamn").fill("per")
    p.get_by_label("Passord").fill(hub.leader_passwords["per"])
    p.get_by_role("button", name="Logg inn").click()
    p.wait_for_url(re.compile(r".*/services/minside/$"))
    _check(p, "nn", "Mi side", "Mi side, nynorsk")
    main = p.locator("main").inner_text()
    assert "Neste steg" in main and "Slik fullfører du kurset" in main and "Dei fem prinsippa" in main
    assert "Du får kursbevis når" in main and "refleksjonsoppgåvene" in main
    # The course leaders' part stays bokmål, and says so.
    assert p.locator("#for-kursledere").get_attribute("lang") == "nb"

    p.get_by_role("link", name="Bokmål").click()
    p.wait_for_url(re.compile(r"sprak=nb"))
    _check(p, "nb", "Min side", "Min side, bokmål")
    p.goto(f"{hub.url}/hub/home")  # the switch on «Min side» holds for the hub's pages too
    _check(p, "nb", "Velkommen, per", "startsida, bokmål")

    p.goto(f"{hub.url}/hub/home?sprak=nn")
    _check(p, "nn", "Velkomen, per", "startsida, nynorsk")
    p.goto(f"{hub.url}/hub/finnes-ikke")
    _check(p, "nn", "Fann ikkje sida", "feilside, nynorsk")
    p.goto(f"{hub.url}/services/minside/kursoversikt")  # per is a course leader: stays bokmål
    assert p.evaluate("document.documentElement.lang") == "nb"
    close(p)
