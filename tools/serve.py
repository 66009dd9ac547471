"""`make start`: serve the book, the Voila apps and JupyterLab (with nbgrader) on this machine.

Everything listens on 127.0.0.1 only. Stop with Ctrl+C.
Ports can be changed with the environment variables BOOK_PORT, VOILA_PORT and LAB_PORT, and the
number of preheated kernels per self-assessment app with VOILA_POOL_SIZE (default 1).
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import voila_server  # noqa: E402

BOOK_PORT = int(os.environ.get("BOOK_PORT", 8000))
VOILA_PORT = int(os.environ.get("VOILA_PORT", 8866))
LAB_PORT = int(os.environ.get("LAB_PORT", 8888))
# Preheated kernels per self-assessment app: raise it when many open the app at the same time.
VOILA_POOL_SIZE = max(1, int(os.environ.get("VOILA_POOL_SIZE", 1)))


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_until_up(url: str, procs: list, timeout: float = 120) -> bool:
    """Poll a URL until it answers, while every started process is still running."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for _, p in procs):
            return False
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except urllib.error.HTTPError:
            return True  # it answers
        except OSError:
            time.sleep(0.3)
    return False


def stop_all(procs: list, grace: float = 10.0) -> None:
    """Ask every server to stop, give them `grace` seconds in all (not each), then kill the rest.

    A preheated Voila kernel waiting for its page request can hold Voila's shutdown back; one
    shared deadline keeps Ctrl+C quick however many servers hang.
    """
    for _, p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + grace
    for _, p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main() -> int:
    html = ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        print("Fant ikke den bygde boka i _build/html. Kjør `make start` (den bygger boka først).")
        return 1
    for name, port in (("boka", BOOK_PORT), ("appene", VOILA_PORT), ("JupyterLab", LAB_PORT)):
        if not port_free(port):
            print(f"Port {port} for {name} er opptatt. Stopp det som bruker den, eller velg en annen port, "
                  f"for eksempel `BOOK_PORT=8001 VOILA_PORT=8867 LAB_PORT=8889 make start`.")
            return 1

    # Retention: delete self-assessments older than the instrument's retention period.
    from widgets.egenvurdering import StorageError, Store

    try:
        with Store() as store:
            removed = store.purge_expired()
        if removed:
            print(f"Slettet {removed} gamle egenvurderinger (eldre enn lagringstiden).")
    except StorageError as err:
        print(f"Klarte ikke å rydde gamle egenvurderinger nå: {err}")

    token = os.environ.get("LAB_TOKEN") or secrets.token_urlsafe(16)
    procs: list[tuple[str, subprocess.Popen]] = []
    py = sys.executable

    def on_sigterm(*_):
        raise KeyboardInterrupt

    # From the first started process on, every way out (Ctrl+C, SIGTERM, an error) stops them all,
    # also while we are still waiting for them to come up.
    signal.signal(signal.SIGTERM, on_sigterm)
    # Ctrl+C stops everything even when serve.py was started with SIGINT ignored (a background
    # job of a non-interactive shell inherits that, and Python then never raises KeyboardInterrupt).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        procs.append(("boka", subprocess.Popen(
            [py, "-m", "http.server", str(BOOK_PORT), "--bind", "127.0.0.1", "--directory", str(html)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        procs.append(("appene", subprocess.Popen(voila_server.command(VOILA_PORT, pool_size=VOILA_POOL_SIZE),
                                                     env=voila_server.environment())))
        lab = [py, "-m", "jupyterlab", "--no-browser", f"--port={LAB_PORT}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}",
               "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            lab.append("--allow-root")
        procs.append(("JupyterLab", subprocess.Popen(lab, cwd=ROOT / "exercises",
                                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))

        for name, url in (("boka", f"http://127.0.0.1:{BOOK_PORT}/"),
                          ("appene", f"http://127.0.0.1:{VOILA_PORT}/voila/tree"),
                          ("JupyterLab", f"http://127.0.0.1:{LAB_PORT}/api/status?token={token}")):
            if not wait_until_up(url, procs):
                print(f"{name} startet ikke. Se meldingene over. Stopper.")
                return 1
        print(f"""
Nyskapende arbeidsgivere kjører nå på denne maskinen:

  Boka:                   http://127.0.0.1:{BOOK_PORT}/
  Boka på nynorsk:        http://127.0.0.1:{BOOK_PORT}/nn/
  Egenvurdering (app):    {voila_server.url(VOILA_PORT, 'egenvurdering.ipynb')}
  Teamvisning (app):      {voila_server.url(VOILA_PORT, 'team.ipynb')}
  JupyterLab for kursledere (oppgaver og retting):
                          http://127.0.0.1:{LAB_PORT}/lab?token={token}

Trykk Ctrl+C for å stoppe.
""", flush=True)
        while True:
            for name, p in procs:
                if p.poll() is not None:
                    print(f"{name} stoppet uventet (kode {p.returncode}). Stopper resten.")
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopper …")
        return 0
    finally:
        stop_all(procs)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":
    sys.exit(main())
