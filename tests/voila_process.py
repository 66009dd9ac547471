"""Start and stop Voila for tests and benchmarks, with the production settings of `make start`."""
from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tools import voila_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_voila(db_url: str | None = None, *, preheat: bool = True, extra_env: dict[str, str] | None = None):
    """Yield (port, log_path) of a Voila server serving apps/; stop it afterwards."""
    port = free_port()
    state = Path(tempfile.mkdtemp(prefix="voila-"))
    env = voila_server.environment()
    for var in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        env[var] = str(state / var.lower())
    if db_url:
        env["EGENVURDERING_DB_URL"] = db_url
    env.update(extra_env or {})
    log = state / "voila.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(voila_server.command(port, preheat=preheat), env=env, stdout=fh,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/tree", timeout=2)
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voila startet ikke:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield port, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_pool(log: Path, notebooks=voila_server.PREHEATED, timeout: float = 90) -> None:
    """Wait until Voila reports the preheated kernel pools as filled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if all(f"Kernel pool of {nb} is filled" in text for nb in notebooks):
            return
        time.sleep(0.2)
    raise RuntimeError(f"Voila fylte ikke kjernepoolene i tide:\n{log.read_text()[-3000:]}")
