"""Rettehjelp (grading guide) from source notebooks: metadata rubric, the authors'
inline rubric, missing pieces, HTML (print CSS, accessible, escaped) and PDF."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from fellesregler.sanitise import find_external_resources
from grading.guide import GuideError, read_questions, split_solution, write_guide
from test_certificates import check_tagged, pdf_info, pdf_text

ROOT = Path(__file__).resolve().parents[1]
REAL_ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "exercises" / "source").glob("*/*.ipynb"))

INLINE_SOLUTION = """### BEGIN SOLUTION
**Modellsvar**

Vi prøver en kort morgensamling i åtte uker.

**Vurderingsveiledning (fjernes i utdelt versjon)**

- **Full uttelling (3 poeng):** Forsøket er konkret og avgrenset.
- **Delvis uttelling (1–2 poeng):** Forsøket er beskrevet, men
  noe mangler.
- **Ingen uttelling (0 poeng):** Mangler svar.
### END SOLUTION"""


def _md(source: str, **nbg) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    if nbg:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                     "locked": False, **nbg}
    return cell


def guide_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    answer1 = _md("### BEGIN SOLUTION\nSe metadata.\n### END SOLUTION", grade=True, solution=True,
                  points=4, grade_id="vage-handlingsrom-1")
    answer1.metadata["kurs"] = {
        "modellsvar": "Rutinen er **administrativt skjønn**. <script>alert('modell')</script>",
        "rubrikk": {"full": "Konkret regel, riktig nivå, begrunnet.",
                    "delvis": "Regel beskrevet, nivået mangler.",
                    "ingen": "Mangler svar."},
    }
    test = nbformat.v4.new_code_cell("assert True")
    test.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": False,
                                 "locked": True, "points": 1, "grade_id": "vage-begrep-1-test"}
    nb.cells = [
        _md("# Å våge – refleksjonsoppgave", locked=True, grade_id="vage-intro"),
        _md("### Spørsmål 1 (1 poeng)\n\nAutomatisk rettet.", locked=True, grade_id="vage-begrep-1-oppgave"),
        test,
        _md("### Spørsmål 4 (4 poeng)\n\nBeskriv en regel. <script>alert('oppgave')</script>\n\n"
            "- Hvilket nivå?\n- Hvem kan endre den?", locked=True, grade_id="vage-handlingsrom-1-oppgave"),
        answer1,
        _md("### Spørsmål 5 (3 poeng)\n\nLag et **forslag** til et lite forsøk.", locked=True,
            grade_id="vage-forsok-1-oppgave"),
        _md(INLINE_SOLUTION, grade=True, solution=True, points=3, grade_id="vage-forsok-1"),
        _md("### Spørsmål 6 (2 poeng)\n\nHva skjer når noe går galt?", locked=True,
            grade_id="vage-feile-1-oppgave"),
        _md("### BEGIN SOLUTION\nBare et modellsvar, ingen rubrikk.\n### END SOLUTION", grade=True,
            solution=True, points=2, grade_id="vage-feile-1"),
    ]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("rettehjelp") / "kurs"
    (course / "source" / "vage").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course)
    nbformat.write(guide_notebook(), str(course / "source" / "vage" / "vage.ipynb"))
    return course


@pytest.fixture(scope="module")
def written(course, tmp_path_factory) -> list[Path]:
    return write_guide(course, "vage", tmp_path_factory.mktemp("ut"))


def test_read_questions(course):
    qs = read_questions(course, "vage")
    assert [q.grade_id for q in qs] == ["vage-handlingsrom-1", "vage-forsok-1", "vage-feile-1"]
    assert [q.points for q in qs] == [4.0, 3.0, 2.0]
    assert [q.title for q in qs] == ["Spørsmål 4 (4 poeng)", "Spørsmål 5 (3 poeng)", "Spørsmål 6 (2 poeng)"]
    q1, q2, q3 = qs
    assert q1.rubric["delvis"] == "Regel beskrevet, nivået mangler."
    assert q1.model_answer.startswith("Rutinen er **administrativt skjønn**")
    assert q1.missing == [] and q2.missing == []
    assert q2.rubric == {"full": "Forsøket er konkret og avgrenset.",
                         "delvis": "Forsøket er beskrevet, men noe mangler.",
                         "ingen": "Mangler svar."}
    assert q2.level_points == {"full": "3", "delvis": "1–2", "ingen": "0"}
    assert q2.model_answer == "Vi prøver en kort morgensamling i åtte uker."
    assert q3.rubric == {} and q3.model_answer == "Bare et modellsvar, ingen rubrikk."
    assert q3.missing == ["rubrikk (metadata.kurs.rubrikk med full, delvis og ingen)"]


