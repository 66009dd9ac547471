"""A real JupyterHub (with configurable-http-proxy) serving «Min side» for the browser tests.

The hub is configured the way the course hub adds the service:
:func:`hub.minside.config.configure`. For this fixture only, the login is
JupyterHub's own DummyAuthenticator (one shared test password), so the tests
need no Unix users; the course hub uses its own authenticators. Every port is
picked free at runtime, everything binds to 127.0.0.1, and all state lives in
the test's temporary folder.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHP_VERSION = "5.3.0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command() -> str:
    """configurable-http-proxy from npm: the hub folder's own install, else a local cache."""
    for candidate in (ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy",
                      ROOT / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"):
        if candidate.exists():
            return str(candidate)
    cache = ROOT / ".cache" / "chp"
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                    f"configurable-http-proxy@{CHP_VERSION}"], cwd=cache, check=True)
    return str(cache / "node_modules" / ".bin" / "configurable-http-proxy")


@dataclass
class Hub:
    url: str
    password: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_hub(state: Path, course_dir: Path, leaders: list[str], *,
              fetched_template: str | None = None, timeout: float = 240) -> Hub:
    state.mkdir(parents=True, exist_ok=True)
    port, hub_port, api_port, service_port = free_port(), free_port(), free_port(), free_port()
    password = secrets.token_urlsafe(12)
    config = state / "jupyterhub_config.py"
    config.write_text(f"""
import sys
sys.path.insert(0, {str(ROOT / 'hub')!r})
from minside.config import configure

c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{state / 'cookie_secret'}"
c.JupyterHub.pid_file = "{state / 'jupyterhub.pid'}"
c.ConfigurableHTTPProxy.command = [{proxy_command()!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = "{state / 'proxy.pid'}"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.load_groups = {{"kursledere": {{"users": {leaders!r}}}, "deltakere": {{"users": []}}}}
configure(c, course_dir={str(course_dir)!r}, port={service_port},
          fetched_template={fetched_template!r}, python={sys.executable!r},
          book_url="/services/boka/", egenvurdering_url="/services/apper/voila/render/egenvurdering.ipynb")
""", encoding="utf-8")
    env = dict(os.environ)
    for key in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR",
                "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR"):
        env[key] = str(state / key.lower())
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    log = state / "hub.log"
    proc = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
                            cwd=state, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{port}", password, proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("JupyterHub stoppet:\n" + log.read_text(errors="replace")[-4000:])
        try:
            with urllib.request.urlopen(f"{hub.url}/services/minside/", timeout=5) as r:
                if r.status in (200, 302):
                    break
        except urllib.error.HTTPError as exc:
            if exc.code in (302, 403, 401):  # the service answers (login required)
                break
        except OSError:
            pass
        time.sleep(1)
    else:
        hub.stop()
        raise RuntimeError("JupyterHub ble ikke klar:\n" + log.read_text(errors="replace")[-4000:])
    # The service itself is ready when it redirects to the hub's OAuth login.
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(f"{hub.url}/services/minside/kursoversikt")
            opener = urllib.request.build_opener(_NoRedirect)
            opener.open(req, timeout=5)
        except urllib.error.HTTPError as exc:
            if exc.code == 302 and "oauth2/authorize" in exc.headers.get("Location", ""):
                return hub
        except OSError:
            pass
        time.sleep(1)
    hub.stop()
    raise RuntimeError("«Min side» ble ikke klar:\n" + log.read_text(errors="replace")[-4000:])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def remove(state: Path) -> None:
    shutil.rmtree(state, ignore_errors=True)
