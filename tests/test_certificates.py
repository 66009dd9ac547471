"""Kursbevis: who gets one, what the PDF says, metadata, tags and file names.

The PDFs are read back as a reader would: the text with poppler's
``pdftotext`` and the tags, language and metadata with pikepdf (qpdf).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import nbformat
import pikepdf
import pytest

from grading.certificates import certificate_filename, make_certificates, safe_filename_part
from test_reports import EXPECTED, FORMULA_NAME, LEARNERS, build_gradebook_course

DATE = dt.date(2026, 11, 28)


# ---------------------------------------------------------------------------
# Reading the PDFs back with Debian's poppler-utils and with pikepdf (qpdf)
# ---------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    """The text a reader extracts (poppler's ``pdftotext``), whitespace collapsed to single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return " ".join(out.split())


def pdf_info(data: bytes) -> dict[str, str]:
    """Title, Subject, Author and Keywords of the document information dictionary."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {key[1:]: str(value) for key, value in pdf.docinfo.items()
                if key in ("/Title", "/Subject", "/Author", "/Keywords")}


def structure(data: bytes) -> list[str]:
    """The structure types of the tagged PDF (``/Document``, ``/H1``, ``/P`` …) in reading order."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def check_tagged(data: bytes, headings: tuple[str, ...] = ("/H1",)) -> None:
    """PDF/UA essentials: tagged, a structure tree with the headings, language nb, title shown."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "nb"
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert "/StructTreeRoot" in root
        xmp = str(pdf.open_metadata())
        assert "pdfuaid" in xmp  # declares PDF/UA-1
    tags = structure(data)
    for heading in headings:
        assert heading in tags, (heading, tags)
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    assert b"Tagged:          yes" in info


# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return build_gradebook_course(tmp_path_factory.mktemp("bevis"))


@pytest.fixture(scope="module")
def pdfs(course, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    paths = make_certificates(course, out, DATE)
    by_id = {}
    for p in paths:
        learner = next(i for i in LEARNERS if p.name.startswith(f"kursbevis-{i}-"))
        by_id[learner] = p
    return by_id


def test_only_learners_who_completed_everything(pdfs):
    assert set(pdfs) == EXPECTED["completers"]
    # h4 missed «vage», h5 waits for manual grading, o5 got 0 on «lede»,
    # k2 is collected but not graded, h6 submitted nothing
    for learner in ("h4", "h5", "h6", "o5", "k2"):
        assert learner not in pdfs


def test_certificate_text(pdfs):
    data = pdfs["h1"].read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in ("Kursbevis", "Åse Ødegård", "«Nyskapende arbeidsgivere»",
                     "1. Å våge", "2. Å lede", "Dato: 28. november 2026"):
        assert expected in text, (expected, text)
    assert FORMULA_NAME in pdf_text(pdfs["h2"].read_bytes())


def test_certificate_metadata_and_tagging(pdfs):
    data = pdfs["h1"].read_bytes()
    info = pdf_info(data)
    assert info["Title"] == "Kursbevis – Åse Ødegård – Nyskapende arbeidsgivere"
    assert "Åse Ødegård" in info["Subject"]
    check_tagged(data, ("/H1", "/H2", "/L", "/LI"))
    assert structure(data).index("/H1") < structure(data).index("/H2")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_outline() as outline:  # the heading in the outline
            assert [item.title for item in outline.root][0] == "Kursbevis"


def test_file_names_are_safe(pdfs):
    assert pdfs["h1"].name == "kursbevis-h1-ase-odegard.pdf"
    for path in pdfs.values():
        assert re.fullmatch(r"kursbevis-[a-z0-9-]+\.pdf", path.name), path.name
    assert safe_filename_part("../../etc/passwd") == "etc-passwd"
    assert safe_filename_part("Æ Ø Å é <script>") == "ae-o-a-e-script"
    assert safe_filename_part("***") == "deltaker"
    assert certificate_filename("a.b", "Ærlig Øyvind") == "kursbevis-a-b-aerlig-oyvind.pdf"


def test_missing_assignment_gets_certificate_once_graded(course, tmp_path):
    """h4 lacks «vage»: no certificate; after grading it, h4 gets one."""
    from grading._nbgrader import gradebook

    assert not any("-h4-" in p.name for p in make_certificates(course, tmp_path / "a", DATE))
    work = tmp_path / "kopi"
    import shutil

    shutil.copytree(course, work)
    with gradebook(work) as gb:
        gb.add_submission("vage", "h4", timestamp=dt.datetime(2026, 11, 9))
        for grade_id, score in (("vage-1", 1.0), ("vage-2", 0.0)):
            grade = gb.find_grade(grade_id, "vage", "vage", "h4")
            grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()
    names = [p.name for p in make_certificates(work, tmp_path / "b", DATE)]
    assert "kursbevis-h4-cecilie-dahl.pdf" in names
    assert len(names) == len(EXPECTED["completers"]) + 1


def test_unreleased_module_blocks_certificates(course, tmp_path):
    """A module in source/ that nobody has completed yet means no certificates."""
    import shutil

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    folder = work / "source" / "samhandle"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Å samhandle"))
    nbformat.write(nb, str(folder / "samhandle.ipynb"))
    assert make_certificates(work, tmp_path / "ut", DATE) == []


def _add_outsider(course: Path, student: str = "x1") -> None:
    """A learner in the gradebook (with everything completed) who is not in the roster."""
    from grading._nbgrader import gradebook
    from test_reports import ASSIGNMENTS

    with gradebook(course) as gb:
        gb.update_or_create_student(student, first_name="Test", last_name="Bruker")
        for name, (_title, _due, cells) in ASSIGNMENTS.items():
            gb.add_submission(name, student, timestamp=dt.datetime(2026, 11, 9))
            for grade_id, points in cells.items():
                grade = gb.find_grade(grade_id, name, name, student)
                grade.manual_score, grade.needs_manual_grade = points, False
        gb.db.commit()


def test_learner_not_in_roster_gets_no_certificate_and_is_listed(course, tmp_path):
    import shutil

    from grading.certificates import NotInRosterWarning

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    _add_outsider(work)
    with pytest.warns(NotInRosterWarning) as caught:
        paths = make_certificates(work, tmp_path / "ut", DATE)
    names = [p.name for p in paths]
    assert not any(n.startswith("kursbevis-x1-") for n in names)
    assert len(names) == len(EXPECTED["completers"])  # everyone in the roster still gets theirs
    assert paths.not_in_roster == [{"id": "x1", "navn": "Test Bruker"}]
    text = str(caught[0].message)
    assert text == paths.warning
    assert "x1 (Test Bruker)" in text and "står ikke i deltakerlisten" in text
    assert "har ikke fått kursbevis" in text and "kursleder deltakere importer" in text
    assert not list((tmp_path / "ut").glob("kursbevis-x1-*"))


def test_cli_lists_learners_not_in_roster(course, tmp_path, capsys):
    import shutil

    from grading.cli import main

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    _add_outsider(work)
    out_dir = tmp_path / "ut"
    assert main(["--kurs", str(work), "--stille", "kursbevis", "--ut", str(out_dir),
                 "--dato", "28.11.2026"]) == 0
    out = capsys.readouterr().out
    assert f"Laget {len(EXPECTED['completers'])} kursbevis" in out
    assert "ADVARSEL: 1 deltaker(e) har fullført alle oppgavene, men står ikke i deltakerlisten" in out
    assert "x1 (Test Bruker)" in out
    assert not list(out_dir.glob("kursbevis-x1-*"))


def test_no_warning_when_everyone_is_in_the_roster(pdfs, course, tmp_path):
    import warnings

    from grading.certificates import NotInRosterWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", NotInRosterWarning)
        paths = make_certificates(course, tmp_path / "ut", DATE)
    assert paths.not_in_roster == [] and paths.warning == ""
