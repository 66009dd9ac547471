"""The chapter widgets run live in the static book: Pyodide in Chromium, no server.

The built book is served by a plain static server on 127.0.0.1 (no Voila, no
kernel). For each of the 8 chapters with teaching widgets, a reader presses
«Start oppgaven», and then answers: the test chooses options, ticks boxes,
types numbers and presses buttons in the live widgets. The same chapter cells
run in CPython here, and the same answers are given there: after every answer,
every text the CPython widget shows (its feedback) must be what the browser
shows (parity). The feedback must change with the answers, so it is computed
by Python in the browser, not read from the saved state. axe-core checks the
activated widgets, and no request may leave the machine.

One browser and one browser context (so one HTTP cache) serve all chapters;
one Python runtime per page serves all widgets on it.
"""
from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import ipywidgets as W
import pytest

from book_fixture import serve_static
from browser import CHROMIUM, CHROMIUM_ARGS, RequestLog, format_violations, run_axe, watch_requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import kurs  # noqa: E402
import kurs_live  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.book, pytest.mark.slow]

#: The chapters whose widgets run in the page (their {live} role names widgets/…).
CHAPTERS = ["vage", "lede", "laere", "mobilisere", "samhandle", "prosessdesign",
            "samskapingskommunen", "fremtidsbildet"]
START_TIMEOUT = 120_000  # ms; a cold start on a busy 2-core machine (bench/pyodide.py measures it)
# V8 without its compilers (as in hardened browsers) has no WebAssembly. This Chromium
# ignores --noexpose_wasm, so the test checks `typeof WebAssembly` itself.
WASM_OFF = "--js-flags=--jitless"


@pytest.fixture(scope="module")
def site(built_book):
    assert built_book.returncode == 0, f"Boka bygde ikke:\n{built_book.output[-3000:]}"
    with serve_static(built_book.html) as url:
        yield url


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    yield ctx
    ctx.close()


# ------------------------------------------------------------------ CPython side


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


def cpython_widgets(docname: str) -> dict[int, W.Widget]:
    """Run the chapter's code cells in CPython with the same runner the browser uses."""
    cells = kurs._notebook_code_cells(ROOT / "chapters" / f"{docname}.md")
    namespace: dict = {"__name__": "__main__"}
    shown = {}
    for index, source in cells:
        widget = kurs_live.run_cell(source, namespace)
        if widget is not None:
            shown[index] = widget
    return shown


def squeeze(text: str) -> str:
    """Text without any white space: HTML layout and innerText differ only there."""
    return re.sub(r"\s+", "", text.replace("\xa0", " "))


def shown_texts(widget) -> list[str]:
    """Every text the widget shows in HTML widgets (its task text and its feedback)."""
    texts = []
    for w in _walk(widget):
        if isinstance(w, (W.HTML, W.HTMLMath, W.Label)) and w.value:
            text = squeeze(html.unescape(re.sub(r"<[^>]+>", "", w.value)))
            if text:
                texts.append(text)
    return texts


def plan(widget) -> list[tuple[str, str, object]]:
    """Answers a reader gives, derived from the widget's own controls (tree order):
    up to five choices, ticks or numbers, then up to three buttons."""
    controls = [w for w in _walk(widget) if getattr(w, "description", "")]
    counts: dict[str, int] = {}
    for w in controls:
        counts[w.description] = counts.get(w.description, 0) + 1
    steps: list[tuple[str, str, object]] = []
    for w in controls:
        if counts[w.description] > 1 or len(steps) >= 5:
            continue
        if isinstance(w, W.Dropdown) and len(w.options) > 1:
            steps.append(("dropdown", w.description, min(len(w.options) - 1, 1 + len(steps) % 3)))
        elif isinstance(w, (W.RadioButtons, W.ToggleButtons)) and w.options:
            kind = "radio" if isinstance(w, W.RadioButtons) else "toggle"
            steps.append((kind, w.description, len(steps) % len(w.options)))
        elif isinstance(w, W.Checkbox):
            steps.append(("checkbox", w.description, not w.value))
        elif isinstance(w, (W.IntText, W.BoundedIntText)):
            top = getattr(w, "max", w.value + 10)
            steps.append(("number", w.description, min(top, w.value + 3)))
    buttons = [w for w in controls if isinstance(w, W.Button) and counts[w.description] == 1]
    steps += [("button", b.description, None) for b in buttons[:3]]
    return steps


