"""On the hub, `samle-inn` collects a submission only when the learner's own Unix user made it.

nbgrader names a folder in the exchange's inbound ``<id>+<assignment>+<timestamp>+<random>``
after whatever id the submitting server gives, and every learner may write there. On the hub
(``KURS_HUB_UNIX_PREFIX`` set, as the hub gives it to the grader account) the folder's owner
must be the Unix user of the id it names (grading/hub_unix.py). Real Unix users here
(prefix ``ks-``), and real folders chowned as root in a temporary exchange, with the real
``nbgrader collect``: one forged folder among honest ones.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pwd
import secrets
import shutil
from pathlib import Path

import nbformat
import pytest

from grading_fixtures import EXERCISES, fixture_source

pytestmark = [pytest.mark.slow]

NBGRADER_TS = "%Y-%m-%d %H:%M:%S.%f UTC"
PREFIX = "ks-"


@pytest.fixture(scope="module")
def unix_users():
    """Three learners' Unix users, named as the hub names them (removed afterwards)."""
    from grading.hub_unix import unix_name

    if os.geteuid() != 0:
        raise RuntimeError("Testen må kjøres som root (den lager Unix-brukere). CI kjører som root.")
    import subprocess

    tag = secrets.token_hex(2)
    ids = {k: f"{k}{tag}" for k in ("ada", "bo", "cato")}
    made = []
    try:
        for hub_name in ids.values():
            name = unix_name(PREFIX, hub_name)
            subprocess.run(["useradd", "--no-log-init", "--user-group", "--no-create-home", name],
                           check=True, capture_output=True)
            made.append(name)
        yield {k: (v, pwd.getpwnam(unix_name(PREFIX, v))) for k, v in ids.items()}
    finally:
        for name in made:
            subprocess.run(["userdel", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)


@pytest.fixture()
def course(tmp_path, unix_users):
    from grading.roster import import_roster

    shutil.copy(EXERCISES / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "release" / "vage").mkdir(parents=True)
    nbformat.write(fixture_source("vage"), str(tmp_path / "release" / "vage" / "vage.ipynb"))
    rows = "".join(f"{hub_name};Deltaker {k};{k}@k.no;Helse\n" for k, (hub_name, _) in unix_users.items())
    import_roster(tmp_path, data=("id;navn;epost;enhet\n" + rows).encode())
    exchange = tmp_path / "utveksling"
    (exchange / "nyskapende-arbeidsgivere" / "inbound").mkdir(parents=True)
    return tmp_path, exchange


def _submit(exchange: Path, student: str, owner: pwd.struct_passwd, text: str, minutes: int) -> Path:
    """What a learner's «Submit» leaves in inbound, made by (owned by) ``owner``."""
    when = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes)
    folder = (exchange / "nyskapende-arbeidsgivere" / "inbound"
              / f"{student}+vage+{when.strftime(NBGRADER_TS)}+{secrets.token_hex(4)}")
    folder.mkdir()
    nb = fixture_source("vage")
    nb.cells[0].source += f"\n\n{text}"
    nbformat.write(nb, str(folder / "vage.ipynb"))
    (folder / "timestamp.txt").write_text(when.strftime(NBGRADER_TS), encoding="utf-8")
    for p in (folder, folder / "vage.ipynb", folder / "timestamp.txt"):
        os.chown(p, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    return folder


def _state(exchange: Path) -> dict:
    """Every entry of the exchange: bytes' hash, owner and mode (the originals must not change)."""
    out = {}
    for p in sorted(exchange.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else ""
        out[str(p)] = (digest, st.st_uid, st.st_mode)
    return out


def _submitted_text(lay_root: Path, student: str) -> str:
    return (lay_root / "submitted" / student / "vage" / "vage.ipynb").read_text(encoding="utf-8")


def test_on_the_hub_a_folder_made_by_another_user_is_reported_and_left_alone(course, unix_users, monkeypatch):
    from grading.anomalies import scan
    from grading.collect import collect_exchange

    root, exchange = course
    (ada, ada_u), (bo, bo_u), (cato, _cato_u) = unix_users["ada"], unix_users["bo"], unix_users["cato"]
    _submit(exchange, ada, ada_u, "Adas eget svar.", 0)
    _submit(exchange, bo, bo_u, "Bos eget svar.", 1)
    # Ada submits in Cato's name, and a newer «Bo» submission that would replace Bo's own.
    forged_cato = _submit(exchange, cato, ada_u, "Ada later som Cato.", 2)
    forged_bo = _submit(exchange, bo, ada_u, "Ada later som Bo.", 3)
    # A folder of Cato's own with a symlink to a file Cato cannot read (another learner's answer).
    linked = _submit(exchange, cato, _cato_u, "Catos svar.", 4)
    (linked / "vage.ipynb").unlink()
    (linked / "vage.ipynb").symlink_to(forged_bo / "vage.ipynb")
    os.chown(linked / "vage.ipynb", _cato_u.pw_uid, _cato_u.pw_gid, follow_symlinks=False)
    before = _state(exchange)

    monkeypatch.setenv("KURS_HUB_UNIX_PREFIX", PREFIX)
    result = collect_exchange(root, "vage", exchange, progress=False)

    assert result.students == sorted([ada, bo])
    assert "Adas eget svar." in _submitted_text(root, ada)
    assert "Bos eget svar." in _submitted_text(root, bo) and "Ada later" not in _submitted_text(root, bo)
    assert not (root / "submitted" / cato).exists()
    refused = [e for e in result.events if e["kind"] == "annen_eier"]
    assert sorted(e["file"] for e in refused) == sorted(str(p) for p in (forged_cato, forged_bo, linked))
    by_file = {e["file"]: e["message"] for e in refused}
    assert f"levert av en annen bruker enn {cato}" in by_file[str(forged_cato)]
    assert f"eies av {ada_u.pw_name}" in by_file[str(forged_cato)]
    assert f"levert av en annen bruker enn {bo}" in by_file[str(forged_bo)]
    assert "snarvei (symlink)" in by_file[str(linked)]
    assert "levert av en annen bruker" in result.summary()
    # The originals are exactly as they were: nothing deleted, moved, changed or chowned.
    assert _state(exchange) == before
    # The anomaly report lists them for the course leader.
    kinds = {(a.student, a.kind) for a in scan(root, "vage")}
    assert {(cato, "annen_eier"), (bo, "annen_eier")} <= kinds


def test_off_the_hub_nothing_is_checked(course, unix_users, monkeypatch):
    """One machine, one user: the course leader's own exchange, whoever owns the folders."""
    from grading.collect import collect_exchange

    root, exchange = course
    (ada, _), (_, bo_u) = unix_users["ada"], unix_users["bo"]
    _submit(exchange, ada, bo_u, "Adas svar.", 0)  # owned by another user than Ada's
    monkeypatch.delenv("KURS_HUB_UNIX_PREFIX", raising=False)
    result = collect_exchange(root, "vage", exchange, progress=False)
    assert result.students == [ada]
    assert not [e for e in result.events if e["kind"] == "annen_eier"]


def test_the_unix_name_rule_is_the_hubs():
    """The hub's settings and the check use one rule (long ids are shortened with a hash)."""
    import sys

    sys.path.insert(0, str(EXERCISES.parent / "hub"))
    from kurshub.settings import HubSettings

    from grading.hub_unix import unix_name

    s = HubSettings(state=Path("/"), unix_prefix=PREFIX)
    for name in ("ada", "a" * 40, "ola.nordmann-2"):
        assert s.unix_name(name) == unix_name(PREFIX, name)
    assert len(unix_name(PREFIX, "a" * 40)) <= 32
    with pytest.raises(ValueError):
        unix_name(PREFIX, "../root")
