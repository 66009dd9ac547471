"""End to end through the REAL nbgrader, in a temporary copy of the course.

roster → release (exchange + zip) → submissions (zip and exchange) → parallel
autograde + anomaly report → manual grades through nbgrader's Gradebook API →
feedback → reports → certificates, for 30 learners in three units (13, 13, 4).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from grading_fixtures import (SCRIPT, Points, cohort, make_course, make_submission,
                              released_notebook, roster_csv, solution_notebook, uses_real_source)

pytestmark = pytest.mark.slow

A = "vage"
UNITS = {"Helse og omsorg": 13, "Oppvekst": 13, "Teknisk drift": 4}
# learner -> kind of submission (the others hand in complete work)
SPECIAL = {
    "d001": "malformed",
    "d002": "empty",
    "d003": "deleted_test",
    "d004": "edited_locked",
    "d005": "script",
    "d006": "stripped_metadata",
    "d007": "deleted_manual",
    "d008": "edited_test",
    "d009": "complete",        # late
    "d027": "complete",        # Teknisk drift, via the exchange
    "d028": "edited_locked",   # via the exchange
}
LATE = "d009"
NOT_SUBMITTED = "d010"
HALF_MANUAL = "d011"
VIA_EXCHANGE = ("d026", "d027", "d028")
UNKNOWN_FILE = "ola.ukjent_vage.ipynb"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cli(course: Path, *args: str) -> None:
    from grading.cli import main

    assert main(["--kurs", str(course), "--stille", *args]) == 0


def nbgrader_submit(course: Path, student: str, data: bytes, workdir: Path) -> None:
    """A learner submits through the exchange with the real `nbgrader submit`."""
    home = workdir / student
    (home / A).mkdir(parents=True)
    (home / A / f"{A}.ipynb").write_bytes(data)
    exe = Path(sys.executable).with_name("nbgrader")
    env = dict(os.environ, PATH=os.pathsep.join([str(exe.parent), os.environ.get("PATH", "")]))
    proc = subprocess.run(
        [str(exe), "submit", A, "--course=nyskapende-arbeidsgivere", f"--student={student}",
         f"--Exchange.root={course / 'exchange'}"],
        cwd=home, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    course = make_course(tmp / "kurs", (A,))
    rows = cohort(UNITS)
    ids = [r["id"] for r in rows]
    (tmp / "ansatte.csv").write_bytes(roster_csv(rows))

    cli(course, "deltakere", "importer", str(tmp / "ansatte.csv"))
    now = dt.datetime.now().astimezone()
    due = now + dt.timedelta(days=1)
    cli(course, "frist", A, due.strftime("%Y-%m-%d %H:%M"))
    cli(course, "del-ut", A, "--zip")

    release = released_notebook(course, A)
    solution = solution_notebook(course, A)
    points = Points.of(release)

    kinds = {s: SPECIAL.get(s, "complete") for s in ids if s != NOT_SUBMITTED}
    data = {s: make_submission(k, release, solution) for s, k in kinds.items()}

    # most learners hand in through a zip file with mixed naming
    zpath = tmp / "innleveringer.zip"
    on_time = (now - dt.timedelta(days=1)).replace(tzinfo=None)
    late = (now + dt.timedelta(days=2)).replace(tzinfo=None)
    with zipfile.ZipFile(zpath, "w") as zf:
        for i, (s, payload) in enumerate(sorted(data.items())):
            if s in VIA_EXCHANGE:
                continue
            name = (f"{s}_{A}.ipynb", f"{s}.ipynb", f"{s}/{A}/{A}.ipynb")[i % 3]
            when = late if s == LATE else on_time
            zf.writestr(zipfile.ZipInfo(name, when.timetuple()[:6]), payload)
        unknown = make_submission("complete", release, solution)
        zf.writestr(zipfile.ZipInfo(UNKNOWN_FILE, on_time.timetuple()[:6]), unknown)
    zip_sha = sha(zpath.read_bytes())
    cli(course, "samle-inn", A, "--fra", str(zpath))

    # a few through the exchange with the real nbgrader submit + collect
    for s in VIA_EXCHANGE:
        nbgrader_submit(course, s, data[s], tmp / "hjemme")
    inbound = {p: p.read_bytes() for p in (course / "exchange").rglob("*.ipynb") if "inbound" in p.parts}
    cli(course, "samle-inn", A)

    from grading.autograde import grade_assignment

    graded = grade_assignment(course, A, workers=3, progress=False)

    # manual grading through nbgrader's Gradebook API
    from nbgrader.api import Grade

    from grading._nbgrader import gradebook

    manual_given: dict[str, float] = {}
    failed = {r.student for r in graded.autograde.failed}
    with gradebook(course) as gb:
        for s in ids:
            if s in failed:
                continue
            try:
                sub = gb.find_submission(A, s)
            except Exception:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.needs_manual_grade and grade.name in points.manual:
                        score = grade.max_score / 2 if s == HALF_MANUAL else grade.max_score
                        grade.manual_score = score
                        grade.needs_manual_grade = False
                        manual_given[s] = manual_given.get(s, 0.0) + score
        gb.db.commit()
        still_manual = [(g.student.id, g.name) for g in gb.db.query(Grade).all()
                        if g.needs_manual_grade and g.student.id not in failed]

    from grading.certificates import make_certificates
    from grading.feedback import generate_feedback
    from grading.report_files import write_reports
    from grading.reports import collect_results

    feedback = generate_feedback(course, A)
    reports = write_reports(course, tmp / "rapporter", min_group=5)
    certificates = make_certificates(course, tmp / "kursbevis", date=dt.date(2026, 12, 1))
    return dict(course=course, tmp=tmp, ids=ids, rows=rows, kinds=kinds, data=data, points=points,
                graded=graded, manual=manual_given, still_manual=still_manual, feedback=feedback, reports=reports,
                certificates=certificates, results=collect_results(course), zpath=zpath,
                zip_sha=zip_sha, inbound=inbound, unknown=unknown, release=release)


def test_uses_the_real_assignment_when_there():
    # The e2e runs on the real `vage` as soon as its source exists.
    assert uses_real_source(A)


def test_every_anomaly_is_reported(run):
    found = {(a.student, a.kind) for a in run["graded"].anomalies}
    expected = {
        ("d001", "ugyldig_notatbok"), ("d001", "retting_feilet"),
        ("d002", "ubesvart"),
        ("d003", "slettet_testcelle"),
        ("d004", "endret_last_celle"),
        ("d006", "manglende_metadata"),
        ("d007", "slettet_svarcelle"),
        ("d008", "endret_testcelle"),
        ("d009", "for_sen"),
        ("d010", "ikke_levert"),
        ("d028", "endret_last_celle"),
        ("ola.ukjent", "ukjent_deltaker"),
    }
    assert expected <= found, expected - found
    # complete work gives no anomaly at all: the checksum noise is gone
    clean = [s for s, k in run["kinds"].items() if k == "complete" and s != LATE]
    noisy = [(a.student, a.kind) for a in run["graded"].anomalies if a.student in clean]
    assert noisy == []
    # the report files hold every anomaly
    report = run["graded"].report
    csv = pd.read_csv(report["csv"], sep=";", dtype=str, encoding="utf-8-sig")
    assert set(zip(csv["deltaker"], csv["type"])) == found
    html = report["html"].read_text(encoding="utf-8")
    assert '<html lang="nb">' in html and "http" not in html.split("<body>")[1]
    for student, _ in found:
        assert student in html


def test_grades_are_right(run):
    pts, results = run["points"], run["results"]
    assert pts.auto > 0 and pts.manual
    expected = {}
    for s in run["ids"]:
        kind = run["kinds"].get(s)
        if kind is None or kind == "malformed":
            expected[s] = 0.0
        elif kind == "empty":
            expected[s] = 0.0
        else:
            expected[s] = pts.auto + run["manual"].get(s, 0.0)
    # manual points: full for everyone graded by hand, half for one learner
    assert run["manual"][HALF_MANUAL] == pytest.approx(sum(pts.manual.values()) / 2)
    assert run["manual"]["d012"] == pytest.approx(sum(pts.manual.values()))
    got = results.set_index("id")["score"].fillna(0.0).to_dict()
    for s in run["ids"]:
        assert got[s] == pytest.approx(expected[s]), (s, run["kinds"].get(s))
    assert set(results["max_score"].dropna()) == {pts.total}
    # after manual grading nothing waits: autograded cells were all graded by nbgrader
    assert run["still_manual"] == []
    # exactly the malformed notebook failed in nbgrader
    assert [r.student for r in run["graded"].autograde.failed] == ["d001"]
    # the unknown learner is not graded and not in the gradebook
    assert "ola.ukjent" not in set(results["id"])


def test_units_come_from_the_roster(run):
    res = run["results"].set_index("id")
    for r in run["rows"]:
        assert res.loc[r["id"], "enhet"] == r["enhet"]


def test_no_file_is_lost(run):
    course = run["course"]
    archived = {}
    for p in (course / "arkiv" / A).rglob("*.ipynb"):
        archived.setdefault(sha(p.read_bytes()), []).append(p)
    for s, payload in run["data"].items():
        assert sha(payload) in archived, s
        assert any(s in p.parts for p in archived[sha(payload)]), s
    assert sha(run["unknown"]) in archived
    # the originals are untouched
    assert sha(run["zpath"].read_bytes()) == run["zip_sha"]
    for p, payload in run["inbound"].items():
        assert p.read_bytes() == payload
    from grading.archive import verify_archive

    assert verify_archive(course, A) == []


def test_script_stays_text_everywhere(run):
    course, tmp = run["course"], run["tmp"]
    pages = list(course.rglob("*.html")) + list((tmp / "rapporter").rglob("*.html"))
    assert pages
    for page in pages:
        assert SCRIPT not in page.read_text(encoding="utf-8"), page
    mine = course / "feedback" / "d005" / A / f"{A}.html"
    assert mine in run["feedback"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mine.read_text(encoding="utf-8")


def test_small_unit_shows_no_aggregate(run):
    units = pd.read_csv(run["reports"]["enheter_csv"], sep=None, engine="python", dtype=str,
                        encoding="utf-8-sig")
    small = units[units["Enhet"] == "Teknisk drift"].iloc[0]
    numbers = [c for c in units.columns if c not in ("Enhet", "Merknad")]
    assert all(pd.isna(small[c]) or str(small[c]).strip() == "" for c in numbers)
    assert "for få" in small["Merknad"]
    big = units[units["Enhet"] == "Oppvekst"].iloc[0]
    assert str(big["Antall deltakere"]).strip() not in ("", "nan")
    # 30 − 13 − 13 would give the 4 of «Teknisk drift»: one of the 13-units is hidden as well
    other = units[units["Enhet"] == "Helse og omsorg"].iloc[0]
    assert all(pd.isna(other[c]) or str(other[c]).strip() == "" for c in numbers)
    assert other["Merknad"] == "skjult for å hindre at små enheter kan regnes ut"


def test_stripped_notebook_is_reported_once(run):
    """d006 lost all nbgrader metadata: one «Fjernet metadata», no finding per cell."""
    mine = [a for a in run["graded"].anomalies if a.student == "d006"]
    assert [a.kind for a in mine] == ["manglende_metadata"], [(a.kind, a.cell) for a in mine]
    assert "hele notatboken" in mine[0].description


def test_certificates_for_completed_learners_only(run):
    done = {s for s in run["ids"]
            if run["kinds"].get(s) not in (None, "malformed", "empty")}
    names = sorted(p.name for p in run["certificates"])
    assert len(names) == len(done)
    for s in done:
        assert any(f"kursbevis-{s}-" in n for n in names), s


def _grades(course: Path) -> dict:
    from nbgrader.api import Grade

    from grading._nbgrader import gradebook

    with gradebook(course) as gb:
        return {(g.student.id, g.name): (g.auto_score, g.needs_manual_grade)
                for g in gb.db.query(Grade).all()}


def test_parallel_autograde_equals_plain_nbgrader(tmp_path):
    """The toolkit's parallel path gives exactly the grades of plain `nbgrader autograde`."""
    from grading._nbgrader import run_nbgrader
    from grading.autograde import autograde
    from grading.release import generate_assignment

    kinds = ["complete", "empty", "malformed", "deleted_test", "deleted_manual", "edited_test",
             "stripped_metadata"]
    courses = []
    for name in ("plain", "toolkit"):
        course = make_course(tmp_path / name, (A,))
        generate_assignment(course, A)
        release, solution = released_notebook(course, A), solution_notebook(course, A)
        for i, kind in enumerate(kinds):
            d = course / "submitted" / f"s{i}" / A
            d.mkdir(parents=True)
            (d / f"{A}.ipynb").write_bytes(make_submission(kind, release, solution))
            (d / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
        courses.append(course)
    plain, toolkit = courses
    proc = run_nbgrader(plain, "autograde", A, check=False)
    assert proc.returncode == 1  # the malformed notebook makes nbgrader exit 1
    res = autograde(toolkit, A, workers=3, progress=False)
    assert [r.student for r in res.failed] == [f"s{kinds.index('malformed')}"]
    a, b = _grades(plain), _grades(toolkit)
    assert a == b
    # and the restored cells were graded, not left for manual grading
    tests = Points.of(released_notebook(toolkit, A)).tests
    for i, kind in enumerate(kinds):
        if kind in ("complete", "deleted_test", "edited_test", "deleted_manual", "stripped_metadata"):
            for t in tests:
                assert b[(f"s{i}", t)][1] is False and b[(f"s{i}", t)][0] > 0, (kind, t)