def _control(widget, description: str):
    return next(w for w in _walk(widget) if getattr(w, "description", "") == description)


def apply_cpython(widget, step) -> None:
    kind, description, value = step
    target = _control(widget, description)
    if kind in ("dropdown", "radio", "toggle"):
        target.index = value
    elif kind in ("checkbox", "number"):
        target.value = value
    else:
        target.click()


# ------------------------------------------------------------------ browser side


def apply_browser(page, cell, step) -> None:
    kind, description, value = step
    if kind == "dropdown":
        cell.get_by_label(description, exact=True).select_option(index=value)
    elif kind == "checkbox":
        cell.get_by_label(description, exact=True).click()
    elif kind == "number":
        box = cell.get_by_label(description, exact=True)
        box.fill(str(value))
        box.press("Enter")
    elif kind in ("radio", "toggle"):
        group = cell.locator(".widget-radio, .widget-toggle-buttons").filter(
            has=page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(description)}$")))
        items = group.locator("input[type=radio]" if kind == "radio" else "button")
        items.nth(value).click()
    else:
        cell.get_by_role("button", name=description, exact=True).click()


def wait_for_texts(page, selector: str, texts: list[str], what: str) -> None:
    try:
        page.wait_for_function(
            """([sel, texts]) => {
                const el = document.querySelector(sel);
                if (!el) return false;
                const shown = el.textContent.replace(/\\s+/g, "");
                return texts.every(t => shown.includes(t));
            }""",
            arg=[selector, texts], timeout=15_000,
        )
    except Exception:
        shown = squeeze(page.locator(selector).text_content() or "")
        missing = [t for t in texts if t not in shown]
        raise AssertionError(f"{what}: nettleseren viser ikke det CPython viser:\n" + "\n".join(missing[:3])) from None


