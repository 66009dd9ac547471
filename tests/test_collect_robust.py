"""`samle-inn` never stops on one bad member, and every CSV the toolkit writes is formula-safe.

Defects 2, 3, 5 and 6 of issue 9: an encrypted member and a member whose name
is longer than the file system allows crashed the whole collection; members
with «..» were dropped without a word; deltakere.csv kept «=…» as it was.
"""
from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading_fixtures import EXERCISES, fixture_source

LONG = "d003_" + "svært-langt-navn-" * 20 + "vage.ipynb"          # about 350 bytes
LONG_KNOWN = "d004/vage/" + "x" * 300 + ".ipynb"                   # a known learner, unknown notebook


@pytest.fixture()
def course(tmp_path):
    from grading.roster import import_roster

    shutil.copy(EXERCISES / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "release" / "vage").mkdir(parents=True)
    nbformat.write(fixture_source("vage"), str(tmp_path / "release" / "vage" / "vage.ipynb"))
    rows = "".join(f"d00{i};Deltaker {i};d00{i}@k.no;Helse\n" for i in range(1, 8))
    import_roster(tmp_path, data=("id;navn;epost;enhet\n" + rows).encode())
    return tmp_path


def _notebook(text: str) -> bytes:
    nb = fixture_source("vage")
    nb.cells[0].source += f"\n\n{text}"
    return nbformat.writes(nb).encode("utf-8")


def _encrypted_zip(tmp: Path, member: str, data: bytes) -> Path:
    """A real ZipCrypto member made with Info-ZIP's `zip -P`."""
    work = tmp / "krypt"
    (work / Path(member).parent).mkdir(parents=True, exist_ok=True)
    (work / member).write_bytes(data)
    out = tmp / "krypt.zip"
    subprocess.run(["zip", "-q", "-P", "hemmelig", str(out), member], cwd=work, check=True)
    return out


def _collect_with(course, tmp_path, bad: dict[str, bytes], *, encrypted: str | None = None):
    """Collect a zip with honest members before and after (in sort order) the given bad ones.

    Returns the result, the events by file, the anomaly report's findings and the
    collection log, after checking what every case shares: the honest learners
    are collected, the archive is sound, and the zip itself is not changed.
    """
    from grading.anomalies import scan
    from grading.archive import read_collect_log
    from grading.archive import verify_archive
    from grading.collect import collect_folder

    path = tmp_path / "innleveringer.zip"
    if encrypted:
        shutil.copy(_encrypted_zip(tmp_path, encrypted, _notebook("kryptert")), path)
    with zipfile.ZipFile(path, "a" if encrypted else "w") as zf:
        zf.writestr("d001_vage.ipynb", _notebook("ærlig 1"))
        for name, data in bad.items():
            zf.writestr(name, data)
        zf.writestr("d006/vage/vage.ipynb", _notebook("ærlig 6"))
        zf.writestr("d007_vage.ipynb", _notebook("ærlig 7"))
    original = hashlib.sha256(path.read_bytes()).hexdigest()
    res = collect_folder(course, "vage", path, progress=False)
    assert res.students == ["d001", "d006", "d007"]
    assert verify_archive(course, "vage") == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == original
    return ({e["file"]: e for e in res.events}, scan(course, "vage"),
            {e.get("file") for e in read_collect_log(course, "vage")})


def test_encrypted_member_is_reported_and_the_rest_collected(course, tmp_path):
    """Defect 2: an encrypted member crashed `samle-inn` with a traceback."""
    events, found, logged = _collect_with(course, tmp_path, {}, encrypted="d002_vage.ipynb")
    ev = next(e for f, e in events.items() if f.endswith("d002_vage.ipynb"))
    assert ev["kind"] == "ukjent_fil" and "kryptert" in ev["message"]
    assert any(f and f.endswith("d002_vage.ipynb") for f in logged)
    assert any(a.kind == "ukjent_fil" and "kryptert" in a.description for a in found)


