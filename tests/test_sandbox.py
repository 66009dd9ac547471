"""Adversarial suite: hostile submissions graded in ONE real autograde run, in the sandbox.

Each hostile learner hands in the complete answers plus one or more extra code
cells that try something forbidden. For each we check three things: the grade
(the same automatic points as an honest learner), the anomaly report (a
Norwegian reason), and that nothing outside the sandbox changed (a hash of the
course folder, except what grading itself writes, before and after; the
gradebook's learner table; a folder outside the course; the grader's /tmp).
"""
from __future__ import annotations

import copy
import hashlib
import os
import socket
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from grading_fixtures import Points, cohort, make_course, released_notebook, roster_csv, solution_notebook

pytestmark = pytest.mark.slow

A = "vage"
TOKEN = "hub-token-" + "7f3a9c" * 4
NOTEBOOK_S = 12   # wall time per notebook in the test course (the real default is 300 s)


def _hostile(course: Path, outside: Path, port: int) -> dict[str, list[str]]:
    """learner -> extra code cells (run before the answers; errors are allowed)."""
    roster = str(course / "deltakere.csv")
    gradebook = str(course / "gradebook.db")
    return {
        "d001": ["print(open('../deltakere.csv').read())",
                 "print(open('../../../deltakere.csv').read())",
                 f"print(open({roster!r}).read())",
                 "print(open('/etc/passwd').read())",
                 "import os\nprint(os.listdir('/home'), os.listdir('/root'))"],
        "d002": ["import sqlite3\n"
                 f"db = sqlite3.connect({gradebook!r})\n"
                 "db.execute(\"update student set first_name='Hacket' where id='d003'\")\n"
                 "db.commit()",
                 "import sqlite3\ndb = sqlite3.connect('../../../gradebook.db')\n"
                 "db.execute(\"update student set first_name='Hacket'\")\ndb.commit()"],
        "d003": [f"open({str(course / 'pwned.txt')!r}, 'w').write('x')",
                 "open('../../../pwned.txt', 'w').write('x')",
                 f"open({str(outside / 'pwned.txt')!r}, 'w').write('x')",
                 "open('/tmp/ks-pwned.txt', 'w').write('x')",
                 "open('lov.txt', 'w').write('egen mappe er lov')"],
        "d004": ["import os\nprint(os.environ['JUPYTERHUB_API_TOKEN'])",
                 "import os\nprint(os.getenv('JUPYTERHUB_API_TOKEN'), dict(os.environ))"],
        "d005": ["import socket\ns = socket.create_connection(('127.0.0.1', %d), timeout=2)\n"
                 "s.sendall(b'stjal')" % port,
                 "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:%d/', timeout=2)" % port,
                 "import socket\nsocket.socket().bind(('0.0.0.0', 0))"],
        "d006": ["import os\nwhile True:\n    os.fork()",
                 "import subprocess\nsubprocess.run(['sh', '-c', ':(){ :|:& };:'])"],
        "d007": ["s = 'x' * 1_000_000\nfor i in range(40):\n    print(s)"],
        "d008": ["blokk = bytearray(8 * 2**30)"],
    }


# learners whose extra cells come AFTER the answers (they run out the notebook's time)
SLOW_AT_END = {"d009": ["import time\ntime.sleep(4)"] * 6}
DUPLICATE = "d010"   # honest: copied an answer cell, answered in the first copy
HONEST = "d011"


