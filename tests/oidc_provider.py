"""Start the real OpenID Connect provider (npm oidc-provider, tests/oidc/provider.mjs) for tests."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

PROVIDER = Path(__file__).resolve().parent / "oidc" / "provider.mjs"


def private_file(path: Path, text: str) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def wait_for(url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float = 90) -> None:
    """Wait for a 200 from ``url`` (the proxy answers 404 until the hub's route is in)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} startet ikke:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running_provider(state: Path, redirect_uri: str, accounts: dict):
    """Yield {issuer, client_id, client_secret, ...} of a provider with one client and ``accounts``."""
    if not (PROVIDER.parent / "node_modules" / "oidc-provider").exists():
        raise RuntimeError("oidc-provider mangler. Kjør `make oidc-provider` (make test gjør det).")
    setup = {"client_id": "kurs-hub", "client_secret": secrets.token_urlsafe(32),
             "redirect_uri": redirect_uri, "accounts": accounts}
    setup_file = private_file(state / "provider-setup.json", json.dumps(setup))
    log = state / "provider.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(["node", str(PROVIDER), str(setup_file)], stdout=subprocess.PIPE,
                                stderr=err, text=True, cwd=PROVIDER.parent)
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"oidc-provider startet ikke:\n{log.read_text()}")
        issuer = json.loads(line)["issuer"]
        wait_for(issuer + "/.well-known/openid-configuration", proc, log, "oidc-provider")
        yield {"issuer": issuer, **setup}
    finally:
        stop(proc)