def test_too_long_member_names_are_archived_short_with_the_original_in_the_log(course, tmp_path):
    """Defect 3: a name longer than the file system allows crashed the archiving."""
    from grading.archive import MAX_NAME_BYTES

    events, found, logged = _collect_with(course, tmp_path, {
        LONG: _notebook("langt navn"), LONG_KNOWN: _notebook("langt navn, kjent deltaker")})
    assert events[LONG]["kind"] == "ukjent_deltaker"
    assert events[LONG_KNOWN]["kind"] == "ukjent_notatbok"
    for p in (course / "arkiv").rglob("*"):
        assert len(p.name.encode("utf-8")) <= MAX_NAME_BYTES
    kilde = "".join(p.read_text(encoding="utf-8") for p in (course / "arkiv").rglob("KILDE.txt"))
    assert LONG in kilde and LONG_KNOWN in kilde
    assert {LONG, LONG_KNOWN} <= logged
    assert {"ukjent_deltaker", "ukjent_notatbok"} <= {a.kind for a in found}


def test_dotdot_members_are_reported_not_dropped(course, tmp_path):
    """Defect 5: members with «..» were dropped without a word."""
    events, found, logged = _collect_with(course, tmp_path, {"../d005_vage.ipynb": _notebook("utenfor"),
                                                             "d003/../../x.ipynb": _notebook("ut")})
    for name in ("../d005_vage.ipynb", "d003/../../x.ipynb"):
        ev = next(e for f, e in events.items() if f.endswith(name))
        assert ev["kind"] == "ukjent_fil" and "«..»" in ev["message"]
        assert any(f and f.endswith(name) for f in logged)
    assert sum(1 for a in found if a.kind == "ukjent_fil" and "«..»" in a.description) == 2
    assert not (tmp_path.parent / "d005_vage.ipynb").exists()


def test_archive_names_are_safe_and_short():
    from grading.archive import MAX_NAME_BYTES, archive_name

    assert archive_name("vage.ipynb") == "vage.ipynb"
    assert archive_name("Øystein Ås.ipynb") == "Øystein_Ås.ipynb"
    long_a, long_b = archive_name("a" * 400 + "1.ipynb"), archive_name("a" * 400 + "2.ipynb")
    assert long_a != long_b and long_a.endswith(".ipynb")
    assert len(long_a.encode()) <= MAX_NAME_BYTES
    assert len(archive_name("æ" * 300 + ".ipynb").encode()) <= MAX_NAME_BYTES
    assert "/" not in archive_name("../../etc/passwd") and not archive_name("...").startswith(".")


def test_roster_csv_neutralises_formulas(course):
    """Defect 6: deltakere.csv goes through the same helper as the reports."""
    from fellesregler.escaping import csv_safe
    from grading.roster import import_roster, load_roster, write_roster_csv

    evil = {"d001": "=cmd|' /C calc'!A0", "d002": "+4712345678", "d003": "-2+3",
            "d004": "@SUM(A1)", "d005": "Vanlig Navn"}
    rows = "".join(f"{k};{v};{k}@k.no;Helse\n" for k, v in evil.items())
    import_roster(course, data=("id;navn;epost;enhet\n" + rows).encode())
    path = write_roster_csv(course)
    with open(path, encoding="utf-8", newline="") as fh:
        written = {r["id"]: r["navn"] for r in csv.DictReader(fh)}
    for k, v in evil.items():
        assert written[k] == csv_safe(v)
        assert not written[k].startswith(("=", "+", "-", "@"))
    assert written["d005"] == "Vanlig Navn"
    # the toolkit reads its own file back with the original names
    (course / "gradebook.db").rename(course / "gradebook.bak")
    back = dict(zip(load_roster(course)["id"], load_roster(course)["navn"]))
    assert {k: back[k] for k in evil} == evil


def test_a_nynorsk_notebook_in_the_bokmal_zip_is_another_assignment(course, tmp_path):
    """x_vage-nn.ipynb is the nynorsk edition (grading.malform.utgaver): not collected as «vage»."""
    from grading.collect import collect_folder

    path = tmp_path / "innleveringer.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("d001_vage.ipynb", _notebook("bokmål"))
        zf.writestr("d002_vage-nn.ipynb", _notebook("nynorsk"))
        zf.writestr("d003/vage-nn/vage.ipynb", _notebook("nynorsk i mappe"))
    res = collect_folder(course, "vage", path, progress=False)
    assert res.students == ["d001"]
    kinds = {e["file"]: e["kind"] for e in res.events}
    assert kinds == {"d002_vage-nn.ipynb": "annen_oppgave", "d003/vage-nn/vage.ipynb": "annen_oppgave"}
    assert not (course / "submitted" / "d002").exists()
