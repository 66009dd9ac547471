"""Reports: results from a real nbgrader gradebook, privacy rule, CSV/Excel/HTML output.

The course built here (see ``build_gradebook_course``) is also used by
``test_certificates.py``. Expected numbers are worked out by hand in
``EXPECTED`` below.

Its units (6, 5 and 2 learners, 13 in all) are the subtraction case: the
course total minus «Helse og omsorg» and «Oppvekst» would give the two
learners of the small unit. So «Oppvekst», the smallest shown unit, is
hidden as well (secondary suppression).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fellesregler.personvern import for_faa_tekst
from grading import reports
from fellesregler.sanitise import find_external_resources
from grading.report_files import write_reports
from grading.reports import collect_results, is_completed, unit_summary

ROOT = Path(__file__).resolve().parents[1]
SMALL_UNIT = "Kultur <script>alert('x')</script>"
FORMULA_NAME = "=1+1 Hansen"

# id: (navn, enhet)
LEARNERS = {
    "h1": ("Åse Ødegård", "Helse og omsorg"),
    "h2": (FORMULA_NAME, "Helse og omsorg"),
    "h3": ("Bjørn Berg", "Helse og omsorg"),
    "h4": ("Cecilie Dahl", "Helse og omsorg"),
    "h5": ("Dag Eng", "Helse og omsorg"),
    "h6": ("Eva Fjeld", "Helse og omsorg"),
    "o1": ("Ola Nordmann", "Oppvekst"),
    "o2": ("Kari Nordmann", "Oppvekst"),
    "o3": ("Per Hansen", "Oppvekst"),
    "o4": ("Pål Jensen", "Oppvekst"),
    "o5": ("Espen Askeladd", "Oppvekst"),
    "k1": ("Kåre Ås", SMALL_UNIT),
    "k2": ("Liv Lie", SMALL_UNIT),
}
# assignment: (title in the source notebook, duedate, {grade_id: points})
ASSIGNMENTS = {
    "vage": ("Å våge", dt.datetime(2026, 11, 10, 12, 0), {"vage-1": 3.0, "vage-2": 1.0}),
    "lede": ("Å lede", None, {"lede-1": 2.0}),
}
ON_TIME = dt.datetime(2026, 11, 9, 10, 0)
LATE = dt.datetime(2026, 11, 11, 10, 0)
# (student, assignment): per-cell scores; "M" = still waiting for manual grading
SUBMISSIONS = {
    ("h1", "vage"): [3, 1], ("h1", "lede"): [2],
    ("h2", "vage"): [3, 0], ("h2", "lede"): [1],
    ("h3", "vage"): [2, 0], ("h3", "lede"): [2],
    ("h4", "lede"): [2],                       # h4 never submitted «vage»
    ("h5", "vage"): "M",                        # h5 waits for manual grading
    ("o1", "vage"): [3, 1], ("o1", "lede"): [2],
    ("o2", "vage"): [3, 1], ("o2", "lede"): [2],
    ("o3", "vage"): [3, 0], ("o3", "lede"): [2],
    ("o4", "vage"): [2, 0], ("o4", "lede"): [1],
    ("o5", "vage"): [1, 0], ("o5", "lede"): [0],  # graded to 0: not completed
    ("k1", "vage"): [3, 1], ("k1", "lede"): [2],
}
LATE_SUBMISSIONS = {("h3", "vage")}
COLLECTED_NOT_GRADED = {("k2", "vage")}  # in submitted/, not autograded yet

EXPECTED = {
    # whole course: 13 learners
    "course_all_pct": 61.5,      # h1 h2 h3 o1 o2 o3 o4 k1 = 8/13
    "course_vage_pct": 69.2,     # 9/13
    "course_vage_mean": 3.0,     # 27 points / 9 graded
    "course_lede_pct": 69.2,     # 9/13
    "course_lede_mean": 1.6,     # 16 points / 10 graded
    # Helse og omsorg: 6 learners, 3 graded on vage and 4 on lede (< 5: no mean)
    "helse_all_pct": 50.0,
    "helse_vage_pct": 50.0,
    "helse_lede_pct": 66.7,
    # Oppvekst: 5 learners, all graded
    "oppvekst_all_pct": 80.0,
    "oppvekst_vage_pct": 100.0,
    "oppvekst_vage_mean": 2.8,
    "oppvekst_lede_pct": 80.0,
    "oppvekst_lede_mean": 1.4,
    "completers": {"h1", "h2", "h3", "o1", "o2", "o3", "o4", "k1"},
}


def _source_notebook(title: str, cells: dict[str, float]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title}"))
    for grade_id, points in cells.items():
        prompt = nbformat.v4.new_markdown_cell(f"## Spørsmål {grade_id} ({points:g} poeng)")
        prompt.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                       "locked": True, "grade_id": f"{grade_id}-tekst"}
        answer = nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nEt svar.\n### END SOLUTION")
        answer.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": True,
                                       "locked": False, "points": points, "grade_id": grade_id}
        nb.cells += [prompt, answer]
    return nb


_TEMPLATE: list[Path] = []


def build_gradebook_course(base: Path) -> Path:
    """A course folder with roster, source notebooks and a filled-in nbgrader gradebook.

    Built once per test process (a new nbgrader gradebook runs ``alembic heads``,
    which takes seconds) and copied for each caller.
    """
    import atexit
    import tempfile

    if not _TEMPLATE:
        tmp = Path(tempfile.mkdtemp(prefix="kurs-mal-"))
        atexit.register(shutil.rmtree, tmp, True)
        _TEMPLATE.append(_build_gradebook_course(tmp))
    course = base / "kurs"
    shutil.copytree(_TEMPLATE[0], course)
    return course


def _build_gradebook_course(base: Path) -> Path:
    from grading._nbgrader import gradebook
    from grading.roster import import_roster

    course = base / "kurs"
    course.mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course / "nbgrader_config.py")
    csv = "id;navn;epost;enhet\n" + "".join(
        f"{i};{navn};{i}@example.no;{enhet}\n" for i, (navn, enhet) in LEARNERS.items())
    import_roster(course, data=csv.encode("utf-8"))

    for name, (title, _due, cells) in ASSIGNMENTS.items():
        folder = course / "source" / name
        folder.mkdir(parents=True)
        nbformat.write(_source_notebook(title, cells), str(folder / f"{name}.ipynb"))

    with gradebook(course) as gb:
        for name, (_title, due, cells) in ASSIGNMENTS.items():
            gb.update_or_create_assignment(name, duedate=due)
            gb.update_or_create_notebook(name, name)
            for grade_id, points in cells.items():
                gb.update_or_create_grade_cell(grade_id, name, name, max_score=points,
                                               cell_type="markdown")
                gb.update_or_create_solution_cell(grade_id, name, name)
        for (student, name), scores in SUBMISSIONS.items():
            stamp = LATE if (student, name) in LATE_SUBMISSIONS else ON_TIME
            gb.add_submission(name, student, timestamp=stamp)
            cells = list(ASSIGNMENTS[name][2])
            for i, grade_id in enumerate(cells):
                grade = gb.find_grade(grade_id, name, name, student)
                if scores == "M":
                    grade.needs_manual_grade = True
                else:
                    grade.manual_score = float(scores[i])
                    grade.needs_manual_grade = False
            gb.db.commit()

    for student, name in COLLECTED_NOT_GRADED:
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(_source_notebook("x", {}), str(folder / f"{name}.ipynb"))
        (folder / "timestamp.txt").write_text("2026-11-09 09:00:00.000000 UTC")
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return build_gradebook_course(tmp_path_factory.mktemp("rapport"))


@pytest.fixture(scope="module")
def written(course, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("ut")
    return write_reports(course, out, min_group=5, today=dt.date(2026, 11, 28))


# ---------------------------------------------------------------------------
def test_completion_rule():
    assert is_completed(True, False, 1.0)
    assert not is_completed(True, False, 0.0)      # graded to 0
    assert not is_completed(True, True, 3.0)       # manual grading pending
    assert not is_completed(False, False, None)    # not submitted
    assert not is_completed(True, False, float("nan"))


def test_collect_results_one_row_per_learner_and_assignment(course):
    df = collect_results(course)
    assert len(df) == len(LEARNERS) * len(ASSIGNMENTS) == 26
    assert list(df["assignment"].unique()) == ["vage", "lede"]  # teaching order from paths.ASSIGNMENTS
    assert set(df.columns) >= {"id", "navn", "enhet", "assignment", "score", "max_score",
                               "needs_manual_grade", "submitted", "late", "completed", "status"}
    row = df[(df["id"] == "h3") & (df["assignment"] == "vage")].iloc[0]
    assert (row["score"], row["max_score"], bool(row["late"]), bool(row["completed"])) == (2.0, 4.0, True, True)
    assert row["enhet"] == "Helse og omsorg" and row["title"] == "Å våge"
    row = df[(df["id"] == "h1") & (df["assignment"] == "vage")].iloc[0]
    assert not row["late"] and row["score"] == 4.0
    row = df[(df["id"] == "h5") & (df["assignment"] == "vage")].iloc[0]
    assert row["needs_manual_grade"] and not row["completed"]
    assert row["status"] == reports.STATUS_MANUAL
    row = df[(df["id"] == "h4") & (df["assignment"] == "vage")].iloc[0]
    assert not row["submitted"] and pd.isna(row["score"]) and row["status"] == reports.STATUS_NOT_SUBMITTED
    row = df[(df["id"] == "k2") & (df["assignment"] == "vage")].iloc[0]
    assert row["submitted"] and not row["completed"] and row["status"] == reports.STATUS_NOT_GRADED
    row = df[(df["id"] == "o5") & (df["assignment"] == "lede")].iloc[0]
    assert row["submitted"] and row["score"] == 0.0 and not row["completed"]
    assert row["status"] == reports.STATUS_ZERO
    assert int(df["completed"].sum()) == 18


def test_unit_summary_numbers_and_privacy(course):
    results = collect_results(course)
    units = unit_summary(results, min_group=5).set_index("Enhet")
    whole, helse, opp, small = (units.loc[n] for n in
                                (reports.WHOLE_COURSE, "Helse og omsorg", "Oppvekst", SMALL_UNIT))
    # Oppvekst (5) is hidden as well: 13 − 6 − 5 would give the small unit's 2 learners
    assert opp.drop(labels=["Merknad"]).isna().all(), opp
    assert opp["Merknad"] == reports.SUBTRACTION_TEXT == "skjult for å hindre at små enheter kan regnes ut"
    # its own figures are right (seen where nothing can be subtracted: without the small unit)
    opp = unit_summary(results[results["enhet"] != SMALL_UNIT], min_group=5).set_index("Enhet").loc["Oppvekst"]
    assert whole["Antall deltakere"] == 13
    assert whole["Fullført hele kurset (%)"] == EXPECTED["course_all_pct"]
    assert whole["Å våge: fullført (%)"] == EXPECTED["course_vage_pct"]
    assert whole["Å våge: snittpoeng"] == EXPECTED["course_vage_mean"]
    assert whole["Å lede: fullført (%)"] == EXPECTED["course_lede_pct"]
    assert whole["Å lede: snittpoeng"] == EXPECTED["course_lede_mean"]
    assert helse["Antall deltakere"] == 6
    assert helse["Fullført hele kurset (%)"] == EXPECTED["helse_all_pct"]
    assert helse["Å våge: fullført (%)"] == EXPECTED["helse_vage_pct"]
    assert helse["Å lede: fullført (%)"] == EXPECTED["helse_lede_pct"]
    assert pd.isna(helse["Å våge: snittpoeng"]) and pd.isna(helse["Å lede: snittpoeng"])
    assert "minst 5" in helse["Merknad"]
    assert opp["Fullført hele kurset (%)"] == EXPECTED["oppvekst_all_pct"]
    assert opp["Å våge: fullført (%)"] == EXPECTED["oppvekst_vage_pct"]
    assert opp["Å våge: snittpoeng"] == EXPECTED["oppvekst_vage_mean"]
    assert opp["Å lede: fullført (%)"] == EXPECTED["oppvekst_lede_pct"]
    assert opp["Å lede: snittpoeng"] == EXPECTED["oppvekst_lede_mean"]
    numbers = small.drop(labels=["Merknad"])
    assert numbers.isna().all(), numbers
    assert small["Merknad"] == "for få deltakere til å vise tall (under 5)"


def test_min_group_is_a_parameter(course):
    units = unit_summary(collect_results(course), min_group=7).set_index("Enhet")
    assert pd.isna(units.loc["Helse og omsorg", "Antall deltakere"])
    assert units.loc["Helse og omsorg", "Merknad"] == "for få deltakere til å vise tall (under 7)"
    assert units.loc[reports.WHOLE_COURSE, "Antall deltakere"] == 13


def test_write_reports_returns_all_files(written):
    assert set(written) == {"resultater_csv", "deltakere_csv", "enheter_csv", "excel", "html"}
    for path in written.values():
        assert path.exists() and path.stat().st_size > 0


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def test_unit_csv_hides_small_unit(written):
    df = _read_csv(written["enheter_csv"]).set_index("Enhet")
    small = df.loc[SMALL_UNIT]
    assert (small.drop(labels=["Merknad"]) == "").all(), small.to_dict()
    assert small["Merknad"] == "for få deltakere til å vise tall (under 5)"
    opp = df.loc["Oppvekst"]
    assert (opp.drop(labels=["Merknad"]) == "").all(), opp.to_dict()
    assert opp["Merknad"] == "skjult for å hindre at små enheter kan regnes ut"
    assert df.loc["Helse og omsorg", "Fullført hele kurset (%)"] == "50,0"
    assert df.loc["Helse og omsorg", "Å lede: fullført (%)"] == "66,7"
    assert df.loc[reports.WHOLE_COURSE, "Fullført hele kurset (%)"] == "61,5"


def _no_group_under(total, shown: list, min_group: int = 5) -> None:
    """Neither a shown figure nor the total minus any shown units covers 1..min_group-1 learners."""
    from itertools import combinations

    assert all(n >= min_group for n in shown), shown
    if total is None:
        return
    assert total >= min_group
    for k in range(len(shown) + 1):
        for subset in combinations(shown, k):
            rest = total - sum(subset)
            assert not 0 < rest < min_group, (total, subset, rest)


def test_no_small_unit_can_be_worked_out_in_csv_excel_or_html(written):
    """The «Hele kurset» row minus the shown units must not give a group under 5, in every output."""
    df = _read_csv(written["enheter_csv"])
    counts = {u: round(float(n.replace(",", "."))) if n else None
              for u, n in zip(df["Enhet"], df["Antall deltakere"])}
    total = counts.pop(reports.WHOLE_COURSE)
    _no_group_under(total, [n for n in counts.values() if n is not None])
    assert counts["Oppvekst"] is None and counts["Helse og omsorg"] == 6

    ws = load_workbook(written["excel"])["Per enhet"]
    rows = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}
    total = rows.pop(reports.WHOLE_COURSE)
    _no_group_under(total, [n for n in rows.values() if n is not None])
    assert rows["Oppvekst"] is None and rows["Helse og omsorg"] == 6

    soup = BeautifulSoup(written["html"].read_text(encoding="utf-8"), "html.parser")
    unit_table = soup.find_all("table")[1]
    shown, notes = {}, {}
    for tr in unit_table.find("tbody").find_all("tr"):
        tds = [td.get_text(strip=True) for td in tr.find_all("td")]
        if len(tds) == 1:
            notes[tr.th.get_text()] = tds[0]
        else:
            shown[tr.th.get_text()] = int(tds[0])
    total = shown.pop(reports.WHOLE_COURSE)
    _no_group_under(total, list(shown.values()))
    assert notes["Oppvekst"] == "skjult for å hindre at små enheter kan regnes ut"
    assert "skjult for å hindre at små enheter kan regnes ut" in soup.find(id="om").find_parent("section").get_text()
    # the unit chart holds only the units with figures
    assert "Oppvekst" not in shown and set(shown) == {"Helse og omsorg"}


def _results(sizes: list[int], done: list[bool]) -> pd.DataFrame:
    """Synthetic ``collect_results`` output: one assignment, units «E0», «E1», … of the given sizes."""
    rows, k = [], 0
    for u, n in enumerate(sizes):
        for _ in range(n):
            ok = done[k % len(done)]
            rows.append({"id": f"d{k:04d}", "navn": f"D {k}", "enhet": f"E{u}", "assignment": "vage",
                         "title": "Å våge", "submitted": True, "late": False, "seconds_late": 0.0,
                         "timestamp": None, "score": 2.0 if ok else 0.0, "max_score": 2.0,
                         "needs_manual_grade": False, "completed": ok,
                         "status": reports.STATUS_DONE if ok else reports.STATUS_ZERO})
            k += 1
    return pd.DataFrame(rows, columns=reports.RESULT_COLUMNS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(min_value=1, max_value=14), min_size=1, max_size=6),
       done=st.lists(st.booleans(), min_size=1, max_size=7),
       min_group=st.sampled_from([5, 5, 5, 3, 7]))
def test_property_no_group_under_min_can_be_derived(sizes, done, min_group):
    """For random unit sizes: no shown unit, and no total minus shown units, is a group of 1..min−1."""
    results = _results(sizes, done)
    table = unit_summary(results, min_group=min_group).set_index("Enhet")
    numbers = [c for c in table.columns if c != "Merknad"]
    total_row = table.loc[reports.WHOLE_COURSE]
    units = table.drop(index=reports.WHOLE_COURSE)
    # a hidden row shows no figure at all; a shown row always shows its size
    for name, row in table.iterrows():
        if pd.isna(row["Antall deltakere"]):
            assert row[numbers].isna().all(), (name, row.to_dict())
            assert row["Merknad"] in (for_faa_tekst(min_group), reports.SUBTRACTION_TEXT)
    total = None if pd.isna(total_row["Antall deltakere"]) else int(total_row["Antall deltakere"])
    assert total == (sum(sizes) if sum(sizes) >= min_group else None)
    shown = [int(n) for n in units["Antall deltakere"] if not pd.isna(n)]
    _no_group_under(total, shown, min_group)
    # the figures shown are the true ones, and only what the rule needs is hidden
    for u, n in enumerate(sizes):
        row = units.loc[f"E{u}"]
        if n < min_group:
            assert row["Merknad"] == for_faa_tekst(min_group)
        elif not pd.isna(row["Antall deltakere"]):
            assert row["Antall deltakere"] == n
    hidden_extra = [u for u in units.index if units.loc[u, "Merknad"] == reports.SUBTRACTION_TEXT]
    assert len(hidden_extra) <= 1
    # the HTML's course table comes from the same data path: shown exactly when the total row is
    per_assignment = reports.assignment_summary(results, min_group)
    assert per_assignment.empty == (total is None)
    if total is not None:
        assert per_assignment.iloc[0]["done_pct"] == total_row["Å våge: fullført (%)"]


def test_learner_csvs(written):
    long = _read_csv(written["resultater_csv"])
    assert len(long) == 26
    row = long[(long["Id"] == "h3") & (long["Oppgave"] == "vage")].iloc[0]
    assert (row["Poeng"], row["Maks poeng"], row["For sent"], row["Fullført"]) == ("2,0", "4,0", "ja", "ja")
    wide = _read_csv(written["deltakere_csv"]).set_index("Id")
    assert len(wide) == 13
    assert wide.loc["h1", "Navn"] == "Åse Ødegård"
    assert wide.loc["h1", "Alle fullført"] == "ja" and wide.loc["h4", "Alle fullført"] == "nei"
    assert wide.loc["h5", "Å våge: status"] == reports.STATUS_MANUAL
    # CSV injection: a name that looks like a formula is prefixed with '
    assert wide.loc["h2", "Navn"] == "'" + FORMULA_NAME


def test_excel_styling_and_privacy(written):
    wb = load_workbook(written["excel"])
    assert wb.sheetnames == ["Per deltaker", "Resultater", "Per enhet", "Om rapporten"]
    ws = wb["Per enhet"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Enhet" and header[-1] == "Merknad"
    assert ws.freeze_panes == "B2"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws.column_dimensions["A"].width >= len(SMALL_UNIT)
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    small = rows[SMALL_UNIT]
    assert all(c.value is None for c in small[1:-1])
    assert small[-1].value == "for få deltakere til å vise tall (under 5)"
    opp = rows["Oppvekst"]
    assert all(c.value is None for c in opp[1:-1])
    assert opp[-1].value == "skjult for å hindre at små enheter kan regnes ut"
    helse = {h: c.value for h, c in zip(header, rows["Helse og omsorg"])}
    assert helse["Antall deltakere"] == 6
    assert helse["Å våge: fullført (%)"] == 50.0 and helse["Å lede: fullført (%)"] == 66.7
    whole = {h: c.value for h, c in zip(header, rows[reports.WHOLE_COURSE])}
    assert whole["Fullført hele kurset (%)"] == 61.5
    # Formula-looking text is stored as text, never as a formula
    ws = wb["Per deltaker"]
    assert ws.freeze_panes == "D2"
    names = {r[0].value: r[1] for r in ws.iter_rows(min_row=2)}
    assert names["h2"].value == FORMULA_NAME and names["h2"].data_type == "s"
    assert names["h1"].value == "Åse Ødegård"
    assert wb["Resultater"].max_row == 27


def test_html_overview(written):
    text = written["html"].read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.html["lang"] == "nb"
    assert find_external_resources(text) == []
    assert soup.find("script") is None
    # the unit name with <script> is shown as text
    assert "<script>alert('x')</script>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in text
    # no names of learners: aggregates only
    for navn, _ in LEARNERS.values():
        assert navn not in soup.get_text()
    # charts are inline PNG with alt text, each next to a table with scoped headers
    imgs = soup.find_all("img")
    assert len(imgs) == 2
    assert all(i["src"].startswith("data:image/png;base64,") and len(i["alt"]) > 20 for i in imgs)
    tables = soup.find_all("table")
    assert len(tables) == 2
    assert all(th.get("scope") in {"col", "row"} for t in tables for th in t.find_all("th"))
    assert [h.name for h in soup.find_all(re.compile("^h[1-6]$"))][0] == "h1"
    # small unit: its row holds only the note, no numbers
    unit_table = tables[1]
    row = next(tr for tr in unit_table.find_all("tr")
               if tr.th and tr.th.get_text() == SMALL_UNIT)
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells == ["for få deltakere til å vise tall (under 5)"]
    assert not re.search(r"\d", "".join(cells).replace("5", ""))
    row = next(tr for tr in unit_table.find_all("tr") if tr.th and tr.th.get_text() == "Oppvekst")
    assert [td.get_text(strip=True) for td in row.find_all("td")] == [
        "skjult for å hindre at små enheter kan regnes ut"]
    row = next(tr for tr in unit_table.find_all("tr") if tr.th and tr.th.get_text() == "Helse og omsorg")
    assert [td.get_text(strip=True) for td in row.find_all("td")] == ["6", "50,0", "50,0", "66,7"]
    course_table = tables[0]
    row = next(tr for tr in course_table.find_all("tr") if tr.th and tr.th.get_text() == "Å våge")
    assert [td.get_text(strip=True) for td in row.find_all("td")] == ["69,2", "3", "4"]


def test_course_below_min_group_shows_no_numbers(course, tmp_path):
    paths = write_reports(course, tmp_path, min_group=20)
    text = paths["html"].read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.find("img") is None
    assert "for få deltakere til å vise tall (under 20)" in text
    units = _read_csv(paths["enheter_csv"])
    assert (units.drop(columns=["Enhet", "Merknad"]) == "").all().all()


def test_html_overview_in_browser_axe_and_no_requests(written):
    import browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browser.launch(p)
        try:
            page = b.new_page()
            log = browser.watch_requests(page)
            page.goto(written["html"].as_uri())
            page.wait_for_load_state("load")
            assert [u for u in log.all if not u.startswith(("file:", "data:"))] == []
            assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            violations = browser.run_axe(page)
            assert violations == [], browser.format_violations(violations)
        finally:
            b.close()
