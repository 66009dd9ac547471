"""Benchmark of the course hub on this machine (root; loopback only; bounded concurrency).

For N simulated learners (default 50, `python bench/hub.py 50`), all at once
with at most `--samtidig` in flight:
  sign up → approved → log in → JupyterLab ready (the time a learner waits),
  then fetch and submit `vage` through the exchange as that learner's Unix user.
Reports the median and p95 of each step, the hub's CPU and memory (RSS), and the
memory of one idle learner server and of one with a running kernel. Compares the
time to a ready JupyterLab with the single-user `make start` path (one `jupyter lab`).

Prints a table; writes bench/results/hub.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, Request, build_opener

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402

from hub_fixture import HUB_PY, PASSWORD, running_hub  # noqa: E402


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] if xs else float("nan")


class Session:
    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def get(self, path: str, timeout: float = 120):
        with self.opener.open(self.base + path, timeout=timeout) as r:
            return r.status, r.geturl(), r.read().decode(errors="replace")

    def post(self, path: str, data: dict, timeout: float = 120):
        self.get(path.split("?")[0])  # sets the _xsrf cookie
        body = urllib.parse.urlencode({**data, "_xsrf": self.xsrf()}).encode()
        with self.opener.open(Request(self.base + path, data=body), timeout=timeout) as r:
            return r.status, r.geturl(), r.read().decode(errors="replace")


def rss_of_uid(uid: int) -> int:
    return sum(p.info["memory_info"].rss for p in psutil.process_iter(["uids", "memory_info"])
               if p.info["uids"] and p.info["uids"].real == uid and p.info["memory_info"])


def learner_flow(hub, leader: Session, name: str, times: dict, lock: threading.Lock) -> None:
    s = Session(hub.url)
    t0 = time.perf_counter()
    s.post("/hub/signup", {"username": name, "signup_password": PASSWORD,
                           "signup_password_confirmation": PASSWORD})
    with lock:  # the course leader approves one at a time
        leader.get(f"/hub/authorize/{name}")
    t1 = time.perf_counter()
    s.post("/hub/login?next=%2Fhub%2Fspawn", {"username": name, "password": PASSWORD})
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            status, _url, _ = s.get(f"/user/{name}/api/status", timeout=30)
            if status == 200:
                break
        except Exception:
            pass
        time.sleep(0.5)
    t2 = time.perf_counter()
    nbgrader = str(HUB_PY.parent / "nbgrader")
    fetch = hub.as_learner(name, nbgrader, "fetch_assignment", "vage")
    t3 = time.perf_counter()
    sub = hub.as_learner(name, nbgrader, "submit", "vage")
    t4 = time.perf_counter()
    with lock:
        times.setdefault("signup+godkjenning", []).append(t1 - t0)
        times.setdefault("innlogging→klar JupyterLab", []).append(t2 - t1)
        times.setdefault("hent (fetch)", []).append(t3 - t2)
        times.setdefault("lever (submit)", []).append(t4 - t3)
        if fetch.returncode or sub.returncode:
            times.setdefault("feil", []).append(name)


def single_user_lab_seconds() -> float:
    """`make start`'s JupyterLab: time from process start to /api/status."""
    import secrets
    import socket
    import tempfile

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(8)
    tmp = tempfile.mkdtemp(prefix="kd-lab-")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(HUB_PY), "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
                             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"], cwd=tmp,
                            env={"HOME": tmp, "PATH": "/usr/bin:/bin"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        from urllib.request import urlopen

        while True:
            try:
                urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                return time.perf_counter() - t0
            except Exception:
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=50)
    ap.add_argument("--samtidig", type=int, default=10, help="most learners in flight at once")
    args = ap.parse_args()
    names = [f"l{i:03d}" for i in range(args.n)]
    with running_hub() as hub:
        csv = hub.roster_csv.with_name("bench.csv")
        csv.write_text("id;navn;epost;enhet\n" + "".join(f"{n};Deltaker {n};{n}@eksempel.no;Enhet\n"
                                                          for n in names), encoding="utf-8")
        hub.kursleder("deltakere", "importer", str(csv))
        hub.kursleder("del-ut", "vage")
        leader = Session(hub.url)
        leader.post("/hub/login", {"username": "kari", "password": hub.leader_passwords["kari"]})
        hub_proc = psutil.Process(hub.procs.hub.pid)
        hub_proc.cpu_percent(None)
        cpu0 = hub_proc.cpu_times()
        times: dict = {}
        lock = threading.Lock()
        peak = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], hub_proc.memory_info().rss)
                time.sleep(0.5)

        threading.Thread(target=sample, daemon=True).start()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.samtidig) as pool:
            for f in [pool.submit(learner_flow, hub, leader, n, times, lock) for n in names]:
                f.result()
        wall = time.perf_counter() - t0
        stop.set()
        cpu1 = hub_proc.cpu_times()
        hub_cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)

        import pwd

        uid = pwd.getpwnam(hub.s.unix_name(names[0])).pw_uid
        idle = rss_of_uid(uid)
        # Active: the same server with a kernel started through its own API (the learner's session).
        s = Session(hub.url)
        s.post("/hub/login", {"username": names[0], "password": PASSWORD})
        s.get(f"/user/{names[0]}/lab")
        xsrf = next((c.value for c in s.jar if c.name == "_xsrf" and c.path.startswith("/user/")), s.xsrf())
        req = Request(f"{hub.url}/user/{names[0]}/api/kernels", data=b"{}", method="POST",
                      headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"})
        s.opener.open(req, timeout=60).read()
        time.sleep(10)
        active = rss_of_uid(uid)
        lab_single = single_user_lab_seconds()
    result = {
        "deltakere": args.n, "samtidig": args.samtidig, "veggtid_s": round(wall, 1),
        "steg": {k: {"median_s": round(statistics.median(v), 2), "p95_s": round(p95(v), 2)}
                 for k, v in times.items() if k != "feil"},
        "feil": times.get("feil", []),
        "hub_cpu_s": round(hub_cpu, 1), "hub_rss_topp_mb": round(peak[0] / 2**20),
        "server_rss_tomgang_mb": round(idle / 2**20),
        "server_rss_med_kjerne_mb": round(active / 2**20),
        "enbruker_jupyterlab_klar_s": round(lab_single, 2),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hub.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