def test_split_solution_without_rubric():
    assert split_solution("Bare tekst.") == ("Bare tekst.", {}, {})


def test_html_guide(written):
    html_path, pdf_path = written
    assert html_path.name == "rettehjelp-vage.html" and pdf_path.name == "rettehjelp-vage.pdf"
    text = html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.html["lang"] == "nb"
    assert soup.h1.get_text() == "Rettehjelp: Å våge – refleksjonsoppgave"
    assert [h.get_text() for h in soup.find_all("h2")][1:] == [
        "Spørsmål 4 (4 poeng)", "Spørsmål 5 (3 poeng)", "Spørsmål 6 (2 poeng)"]
    assert "@media print" in text and "@page" in text
    assert find_external_resources(text) == [] and soup.find("script") is None
    assert "<script>alert('oppgave')</script>" in soup.get_text()
    assert "<script>alert('modell')</script>" in soup.get_text()
    tables = soup.find_all("table", class_="rubrikk")
    assert len(tables) == 3
    assert all(th.get("scope") in {"col", "row"} for t in tables for th in t.find_all("th"))
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in tables[1].tbody.find_all("tr")]
    assert rows == [["Full uttelling", "3", "Forsøket er konkret og avgrenset."],
                    ["Delvis uttelling", "1–2", "Forsøket er beskrevet, men noe mangler."],
                    ["Ingen uttelling", "0", "Mangler svar."]]
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in tables[0].tbody.find_all("tr")]
    assert rows[1] == ["Delvis uttelling", "mellom 0 og 4", "Regel beskrevet, nivået mangler."]
    sections = soup.find_all("section", class_="sporsmal")
    assert "Mangler i kildenotatboka" in sections[2].get_text()
    assert "Mangler i kildenotatboka" not in sections[0].get_text()
    assert "Automatisk rettet" not in soup.get_text()  # autograded questions are not in the guide


def test_pdf_guide(written):
    data = written[1].read_bytes()
    text = pdf_text(data)
    for expected in ("Rettehjelp: Å våge – refleksjonsoppgave", "Spørsmål 4 (4 poeng)",
                     "Full uttelling", "1–2", "Forsøket er konkret og avgrenset.",
                     "Vi prøver en kort morgensamling i åtte uker.",
                     "Mangler i kildenotatboka:", "rubrikk (metadata.kurs.rubrikk"):
        assert expected in text, expected
    assert pdf_info(data)["Title"] == "Rettehjelp: Å våge – refleksjonsoppgave – Nyskapende arbeidsgivere"
    check_tagged(data, ("/H1", "/H2", "/H3", "/Table", "/TH", "/TD"))


def test_strict_and_missing_source(course, tmp_path):
    with pytest.raises(GuideError, match=r"ufullstendig(.|\n)*vage-feile-1(.|\n)*rubrikk"):
        write_guide(course, "vage", tmp_path, strict=True)
    with pytest.raises(GuideError, match="Fant ikke kildemappen for oppgaven «finnesikke»"):
        write_guide(course, "finnesikke", tmp_path)


def test_guide_in_browser_axe_and_no_requests(written):
    import browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browser.launch(p)
        try:
            page = b.new_page()
            log = browser.watch_requests(page)
            page.goto(written[0].as_uri())
            page.wait_for_load_state("load")
            assert [u for u in log.all if not u.startswith("file:")] == []
            violations = browser.run_axe(page)
            assert violations == [], browser.format_violations(violations)
        finally:
            b.close()


def test_real_source_notebooks_exist():
    assert REAL_ASSIGNMENTS, "exercises/source has no assignments"


@pytest.mark.parametrize("assignment", REAL_ASSIGNMENTS)
def test_real_assignments_have_complete_guides(assignment, tmp_path):
    """Every manually graded question in the course has prompt, points, rubric and model answer."""
    qs = read_questions(ROOT / "exercises", assignment)
    assert qs, f"{assignment}: no manually graded questions"
    problems = [f"{q.grade_id}: {q.missing}" for q in qs if q.missing]
    assert problems == []
    html_path, pdf_path = write_guide(ROOT / "exercises", assignment, tmp_path)
    assert find_external_resources(html_path.read_text(encoding="utf-8")) == []
    assert re.search(r"Full uttelling", pdf_text(pdf_path.read_bytes()))
