"""«Min side» and «Kursoversikt» on a real JupyterHub, in Debian's Chromium.

One hub per module (``minside_hub.py``). Each learner below is set up in one
state of one assignment, the way nbgrader leaves the exchange, the course
folder and the gradebook; the test logs in as that learner and reads the page.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pikepdf
import pytest

from browser import format_violations, run_axe, watch_requests
from minside_hub import remove, start_hub
from progress_fixtures import Sub, collect, feedback, make_gradebook, release, submit_to_exchange
from test_certificates import check_tagged

pytestmark = [pytest.mark.browser, pytest.mark.slow]

A = ("vage", "lede", "laere")
DUE = dt.datetime(2026, 11, 1, 22, 59)
BEFORE = DUE - dt.timedelta(days=1)
AFTER = DUE + dt.timedelta(hours=2)
LEADER = "kari"

LEARNERS = [
    {"id": "ada", "navn": "Ada Ås", "enhet": "Oppvekst"},  # released only
    {"id": "bo", "navn": "Bo Bø", "enhet": "Oppvekst"},  # fetched vage
    {"id": "cy", "navn": "Cy Cæsar", "enhet": "Oppvekst"},  # submitted vage (exchange)
    {"id": "di", "navn": "Di Dahl", "enhet": "Oppvekst"},  # late vage
    {"id": "eva", "navn": "Eva Eng", "enhet": "Oppvekst"},  # graded vage
    {"id": "fia", "navn": "Fia Fjell", "enhet": "Helse"},  # feedback on vage
    {"id": "gro", "navn": "Gro Gran", "enhet": "Helse"},  # every assignment completed
    {"id": "hal", "navn": "Hal Hagen", "enhet": "Helse"},  # all but laere completed
]
EXPECTED = {"ada": "utdelt", "bo": "hentet", "cy": "levert", "di": "for_sent", "eva": "vurdert",
            "fia": "tilbakemelding"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("minside")
    plan = {("eva", "vage"): Sub(BEFORE, 1.0, 2.0), ("fia", "vage"): Sub(BEFORE, 1.0, 3.0)}
    plan.update({("gro", a): Sub(BEFORE, 1.0, 2.0) for a in A})
    plan.update({("hal", a): Sub(BEFORE, 1.0, 2.0) for a in A[:2]})
    lay = make_gradebook(tmp / "kurs", LEARNERS, plan, assignments=A, due={"vage": DUE})
    for a in A:
        release(lay, a)
    homes = tmp / "hjem"
    (homes / "bo" / "vage").mkdir(parents=True)  # what nbgrader's «Fetch» makes
    submit_to_exchange(lay, "cy", "vage", BEFORE)
    submit_to_exchange(lay, "di", "vage", AFTER)
    collect(lay, "di", "vage", AFTER)
    feedback(lay, "fia", "vage", "Godt reflektert, Fia.")
    hub = start_hub(tmp / "hub", lay.root, [LEADER],
                    fetched_template=str(homes / "{student}" / "{assignment}"))
    hub.course = lay
    yield hub
    hub.stop()
    remove(tmp / "hub")


@pytest.fixture()
def login(browser, hub):
    """``login(name)`` -> a logged-in page on «Min side»; asserts 0 external requests at the end."""
    contexts = []

    def _login(name: str):
        # bypass_csp: axe-core is injected as an inline script; our pages forbid those.
        context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True,
                                       accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.request_log = watch_requests(page)
        page.goto(f"{hub.url}/hub/login")
        page.fill("#username_input", name)
        page.fill("#password_input", hub.password)
        page.click("#login_submit")
        page.wait_for_url(re.compile(r".*/services/minside/$"))
        return page

    yield _login
    for context in contexts:
        for page in context.pages:
            assert page.request_log.external == [], page.request_log.external
        context.close()


def status(page, assignment: str) -> str:
    return page.locator(f"#oppgave-{assignment}").get_attribute("data-status")


@pytest.mark.parametrize("learner", sorted(EXPECTED))
def test_each_state_after_login(login, learner):
    page = login(learner)
    assert page.locator("h1").inner_text() == "Min side"
    assert status(page, "vage") == EXPECTED[learner]
    assert status(page, "laere") == "utdelt" or learner in ("gro", "hal")
    row = page.locator("#oppgave-vage").inner_text()
    assert "01.11.2026 kl. 23:59" in row  # the deadline from `kursleder frist`
    if learner == "cy":
        assert "Levert 31.10.2026 kl. 23:59" in row
    if learner == "di":
        assert "Levert for sent" in row and "(etter fristen)" in row
    if learner == "eva":
        assert "Poeng: 3 av 4" in row
    assert page.locator("#neste-steg").inner_text().strip()
    assert "Du får kursbevis når alle de 3 refleksjonsoppgavene" in page.locator("#regel").inner_text()


def test_feedback_opens_from_the_page(login):
    page = login("fia")
    page.get_by_role("link", name=re.compile("Les tilbakemeldingen")).click()
    page.wait_for_url(re.compile(r".*/tilbakemelding/fia/vage/vage\.html$"))
    assert "Godt reflektert, Fia." in page.content()


def test_a_learner_sees_only_their_own_data(login, hub):
    page = login("bo")
    text = page.content()
    assert "Bo Bø" in text
    for other in LEARNERS:
        if other["id"] != "bo":
            assert other["navn"] not in text
    for path in ("deltaker/ada", "tilbakemelding/fia/vage/vage.html", "kursbevis/gro.pdf",
                 "kursoversikt", "rapporter/resultater.csv"):
        response = page.goto(f"{hub.url}/services/minside/{path}")
        assert response.status == 403, path
        assert "Ingen tilgang" in page.content() and 'lang="nb"' in page.content()
        assert "Fia" not in page.content() and "Gro" not in page.content()


def test_kursbevis_exactly_when_the_rule_is_met(login, hub):
    from grading._nbgrader import gradebook

    page = login("gro")
    assert page.locator("#kursbevis").count() == 1
    with page.expect_download() as info:
        page.locator("#kursbevis").click()
    data = open(info.value.path(), "rb").read()
    check_tagged(data, ("/H1", "/H2"))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "Gro Gran" in str(pdf.docinfo["/Title"])

    other = login("hal")  # laere is not submitted
    assert other.locator("#kursbevis").count() == 0
    response = other.goto(f"{hub.url}/services/minside/kursbevis/hal.pdf")
    assert response.status == 404
    # laere is graded: the kursbevis appears
    with gradebook(hub.course.root) as gb:
        gb.add_submission("laere", "hal", timestamp=BEFORE)
        for grade in gb.find_submission("laere", "hal").notebooks[0].grades:
            grade.auto_score, grade.manual_score, grade.needs_manual_grade = 1.0, 1.0, False
        gb.db.commit()
    other.goto(f"{hub.url}/services/minside/")
    assert other.locator("#kursbevis").count() == 1
    assert status(other, "laere") == "vurdert"


def test_kursoversikt_for_course_leaders(login, hub):
    page = login(LEADER)
    assert page.get_by_role("heading", name="For kursledere").is_visible()
    page.get_by_role("navigation").get_by_role("link", name="Kursoversikt").click()
    page.wait_for_url(re.compile(r".*/kursoversikt$"))
    assert page.locator("h1").inner_text() == "Kursoversikt"
    rows = page.locator("#fullforing tbody tr")
    # 8 learners: «Hele kurset» shown, Oppvekst (5) shown, Helse (3) hidden, and then Oppvekst
    # too, since the total minus Oppvekst would give Helse's 3 (subtraction).
    assert rows.count() == 3
    vist = [rows.nth(i).get_attribute("data-vist") for i in range(3)]
    assert vist == ["ja", "nei", "nei"]
    helse = rows.nth(1).inner_text()
    assert "for få deltakere" in helse and "%" not in helse
    assert "regnes ut" in rows.nth(2).inner_text() and "%" not in rows.nth(2).inner_text()
    queue = page.locator("#ko-vage").inner_text()
    assert re.search(r"\b1\b", queue)  # di: collected, not graded
    ikke = page.locator("#frist-vage + p + ul.ikke-levert").inner_text()
    assert "Ada Ås" in ikke and "Bo Bø" in ikke and "Cy Cæsar" not in ikke
    assert "Di Dahl" in page.locator("ul.for-sent").inner_text()
    link = page.locator("a[href$='/services/retting/formgrader']").first
    assert link.count() == 1
    for name in ("fullforing.html", "resultater.csv", "resultater.xlsx"):
        response = page.request.get(f"{hub.url}/services/minside/rapporter/{name}")
        assert response.status == 200, name
        assert len(response.body()) > 100
    # a course leader may open a learner's page
    assert page.goto(f"{hub.url}/services/minside/deltaker/eva").status == 200
    assert "Min side for Eva Eng" in page.content()


@pytest.mark.parametrize("who,path", [("fia", ""), (LEADER, "kursoversikt")])
def test_axe_and_keyboard(login, hub, who, path):
    page = login(who)
    if path:
        page.goto(f"{hub.url}/services/minside/{path}")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    # The first Tab reaches the skip link; Enter moves focus into the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hopp til innholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innhold"
    # Every link can be reached with Tab, and each shows a focus outline.
    links = page.locator("main a").count()
    seen = set()
    for _ in range(links + 12):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            return [e.tagName, e.getAttribute('href') || '', getComputedStyle(e).outlineStyle]; }""")
        if info[0] == "A":
            seen.add(info[1])
            assert info[2] != "none", info
    hrefs = set(page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))"))
    assert hrefs <= seen, hrefs - seen
