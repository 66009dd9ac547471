"""Every page of the built book in real Chromium: offline, widgets, axe.

For each page in _toc.yml, in both editions (served from _build/html and
_build/html/nn on 127.0.0.1):
- it makes no request that leaves the machine;
- where the page has saved widget state, every widget view renders and shows text;
- axe-core finds no WCAG 2.1 A/AA violation;
- every self-check answers in the browser.
The search page must also work offline.
"""
from __future__ import annotations

import pytest

from book_fixture import serve_static, toc_pages
from browser import format_violations, run_axe, watch_requests

pytestmark = [pytest.mark.browser, pytest.mark.book, pytest.mark.slow]

PAGES = toc_pages()
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def site(built_book):
    assert built_book.returncode == 0, "Boka bygde ikke; se test_book_build.py"
    with serve_static(built_book.html) as url:
        yield url


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = watch_requests(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} svarte {response and response.status}"
    # A live widget near the top may start Python (about 15 MB from the static server): on a busy
    # machine the network is quiet only after that, so wait longer than Playwright's 30 s.
    page.wait_for_load_state("networkidle", timeout=120_000)
    return page, log, errors


#: Both editions: the folder under _build/html and the self-check's answer to a right choice.
EDITIONS = {"nb": ("", "Riktig svar."), "nn": ("nn/", "Rett svar.")}


@pytest.mark.parametrize("edition", sorted(EDITIONS))
@pytest.mark.parametrize("docname", PAGES)
def test_page_offline_widgets_and_axe(site, browser, built_book, docname, edition):
    folder, right_answer = EDITIONS[edition]
    source = (built_book.html / f"{folder}{docname}.html").read_text(encoding="utf-8")
    page, log, errors = _open(browser, f"{site}/{folder}{docname}.html")
    try:
        if WIDGET_STATE in source:
            views = source.count(WIDGET_VIEW)
            assert views > 0
            page.wait_for_function(
                "n => document.querySelectorAll('.widget-subarea > .jupyter-widgets, "
                ".widget-subarea > .lm-Widget').length >= n",
                arg=views, timeout=30_000,
            )
            areas = page.locator(".widget-subarea")
            for i in range(areas.count()):
                area = areas.nth(i)
                assert area.is_visible(), f"{docname}: widget nr. {i + 1} er ikke synlig"
                assert area.inner_text().strip(), f"{docname}: widget nr. {i + 1} viser ingen tekst"
            # kurs.js names the controls once the widget manager has rendered them.
            page.wait_for_function(
                "() => [...document.querySelectorAll('.widget-subarea [role=slider]')]"
                ".every(e => e.hasAttribute('aria-labelledby') || e.hasAttribute('aria-label'))",
                timeout=10_000,
            )
        tests = page.locator(".kurs-selvtest[data-kurs-selvtest]")
        for i in range(tests.count()):
            test = tests.nth(i)
            test.locator("input[data-riktig=true]").first.check()
            test.get_by_role("button", name="Sjekk svaret").click()
            feedback = test.locator(".kurs-selvtest-svar")
            assert feedback.inner_text().startswith(right_answer), f"{docname}: selvtest nr. {i + 1}"
        violations = run_axe(page)
        assert not violations, f"{docname}: axe fant brudd på WCAG:\n{format_violations(violations)}"
        assert log.external == [], f"{docname}: forespørsler ut av maskinen: {log.external}"
        assert not errors, f"{docname}: JavaScript-feil: {errors}"
    finally:
        page.close()


def test_language_switch_goes_to_the_same_chapter_and_back(site, browser):
    """Bokmål → nynorsk → bokmål on a chapter page, by the visible links, with the keyboard too."""
    page, log, errors = _open(browser, f"{site}/chapters/lede.html")
    try:
        assert page.locator("html").get_attribute("lang") == "nb"
        switch = page.get_by_role("navigation", name="Målform").get_by_role("link", name="Nynorsk")
        assert switch.get_attribute("hreflang") == "nn" and switch.get_attribute("lang") == "nn"
        switch.click()
        page.wait_for_url(f"{site}/nn/chapters/lede.html")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "nn"
        assert "Å leie" in page.locator("article h1").first.inner_text()
        back = page.get_by_role("navigation", name="Målform").get_by_role("link", name="Bokmål")
        back.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{site}/chapters/lede.html")
        assert page.locator("html").get_attribute("lang") == "nb"
        assert log.external == [], log.external
        assert not errors, errors
    finally:
        page.close()


@pytest.mark.parametrize("folder, query, summary", [
    ("", "handlingsrom", None),
    # The nynorsk edition has Sphinx's search texts in nynorsk (translations.js from locale/nn).
    ("nn/", "tillitsvalde", "Søket er ferdig"),
])
def test_search_works_offline(site, browser, folder, query, summary):
    page, log, errors = _open(browser, f"{site}/{folder}search.html?q={query}")
    try:
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=20_000)
        assert results.count() > 0
        assert query in page.locator("#search-results").inner_text().lower()
        if summary:
            page.wait_for_function("() => /\\d/.test(document.querySelector('#search-results p.search-summary')"
                                   "?.textContent || '')", timeout=20_000)
            assert summary in page.locator("#search-results").inner_text()
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert log.external == [], log.external
        assert not errors, errors
    finally:
        page.close()


def _search(browser, site, query):
    page, log, errors = _open(browser, f"{site}/search.html?q={query}")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    # Hits and snippets are added one by one; when all are in, the summary gets its count.
    page.wait_for_function("() => /\\d/.test(document.querySelector('#search-results p.search-summary')"
                           "?.textContent || '')", timeout=20_000)
    hits = [(li.locator("a").first.inner_text(), li.locator("p.context").inner_text()) for li in results.all()]
    assert log.external == [], log.external
    assert not errors, errors
    page.close()
    return hits


def test_search_finds_chapters_by_their_own_text(site, browser):
    """The film block (the same in five chapters) is not indexed, and is not shown in snippets."""
    principles = ["Å våge", "Å lede", "Å lære", "Å mobilisere", "Å samhandle"]
    # «klimaendringer» is in the film block of every principle chapter, and in the text of chapter 1 only.
    titles = [title for title, _ in _search(browser, site, "klimaendringer")]
    assert any("Det store fremtidsbildet" in t for t in titles), titles
    assert not [t for t in titles if any(p in t for p in principles)], titles
    # The film is still found through «Kilder», which describes it.
    assert any("Kilder" in t for t in _search_titles(browser, site, "Porsanger"))
    # Snippets come from the chapter's own text: no film block, no print-only table of contents.
    for title, snippet in _search(browser, site, "våge"):
        assert "Filmen er vist på" not in snippet and "Disse er med i filmen" not in snippet, (title, snippet)
        assert "På denne siden" not in snippet, (title, snippet)


def _search_titles(browser, site, query):
    return [title for title, _ in _search(browser, site, query)]
