"""`make hub`: prepare the machine and run the proxy and the hub as two processes.

The proxy (configurable-http-proxy) runs on its own, so the hub can be
restarted while learners work; either process is started again if it stops.
The address is printed only once every service answers through the proxy (the
hub adds their routes only after all have started). On any stop the hub's
services are ended too, also those still starting; learners' servers keep
running (the next hub takes them over).
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

from minside.config import SERVICE as SERVICE_MINSIDE  # hub/ is on sys.path, as for kurshub

from .config import free_port
from .settings import HUB_FOLDER, REPO, SERVICE_APPS, SERVICE_BOOK, SERVICE_GRADER, HubSettings, from_env

CHP = HUB_FOLDER / "node_modules" / ".bin" / "configurable-http-proxy"
#: The services with a URL: the proxy routes /services/<name>/ to them.
ROUTED_SERVICES = (SERVICE_BOOK, SERVICE_APPS, SERVICE_GRADER, SERVICE_MINSIDE)
#: How long `make hub` waits for the services (they took up to 3 minutes on a loaded 2-core machine).
SERVICES_TIMEOUT = 600


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or not ours to read
        return {}
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids of every process on the machine (from /proc)."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def _tree(pid: int, tree: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(tree.get(p, []))
    return found


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

    def service_pids(self) -> list[int]:
        """Every process of this hub's services and what they started (kernels), however far they got.

        JupyterHub starts each service in its own session, so they do not die with the hub; they
        are known by the service name and this hub's API address in their environment. Learners'
        servers have no service name and are left alone.
        """
        api = f"127.0.0.1:{self.hub_api_port}/"
        tree = _children()
        pids: set[int] = set()
        for pid in {p for kids in tree.values() for p in kids}:
            env = _environ(pid)
            if "JUPYTERHUB_SERVICE_NAME" in env and api in env.get("JUPYTERHUB_API_URL", ""):
                pids.update(_tree(pid, tree))
        return sorted(pids)

    def stop_services(self, pids: list[int] | None = None) -> None:
        """End the services (and their children) the hub left behind: TERM, then KILL after 10 s."""
        pids = sorted(set(pids or []) | set(self.service_pids()))
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 10
            while pids and time.monotonic() < deadline:
                pids = [p for p in pids if Path(f"/proc/{p}").exists() and not _zombie(p)]
                time.sleep(0.2)
            pids = sorted(set(pids) | set(self.service_pids()))
            if not pids:
                return

    def wait_for_services(self, names=ROUTED_SERVICES, timeout: float = SERVICES_TIMEOUT,
                          progress=None) -> None:
        """Wait until the proxy sends every service's URL to the service, not to the hub.

        Until then /services/<name>/ reaches the hub, which redirects it to /hub/services/<name>/
        and answers 404 there (hub/templates/error.html says the page may still be starting).
        `progress(ready, names)` is called whenever one more is ready.
        """
        opener = urllib.request.build_opener(_NoRedirect)
        ready: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            for name in names:
                if name not in ready and self._routed(opener, name):
                    ready.append(name)
                    if progress:
                        progress(ready, names)
            if len(ready) == len(names):
                return
            if self.hub is not None and self.hub.poll() is not None:
                raise RuntimeError(f"Huben stoppet (kode {self.hub.returncode}) mens tjenestene startet. "
                                   f"Se loggen i {self.log_dir / 'hub.log'}.")
            if time.monotonic() > deadline:
                missing = ", ".join(n for n in names if n not in ready)
                raise RuntimeError(f"Disse tjenestene svarte ikke innen {timeout:.0f} s: {missing}. "
                                   f"Se loggen i {self.log_dir / 'hub.log'}.")
            time.sleep(1)

    def _routed(self, opener, name: str) -> bool:
        try:
            opener.open(f"{self.url}/services/{name}/", timeout=10)
            return True
        except urllib.error.HTTPError as e:
            if e.code >= 500:  # the proxy: nothing behind the route yet
                return False
            # The hub answers an unrouted service with a redirect to /hub/services/<name>/ (where
            # it gives 404); any other answer (the service's own login redirect, 200, 404 of a book
            # not yet built) comes from the service itself.
            return not (300 <= e.code < 400 and "/hub/services/" in e.headers.get("Location", ""))
        except OSError:
            return False

    def restart_hub(self) -> None:
        services = self.service_pids()
        self._stop(self.hub)
        self.stop_services(services)  # a hub stopped while its services start leaves them running
        self.start_hub()

    def restart_proxy(self) -> None:
        self._stop(self.proxy)
        self.start_proxy()

    def start(self) -> None:
        self.start_proxy()
        self.start_hub()

    def stop(self) -> None:
        """Stop the hub, its services and the proxy (learners' servers keep running)."""
        services = self.service_pids()
        try:
            self._stop(self.hub)
        finally:
            self.stop_services(services)
            self._stop(self.proxy)


def _zombie(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return text[text.rindex(")") + 2:].startswith("Z")


def _progress(ready: list[str], names) -> None:
    print(f"  {len(ready)} av {len(names)} klare: {', '.join(ready)}", flush=True)


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

    # Ctrl+C, a service manager's stop and a closed terminal all end in `finally: procs.stop()`
    # (SIGINT too, as a background job starts with it ignored).
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_sigterm)
    try:
        procs.start()
        print(f"Huben svarer. Venter på at tjenestene starter ({', '.join(ROUTED_SERVICES)}); "
              "det kan ta noen minutter …", flush=True)
        procs.wait_for_services(progress=_progress)
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
                procs.stop_services()  # the new hub starts its own
                procs.start_hub()
            time.sleep(2)
    except KeyboardInterrupt:
        print("\nStopper huben, tjenestene og proxyen …", flush=True)
        return 0
    except RuntimeError as e:
        print(f"\n{e}\nStopper huben, tjenestene og proxyen …", flush=True)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl+C must not cut the stop short
            signal.signal(sig, signal.SIG_IGN)
        procs.stop()


if __name__ == "__main__":
    sys.exit(main())
