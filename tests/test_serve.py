"""`make start`'s launcher: book, apps and JupyterLab come up on 127.0.0.1 and stop cleanly."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from playwright.sync_api import expect, sync_playwright

from browser import launch, watch_requests
from voila_process import free_port

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8", "replace")


def test_make_start_serves_book_apps_and_jupyterlab(built_book, root, tmp_path):
    ports = {"BOOK_PORT": free_port(), "VOILA_PORT": free_port(), "LAB_PORT": free_port()}
    env = dict(os.environ, **{k: str(v) for k, v in ports.items()},
               EGENVURDERING_DB_URL=f"sqlite:///{tmp_path / 'ev.db'}", PYTHONUNBUFFERED="1")
    # Its own session: whatever fails below, the cleanup can stop serve.py and every server it started.
    proc = subprocess.Popen([sys.executable, str(root / "tools" / "serve.py")], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    # Read serve.py's output all the time, also after it is ready: a pipe nobody reads fills up,
    # and then the servers block on their next log line (at the latest while stopping).
    out: list[str] = []
    ready = threading.Event()

    def read_output() -> None:
        for line in proc.stdout:
            out.append(line)
            if "Trykk Ctrl+C" in line:
                ready.set()
        ready.set()  # the output ended: serve.py stopped

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        ready.wait(timeout=90)
        if proc.poll() is not None:
            pytest.fail("serve.py stoppet:\n" + "".join(out))
        assert any("Trykk Ctrl+C" in line for line in out), "serve.py ble ikke klar:\n" + "".join(out)
        text = "".join(out)
        assert f"http://127.0.0.1:{ports['BOOK_PORT']}/" in text
        token = re.search(r"token=([\w-]+)", text).group(1)

        status, html = fetch(f"http://127.0.0.1:{ports['BOOK_PORT']}/chapters/vage.html")
        assert status == 200 and "Å våge" in html

        status, html = fetch(f"http://127.0.0.1:{ports['VOILA_PORT']}/voila/render/egenvurdering.ipynb")
        assert status == 200 and 'lang="nb"' in html

        lab = f"http://127.0.0.1:{ports['LAB_PORT']}"
        for _ in range(60):  # JupyterLab starts more slowly than the others
            try:
                status, body = fetch(f"{lab}/formgrader/api/assignments?token={token}")
                break
            except OSError:
                time.sleep(1)
        assert status == 200
        names = {a["name"] for a in json.loads(body)}
        assert {"vage", "handlingsplan"} <= names

        # The course leader's pages load nothing from outside the machine either.
        with sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page()
            log = watch_requests(page)
            page.goto(f"{lab}/formgrader?token={token}")
            expect(page.get_by_role("link", name="vage")).to_be_visible(timeout=60_000)
            page.goto(f"{lab}/lab?token={token}")
            expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=60_000)
            page.wait_for_timeout(3000)  # let JupyterLab's plugins make any late requests
            browser.close()
        assert log.external == [], log.external
        assert len(log.all) > 20  # the pages really loaded
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)  # serve.py gives its servers 10 s, then kills; a busy machine is slow to reap
        except subprocess.TimeoutExpired:
            pass
        stopped = proc.poll() is not None
        _kill_group(proc)  # servers left behind (a failed test, or a Ctrl+C that did not stop them)
        reader.join(timeout=10)
        proc.stdout.close()
    assert stopped, "serve.py stoppet ikke på Ctrl+C:\n" + "".join(out[-40:])
    assert proc.returncode == 0


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill what is left of serve.py's process group (its session), and wait until it is gone."""
    pgid = proc.pid
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
