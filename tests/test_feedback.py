"""Feedback HTML: real nbgrader run (generate_assignment, autograde, manual grade,
generate_feedback) on a small course with a hostile submission.

Checks: hidden tests gone (also from tracebacks), learner HTML shown as text,
no remote resources, bokmål page with lang="nb", and axe-core in Chromium.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from fellesregler.sanitise import find_external_resources, harden_html, safe_markdown, sanitize_html
from grading.feedback import FeedbackError, generate_feedback

ROOT = Path(__file__).resolve().parents[1]
HIDDEN_MARK = "hemmelig-kontroll-42"
SCRIPT = "<script>alert(1)</script>"
COMMENT = "Godt forsøk! <script>alert('kommentar')</script> Se **kapittel 2**."


def _cell(kind: str, source: str, **nbg) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
    if nbg:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                     "locked": False, **nbg}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell("md", "# Å våge – refleksjonsoppgave\n\nLes oppgavene.", locked=True,
              grade_id="vage-intro"),
        _cell("md", "### Spørsmål 1 (4 poeng)\n\nBeskriv en regel på arbeidsplassen din.",
              locked=True, grade_id="vage-handlingsrom-1-oppgave"),
        _cell("md", "### BEGIN SOLUTION\nModellsvar.\n### END SOLUTION", grade=True,
              solution=True, points=4, grade_id="vage-handlingsrom-1"),
        _cell("md", "### Spørsmål 2 (2 poeng)\n\nSkriv funksjonen `dobbel`.", locked=True,
              grade_id="vage-kode-oppgave"),
        _cell("code", "def dobbel(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
              solution=True, grade_id="vage-kode"),
        _cell("code", "assert dobbel(2) == 4\n### BEGIN HIDDEN TESTS\n"
                      f"assert dobbel(5) == 10, 'feil for 5'  # {HIDDEN_MARK}\n### END HIDDEN TESTS",
              grade=True, locked=True, points=2, grade_id="vage-kode-test"),
    ]
    return nb


HOSTILE_ANSWER = (
    f"Mitt svar {SCRIPT} og <img src=https://evil.example/x.png onerror=alert(2)>\n\n"
    "![sporing](https://evil.example/pixel.png) [klikk](javascript:alert(3))\n\n"
    "<style>body{background:url(https://evil.example/bg.png)}</style>\n\n"
    "<iframe src=https://evil.example/></iframe>"
)
HOSTILE_CODE = (
    "def dobbel(x):\n    return 4 if x == 2 else 0\n"
    "from IPython.display import HTML, Javascript, display\n"
    "display(HTML('<b>fet</b><script>alert(4)</script><img src=\"https://evil.example/z.png\">'))\n"
    "display(Javascript('alert(5)'))\n"
)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    from grading._nbgrader import gradebook, run_nbgrader
    from grading.roster import import_roster

    course = tmp_path_factory.mktemp("tilbakemelding") / "kurs"
    (course / "source" / "vage").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course)
    nbformat.write(source_notebook(), str(course / "source" / "vage" / "vage.ipynb"))
    import_roster(course, data=("id;navn;epost;enhet\n"
                                "ola;Ola Nordmann;ola@example.no;Oppvekst\n"
                                "kari;Kari Nordmann;kari@example.no;Oppvekst\n").encode())
    run_nbgrader(course, "generate_assignment", "vage", "--force")
    released = course / "release" / "vage" / "vage.ipynb"
    for student, answer, code in (("ola", HOSTILE_ANSWER, HOSTILE_CODE),
                                  ("kari", "Et **ordentlig** svar.", "def dobbel(x):\n    return 2 * x")):
        folder = course / "submitted" / student / "vage"
        folder.mkdir(parents=True)
        nb = nbformat.read(str(released), as_version=4)
        nb.cells[2].source = answer
        nb.cells[4].source = code
        nbformat.write(nb, str(folder / "vage.ipynb"))
        (folder / "timestamp.txt").write_text("2026-11-09 10:00:00.000000 UTC")
    run_nbgrader(course, "autograde", "vage", "--force")
    with gradebook(course) as gb:
        for student, score in (("ola", 1.5), ("kari", 4.0)):
            grade = gb.find_grade("vage-handlingsrom-1", "vage", "vage", student)
            grade.manual_score, grade.needs_manual_grade = score, False
            gb.find_comment("vage-handlingsrom-1", "vage", "vage", student).manual_comment = COMMENT
        gb.db.commit()
    return course


@pytest.fixture(scope="module")
def pages(course) -> dict[str, str]:
    paths = generate_feedback(course, "vage")
    assert sorted(p.relative_to(course).as_posix() for p in paths) == [
        "feedback/kari/vage/vage.html", "feedback/ola/vage/vage.html"]
    return {p.parts[-3]: p.read_text(encoding="utf-8") for p in paths}


def test_page_is_norwegian_and_structured(pages):
    soup = BeautifulSoup(pages["kari"], "html.parser")
    assert soup.html["lang"] == "nb"
    assert soup.title.get_text() == "Tilbakemelding: Å våge – refleksjonsoppgave (vage) – Nyskapende arbeidsgivere"
    assert soup.h1.get_text() == "Tilbakemelding på «Å våge – refleksjonsoppgave»"
    assert len(soup.find_all("h1")) == 1
    text = " ".join(soup.get_text(" ").split())
    assert "Du fikk 6 av 6 poeng" in text
    for english in ("Student's answer", "Score", "Comments", "Test cell", "No description"):
        assert english not in text
    table = soup.find("table")
    assert all(th.get("scope") in {"col", "row"} for th in table.find_all("th"))
    rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    assert rows == [["Spørsmål 1 (4 poeng)", "4", "4"],
                    ["Spørsmål 2 (2 poeng) (automatisk test)", "2", "2"]]


def test_scores_and_comment_for_hostile_learner(pages):
    soup = BeautifulSoup(pages["ola"], "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert "Du fikk 1,5 av 6 poeng" in text
    assert "1,5 av 4 poeng" in text
    comment = soup.find(class_="kommentar")
    assert "Kommentar fra kursleder" in comment.get_text()
    assert "<script>alert('kommentar')</script>" in comment.get_text()
    assert comment.find("strong").get_text() == "kapittel 2"


def test_hidden_tests_are_not_shown(pages):
    for page in pages.values():
        assert HIDDEN_MARK not in page
        assert "BEGIN HIDDEN TESTS" not in page and "dobbel(5)" not in page
    assert "Testen feilet (AssertionError: feil for 5)" in pages["ola"]
    assert "Testen besto." in pages["kari"]


def test_learner_html_is_text_and_nothing_loads(pages):
    page = pages["ola"]
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("iframe") is None
    assert len(soup.find_all("style")) == 1  # ours, in <head>
    assert find_external_resources(page) == []
    assert not re.search(r"<script", page, re.I)
    answer = soup.find(id="del-vage-handlingsrom-1").get_text()
    assert SCRIPT in answer                       # shown as text
    assert "<iframe src=https://evil.example/></iframe>" in answer
    assert "[Bilde: sporing]" in answer           # remote image replaced by its description
    assert "javascript:" not in page.lower().replace("javascript-utdata", "")
    assert "onerror=alert(2)" in answer and not soup.find(attrs={"onerror": True})
    assert not any("evil.example" in (el.get("src") or "") for el in soup.find_all(True))
    assert "mathjax" not in page.lower() and "cdnjs" not in page
    outputs = soup.find(id="del-vage-kode").find(class_="resultat").get_text()
    assert "<script>alert(4)</script>" in outputs   # HTML output sanitised, shown as text
    assert "alert(5)" not in outputs                # JavaScript output: only its text form
    assert "<IPython.core.display.Javascript object>" in outputs


def test_students_filter_and_errors(course):
    paths = generate_feedback(course, "vage", ["kari"])
    assert [p.parts[-3] for p in paths] == ["kari"]
    with pytest.raises(FeedbackError, match="Fant ingen rettet innlevering"):
        generate_feedback(course, "vage", ["finnesikke"])
    with pytest.raises(FeedbackError, match="Ingen rettede innleveringer"):
        generate_feedback(course, "lede")


def test_feedback_in_browser_axe_and_no_requests(course, pages):
    import browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browser.launch(p)
        try:
            for student in ("ola", "kari"):
                page = b.new_page()
                log = browser.watch_requests(page)
                dialogs: list[str] = []
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto((course / "feedback" / student / "vage" / "vage.html").as_uri())
                page.wait_for_load_state("load")
                assert log.external == [] and [u for u in log.all if not u.startswith("file:")] == []
                assert dialogs == []
                violations = browser.run_axe(page)
                assert violations == [], browser.format_violations(violations)
        finally:
            b.close()


# ---------------------------------------------------------------------------
# Unit tests of the safety helpers
# ---------------------------------------------------------------------------
def test_safe_markdown():
    out = safe_markdown("# Tittel\n\n<b>fet</b> *kursiv* [ok](https://ks.no) [nei](javascript:x)\n\n"
                        "![a](https://x.no/a.png) ![b](data:image/png;base64,iVBORw0KGgo=)",
                        heading_offset=2)
    assert "<h3>Tittel</h3>" in out
    assert "&lt;b&gt;fet&lt;/b&gt;" in out and "<em>kursiv</em>" in out
    assert '<a href="https://ks.no">ok</a>' in out and "javascript" not in out and "nei" in out
    assert "[Bilde: a]" in out and 'src="data:image/png;base64,iVBORw0KGgo="' in out


def test_sanitize_html_keeps_tables_escapes_the_rest():
    out = sanitize_html('<table><tr><th scope="col" onclick="x()">A</th></tr></table>'
                        '<script>alert(1)</script><img src="https://x/y.png" alt="">')
    assert '<th scope="col">A</th>' in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "[Bilde: uten beskrivelse]" in out and "https://x" not in out


def test_harden_html_fixes_nbgrader_default_page():
    page = ("<!DOCTYPE html><html><head><title></title>"
            '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"></script>'
            '<link rel="stylesheet" href="https://cdn.example/x.css">'
            "<style>@import url(https://f.example/a.css); .g{src:url(../fonts/g.woff)}</style>"
            '</head><body><img src="https://evil/x.png" alt="x" onerror="alert(1)">'
            '<a href="javascript:alert(2)">a</a><a href="https://ks.no">ks</a>'
            '<div style="background:url(http://e/x.png)">d</div></body></html>')
    assert len(find_external_resources(page)) >= 6
    fixed = harden_html(page, "Tilbakemelding")
    assert find_external_resources(fixed) == []
    soup = BeautifulSoup(fixed, "html.parser")
    assert soup.html["lang"] == "nb" and soup.title.get_text() == "Tilbakemelding"
    assert soup.find("a", href="https://ks.no") is not None  # navigation links are fine
    assert "[x]" in soup.get_text()


def test_formgrader_path_with_course_config(course, tmp_path):
    """formgrader's «Generate feedback» (NbGraderAPI with the course's own nbgrader_config.py,
    unchanged) gives the same safe page as the toolkit."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grading._nbgrader import load_config

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    shutil.rmtree(work / "feedback", ignore_errors=True)
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", work / "nbgrader_config.py")
    cfg = load_config(work)
    cfg.CourseDirectory.root = str(work)
    cfg.CourseDirectory.db_url = f"sqlite:///{work / 'gradebook.db'}"
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    result = api.generate_feedback("vage", "ola")
    assert result["success"], result
    page = (work / "feedback" / "ola" / "vage" / "vage.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.h1.get_text() == "Tilbakemelding på «Å våge – refleksjonsoppgave»"
    assert find_external_resources(page) == [] and soup.find("script") is None
    assert HIDDEN_MARK not in page and SCRIPT in soup.get_text()


def test_one_broken_notebook_does_not_stop_the_others(course, tmp_path):
    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    broken = work / "autograded" / "ola" / "vage" / "vage.ipynb"
    broken.chmod(0o644)
    broken.write_text("{ikke gyldig json", encoding="utf-8")
    with pytest.raises(FeedbackError, match=r"kunne ikke lages for 1 deltaker") as info:
        generate_feedback(work, "vage")
    assert info.value.failed == ["ola"]
    assert [p.parts[-3] for p in info.value.written] == ["kari"]
    assert find_external_resources(info.value.written[0].read_text(encoding="utf-8")) == []
