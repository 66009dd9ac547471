"""Unit tests for the Sphinx extension _ext/kurs.py (filmblokk, selvtest, live).

Each test builds a tiny Sphinx project (MyST + our extension) in tmp_path and
asserts on its HTML and its warnings. One test drives the self-check in
Chromium, and one runs a strict build in a subprocess to prove that bad input
fails it.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import kurs  # noqa: E402

from sphinx.testing.util import SphinxTestApp  # noqa: E402
from sphinx.util.docutils import docutils_namespace, patch_docutils  # noqa: E402

CONF = """\
import sys
sys.path.insert(0, {ext!r})
extensions = {extensions!r}
language = "nb"
myst_enable_extensions = ["colon_fence"]
html_static_path = [{static!r}]
html_js_files = ["kurs.js"]
html_css_files = ["kurs.css"]
{extra}
"""

SELVTEST = """\
```{selvtest}
:id: vage-1
spørsmål: Hvilket nivå av handlingsrom kan ledere endre selv?
alternativer:
  - tekst: Lov og forskrift
    riktig: false
    forklaring: Lover vedtas av Stortinget.
  - tekst: Vaner og praksis på arbeidsplassen
    riktig: true
    forklaring: Vaner er ofte det største handlingsrommet.
```
"""

FILM = """\
```{filmblokk}
:fokus: å våge
- Hva tør dere å prøve?
- Hvem må være med?
```
"""


def make_project(tmp_path: Path, pages: dict[str, str], extra_conf: str = "",
                 extensions: list[str] | None = None, film: str | None = None) -> Path:
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "apps" / "widgets").mkdir(parents=True)
    (src / "apps" / "widgets" / "vage.ipynb").write_text("{}", encoding="utf-8")
    if film is None:
        shutil.copy(ROOT / "data" / "film.yaml", src / "data" / "film.yaml")
    else:
        (src / "data" / "film.yaml").write_text(film, encoding="utf-8")
    (src / "conf.py").write_text(
        CONF.format(ext=str(ROOT / "_ext"), static=str(ROOT / "book_static"),
                    extensions=extensions or ["myst_parser", "kurs"], extra=extra_conf),
        encoding="utf-8",
    )
    # Pages are orphans (no toctree), as in the real book (external _toc.yml).
    (src / "index.md").write_text(pages.get("index", "# Forside\n"), encoding="utf-8")
    for name, text in pages.items():
        if name != "index":
            (src / f"{name}.md").write_text("---\norphan: true\n---\n" + text, encoding="utf-8")
    return src


def build(src: Path, **confoverrides) -> tuple[Path, str]:
    """Build in-process; return (html dir, warnings)."""
    warnings = StringIO()
    # Like sphinx-build and jupyter-book: patch_docutils keeps docutils from
    # warning that it has no nb_NO labels (Sphinx translates its own).
    with patch_docutils(str(src)), docutils_namespace():
        app = SphinxTestApp("html", srcdir=src, builddir=src / "_build", freshenv=True,
                            status=StringIO(), warning=warnings, confoverrides=confoverrides or None)
        try:
            app.build()
        finally:
            app.cleanup()
    return src / "_build" / "html", warnings.getvalue()


def page(out: Path, name: str) -> str:
    return (out / f"{name}.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ filmblokk


def test_filmblokk_renders_film_facts_focus_and_prompts(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n\n## Film\n\n" + FILM})
    out, warnings = build(src)
    assert warnings == ""
    text = page(out, "vage")
    film = yaml.safe_load((ROOT / "data" / "film.yaml").read_text(encoding="utf-8"))
    m = re.search(r'<aside aria-labelledby="([^"]+)" class="kurs-filmblokk">(.*?)</aside>', text, re.S)
    assert m, "filmblokk must be an <aside> labelled by its heading"
    head_id, block = m.groups()
    # The heading sits one level below the enclosing "##" section.
    assert re.search(rf'<h3[^>]*id="{head_id}"[^>]*>Film: <em>{re.escape(html.escape(film["tittel"], quote=False))}</em></h3>', block)
    assert "<dl" in block
    for person in film["medvirkende"]:
        assert re.search(rf"<dt>{re.escape(html.escape(person['navn'], quote=False))}</dt>\s*<dd><p>"
                         rf"{re.escape(html.escape(person['rolle'], quote=False))}</p>", block), person
    for theme in film["temaer"] + film["utviklingstrekk"]:
        assert html.escape(theme, quote=False) in block
    assert "Fokus i dette kapittelet: </strong>å våge" in block
    assert "<li><p>Hva tør dere å prøve?</p></li>" in block
    assert "<li><p>Hvem må være med?</p></li>" in block
    assert "ingen utskrift" in block
    # The source only shows the film; it names no publisher. Sphinx's smart quotes turn ' into ’.
    assert "Filmen er vist på KS’ side «Nyskapende arbeidsgivere»." in block


def test_film_data_has_the_source_facts():
    film = kurs.load_film(ROOT / "data" / "film.yaml")
    assert film["tittel"] == "Det store fremtidsbildet – attraktive arbeidsgivere i en ny tid"
    assert [(p["navn"], p["rolle"]) for p in film["medvirkende"]] == [
        ("Jon Gunnar Pedersen", "leder av «Norge mot 2025»"),
        ("Lisbeth Hammer Krogh", "ordfører i Bærum"),
        ("Lisbeth Øyum", "forsker i SINTEF"),
        ("Bente Larssen", "kommunedirektør i Porsanger"),
    ]
    assert film["vist_hos"] == "KS' side «Nyskapende arbeidsgivere»", "the source shows the film; it names no publisher"
    assert "lenke" not in film, "no URL for the film is known: do not invent one"
    source = ROOT.parent / "shared" / "domain" / "SOURCE.txt"
    quotes = {q["tekst"] for q in film["sitater"]}
    assert quotes == {
        "Det er krav om å gjøre ting annerledes, raskere, på en helt annen måte enn vi har gjort tidligere",
        "Arbeidsgiverpolitikken er et grunnlag for å lykkes med nødvendig omstilling",
    }
    if source.exists():  # the shared brief lies beside the repo on developer machines and in CI
        text = source.read_text(encoding="utf-8")
        assert all(q in text for q in quotes)


@pytest.mark.parametrize(
    "body, message",
    [
        ("```{filmblokk}\n- Spørsmål?\n```\n", "mangler «:fokus:»"),
        ("```{filmblokk}\n:fokus: å våge\n```\n", "mangler diskusjonsspørsmål"),
        ("```{filmblokk}\n:fokus: å våge\nJon Gunnar Pedersen sier at …\n```\n", "bare være en punktliste"),
    ],
)
def test_filmblokk_rejects_bad_bodies(tmp_path, body, message):
    src = make_project(tmp_path, {"vage": "# Å våge\n\n" + body})
    out, warnings = build(src)
    assert message in warnings
    assert "vage.md" in warnings
    assert "kurs-filmblokk" not in page(out, "vage")


def test_filmblokk_reports_broken_film_data(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n\n" + FILM}, film="tittel: [uavsluttet\n")
    _, warnings = build(src)
    assert "film.yaml" in warnings and "ugyldig YAML" in warnings
    src2 = make_project(tmp_path / "b", {"vage": "# Å våge\n\n" + FILM}, film="tittel: Filmen\nvist_hos: KS' side\n")
    _, warnings = build(src2)
    assert "«merknad» mangler" in warnings


# ------------------------------------------------------------------- selvtest


def test_selvtest_renders_an_accessible_form(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n\n" + SELVTEST})
    out, warnings = build(src)
    assert warnings == ""
    text = page(out, "vage")
    m = re.search(r'<div class="kurs-selvtest" id="selvtest-vage-1" data-kurs-selvtest="vage-1">(.*?)\n</div>', text, re.S)
    assert m
    block = m.group(1)
    assert "Selvtest – teller ikke med i vurderingen" in block
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Hvilket nivå av handlingsrom kan ledere endre selv\?</legend>", block)
    radios = re.findall(r'<input type="radio" name="selvtest-vage-1" id="(selvtest-vage-1-\d)"[^>]*data-riktig="(true|false)"', block)
    assert radios == [("selvtest-vage-1-0", "false"), ("selvtest-vage-1-1", "true")]
    for rid, _ in radios:
        assert f'<label for="{rid}">' in block
    assert '<button type="button" class="kurs-selvtest-sjekk" hidden>Sjekk svaret</button>' in block
    assert 'aria-live="polite"' in block
    assert "<noscript>" in block
    assert re.search(r"<details[^>]*><summary>Vis svaret og forklaringene</summary>.*"
                     r"<strong>Riktig:</strong> Vaner og praksis på arbeidsplassen\. Vaner er ofte", block, re.S)


def test_selvtest_escapes_all_text(tmp_path):
    body = SELVTEST.replace("Hvilket nivå av handlingsrom", "Er <script>alert(1)</script> & \"x\" trygt").replace(
        "forklaring: Lover vedtas av Stortinget.", "forklaring: |-\n      '\"><img src=x onerror=alert(2)>")
    src = make_project(tmp_path, {"vage": "# Å våge\n\n" + body})
    out, warnings = build(src)
    assert warnings == ""
    text = page(out, "vage")
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text
    assert "Er &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; trygt" in text
    assert 'data-forklaring="&#x27;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"' in text


@pytest.mark.parametrize(
    "body, message",
    [
        ("spørsmål: [uavsluttet\n", "ugyldig YAML"),
        ("alternativer:\n  - tekst: A\n    riktig: true\n    forklaring: x\n  - tekst: B\n    riktig: false\n    forklaring: y\n",
         "mangler «spørsmål»"),
        ("spørsmål: Hva?\nalternativer:\n  - tekst: A\n    riktig: false\n    forklaring: x\n"
         "  - tekst: B\n    riktig: false\n    forklaring: y\n", "ingen alternativer har «riktig: true»"),
        ("spørsmål: Hva?\nalternativer:\n  - tekst: A\n    riktig: ja\n    forklaring: x\n"
         "  - tekst: B\n    riktig: false\n    forklaring: y\n", "«riktig» må være true eller false"),
        ("spørsmål: Hva?\nalternativer:\n  - tekst: A\n    riktig: true\n", "«alternativer» må være en liste med minst to svar"),
        ("spørsmål: Hva?\nalternativer:\n  - tekst: A\n    riktig: true\n  - tekst: B\n    riktig: false\n    forklaring: y\n",
         "alternativ nr. 1 mangler «forklaring»"),
        ("spørsmål: Hva?\nsvar: A\n", "ukjent nøkkel «svar»"),
        ("- bare en liste\n", "innholdet må være YAML"),
    ],
)
def test_selvtest_rejects_bad_yaml_naming_the_file(tmp_path, body, message):
    src = make_project(tmp_path, {"kapittel": f"# Kapittel\n\n```{{selvtest}}\n:id: k-1\n{body}```\n"})
    out, warnings = build(src)
    assert message in warnings, warnings
    assert "selvtest «k-1» i kapittel.md" in warnings
    assert "kurs-selvtest" not in page(out, "kapittel")


def test_selvtest_ids_must_be_present_valid_and_unique(tmp_path):
    one = SELVTEST
    pages = {
        "a": "# A\n\n" + one.replace(":id: vage-1\n", ""),
        "b": "# B\n\n" + one.replace("vage-1", "Vage 1"),
        "c": "# C\n\n" + one,
        "d": "# D\n\n" + one,
    }
    src = make_project(tmp_path, pages)
    _, warnings = build(src)
    assert "selvtest i a.md mangler «:id:»" in warnings
    assert "id «Vage 1» kan bare ha" in warnings
    assert "id «vage-1» er allerede brukt i c.md" in warnings or "id «vage-1» er allerede brukt i d.md" in warnings


def test_parse_selvtest_accepts_several_right_answers():
    q, opts = kurs.parse_selvtest(
        "spørsmål: Hvilke?\nalternativer:\n"
        "  - {tekst: A, riktig: true, forklaring: ja}\n"
        "  - {tekst: B, riktig: true, forklaring: ja}\n"
        "  - {tekst: C, riktig: false, forklaring: nei}\n"
    )
    assert q == "Hvilke?"
    assert [o["riktig"] for o in opts] == [True, True, False]


# ----------------------------------------------------------------------- live


def test_live_role_starts_the_widget_in_the_page_and_names_no_server(tmp_path, monkeypatch):
    monkeypatch.delenv("KURS_LIVE_BASE", raising=False)
    src = make_project(tmp_path, {"vage": "# Å våge\n\n{live}`widgets/vage.ipynb`\n"})
    out, warnings = build(src)
    text = page(out, "vage")
    assert re.search(r'<button type="button" class="kurs-live-knapp" hidden>Start oppgaven</button>', text)
    assert '<span class="kurs-live-status" role="status"></span>' in text
    assert "127.0.0.1" not in text and "voila" not in text
    # No code cell with a widget on this page: the writer is told.
    assert "har «Start oppgaven», men ingen oppgave" in warnings


def test_live_role_links_to_a_configured_live_server(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n\n{live}`widgets/vage.ipynb`\n"})
    out, _ = build(src, kurs_live_base="https://kurs.example.kommune.no/voila/render/")
    text = page(out, "vage")
    assert 'href="https://kurs.example.kommune.no/voila/render/widgets/vage.ipynb"' in text
    assert "Start oppgaven" in text


def test_live_server_can_be_configured_when_building(tmp_path, monkeypatch):
    monkeypatch.setenv("KURS_LIVE_BASE", kurs.LIVE_BASE_LOCAL)
    src = make_project(tmp_path, {"vage": "# Å våge\n\n{live}`widgets/vage.ipynb`\n"})
    out, _ = build(src)
    assert f'href="{kurs.LIVE_BASE_LOCAL}/widgets/vage.ipynb"' in page(out, "vage")


def test_app_that_needs_a_server_gets_no_link_without_one(tmp_path, monkeypatch):
    monkeypatch.delenv("KURS_LIVE_BASE", raising=False)
    src = make_project(tmp_path, {"vage": "# Å våge\n\n{live}`widgets/vage.ipynb`\n"})
    (src / "apps" / "team.ipynb").write_text((src / "apps" / "widgets" / "vage.ipynb").read_text())
    (src / "vage.md").write_text("# Å våge\n\nTeamvisningen: {live}`team.ipynb`\n", encoding="utf-8")
    out, _ = build(src)
    text = page(out, "vage")
    assert "kurs-live" not in text and "127.0.0.1" not in text


@pytest.mark.parametrize("target, message", [
    ("widgets/finnes_ikke.ipynb", "apps/widgets/finnes_ikke.ipynb finnes ikke"),
    ("../hemmelig.ipynb", "må være en sti til en notatbok under apps/"),
    ("widgets/vage.py", "må være en sti til en notatbok under apps/"),
])
def test_live_role_rejects_missing_or_odd_targets(tmp_path, target, message):
    src = make_project(tmp_path, {"vage": f"# Å våge\n\n{{live}}`{target}`\n"})
    out, warnings = build(src)
    assert message in warnings and "vage.md" in warnings
    assert "kurs-live" not in page(out, "vage")


def test_config_names_no_live_server():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["kurs_live_base"] == kurs.LIVE_BASE_DEFAULT == ""


# ------------------------------------------------------------ offline, i18n


def test_thebe_is_switched_off(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n\nTekst.\n"},
                       extensions=["myst_parser", "sphinx_thebe", "kurs"])
    out, warnings = build(src)
    assert warnings == ""
    for f in out.rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert "unpkg.com" not in text and "thebe" not in text.lower(), f
    assert not (out / "_static" / "sphinx-thebe.js").exists()


def test_external_scripts_fail_the_build(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n"},
                       extra_conf='html_js_files = ["kurs.js", "https://cdn.example.org/x.js"]')
    _, warnings = build(src)
    assert "laster https://cdn.example.org/x.js fra en annen maskin" in warnings


def test_theme_strings_are_bokmal(tmp_path):
    src = make_project(tmp_path, {"vage": "# Å våge\n\n## Del\n\nTekst.\n"},
                       extensions=["myst_parser", "sphinx_book_theme", "kurs"],
                       extra_conf=f"templates_path = [{str(ROOT / '_templates')!r}]\nauthor = 'Oss'\ncopyright = '2026'\n"
                                  "html_theme = 'sphinx_book_theme'\n"
                                  f"kurs_locale_dir = {str(ROOT / 'locale')!r}\n")
    out, _ = build(src)
    text = page(out, "vage")
    assert 'lang="nb"' in text
    for norsk in ["Hopp til hovedinnholdet", "Til toppen", "Fargemodus", "Vis eller skjul kapitlene",
                  "Lenke til denne overskriften", "Laget av Oss", "Innhold", "Opphavsrett"]:
        assert norsk in text, norsk
    for english in ["Skip to main content", "Back to top", "Color mode", "Toggle primary sidebar",
                    "Link to this heading", ">By ", "Contents", "Copyright"]:
        assert english not in text, english


# ------------------------------------------------------- strict build fails


def test_strict_build_fails_on_bad_selvtest(tmp_path):
    src = make_project(tmp_path, {"kapittel": "# K\n\n```{selvtest}\n:id: k-1\nspørsmål: Hva?\n```\n"})
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode != 0
    assert "selvtest «k-1» i kapittel.md" in proc.stderr
    assert "«alternativer» må være en liste" in proc.stderr


# --------------------------------------------------------- selvtest in Chromium


@pytest.mark.browser
def test_selvtest_gives_feedback_in_the_browser(tmp_path):
    from playwright.sync_api import sync_playwright

    from browser import launch, run_axe, format_violations, watch_requests

    src = make_project(tmp_path, {"vage": "# Å våge\n\n" + SELVTEST})
    out, warnings = build(src)
    assert warnings == ""
    with sync_playwright() as p:
        browser = launch(p)
        try:
            pg = browser.new_page()
            log = watch_requests(pg)
            pg.goto((out / "vage.html").as_uri())
            form = pg.locator("#selvtest-vage-1")
            button = form.get_by_role("button", name="Sjekk svaret")
            button.wait_for(state="visible")
            feedback = form.locator(".kurs-selvtest-svar")
            button.click()
            assert "Velg et svar først" in feedback.inner_text()
            form.get_by_label("Lov og forskrift").check()
            button.click()
            assert "Ikke riktig." in feedback.inner_text()
            assert "Lover vedtas av Stortinget." in feedback.inner_text()
            assert "kurs-feil" in feedback.get_attribute("class")
            form.get_by_label("Vaner og praksis på arbeidsplassen").check()
            button.click()
            assert feedback.inner_text().startswith("Riktig svar.")
            assert "kurs-ok" in feedback.get_attribute("class")
            assert feedback.get_attribute("aria-live") == "polite"
            violations = run_axe(pg, "#selvtest-vage-1")
            assert not violations, format_violations(violations)
            assert log.external == []
        finally:
            browser.close()


def test_inline_script_text_naming_an_outside_address_is_caught():
    assert kurs._names_external_url('require(["https://cdn.example.org/lib.js"])')
    assert kurs._names_external_url('fetch("//cdn.example.org/x")')
    assert not kurs._names_external_url('var base = "http://127.0.0.1:8866/voila/render";')
    assert not kurs._names_external_url("var DOCUMENTATION_OPTIONS = {VERSION: ''}; // a comment")
