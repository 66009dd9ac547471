"""Prepare one machine for the hub (as root): accounts, folders with their rights, the course, tokens.

Safe to run again: nothing that exists is overwritten (the course, the
gradebook, homes and tokens are kept).
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .settings import REPO, HubSettings
from .spawner import ensure_unix_user

VENV_BIN = Path(sys.executable).parent
#: Course files copied from the repository: the sources and the nbgrader config.
COURSE_FILES = ("nbgrader_config.py", "source")
#: Folders of the checkout that learners must not read (solutions, local data, history).
PRIVATE_IN_REPO = ("exercises", "var", ".git")


@dataclass
class Prepared:
    one_time_passwords: dict[str, str] = field(default_factory=dict)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def grader_env(s: HubSettings) -> dict[str, str]:
    import pwd

    home = pwd.getpwnam(s.grader).pw_dir
    return {"HOME": home, "USER": s.grader, "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "KURSLEDER_KURSMAPPE": str(s.course), "KURSLEDER_EXCHANGE": str(s.exchange),
            "KURS_HUB_TOKEN_FILE": str(s.sync_token_file), "KURS_HUB_URL": f"http://127.0.0.1:{s.port}",
            # `kursleder samle-inn` checks who made each submission (grading.hub_unix)
            "KURS_HUB_UNIX_PREFIX": s.unix_prefix, "JUPYTER_PLATFORM_DIRS": "1"}


def as_grader(s: HubSettings, argv: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a command as the shared grader account, as a course leader does in the grading terminal."""
    from jupyterhub.spawner import set_user_setuid

    return subprocess.run(argv, env=grader_env(s), cwd=s.course, preexec_fn=set_user_setuid(s.grader, chdir=False),
                          capture_output=True, text=True, **kw)


def protect_repo(repo: Path = REPO) -> None:
    """Learners run the repository's Python, but must not read the course sources in it."""
    for name in PRIVATE_IN_REPO:
        p = repo / name
        if p.is_dir() and not p.is_symlink():
            os.chmod(p, 0o700)


def _bootstrap_leaders(s: HubSettings) -> dict[str, str]:
    """One-time passwords for course leaders who have no account yet (only bcrypt hashes are stored)."""
    import bcrypt

    have: set[str] = set()
    db = s.hub_data / "jupyterhub.sqlite"
    if db.exists():
        with contextlib.closing(sqlite3.connect(db)) as con:  # `with connect()` alone leaves it open
            try:
                have = {r[0] for r in con.execute("SELECT username FROM users_info")}
            except sqlite3.OperationalError:
                pass
    pending = json.loads(s.bootstrap_file.read_text()) if s.bootstrap_file.exists() else {}
    passwords = {}
    for name in s.kursledere:
        if name in have:
            continue
        pw = secrets.token_urlsafe(12)
        pending[name] = bcrypt.hashpw(pw.encode(), bcrypt.gensalt()).decode()
        passwords[name] = pw
    if pending:
        fd = os.open(s.bootstrap_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(pending, fh)
    return passwords


def prepare(s: HubSettings, *, init_course: bool = True) -> Prepared:
    if os.geteuid() != 0:
        raise SystemExit("`make hub` må kjøres som root (den lager én Unix-bruker per deltaker). "
                         "Bruk for eksempel `sudo make hub`.")
    s.state.mkdir(parents=True, exist_ok=True)
    os.chmod(s.state, 0o755)
    s.hub_data.mkdir(exist_ok=True)
    os.chmod(s.hub_data, 0o700)
    s.homes.mkdir(exist_ok=True)
    os.chmod(s.homes, 0o711)

    grader = ensure_unix_user(s.grader, s.state / "retting-hjem", system=True)
    apps = ensure_unix_user(s.apps_user, s.apps_data, system=True)
    for sub in ("runtime", "data", "config", "ipython", "mpl"):
        (s.apps_data / sub).mkdir(exist_ok=True)
    _chown_tree(s.apps_data, apps.pw_uid, apps.pw_gid)

    # nbgrader's filesystem exchange, as its JupyterHub docs describe: everyone may write,
    # nbgrader itself makes inbound write-only and feedback unlistable.
    s.exchange.mkdir(exist_ok=True)
    os.chmod(s.exchange, 0o1777)

    # The course: the grader account only.
    s.course.mkdir(exist_ok=True)
    src = REPO / "exercises"
    for name in COURSE_FILES:
        target = s.course / name
        if not target.exists():
            if (src / name).is_dir():
                shutil.copytree(src / name, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            else:
                shutil.copy2(src / name, target)
    _chown_tree(s.course, grader.pw_uid, grader.pw_gid)
    os.chmod(s.course, 0o700)

    # The service token for `kursleder deltakere importer` (the hub stores only its hash).
    s.sync_token_file.parent.mkdir(exist_ok=True)
    os.chown(s.sync_token_file.parent, grader.pw_uid, grader.pw_gid)
    os.chmod(s.sync_token_file.parent, 0o700)
    if not s.sync_token_file.exists():
        fd = os.open(s.sync_token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    os.chown(s.sync_token_file, grader.pw_uid, grader.pw_gid)
    os.chmod(s.sync_token_file, 0o600)

    protect_repo()
    if init_course:
        res = as_grader(s, [str(VENV_BIN / "kursleder"), "--kurs", str(s.course), "--stille", "init"])
        if res.returncode != 0:
            raise SystemExit(f"Klarte ikke å gjøre kurset klart:\n{res.stdout}{res.stderr}")
    return Prepared(one_time_passwords=_bootstrap_leaders(s))


def main() -> None:
    """Prepare from the environment; print the course leaders' one-time passwords as JSON."""
    from .settings import from_env

    print(json.dumps(prepare(from_env()).one_time_passwords))


if __name__ == "__main__":
    main()
