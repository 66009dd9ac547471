"""A nynorsk learner fetches and submits the nynorsk assignment, which is graded like the bokmål one.

Through the REAL nbgrader and exchange, in a temporary copy of the course: `kursleder init`
makes ``vage-nn`` from the bokmål source and ``locale/nn/LC_MESSAGES/oppgaver.po``; the course
leader releases both; Nora fetches ``vage-nn`` and Bo fetches ``vage`` with ``nbgrader
fetch_assignment``, both give the same answers and submit with ``nbgrader submit``; `kursleder`
collects, grades (in the sandbox) and writes feedback. Nora's score and feedback equal Bo's, her
page is nynorsk (``lang="nn"``), and the kursbevis of a learner whose målform in the roster is
nynorsk is a nynorsk PDF (``Lang`` nn).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pikepdf
import pytest

from fellesregler.sprak import oversettelse
from grading_fixtures import make_course, solution_notebook

pytestmark = pytest.mark.slow

A, NN = "vage", "vage-nn"
COURSE_ID = "nyskapende-arbeidsgivere"
# id, navn, målform in the roster, assignment the learner fetches
LEARNERS = (("bo", "Bo Berg", "", A), ("nora", "Nora Lie", "nynorsk", NN), ("nils", "Nils Dahl", "nn", A))
ROSTER = ("id;navn;epost;enhet;målform\n"
          + "".join(f"{i};{n};{i}@kommune.example;Oppvekst;{m}\n" for i, n, m, _a in LEARNERS))


def cli(course: Path, *args: str) -> None:
    from grading.cli import main

    assert main(["--kurs", str(course), "--stille", *args]) == 0


def nbgrader(course: Path, home: Path, tmp: Path, *args: str) -> None:
    """A learner's own `nbgrader` command, run in her home folder against the course's exchange."""
    exe = Path(sys.executable).with_name("nbgrader")
    env = dict(os.environ, PATH=os.pathsep.join([str(exe.parent), os.environ.get("PATH", "")]))
    for var in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        env[var] = str(tmp / "jupyter" / var.lower())
    proc = subprocess.run([str(exe), *args, f"--course={COURSE_ID}", f"--Exchange.root={course / 'exchange'}"],
                          cwd=home, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grading_meta(cell) -> dict:
    """What grades a cell: its nbgrader metadata without the checksum of its (translated) text."""
    return {k: v for k, v in nbg(cell).items() if k != "checksum"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nynorsk")
    course = make_course(tmp / "kurs", (A,), real=True)
    (tmp / "ansatte.csv").write_text(ROSTER, encoding="utf-8")
    cli(course, "deltakere", "importer", str(tmp / "ansatte.csv"))
    cli(course, "del-ut", A)
    cli(course, "del-ut", NN)

    for sid, _navn, _m, assignment in LEARNERS:
        home = tmp / "hjemme" / sid
        home.mkdir(parents=True)
        nbgrader(course, home, tmp, "fetch_assignment", assignment)
        fetched = home / assignment / f"{A}.ipynb"
        released = nbformat.read(str(course / "release" / assignment / f"{A}.ipynb"), as_version=4)
        assert nbformat.read(str(fetched), as_version=4).cells == released.cells
        # The same answers in both målformer: the source's solutions, plus the same written text.
        nbformat.write(solution_notebook(course, assignment, A), str(fetched))
        nbgrader(course, home, tmp, "submit", assignment, f"--student={sid}")

    for assignment in (A, NN):
        cli(course, "samle-inn", assignment)
        cli(course, "rett", assignment)

    from nbgrader.api import Grade

    from grading._nbgrader import gradebook

    with gradebook(course) as gb:  # the course leader gives every written answer full marks
        for grade in gb.db.query(Grade).all():
            if grade.needs_manual_grade:
                grade.manual_score = grade.max_score
                grade.needs_manual_grade = False
        gb.db.commit()
        scores = {}
        for sid, _navn, _m, assignment in LEARNERS:
            sub = gb.find_submission(assignment, sid)
            scores[sid] = ({g.name: (g.score, g.max_score) for nb_ in sub.notebooks for g in nb_.grades},
                           sub.score, sub.max_score)
    for assignment in (A, NN):
        cli(course, "tilbakemelding", assignment)
    cli(course, "kursbevis", "--ut", str(tmp / "kursbevis"))
    return {"course": course, "scores": scores, "kursbevis": tmp / "kursbevis"}


def test_nynorsk_assignment_is_the_bokmal_one_in_nynorsk(run):
    course = run["course"]
    bokmal = nbformat.read(str(course / "release" / A / f"{A}.ipynb"), as_version=4)
    nynorsk = nbformat.read(str(course / "release" / NN / f"{A}.ipynb"), as_version=4)
    assert [(c.get("id"), c.cell_type, grading_meta(c)) for c in nynorsk.cells] == \
        [(c.get("id"), c.cell_type, grading_meta(c)) for c in bokmal.cells]
    # the tests run the same code: only their messages differ
    for b, n in zip(bokmal.cells, nynorsk.cells):
        if nbg(b).get("grade") and b.cell_type == "code":
            assert re.sub(r'"[^"]*"', '""', n.source).count("assert") == b.source.count("assert")
    gettext = oversettelse("oppgaver", "nn").gettext
    # the course header and the assignment's own text are nynorsk
    for index, heading in ((0, "Nyskapende arbeidsgivere"), (2, "Å våge – refleksjonsoppgave")):
        assert bokmal.cells[index].source.startswith(f"# {heading}")
    header_text = "Denne oppgaven hører til kurset «Nyskapende arbeidsgivere». Kurset handler om " \
        "arbeidsgiverpolitikk i kommuner og fylkeskommuner."
    assert header_text in bokmal.cells[0].source
    assert gettext(header_text) != header_text and gettext(header_text) in nynorsk.cells[0].source
    title = "Å våge – refleksjonsoppgave"
    assert nynorsk.cells[2].source.startswith("# " + gettext(title)) and gettext(title) != title


def test_nynorsk_learner_is_graded_like_the_bokmal_learner(run):
    per_cell_bo, total_bo, max_bo = run["scores"]["bo"]
    per_cell_nora, total_nora, max_nora = run["scores"]["nora"]
    assert per_cell_nora == per_cell_bo
    assert (total_nora, max_nora) == (total_bo, max_bo) == (18.0, 18.0)


def _parts(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<td class="tall">([^<]*)</td><td class="tall">([^<]*)</td>', html)


def test_feedback_is_the_same_and_in_nynorsk(run):
    from fellesregler.sanitise import find_external_resources

    course = run["course"]
    bo = (course / "feedback" / "bo" / A / f"{A}.html").read_text(encoding="utf-8")
    nora = (course / "feedback" / "nora" / NN / f"{A}.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in bo and '<html lang="nn">' in nora
    assert _parts(nora) == _parts(bo) and len(_parts(bo)) == 8  # 7 parts and the sum, same points
    assert "Du fikk <strong>18 av 18 poeng</strong>." in bo
    assert "Du fekk <strong>18 av 18 poeng</strong>." in nora
    assert "Oppsummering" in bo and "Samandrag" in nora and "Oppsummering" not in nora
    assert "Tilbakemelding på «Å våge – refleksjonsoppgave»" in bo
    assert "Tilbakemelding på «Å våge – refleksjonsoppgåve»" in nora
    assert "Testen bestod." in nora and "Testen besto." not in nora
    assert find_external_resources(nora) == []


def test_kursbevis_in_the_learners_malform(run):
    out = run["kursbevis"]
    pdfs = {p.name.split("-")[1]: p for p in out.glob("*.pdf")}
    assert {"bo", "nils"} <= set(pdfs)
    with pikepdf.open(pdfs["bo"]) as pdf:
        assert str(pdf.Root.Lang) == "nb"
    with pikepdf.open(pdfs["nils"]) as pdf:
        assert str(pdf.Root.Lang) == "nn"
        assert "Kursbevis for Nils Dahl" in str(pdf.open_metadata().get("dc:description"))
    text = subprocess.run(["pdftotext", str(pdfs["nils"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Dette stadfestar at" in text and "Dette bekrefter at" not in text
    assert "Å våge" in text


def test_a_learner_who_submitted_only_vage_nn_completed_vage(run):
    """Nora fetched and submitted only «vage-nn»: the reports count it as «vage», once, completed,
    she is not «ikke levert» in the anomaly scan of «vage», and she gets a nynorsk kursbevis."""
    from grading.anomalies import scan
    from grading.reports import collect_results

    course = run["course"]
    results = collect_results(course)
    assert list(results["assignment"].unique()) == [A]
    nora = results[results["id"] == "nora"]
    assert len(nora) == 1 and nora["completed"].all() and nora["score"].iloc[0] == 18.0
    assert results["completed"].all()  # bo, nora and nils, each once
    assert "nora" not in {a.student for a in scan(course, A) if a.kind == "ikke_levert"}
    pdfs = {p.name.split("-")[1]: p for p in run["kursbevis"].glob("*.pdf")}
    assert set(pdfs) == {"bo", "nils", "nora"}
    with pikepdf.open(pdfs["nora"]) as pdf:
        assert str(pdf.Root.Lang) == "nn"
