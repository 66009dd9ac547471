"""Browser steps on the course hub (Playwright + Debian Chromium): sign up, approve, log in, JupyterLab."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from browser import watch_requests


def new_page(browser, hub):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.request_log = watch_requests(page)
    return page


def close(page) -> None:
    assert page.request_log.external == [], f"Eksterne forespørsler: {page.request_log.external}"
    page.context.close()


def sign_up(page, hub, name: str, password: str) -> str:
    page.goto(f"{hub.url}/hub/signup")
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord", exact=True).fill(password)
    page.get_by_label("Skriv passordet en gang til").fill(password)
    page.get_by_role("button", name="Lag konto").click()
    return page.locator("#svar").inner_text()


def log_in(page, hub, name: str, password: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def approve(page, hub, name: str) -> None:
    """A course leader presses «Godkjenn <name>» on «Godkjenn kontoer» (a form posted with the hub's XSRF token)."""
    page.goto(f"{hub.url}/hub/authorize")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Godkjenn {name}", exact=True).click()
    expect(page.locator(f"tr[id='{name}']")).to_contain_text("Godkjent")


def open_lab(page, hub, name: str) -> None:
    """From «Min side» (the first page after login): start JupyterLab and wait until it is ready."""
    page.goto(f"{hub.url}/services/minside/")
    page.get_by_role("navigation").get_by_role("link", name="JupyterLab (oppgavene)").click()
    page.wait_for_url(re.compile(rf"/user/{re.escape(name)}/lab"), timeout=180_000)
    page.locator("#jp-main-dock-panel").wait_for(timeout=180_000)


def leader_and_learner_in_lab(browser, hub, name: str, password: str):
    """Kari (a course leader) logged in, and learner ``name`` signed up, approved, logged in and in JupyterLab."""
    kari = new_page(browser, hub)
    log_in(kari, hub, "kari", hub.leader_passwords["kari"])
    page = new_page(browser, hub)
    sign_up(page, hub, name, password)
    approve(kari, hub, name)
    log_in(page, hub, name, password)
    open_lab(page, hub, name)
    return kari, page


def open_assignments(page) -> None:
    """nbgrader's «Assignments» list (menu Nbgrader → Assignment List, nbgrader's own English text)."""
    page.get_by_text("Nbgrader", exact=True).first.click()
    page.get_by_text("Assignment List", exact=True).first.click()
    page.locator("#released_assignments_list, .assignment-list").first.wait_for()


def fetch_write_submit(page, hub, name: str, answer: str, *, fetch: bool = True) -> None:
    """The learner's way in the book: «Assignments», «Fetch», write in the notebook, «Submit»."""
    if fetch:
        open_assignments(page)
        released = page.locator("#released_assignments_list")
        released.get_by_text("vage").wait_for()
        released.get_by_role("button", name="Fetch").click()
        page.locator("#fetched_assignments_list").get_by_text("vage").first.wait_for()
    page.goto(f"{hub.url}/user/{name}/lab/tree/vage/vage.ipynb")
    cell = page.locator(".jp-MarkdownCell").filter(has=page.get_by_text("SKRIV SVARET DITT HER", exact=True)).first
    cell.wait_for(timeout=120_000)
    try:
        cell.dblclick()
        editor = cell.locator(".cm-content")
        editor.wait_for()
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answer)
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Control+S")
        page.locator(".jp-MarkdownCell", has_text=answer).first.wait_for()
    except Exception:
        page.screenshot(path=f"/tmp/kd-{name}-skriv.png")
        raise
    page.wait_for_timeout(1500)  # the save request
    open_assignments(page)
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_role("button", name="Submit").first.click()
    page.locator("#submitted_assignments_list").get_by_text("vage").first.wait_for(timeout=120_000)
