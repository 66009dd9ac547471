"""Test-wide setup: keep Jupyter, IPython and Chromium state out of the home folder."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_STATE = Path(tempfile.mkdtemp(prefix="kurs-test-"))
for var, sub in {
    "JUPYTER_RUNTIME_DIR": "runtime",
    "JUPYTER_DATA_DIR": "data",
    "IPYTHONDIR": "ipython",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "MPLCONFIGDIR": "mpl",
}.items():
    os.environ[var] = str(_STATE / sub)
    (_STATE / sub).mkdir(parents=True, exist_ok=True)
# The project passes its own Jupyter config explicitly, so the config dir is isolated too.
os.environ["JUPYTER_CONFIG_DIR"] = str(_STATE / "jupyter-config")
(_STATE / "jupyter-config").mkdir(exist_ok=True)
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book():
    """The whole book, built strictly once per session into _build/ (see book_fixture.py)."""
    from book_fixture import build_book

    return build_book()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium, one per test module (see browser.py)."""
    from playwright.sync_api import sync_playwright

    from browser import launch

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh browser context and page that records what it does:
    `request_log` (every request; the test fails if any leaves the machine),
    `errors` (uncaught script errors) and `sockets` (WebSocket URLs)."""
    from browser import watch_requests

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    p = context.new_page()
    p.set_default_timeout(60_000)
    p.request_log = watch_requests(p)
    p.errors = []
    p.on("pageerror", lambda error: p.errors.append(str(error)))
    p.sockets = []
    p.on("websocket", lambda ws: p.sockets.append(ws.url))
    yield p
    assert p.request_log.external == [], f"Eksterne forespørsler: {p.request_log.external}"
    context.close()


@pytest.fixture(scope="session")
def hub():
    """One real course hub for the whole session (see hub_fixture.py): root only."""
    from hub_fixture import running_hub

    with running_hub() as h:
        yield h
