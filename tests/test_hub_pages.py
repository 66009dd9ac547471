"""The hub's own pages in Chromium: bokmål, lang="nb", 0 external requests, axe WCAG 2.1 A/AA.

Login, the home page, the roster error (someone not on the roster tries to sign
up) and the «not approved yet» page (a learner on the roster logs in before a
course leader has approved the account).
"""
from __future__ import annotations

import pytest

from browser import format_violations, run_axe
from hub_browser import close, log_in, new_page, sign_up
from hub_fixture import PASSWORD

pytestmark = [pytest.mark.hub, pytest.mark.browser]


def _check(page, what: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "nb", what
    violations = run_axe(page)
    assert violations == [], f"{what}:\n{format_violations(violations)}"


def test_hub_pages_in_bokmal_accessible_and_offline(hub, browser):
    hub.kursleder("deltakere", "importer", str(hub.roster_csv))

    p = new_page(browser, hub)
    p.goto(f"{hub.url}/hub/login")
    assert p.get_by_role("heading", name="Logg inn").is_visible()
    _check(p, "innlogging")

    msg = sign_up(p, hub, "ukjent.person", PASSWORD)
    assert "står ikke på deltakerlisten" in msg, msg
    _check(p, "deltakerliste-feil")

    msg = sign_up(p, hub, "cato", PASSWORD)
    assert "kursleder må godkjenne" in msg, msg
    log_in(p, hub, "cato", PASSWORD)
    assert p.get_by_role("heading", name="Kontoen er ikke godkjent ennå").is_visible()
    _check(p, "ikke godkjent")

    log_in(p, hub, "cato", "feil-passord-123")
    assert "Feil brukernavn eller passord." in p.locator("#innloggingsfeil").inner_text()
    close(p)

    kari = new_page(browser, hub)
    log_in(kari, hub, "kari", hub.leader_passwords["kari"])
    kari.wait_for_url("**/services/minside/")  # «Min side» first (its own checks: test_minside_hub.py)
    kari.goto(f"{hub.url}/hub/home")
    assert kari.get_by_role("heading", name="Velkommen, kari").is_visible()
    _check(kari, "startsiden")
    kari.goto(f"{hub.url}/hub/authorize")
    _check(kari, "godkjenning")
    kari.goto(f"{hub.url}/hub/finnes-ikke")
    assert kari.get_by_role("heading", name="Fant ikke siden").is_visible()
    _check(kari, "feilside")
    close(kari)
