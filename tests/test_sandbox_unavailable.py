"""Without a working sandbox, `kursleder rett` stops with a Norwegian message and runs no learner code."""
from __future__ import annotations

from grading_fixtures import make_course


def test_no_bwrap_means_no_grading(tmp_path, monkeypatch, capsys):
    from grading import sandbox_command as sandbox
    from grading.cli import main

    course = make_course(tmp_path / "kurs", ("vage",), real=False)
    assert main(["--kurs", str(course), "--stille", "init"]) == 0
    d = course / "submitted" / "d001" / "vage"
    d.mkdir(parents=True)
    (d / "vage.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(sandbox, "_PROBED", {})
    monkeypatch.delenv(sandbox.ENV_SWITCH, raising=False)

    assert main(["--kurs", str(course), "--stille", "rett", "vage"]) == 1
    err = capsys.readouterr().err
    assert "bubblewrap" in err and "sandkasse" in err and "Traceback" not in err
    assert not (course / "autograded").exists()