def start_live(page, url: str) -> None:
    page.goto(url)
    start = page.get_by_role("button", name=kurs.LIVE_START).first
    start.wait_for(state="visible")
    start.click()
    page.wait_for_function("document.documentElement.dataset.kursLive", timeout=START_TIMEOUT)
    state = page.evaluate("document.documentElement.dataset.kursLive")
    assert state == "klar", f"Python startet ikke i siden (tilstand {state})"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_widgets_run_python_in_the_page(site, context, docname):
    expected = cpython_widgets(docname)
    assert expected, f"{docname} viser ingen widget i CPython"
    page = context.new_page()
    page.set_default_timeout(30_000)
    log = watch_requests(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        start_live(page, f"{site}/chapters/{docname}.html")
        live = page.locator(".kurs-live-aktiv")
        assert live.count() == len(expected), f"{docname}: {live.count()} levende oppgaver, ventet {len(expected)}"
        changed_any = False
        for index, widget in expected.items():
            selector = f".kurs-celle-{index} .kurs-live-aktiv"
            cell = page.locator(selector)
            wait_for_texts(page, selector, shown_texts(widget), f"{docname}, celle {index} før svar")
            steps = plan(widget)
            assert steps, f"{docname}, celle {index}: fant ingen kontroller å svare med"
            for step in steps:
                if _control(widget, step[1]).disabled:
                    continue  # a reader cannot use it now either
                before = shown_texts(widget)
                apply_cpython(widget, step)
                after = shown_texts(widget)
                changed_any |= after != before
                apply_browser(page, cell, step)
                wait_for_texts(page, selector, after, f"{docname}, celle {index}, etter {step[0]} «{step[1]}»")
        assert changed_any, f"{docname}: ingen svar ga ny tilbakemelding, så testen viser ikke at Python kjører"
        violations = run_axe(page, ".kurs-live-aktiv")
        assert not violations, f"{docname}: axe fant brudd i de levende oppgavene:\n{format_violations(violations)}"
        assert log.external == [], f"{docname}: forespørsler ut av maskinen: {log.external}"
        assert not errors, f"{docname}: JavaScript-feil: {errors}"
    finally:
        page.close()


def test_keyboard_only_start_and_answer(site, context):
    """Start with the keyboard, answer with the keyboard; the feedback box is a live region."""
    from widgets.vage import SAKER, vurder

    page = context.new_page()
    try:
        page.goto(f"{site}/chapters/vage.html")
        start = page.get_by_role("button", name=kurs.LIVE_START).first
        start.wait_for(state="visible")
        start.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.documentElement.dataset.kursLive === 'klar'", timeout=START_TIMEOUT)
        box = page.locator(".kurs-live-aktiv").first
        assert box.locator("[aria-live=polite]").count() == 1 or box.locator(".kurs-live-widget[aria-live]").count() == 1
        dropdown = box.get_by_label("Nivå for sak 1:", exact=True)
        dropdown.focus()
        page.keyboard.press("ArrowDown")  # the first level: «Lov eller forskrift»
        expected = vurder(SAKER[0].nokkel, "lov").tekst
        wait_for_texts(page, ".kurs-live-aktiv", [squeeze(expected)], "tastatur")
        status = page.locator(".kurs-live-status").first.text_content()
        assert "klar" in status
    finally:
        page.close()


def test_without_webassembly_the_saved_widget_stays_with_a_note(site, playwright_browser_without_wasm):
    page = playwright_browser_without_wasm.new_page()
    log = watch_requests(page)
    try:
        page.goto(f"{site}/chapters/vage.html")
        assert page.evaluate("typeof WebAssembly") == "undefined"
        page.wait_for_function("document.documentElement.dataset.kursLive === 'uten-wasm'")
        status = page.locator(".kurs-live-status").first
        assert "WebAssembly" in status.text_content() and "lagret versjon" in status.text_content()
        assert page.get_by_role("button", name=kurs.LIVE_START).count() == 0  # still hidden
        page.wait_for_selector(".widget-dropdown select")  # the saved widget is drawn and readable
        assert page.get_by_role("heading", name="Å våge").count() >= 1
        assert not any("pyodide" in url for url in log.all)
        assert log.external == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def playwright_browser_without_wasm(browser):
    """A second Chromium with WebAssembly switched off, from the same Playwright."""
    b = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, WASM_OFF])
    yield b
    b.close()


def test_page_data_lists_cells_and_local_files(built_book):
    text = (built_book.html / "chapters" / "vage.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="kurs-live-data" type="application/json">(.*?)</script>', text, re.S)
                      .group(1).replace("<\\/", "</"))
    assert [i for i, _ in data["cells"]] == sorted(i for i, _ in data["cells"])
    listing = built_book.html / "_static" / data["wheels"]
    wheels = json.loads(listing.read_text(encoding="utf-8"))["wheels"]
    names = sorted(w.split("/")[-1].split("-")[0] for w in wheels)
    assert names == ["comm", "ipywidgets", "kurs_widgets", "traitlets"]
    for rel in wheels:
        assert (listing.parent / rel).is_file(), rel
    assert (built_book.html / "_static" / data["pyodide"] / "pyodide.asm.wasm").is_file()


