"""The whole book builds strictly (-W -n --keep-going) and every page is there.

The build runs once per session (fixture `built_book` in conftest.py) into the
repository's _build/. The checks below read its output; the browser tests in
test_book_browser.py load the same pages in Chromium.
"""
from __future__ import annotations

import re

import pytest

from book_fixture import toc_pages

pytestmark = [pytest.mark.slow, pytest.mark.book]

PAGES = toc_pages()
CDN_HOSTS = ["unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com",
             "mybinder.org", "x-thebe-config", "thebe_js_url"]


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def test_book_builds_strictly_without_warnings(built_book):
    assert built_book.returncode == 0, f"Boka bygde ikke strengt:\n{_tail(built_book.output)}"
    warnings = [line for line in built_book.output.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    assert not warnings, "Advarsler i byggingen:\n" + "\n".join(warnings)
    assert "build succeeded" in built_book.output


@pytest.mark.parametrize("docname", PAGES)
def test_toc_page_is_built(built_book, docname):
    page = built_book.html / f"{docname}.html"
    assert page.exists(), f"{docname}.html mangler i _build/html"
    text = page.read_text(encoding="utf-8")
    assert '<html lang="nb"' in text
    for host in CDN_HOSTS:
        assert host not in text.lower(), f"{docname}.html nevner {host}"
    # Theme strings are bokmål.
    assert "Hopp til hovedinnholdet" in text and "Skip to main content" not in text
    assert "Toggle primary sidebar" not in text and "Color mode" not in text
    # The theme's print-only table of contents is named in bokmål too (_templates/layout.html).
    assert 'aria-label="Page"' not in text
    if "jb-print-toc" in text and "<nav" in text.split("jb-print-toc", 1)[1][:400]:
        assert 'aria-label="Innhold på siden"' in text


def test_vendored_assets_are_published(built_book):
    static = built_book.html / "_static" / "vendor"
    for rel in ["requirejs/require.min.js", "widgets-config.js", "html-manager/dist/embed-amd.js",
                "mathjax/tex-mml-chtml.js", "mathjax/output/chtml/fonts/woff-v2"]:
        assert (static / rel).exists(), f"_static/vendor/{rel} mangler: er exclude_patterns for vid?"
    assert not (built_book.html / "_static" / "sphinx-thebe.js").exists()


def test_widget_pages_load_the_local_widget_manager(built_book):
    widget_pages = [d for d in PAGES
                    if "application/vnd.jupyter.widget-state+json" in (built_book.html / f"{d}.html").read_text(encoding="utf-8")]
    assert widget_pages, "Ingen side har lagret widget-tilstand; kapitlene skal vise widgets"
    for docname in widget_pages:
        text = (built_book.html / f"{docname}.html").read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', text)
        assert any(s.split("?")[0].endswith("_static/vendor/html-manager/dist/embed-amd.js") for s in scripts), docname
        assert any(s.split("?")[0].endswith("_static/vendor/requirejs/require.min.js") for s in scripts), docname
        assert all(not s.startswith(("http:", "https:", "//")) for s in scripts), docname


def test_search_index_is_norwegian(built_book):
    language_data = (built_book.html / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "NorwegianStemmer" in language_data
    assert (built_book.html / "searchindex.js").exists()
