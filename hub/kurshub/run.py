"""`make hub`: prepare the machine and run the proxy and the hub as two processes.

The proxy (configurable-http-proxy) runs on its own, so the hub can be
restarted while learners work; either process is started again if it stops.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .config import free_port
from .settings import HUB_FOLDER, REPO, HubSettings, from_env

CHP = HUB_FOLDER / "node_modules" / ".bin" / "configurable-http-proxy"


class HubProcesses:
    """The proxy and the hub of one course hub; used by `make hub`, the tests and the benchmark."""

    def __init__(self, s: HubSettings, *, log_dir: Path | None = None, extra_env: dict[str, str] | None = None,
                 python: str | None = None):
        self.s = s
        self.python = python or sys.executable
        self.proxy_api_port = free_port()
        self.hub_api_port = free_port()
        self.token = secrets.token_hex(32)
        self.log_dir = log_dir or s.hub_data
        self.extra_env = extra_env or {}
        self.proxy: subprocess.Popen | None = None
        self.hub: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.s.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
        env.update(self.extra_env)
        env.update({
            "CONFIGPROXY_AUTH_TOKEN": self.token,
            "KURS_HUB_PROXY_API": f"http://127.0.0.1:{self.proxy_api_port}",
            "KURS_HUB_API_PORT": str(self.hub_api_port),
            "KURS_HUB_DIR": str(self.s.state),
            "KURS_HUB_UNIX_PREFIX": self.s.unix_prefix,
            "KURS_HUB_GRADER": self.s.grader,
            "KURS_HUB_APPS_USER": self.s.apps_user,
            "KURS_HUB_PORT": str(self.s.port),
            "KURS_HUB_AUTH": self.s.auth,
            "KURS_HUB_MEM_LIMIT": str(self.s.mem_limit),
            "KURS_HUB_CULL_IDLE": str(self.s.cull_idle_seconds),
            "KURS_HUB_KURSLEDERE": ",".join(self.s.kursledere),
        })
        return env

    def _log(self, name: str):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / f"{name}.log", "a")

    def start_proxy(self) -> None:
        hub = f"http://127.0.0.1:{self.hub_api_port}"
        with self._log("proxy") as log:
            self.proxy = subprocess.Popen(
                [str(CHP), "--ip", "127.0.0.1", "--port", str(self.s.port), "--api-ip", "127.0.0.1",
                 "--api-port", str(self.proxy_api_port), "--default-target", hub,
                 "--error-target", f"{hub}/hub/error", "--log-level", "warn"],
                env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(f"http://127.0.0.1:{self.proxy_api_port}/api/routes", self.proxy, "proxyen",
                   headers={"Authorization": f"token {self.token}"})

    def start_hub(self) -> None:
        with self._log("hub") as log:
            self.hub = subprocess.Popen(
                [self.python, "-m", "jupyterhub", "-f", str(HUB_FOLDER / "jupyterhub_config.py")],
                cwd=self.s.hub_data, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self._wait(f"{self.url}/hub/api/", self.hub, "huben")

    def _wait(self, url: str, proc: subprocess.Popen, name: str, timeout: float = 120,
              headers: dict[str, str] | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} stoppet (kode {proc.returncode}). Se loggen i {self.log_dir}.")
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=3)
                return
            except urllib.error.HTTPError as e:
                if e.code < 500:  # it answers; 502/503 is the proxy with no hub behind it yet
                    return
                time.sleep(0.2)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} svarte ikke innen {timeout:.0f} s. Se loggen i {self.log_dir}.")

    @staticmethod
    def _stop(proc: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def restart_hub(self) -> None:
        self._stop(self.hub)
        self.start_hub()

    def restart_proxy(self) -> None:
        self._stop(self.proxy)
        self.start_proxy()

    def start(self) -> None:
        self.start_proxy()
        self.start_hub()

    def stop(self) -> None:
        self._stop(self.hub)
        self._stop(self.proxy)


def main() -> int:
    from .prepare import prepare

    s = from_env()
    if not CHP.exists():
        print("Fant ikke configurable-http-proxy. Kjør `make hub`, som installerer den.")
        return 1
    if not (REPO / "_build" / "html" / "index.html").exists():
        print("Fant ikke den bygde boka i _build/html. Kjør `make hub` (den bygger boka først).")
        return 1
    prepared = prepare(s)
    procs = HubProcesses(s)

    def on_sigterm(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        procs.start()
        leaders = "\n".join(f"    {name}: {pw}" for name, pw in prepared.one_time_passwords.items())
        print(f"""
Kurshuben kjører på {procs.url}/

  Boka:              {procs.url}/services/boka/
  Innlogging:        {procs.url}/hub/login
  Ny deltaker:       {procs.url}/hub/signup (bare id-er på deltakerlisten)
  Godkjenne kontoer: {procs.url}/hub/authorize (kursledere)
  Retting:           {procs.url}/services/retting/ (kursledere: Formgrader og terminal for kursleder)
""" + (f"""
  Engangspassord for kursledere (vises bare nå; bytt det på {procs.url}/hub/change-password):
{leaders}
""" if leaders else "") + f"""
Loggene ligger i {s.hub_data}. Trykk Ctrl+C for å stoppe (deltakernes servere stoppes ikke).
""", flush=True)
        while True:
            if procs.proxy.poll() is not None:
                print("Proxyen stoppet. Starter den igjen …", flush=True)
                procs.start_proxy()
            if procs.hub.poll() is not None:
                print("Huben stoppet. Starter den igjen …", flush=True)
                procs.start_hub()
            time.sleep(2)
    except KeyboardInterrupt:
        print("\nStopper huben og proxyen …")
        return 0
    finally:
        procs.stop()


if __name__ == "__main__":
    sys.exit(main())