def test_python_ships_with_bytecode_for_what_a_page_imports(built_book):
    """tools/pyodide_compile.mjs: the modules a page imports at start come as bytecode of the
    browser's Python (3.14), so the reader's browser does not compile them each time."""
    import zipfile

    base = built_book.html / "_static" / kurs.LIVE_STATIC
    listing = json.loads((base / "wheels.json").read_text(encoding="utf-8"))
    assert "stdlib" in listing, "boka har ikke standardbiblioteket med bytekode (mangler Node?)"
    with zipfile.ZipFile(base / listing["stdlib"]) as z:
        names = set(z.namelist())
        assert z.read("json/__init__.pyc")[4:8] == b"\x01\x00\x00\x00"  # PEP 552: hash-based, unchecked
    assert {"json/__init__.pyc", "dataclasses.pyc"} <= names and "json/__init__.py" not in names
    assert "textwrap.py" in names or "textwrap.pyc" in names
    assert "unittest/__init__.py" not in names  # developer tools are left out
    ours = next(w for w in listing["wheels"] if "kurs_widgets" in w)
    with zipfile.ZipFile(base / ours) as z:
        names = set(z.namelist())
    assert {"widgets/vage.py", "widgets/__pycache__/vage.cpython-314.pyc", "kurs_live.py"} <= names


def _answer_first_widget(page, docname: str, what: str) -> None:
    """Answer the chapter's first widget once, and wait for CPython's feedback in the page."""
    expected = cpython_widgets(docname)
    index, widget = next(iter(expected.items()))
    selector = f".kurs-celle-{index} .kurs-live-aktiv"
    step = next(s for s in plan(widget) if not _control(widget, s[1]).disabled)
    apply_cpython(widget, step)
    apply_browser(page, page.locator(selector), step)
    wait_for_texts(page, selector, shown_texts(widget), what)


def _persistent_context(browser, tmp_path):
    """A browser profile on disk, as a reader has (and as bench/pyodide.py uses)."""
    return browser.browser_type.launch_persistent_context(
        str(tmp_path / "profil"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1200, "height": 900})


def test_book_ships_a_started_python_and_gzipped_webassembly(built_book):
    """tools/pyodide_compile.mjs: the memory snapshot of a started Python and Pyodide's
    WebAssembly come gzipped (a plain static server sends files as they are), and the
    WebAssembly is byte for byte Pyodide's own."""
    import gzip

    base = built_book.html / "_static" / kurs.LIVE_STATIC
    listing = json.loads((base / "wheels.json").read_text(encoding="utf-8"))
    assert {"snapshot", "wasm"} <= set(listing), "boka har ikke et ferdig startet Python (mangler Node?)"
    wasm = built_book.html / "_static" / kurs.PYODIDE_STATIC / "pyodide.asm.wasm"
    assert gzip.decompress((base / listing["wasm"]).read_bytes()) == wasm.read_bytes()
    snapshot = gzip.decompress((base / listing["snapshot"]).read_bytes())
    assert len(snapshot) > 1_000_000 and snapshot.count(b"kurs_live") > 0
    assert (base / listing["snapshot"]).stat().st_size + (base / listing["wasm"]).stat().st_size < wasm.stat().st_size


def test_python_comes_from_the_book_then_from_the_browser(site, browser, tmp_path):
    """The first chapter restores the Python the book build started (shipped gzipped), keeps
    it unpacked in Cache Storage, and the next chapter restores that; both answer from Python."""
    ctx = _persistent_context(browser, tmp_path)
    try:
        requests = RequestLog()
        ctx.on("request", lambda req: requests.record(req.url))
        page = ctx.new_page()
        start_live(page, f"{site}/chapters/vage.html")
        assert page.evaluate("document.documentElement.dataset.kursLiveSnapshot") == "fra-boka"
        _answer_first_widget(page, "vage", "vage fra bokas Python")
        page.wait_for_function("document.documentElement.dataset.kursLiveKept", timeout=60_000)
        assert any(u.endswith("/pyodide.asm.wasm.gz") for u in requests.all), requests.all
        assert not any(u.endswith("/pyodide.asm.wasm") for u in requests.all), "hentet WebAssembly upakket"
        page.close()
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        start_live(page, f"{site}/chapters/lede.html")
        assert page.evaluate("document.documentElement.dataset.kursLiveSnapshot") == "brukt"
        _answer_first_widget(page, "lede", "lede fra lagret Python")
        assert not errors, errors
        assert requests.external == []
    finally:
        ctx.close()