def _tree_hash(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel.split("/")[0] in skip or not p.is_file() or p.is_symlink():
            continue
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


class _Listener:
    """A real TCP server on 127.0.0.1 that records every connection it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._t.join()
        self.sock.close()


def _with_cells(solution, cells: list[str], *, at_end=False) -> bytes:
    nb = copy.deepcopy(solution)
    new = [new_code_cell(src) for src in cells]
    pos = len(nb.cells) if at_end else 1
    nb.cells[pos:pos] = new
    return nbformat.writes(nb).encode("utf-8")


def _duplicated(release, solution) -> bytes:
    nb = copy.deepcopy(solution)
    i = next(i for i, c in enumerate(nb.cells)
             if c.metadata.get("nbgrader", {}).get("grade_id") == "vage-begrep-1")
    dup = copy.deepcopy(release.cells[i])  # the copy still holds the released stub
    dup["id"] = "kopi-av-svar-1"
    nb.cells.insert(i + 1, dup)
    return nbformat.writes(nb).encode("utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grading.cli import main

    tmp = tmp_path_factory.mktemp("sandkasse")
    course = make_course(tmp / "kurs", (A,))
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write(f"\nc.Execute.timeout = 8\nc.SandboxedExecute.notebook_timeout = {NOTEBOOK_S}\n")
    outside = tmp / "utenfor"
    outside.mkdir()
    (outside / "hemmelig.txt").write_text("ikke for deltakerne")
    rows = cohort({"Helse": 12})
    (tmp / "ansatte.csv").write_bytes(roster_csv(rows))
    for args in (["deltakere", "importer", str(tmp / "ansatte.csv")], ["del-ut", A, "--zip"]):
        assert main(["--kurs", str(course), "--stille", *args]) == 0
    release, solution = released_notebook(course, A), solution_notebook(course, A)
    listener = _Listener()
    hostile = _hostile(course, outside, listener.port)
    subs = {s: _with_cells(solution, cells) for s, cells in hostile.items()}
    subs.update({s: _with_cells(solution, cells, at_end=True) for s, cells in SLOW_AT_END.items()})
    subs[DUPLICATE] = _duplicated(release, solution)
    subs[HONEST] = nbformat.writes(solution).encode("utf-8")
    for s, data in subs.items():
        d = course / "submitted" / s / A
        d.mkdir(parents=True)
        (d / f"{A}.ipynb").write_bytes(data)
        (d / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")

    skip = ("gradebook.db", "autograded", "rapporter", "feedback", "arkiv")
    before = _tree_hash(course, skip)
    outside_before = _tree_hash(outside, ())
    tmp_before = set(os.listdir("/tmp"))
    old_token = os.environ.get("JUPYTERHUB_API_TOKEN")
    os.environ["JUPYTERHUB_API_TOKEN"] = TOKEN
    try:
        from grading.autograde import grade_assignment

        run = grade_assignment(course, A, workers=3, progress=False)
    finally:
        listener.close()
        if old_token is None:
            os.environ.pop("JUPYTERHUB_API_TOKEN", None)
        else:
            os.environ["JUPYTERHUB_API_TOKEN"] = old_token
    from nbgrader.api import Grade, Student

    from grading._nbgrader import gradebook

    tests = set(Points.of(release).tests)
    with gradebook(course) as gb:
        auto = {}
        for g in gb.db.query(Grade).all():
            if g.auto_score is not None and g.name in tests:
                auto[g.student.id] = auto.get(g.student.id, 0.0) + g.auto_score
        names = {s.id: (s.first_name, s.last_name) for s in gb.db.query(Student).all()}
    yield {
        "course": course, "run": run, "auto": auto, "names": names, "rows": rows,
        "points": Points.of(release), "listener": listener, "outside": outside,
        "changed": {k for k in set(before) | set(_tree_hash(course, skip))
                    if before.get(k) != _tree_hash(course, skip).get(k)},
        "outside_changed": outside_before != _tree_hash(outside, ()),
        "tmp_new": set(os.listdir("/tmp")) - tmp_before,
        "report": run.report, "subs": subs,
    }


def findings(graded, student, kind=None):
    return [a for a in graded["run"].anomalies if a.student == student and (kind is None or a.kind == kind)]


def autograded_text(graded, student) -> str:
    return (graded["course"] / "autograded" / student / A / f"{A}.ipynb").read_text(encoding="utf-8")


def check_common(graded, student, *, words=()):
    """The three checks: grade as for complete work, a Norwegian finding, nothing outside changed."""
    assert student not in {r.student for r in graded["run"].autograde.failed}
    assert graded["auto"][student] == graded["points"].auto
    hits = findings(graded, student, "sandkasse")
    assert hits, [a.kind for a in findings(graded, student)]
    text = " ".join(a.description for a in hits)
    for w in words:
        assert w in text
    assert "Sandkassen stoppet forsøket" in hits[0].action
    assert graded["changed"] == set()
    assert not graded["outside_changed"]
    csv = graded["report"]["csv"].read_text(encoding="utf-8-sig")
    assert student in csv and "Koden prøvde å gå ut av sandkassen" in csv


def test_honest_learner_gets_full_points_and_no_sandbox_finding(graded):
    assert graded["auto"][HONEST] == graded["points"].auto > 0
    assert findings(graded, HONEST, "sandkasse") == findings(graded, HONEST, "sandkasse_grense") == []


def test_reading_roster_and_system_files(graded):
    check_common(graded, "d001", words=("filer utenfor", "deltakere.csv", "/etc/passwd"))
    text = autograded_text(graded, "d001")
    assert not any(r["epost"] in text for r in graded["rows"])   # no e-mail reached its notebook
    assert "root:x:0:0" not in text


def test_writing_the_gradebook(graded):
    check_common(graded, "d002", words=("gradebook.db",))
    assert all(first != "Hacket" for first, _ in graded["names"].values())


def test_writing_files_inside_and_outside_the_course(graded):
    check_common(graded, "d003", words=("pwned.txt",))
    assert not (graded["course"] / "pwned.txt").exists()
    assert not (graded["outside"] / "pwned.txt").exists()
    assert "ks-pwned.txt" not in graded["tmp_new"] and not Path("/tmp/ks-pwned.txt").exists()
    assert not (graded["course"] / "autograded" / "d003" / A / "lov.txt").exists()  # nothing kept


def test_reading_environment_and_hub_token(graded):
    check_common(graded, "d004", words=("miljøvariabler", "JUPYTERHUB_API_TOKEN"))
    assert TOKEN not in autograded_text(graded, "d004")


def test_opening_sockets_even_loopback(graded):
    check_common(graded, "d005", words=("nettverksforbindelse",))
    assert graded["listener"].accepted == 0


def test_fork_bomb_and_subprocess(graded):
    check_common(graded, "d006", words=("andre programmer",))


def test_huge_output_is_cut(graded):
    assert graded["auto"]["d007"] == graded["points"].auto
    limit = findings(graded, "d007", "sandkasse_grense")
    assert limit and "utdata" in limit[0].description
    assert len(autograded_text(graded, "d007")) < 3 * 2**20
    assert graded["changed"] == set()


def test_memory_limit(graded):
    assert graded["auto"]["d008"] == graded["points"].auto
    limit = findings(graded, "d008", "sandkasse_grense")
    assert limit and "minnegrensen" in limit[0].description


def test_wall_time_per_notebook_not_only_per_cell(graded):
    """Six cells of 4 s each stay under the cell limit (8 s) but not the notebook's (12 s)."""
    assert graded["auto"]["d009"] == graded["points"].auto  # the answers ran before the limit
    limit = findings(graded, "d009", "sandkasse_grense")
    assert limit and "tidsgrensen" in limit[0].description
    assert "Tidsgrensen for notatboken er nådd" in autograded_text(graded, "d009")


def test_duplicated_answer_cell_is_graded_from_the_answered_copy(graded):
    """Defect 4: nbgrader's DeduplicateIds left empty metadata → SchemaTooOldError and 0 points."""
    assert DUPLICATE not in {r.student for r in graded["run"].autograde.failed}
    assert graded["auto"][DUPLICATE] == graded["points"].auto
    dup = findings(graded, DUPLICATE, "dobbel_celle")
    assert len(dup) == 1 and dup[0].cell == "vage-begrep-1"
    assert "nr. 1" in dup[0].description and "av 2" in dup[0].description
    assert "den første" not in dup[0].action and "den siste" in dup[0].action


def test_sandbox_log_names_every_graded_notebook(graded):
    from grading.sandbox_log import read_records

    recs = read_records(graded["course"], A)
    assert {s for s, _ in recs} == set(graded["subs"])
    assert all(r["sandbox"] for r in recs.values())
