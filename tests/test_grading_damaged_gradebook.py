"""A damaged (not locked) gradebook.db: a clear Norwegian message, exit code 1, the file untouched.

Damage of the kinds seen in practice: random bytes over the file, a SQLite
file cut short (interrupted copy, full disk), an empty file, and one page of
the database overwritten.
"""
from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from test_reports import build_gradebook_course

PAGE = 4096


def _random(data: bytes) -> bytes:
    return random.Random(1).randbytes(20_000)


def _truncated_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _truncated_header(data: bytes) -> bytes:
    return data[:100]  # the SQLite header survives, the rest is gone


def _empty(data: bytes) -> bytes:
    return b""


def _page_overwritten(data: bytes) -> bytes:
    return data[: 2 * PAGE] + random.Random(2).randbytes(PAGE) + data[3 * PAGE:]


DAMAGE = {"tilfeldige-byte": _random, "avkuttet-halvveis": _truncated_half,
          "bare-toppteksten": _truncated_header, "tom-fil": _empty, "en-side-overskrevet": _page_overwritten}

COMMANDS = [
    ["oversikt"],
    ["rapporter"],
    ["kursbevis"],
    ["deltakere", "vis"],
    ["deltakere", "importer", "{hr}"],
    ["init", "--uten-deltakerversjon"],
    ["frist", "vage", "01.12.2026 23:59"],
    ["avvik", "vage"],
]


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_gradebook_course(tmp_path_factory.mktemp("skadet"))


@pytest.fixture(params=sorted(DAMAGE))
def damaged(request, template, tmp_path) -> Path:
    import shutil

    course = tmp_path / "kurs"
    shutil.copytree(template, course)
    db = course / "gradebook.db"
    db.write_bytes(DAMAGE[request.param](db.read_bytes()))
    return course


def _check_message(err: str) -> None:
    assert "Traceback" not in err and "sqlalchemy" not in err.lower() and "sqlite3" not in err
    assert err.startswith("Feil: Karakterboken (")
    assert "er skadet og kan ikke leses" in err
    assert "Filen er ikke endret eller slettet" in err
    assert "sikkerhetskopien av gradebook.db" in err  # what to do
    assert "Ikke slett filen" in err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_cli_damaged_gradebook_is_a_clear_message_and_the_file_is_untouched(damaged, command, tmp_path,
                                                                            capsys):
    from grading.cli import main

    hr = tmp_path / "ansatte.csv"
    hr.write_bytes(b"id;navn;epost;enhet\nper;Per Hansen;per@k.no;Helse\n")
    before = _snapshot(damaged)
    code = main(["--kurs", str(damaged), "--stille", *[a.replace("{hr}", str(hr)) for a in command]])
    captured = capsys.readouterr()
    assert code == 1
    _check_message(captured.err)
    assert str(damaged / "gradebook.db") in captured.err
    # the damaged file (and everything else in the course folder) is exactly as before
    assert _snapshot(damaged) == before


def test_damaged_gradebook_from_python_raises_the_norwegian_error(damaged):
    from grading._nbgrader import GradebookDamaged, gradebook
    from grading.reports import collect_results
    from grading.roster import load_roster

    before = (damaged / "gradebook.db").read_bytes()
    for call in (lambda: gradebook(damaged).__enter__(), lambda: load_roster(damaged),
                 lambda: collect_results(damaged)):
        with pytest.raises(GradebookDamaged) as err:
            call()
        assert err.value.path == damaged / "gradebook.db"
        assert "skadet" in str(err.value)
    assert (damaged / "gradebook.db").read_bytes() == before


def test_damage_met_after_the_check_is_a_clear_message_too(template, tmp_path, capsys, monkeypatch):
    """If the damage only shows up later (the check let it pass), main still gives the message."""
    import shutil

    import grading._nbgrader as nbg
    from grading.cli import main

    course = tmp_path / "kurs"
    shutil.copytree(template, course)
    db = course / "gradebook.db"
    db.write_bytes(_random(b""))
    before = db.read_bytes()
    monkeypatch.setattr(nbg, "check_gradebook", lambda course_dir: None)
    assert main(["--kurs", str(course), "--stille", "rapporter"]) == 1
    _check_message(capsys.readouterr().err)
    assert db.read_bytes() == before


def test_healthy_gradebook_passes_the_check_and_a_new_course_needs_none(template, tmp_path):
    from grading._nbgrader import check_gradebook

    check_gradebook(template)           # a sound gradebook
    check_gradebook(tmp_path / "ny")    # no gradebook yet: nothing to check
    assert not (tmp_path / "ny" / "gradebook.db").exists()


def test_the_full_check_runs_again_only_after_the_gradebook_was_written(template, tmp_path, monkeypatch):
    """A command opens the gradebook several times; an unchanged file is not checked again, a written one is."""
    import shutil
    import sqlite3

    from grading._nbgrader import GradebookDamaged, check_gradebook

    course = tmp_path / "kurs"
    shutil.copytree(template, course)
    opened = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: opened.append(a[0]) or real_connect(*a, **k))
    check_gradebook(course)
    check_gradebook(course)
    assert len(opened) == 1
    db = course / "gradebook.db"
    db.write_bytes(_page_overwritten(db.read_bytes()))  # written since the last check: checked again
    with pytest.raises(GradebookDamaged):
        check_gradebook(course)
    assert len(opened) == 2


def test_locked_gradebook_is_still_reported_as_locked_not_damaged(template, tmp_path, capsys, monkeypatch):
    import shutil
    import sqlite3

    import grading._nbgrader as nbg
    from grading.cli import main

    course = tmp_path / "kurs"
    shutil.copytree(template, course)
    monkeypatch.setattr(nbg, "GRADEBOOK_LOCK_WAIT_S", 1)
    holder = sqlite3.connect(course / "gradebook.db", timeout=0)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code = main(["--kurs", str(course), "--stille", "oversikt"])
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 1 and "er låst" in err and "skadet" not in err and "Traceback" not in err
    assert os.path.getsize(course / "gradebook.db") > 0
