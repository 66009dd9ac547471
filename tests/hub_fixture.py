"""One real course hub per test session: JupyterHub + configurable-http-proxy on 127.0.0.1, as root.

`running_hub()` prepares a temporary hub folder with 2 course leaders and the
learners of `ROSTER`, each a real Unix user created on first start (names
``kd-<session>-<id>``), and removes all of them afterwards. Tests reach it
through the `hub` fixture in conftest.py.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUB_PY = ROOT / ".venv-hub" / "bin" / "python"
sys.path.insert(0, str(ROOT / "hub"))

from kurshub.run import HubProcesses  # noqa: E402
from kurshub.settings import HubSettings  # noqa: E402

LEADERS = ("kari", "per")
#: A, B and C of the issue's end-to-end test (C never does anything).
ROSTER = {"anna": ("Anna Hansen", "Oppvekst"), "bjorn": ("Bjørn Berg", "Helse"),
          "cato": ("Cato Dahl", "Teknisk"), "dina": ("Dina Eid", "Helse")}
PASSWORD = "Kurs-passord-2026!"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hub:
    s: HubSettings
    procs: HubProcesses
    leader_passwords: dict[str, str]
    roster_csv: Path
    approved: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        return self.procs.url

    def env(self) -> dict[str, str]:
        return self.procs.env()

    def as_grader(self, *argv: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        """A command as the shared grader account (what a course leader runs in the grading terminal)."""
        from kurshub.prepare import grader_env
        from jupyterhub.spawner import set_user_setuid

        env = grader_env(self.s)
        env["PATH"] = f"{HUB_PY.parent}:/usr/bin:/bin"
        res = subprocess.run(list(argv), env=env, cwd=self.s.course, capture_output=True, text=True,
                             preexec_fn=set_user_setuid(self.s.grader, chdir=False), timeout=timeout)
        if check and res.returncode != 0:
            raise AssertionError(f"{argv} feilet ({res.returncode}):\n{res.stdout}\n{res.stderr}")
        return res

    def kursleder(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.as_grader(str(HUB_PY.parent / "kursleder"), "--stille", *args, check=check)

    def as_learner(self, name: str, *argv: str, cwd: str | None = None) -> subprocess.CompletedProcess:
        """A command as a learner's Unix user, with the environment their server has."""
        import pwd

        from jupyterhub.spawner import set_user_setuid

        unix = self.s.unix_name(name)
        home = pwd.getpwnam(unix).pw_dir
        env = {"HOME": home, "USER": unix, "PATH": f"{HUB_PY.parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
               "JUPYTER_CONFIG_PATH": str(ROOT / "hub" / "singleuser"), "KURSLEDER_EXCHANGE": str(self.s.exchange),
               "JUPYTERHUB_USER": name}
        return subprocess.run(list(argv), env=env, cwd=cwd or home, capture_output=True, text=True,
                              preexec_fn=set_user_setuid(unix), timeout=300)

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        import urllib.request

        token = token or self.s.sync_token_file.read_text().strip()
        req = urllib.request.Request(f"{self.url}/hub/api{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def unix_users(self) -> list[str]:
        """Every Unix user of this session (learners, course leaders, the grader and apps accounts)."""
        import pwd

        return [e.pw_name for e in pwd.getpwall() if e.pw_name.startswith(self.s.unix_prefix)]

    def learner_pids(self) -> list[int]:
        """Every process of this session's Unix users (their servers, kernels and services)."""
        import psutil
        import pwd

        uids = {pwd.getpwnam(n).pw_uid for n in self.unix_users()}
        return [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]


def write_roster(path: Path, ids) -> Path:
    lines = ["id;navn;epost;enhet"] + [f"{i};{ROSTER[i][0]};{i}@eksempel.no;{ROSTER[i][1]}" for i in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(path, 0o644)
    return path


def wait_for_services(hub: Hub, timeout: float = 600) -> None:
    """The hub answers before its services are routed (it adds their routes once all have started).

    «Min side» is the first page after login: wait, as `make hub` does, until the proxy sends
    every service's URL to the service instead of to the hub (404).
    """
    try:
        hub.procs.wait_for_services(timeout=timeout)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}\n" + (hub.procs.log_dir / "hub.log").read_text(errors="replace")[-4000:]) from exc


@contextmanager
def running_hub():
    if os.geteuid() != 0:
        raise RuntimeError("Hub-testene må kjøres som root (de lager Unix-brukere). CI kjører som root.")
    if not HUB_PY.exists():
        raise RuntimeError("Fant ikke .venv-hub. Kjør `make test`, som lager det.")
    tag = secrets.token_hex(2)
    state = Path(tempfile.mkdtemp(prefix="kd-hub-"))
    os.chmod(state, 0o755)
    s = HubSettings(state=state / "hub", unix_prefix=f"kd-{tag}-", grader=f"kd-{tag}-grader",
                    apps_user=f"kd-{tag}-apper", port=_free_port(), kursledere=LEADERS,
                    mem_limit=2 << 30, cull_idle_seconds=3600)
    procs = HubProcesses(s, python=str(HUB_PY), log_dir=state / "logg")
    hub = Hub(s, procs, {}, write_roster(state / "deltakere.csv", ["anna", "bjorn", "cato", "dina"]))
    try:  # from here on, an error or an interrupt still removes what the preparation made
        prep = subprocess.run([str(HUB_PY), "-m", "kurshub.prepare"], cwd=ROOT / "hub", env=procs.env(),
                              capture_output=True, text=True, timeout=600)
        if prep.returncode != 0:
            raise RuntimeError(f"Klargjøringen av huben feilet:\n{prep.stdout}\n{prep.stderr}")
        hub.leader_passwords.update(json.loads(prep.stdout.strip().splitlines()[-1]))
        procs.start()
        wait_for_services(hub)
        yield hub
    finally:
        procs.stop()
        import signal

        for pid in hub.learner_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)
        from kurshub.spawner import remove_unix_user

        for name in hub.unix_users():  # also the learners a test or the benchmark added
            remove_unix_user(name)
        if os.environ.get("KURS_HUB_KEEP"):
            print(f"Hubmappen er beholdt: {state}")
        else:
            shutil.rmtree(state, ignore_errors=True)
