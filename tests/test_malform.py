"""Målform in grading: the chapter mapping, the notebook messages, the roster's målform column.

The whole path (fetch, submit, grade, feedback, kursbevis) is in tests/test_grading_nynorsk.py.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa
from babel.messages.extract import extract_from_file

from fellesregler.sprak import med_sprak, oversettelse
from grading.malform import (er_generert_kilde, kapitteloppgave, lag_nynorske_kilder, malform_for_oppgave,
                             oppgave_i, utgaver)
from grading.oppgavetekst import oversett_notatbok, tekstbiter
from grading.paths import ASSIGNMENTS
from grading_fixtures import make_course

ROOT = Path(__file__).resolve().parents[1]
VAGE = ROOT / "exercises" / "source" / "vage" / "vage.ipynb"


# ----------------------------------------------------------------------------- the mapping

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_chapter_of_each_assignment_in_both_malformer(assignment):
    nn = oppgave_i(assignment, "nynorsk")
    assert nn == f"{assignment}-nn" and oppgave_i(assignment, "nb") == assignment
    assert kapitteloppgave(nn) == kapitteloppgave(assignment) == assignment
    assert (malform_for_oppgave(nn), malform_for_oppgave(assignment)) == ("nn", "nb")


def test_every_edition_and_only_made_sources_count_as_made():
    assert utgaver(("vage", "lede")) == ("vage", "lede", "vage-nn", "lede-nn")
    assert kapitteloppgave("-nn") == "-nn"  # not an assignment in nynorsk: nothing before the suffix
    assert er_generert_kilde(Path("source/vage-nn/vage.ipynb"))
    assert er_generert_kilde(Path("source/header-nn.ipynb"))
    assert not er_generert_kilde(VAGE) and not er_generert_kilde(VAGE.parent.parent / "header.ipynb")


def test_nbgrader_accepts_the_names():
    from nbgrader.coursedir import CourseDirectory

    course = CourseDirectory()
    course.assignment_id = oppgave_i("arbeidsgiverpolitikk", "nn")
    assert course.assignment_id == "arbeidsgiverpolitikk-nn"


# ----------------------------------------------------------------------------- notebook messages

def test_messages_are_what_a_learner_reads_and_not_the_solutions():
    nb = nbformat.read(str(VAGE), as_version=4)
    texts = [b.tekst for c in nb.cells for b in tekstbiter(c)]
    assert "Å våge – refleksjonsoppgave" in texts  # a heading, without its «#»
    assert "**d)** Sentrale avtaler, som tariffavtalene og Hovedavtalen" in texts  # a list item
    assert "Denne cellen sjekker at svaret har riktig form." in texts  # a test's comment
    assert "Svaret er ikke riktig." in texts  # a hidden test's message: the feedback shows it
    assert 'svar_1 skal være en liste med bokstaver, for eksempel svar_1 = ["a", "b"].' in texts
    joined = "\n".join(texts)
    assert "Modellsvar" not in joined and "Vurderingsveiledning" not in joined
    assert "Fasiten er lagret som en sjekksum" not in joined  # a hidden test's comment


def test_translation_keeps_cells_code_and_metadata():
    nb = nbformat.read(str(VAGE), as_version=4)
    ny = oversett_notatbok(nb, lambda t: f"«{t}» \\ \"nn\"")
    for old, new in zip(nb.cells, ny.cells, strict=True):
        assert (old.get("id"), old.cell_type, old.metadata) == (new.get("id"), new.cell_type, new.metadata)
        if old.cell_type == "code":
            compile(new.source, old.get("id"), "exec")  # quotes and backslashes escaped
            assert "### BEGIN HIDDEN TESTS" not in old.source or "sha256" in new.source
    assert ny.cells[0].source.startswith("# «Å våge – refleksjonsoppgave»")
    assert oversett_notatbok(nb, lambda t: t).cells == nb.cells  # untranslated: the same notebook


def test_extractor_is_registered_and_skips_made_notebooks(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("kurs_i18n_malform", ROOT / "tools" / "i18n.py")
    i18n = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = i18n  # dataclasses look their module up here
    spec.loader.exec_module(i18n)
    method = i18n._CODE_METHODS["ipynb"]
    found = [m[1] for m in extract_from_file(method, str(VAGE))]
    assert "Å våge – refleksjonsoppgave" in found
    course = make_course(tmp_path / "kurs", ("vage",), real=True)
    lag_nynorske_kilder(course, ("vage",))
    made = course / "source" / "vage-nn" / "vage.ipynb"
    assert list(extract_from_file(method, str(made))) == []
    assert list(extract_from_file(method, str(course / "source" / "header-nn.ipynb"))) == []
    assert "ipynb" in i18n.code_domains(ROOT)["oppgaver"]


def test_nynorsk_sources_are_made_once_and_in_nynorsk(tmp_path):
    course = make_course(tmp_path / "kurs", ("vage",), real=True)
    assert lag_nynorske_kilder(course, ("vage",)) == ["vage-nn"]
    made = course / "source" / "vage-nn" / "vage.ipynb"
    stamp = made.stat().st_mtime_ns
    assert lag_nynorske_kilder(course, ("vage",)) == []  # unchanged: not written again
    assert made.stat().st_mtime_ns == stamp
    title = oversettelse("oppgaver", "nn").gettext("Å våge – refleksjonsoppgave")
    assert title == "Å våge – refleksjonsoppgåve"
    assert nbformat.read(str(made), as_version=4).cells[0].source.startswith(f"# {title}")
    header = nbformat.read(str(course / "source" / "header-nn.ipynb"), as_version=4)
    assert "Personvern" in header.cells[1].source and "Svara dine er personopplysningar" in header.cells[1].source


# ----------------------------------------------------------------------------- roster

ROSTER = ("id;navn;epost;enhet;Målform\n"
          "ola;Ola Nordmann;ola@kommune.example;Oppvekst;nynorsk\n"
          "kari;Kari Nordmann;kari@kommune.example;Oppvekst;\n"
          "per;Per Hansen;per@kommune.example;Helse;Bokmål\n")


def test_roster_malform_column(tmp_path):
    from grading.roster import import_roster, load_roster, malform_of
    from grading.roster_csv import parse_roster

    learners = {ln.id: ln.malform for ln in parse_roster(ROSTER)}
    assert learners == {"ola": "nn", "kari": "nb", "per": "nb"}
    assert {ln.malform for ln in parse_roster("id;navn;epost;enhet\nola;Ola N;o@k.example;A\n")} == {None}
    import_roster(tmp_path, data=ROSTER.encode())
    roster = load_roster(tmp_path)
    assert [malform_of(roster, i) for i in ("ola", "kari", "per", "ukjent")] == ["nn", "nb", "nb", "nb"]
    # A file without the column keeps the målform a learner has.
    import_roster(tmp_path, data=b"id;navn;epost;enhet\nola;Ola Nordmann;ola@kommune.example;Helse\n")
    assert malform_of(load_roster(tmp_path), "ola") == "nn"
    assert "malform" in (tmp_path / "deltakere.csv").read_text(encoding="utf-8").splitlines()[0]


def test_unknown_malform_is_a_clear_error(tmp_path):
    from grading.roster import import_roster
    from grading.roster_csv import RosterError

    with pytest.raises(RosterError) as err:
        import_roster(tmp_path, data=ROSTER.replace("nynorsk", "samisk").encode())
    assert "Linje 2: målformen «samisk» er ukjent" in str(err.value)


def test_roster_table_from_before_the_column_is_read_and_upgraded(tmp_path):
    from grading.roster import import_roster, load_roster

    db = tmp_path / "gradebook.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE kursleder_deltakere (id VARCHAR(128) PRIMARY KEY, "
                             "navn VARCHAR(256) NOT NULL, epost VARCHAR(256) NOT NULL, enhet VARCHAR(256) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO kursleder_deltakere VALUES ('gammel', 'Gammel Deltaker', "
                             "'g@kommune.example', 'Oppvekst')"))
    engine.dispose()
    from grading._nbgrader import gradebook

    with gradebook(tmp_path):  # nbgrader's own tables, as a real course has them
        pass
    assert load_roster(tmp_path).set_index("id").loc["gammel", "malform"] == "nb"
    import_roster(tmp_path, data=ROSTER.encode())
    roster = load_roster(tmp_path).set_index("id")
    assert roster.loc["gammel", "malform"] == "nb" and roster.loc["ola", "malform"] == "nn"


# ----------------------------------------------------------------------------- pages

def test_kursbevis_pdf_language_and_text(tmp_path):
    import datetime as dt

    import pikepdf

    from grading.certificates import module_titles, render_certificate

    titles = ["Å våge – refleksjonsoppgave", "Å lede – refleksjonsoppgave"]
    assert module_titles(titles, "nn") == ["Å våge", "Å leie"]
    assert module_titles(titles, "nb") == ["Å våge", "Å lede"]
    pdf = render_certificate(tmp_path / "nn.pdf", "Nora Lie", module_titles(titles, "nn"), dt.date(2026, 12, 3),
                             sprak="nn")
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "nn"
        assert str(doc.docinfo["/Title"]).startswith("Kursbevis – Nora Lie")
    with med_sprak("nn"):  # the målform in force is used when none is given
        other = render_certificate(tmp_path / "nn2.pdf", "Nora Lie", ["Å leie"], dt.date(2026, 12, 3))
    with pikepdf.open(other) as doc:
        assert str(doc.Root.Lang) == "nn"
    with pikepdf.open(render_certificate(tmp_path / "nb.pdf", "Bo", ["Å lede"], dt.date(2026, 12, 3))) as doc:
        assert str(doc.Root.Lang) == "nb"


def test_feedback_page_language_follows_the_assignment():
    from grading.feedback import KursTilbakemelding

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Tittel")])
    pages = {}
    for assignment in ("vage", "vage-nn"):
        _nb, res = KursTilbakemelding().preprocess(nb, {"nbgrader": {"assignment": assignment, "notebook": "vage",
                                                                       "score": 3, "max_score": 4}})
        pages[assignment] = res["kurs_side"]
    assert '<html lang="nb">' in pages["vage"] and "Du fikk <strong>3 av 4 poeng</strong>." in pages["vage"]
    assert '<html lang="nn">' in pages["vage-nn"] and "Du fekk <strong>3 av 4 poeng</strong>." in pages["vage-nn"]
    assert io.StringIO(pages["vage-nn"]).read().count("Samandrag") == 1


def test_a_chapter_deadline_holds_for_both_editions(tmp_path, capsys):
    from grading.cli import main
    from grading.release import get_duedate

    course = make_course(tmp_path / "kurs", ("vage",), real=True)
    assert main(["--kurs", str(course), "init"]) == 0
    assert main(["--kurs", str(course), "frist", "vage", "01.12.2026 23:59"]) == 0
    assert "«vage» og «vage-nn»" in capsys.readouterr().out
    assert get_duedate(course, "vage") == get_duedate(course, "vage-nn") is not None
    assert main(["--kurs", str(course), "frist", "vage", "--fjern"]) == 0
    assert get_duedate(course, "vage") is None and get_duedate(course, "vage-nn") is None