def test_without_the_shipped_python_the_page_starts_python_and_keeps_it(site, browser, tmp_path):
    """A book built without Node has no shipped snapshot: the page starts Python the usual
    way, makes a snapshot itself, and the next chapter restores that one."""
    ctx = _persistent_context(browser, tmp_path)

    def plain_listing(route):
        listing = json.loads(route.fetch().text())
        listing.pop("snapshot", None)
        listing.pop("wasm", None)
        route.fulfill(json=listing)

    ctx.route("**/kurs-live/wheels.json", plain_listing)
    try:
        page = ctx.new_page()
        start_live(page, f"{site}/chapters/vage.html")
        assert page.evaluate("document.documentElement.dataset.kursLiveSnapshot") == "laget"
        page.wait_for_function("document.documentElement.dataset.kursLiveKept", timeout=60_000)
        page.close()
        page = ctx.new_page()
        start_live(page, f"{site}/chapters/lede.html")
        assert page.evaluate("document.documentElement.dataset.kursLiveSnapshot") == "brukt"
        _answer_first_widget(page, "lede", "lede fra lagret Python")
    finally:
        ctx.close()


def test_nynorsk_page_speaks_nynorsk_without_webassembly(site, playwright_browser_without_wasm):
    page = playwright_browser_without_wasm.new_page()
    try:
        page.goto(f"{site}/nn/chapters/vage.html")
        assert page.evaluate("document.documentElement.lang") == "nn"
        page.wait_for_function("document.documentElement.dataset.kursLive === 'uten-wasm'")
        status = page.locator(".kurs-live-status").first.text_content()
        assert "Oppgåva kan ikkje køyrast" in status and "lagra versjon" in status
    finally:
        page.close()


def test_published_build_names_no_local_server(built_book):
    """No live server is configured in _config.yml, so no file a reader gets names 127.0.0.1.

    Skipped on purpose: binary files (Pyodide's runtime holds the address as data) and
    source maps (a theme's code comment), which pages never show or follow.
    """
    assert not kurs.live_base(type("Config", (), {"kurs_live_base": ""})()), \
        "KURS_LIVE_BASE er satt i miljøet; testen gjelder en bok uten live-server"
    found = []
    for path in built_book.html.rglob("*"):
        if not path.is_file() or path.suffix in {".map", ".wasm", ".whl", ".zip", ".woff", ".woff2",
                                                  ".ttf", ".eot", ".png", ".ico", ".pickle", ".doctree"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if "127.0.0.1" in text or "localhost:" in text:
            found.append(str(path.relative_to(built_book.html)))
    assert found == [], f"Den publiserte boka peker til denne maskinen i: {found}"


def test_nynorsk_page_starts_in_nynorsk(site, context):
    """On a page of the nynorsk book the loader speaks nynorsk, and Python runs the cells
    with målform nn (fellesregler.sprak, shipped in the wheel)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(f"{site}/nn/chapters/vage.html")
        start = page.get_by_role("button", name="Start oppgåva").first
        start.wait_for(state="visible")
        start.click()
        page.wait_for_function("document.documentElement.dataset.kursLive", timeout=START_TIMEOUT)
        assert page.evaluate("document.documentElement.dataset.kursLive") == "klar"
        assert "Oppgåva er klar" in page.locator(".kurs-live-status").first.text_content()
        assert page.locator(".kurs-live-aktiv").count() >= 1
        assert not errors, errors
    finally:
        page.close()
