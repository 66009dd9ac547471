"""Benchmark of the course hub on this machine (root; loopback only; bounded; always cleans up).

    sudo .venv/bin/python bench/hub.py                 # 10, 25 and 50 learners, each within one minute
    sudo .venv/bin/python bench/hub.py --deltakere 50 --spredning 60

One real hub (tests/hub_fixture.py: JupyterHub, configurable-http-proxy, a Unix user
per learner). Per round of N learners, all signed up and approved beforehand:

- learner i logs in at i·S/N seconds (S = ``--spredning``, 60: N learners within one
  minute), then waits for a ready JupyterLab (the page /user/<id>/lab after the
  hub's OAuth round, as a browser gets it), fetches `vage` and submits it through
  their own server's nbgrader API (what the «Assignments» list calls);
- median and p95 of each step, how many were done within the minute, the hub's
  and the proxy's CPU and peak memory, and the load of the whole machine.

After the first round: memory (PSS and RSS, the whole process tree of the learner's
Unix user) of idle servers and of active ones (`vage.ipynb` open as a session with
a kernel that has run every code cell). Then the same for the single-user path of
`make start` (one `jupyter lab` on the same machine): time to ready and memory.

Bounded: ``--tidsgrense`` for everything (SIGALRM), a timeout per step, at most
``--deltakere`` threads. Always cleans up (try/finally, SIGINT and SIGTERM): the
hub and proxy process groups, every process of the run's Unix users, and the
users themselves (the hub fixture's ``kd-<tag>-`` prefix).

Prints a table; writes bench/results/hub.json.
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, Request, build_opener

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402

from hub_fixture import HUB_PY, PASSWORD, running_hub  # noqa: E402

COURSE = "nyskapende-arbeidsgivere"
STOP = threading.Event()


class Stopped(BaseException):
    """The run was interrupted (signal, overall time limit); no ``except Exception`` swallows it."""


class SpawnFailed(RuntimeError):
    """The hub stopped waiting for a learner's server (Spawner.start_timeout)."""


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] if xs else float("nan")


def summary(xs) -> dict:
    return {"n": len(xs), "median_s": round(statistics.median(xs), 2) if xs else None,
            "p95_s": round(p95(xs), 2) if xs else None, "maks_s": round(max(xs), 2) if xs else None}


class Session:
    """One simulated browser: cookies, XSRF, redirects followed (urllib)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def xsrf(self, path: str = "/hub/") -> str:
        # The hub and each learner server set their own _xsrf cookie, on their own path.
        best = ""
        for c in self.jar:
            if c.name == "_xsrf" and path.startswith(c.path.rstrip("/") or "/"):
                best = c.value
        return best

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 60,
             method: str | None = None):
        if STOP.is_set():
            raise Stopped
        req = Request(self.base + path, data=data, headers=headers or {}, method=method)
        with self.opener.open(req, timeout=timeout) as r:
            return r.status, r.geturl(), r.read().decode(errors="replace")

    def get(self, path: str, timeout: float = 60):
        return self.open(path, timeout=timeout)

    def form(self, path: str, data: dict, timeout: float = 60):
        self.get(path.split("?")[0], timeout=timeout)  # sets the hub's _xsrf cookie
        body = urllib.parse.urlencode({**data, "_xsrf": self.xsrf(path)}).encode()
        return self.open(path, data=body, timeout=timeout)

    def server_post(self, path: str, data: dict | None = None, json_body=None, timeout: float = 120):
        """A POST to the learner's own server, as JupyterLab sends it (cookie + X-XSRFToken)."""
        headers = {"X-XSRFToken": self.xsrf(path)}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        else:
            body = urllib.parse.urlencode(data or {}).encode()
        return self.open(path, data=body, headers=headers, timeout=timeout, method="POST")


def until(deadline: float, what: str, fn, pause: float = 0.5):
    """Call ``fn`` until it returns something true, within ``deadline`` (monotonic)."""
    last = None
    while time.monotonic() < deadline:
        if STOP.is_set():
            raise Stopped
        try:
            got = fn()
            if got:
                return got
        except (urllib.error.URLError, OSError, ValueError) as e:
            last = e
        time.sleep(pause)
    raise TimeoutError(f"{what}: ikke ferdig innen fristen ({last})")


def wait_lab(s: Session, name: str, timeout: float) -> None:
    """Until /user/<name>/lab answers with JupyterLab itself (not the hub's «starting» page)."""
    want = f"/user/{name}/lab"

    def ready():
        try:
            status, url, body = s.get(want, timeout=30)
        except urllib.error.HTTPError as e:
            if e.code == 500 and "/spawn-pending/" in e.geturl():  # the hub gave up (start_timeout)
                raise SpawnFailed(f"serveren til {name} startet ikke (huben ga opp)") from None
            raise
        return status == 200 and urllib.parse.urlparse(url).path.startswith(want) and "jupyter-config-data" in body

    until(time.monotonic() + timeout, f"JupyterLab for {name}", ready)


# -- memory ------------------------------------------------------------------------------------

def tree_memory(uid: int) -> dict:
    """PSS and RSS (bytes) of every process of one Unix user (= the learner's server and kernels)."""
    pss = rss = n = 0
    for p in psutil.process_iter(["uids"]):
        try:
            if p.info["uids"] and p.info["uids"].real == uid:
                m = p.memory_full_info()
                pss, rss, n = pss + m.pss, rss + m.rss, n + 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return {"pss_mb": round(pss / 2**20), "rss_mb": round(rss / 2**20), "prosesser": n}


def pid_tree_memory(pid: int) -> dict:
    try:
        procs = [psutil.Process(pid)] + psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return {"pss_mb": 0, "rss_mb": 0, "prosesser": 0}
    pss = rss = 0
    for p in procs:
        try:
            m = p.memory_full_info()
            pss, rss = pss + m.pss, rss + m.rss
        except psutil.NoSuchProcess:
            pass
    return {"pss_mb": round(pss / 2**20), "rss_mb": round(rss / 2**20), "prosesser": len(procs)}


def run_cells(s: Session, name: str, kernel_id: str, cells: list[str], timeout: float = 120) -> None:
    """Run code in the learner's kernel over its websocket, as JupyterLab does."""
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    cookie = "; ".join(f"{c.name}={c.value}" for c in s.jar)
    url = s.base.replace("http://", "ws://") + f"/user/{name}/api/kernels/{kernel_id}/channels"

    async def go():
        ws = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookie}, connect_timeout=30))
        session = uuid.uuid4().hex
        for code in cells:
            msg_id = uuid.uuid4().hex
            ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name,
                           "session": session, "date": "", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": False}}))
            while True:
                raw = await asyncio.wait_for(ws.read_message(), timeout)
                if raw is None:
                    raise RuntimeError("kjernen lukket forbindelsen")
                msg = json.loads(raw)
                if msg.get("channel") == "shell" and msg["parent_header"].get("msg_id") == msg_id:
                    break
        ws.close()

    asyncio.run(go())


def active_learner(hub, s: Session, name: str) -> None:
    """Open vage/vage.ipynb as a session (a kernel) and run all its code cells."""
    path = "vage/vage.ipynb"
    _st, _u, body = s.server_post(f"/user/{name}/api/sessions", json_body={
        "path": path, "name": "vage.ipynb", "type": "notebook", "kernel": {"name": "python3"}})
    kernel_id = json.loads(body)["kernel"]["id"]
    _st, _u, body = s.get(f"/user/{name}/api/contents/{path}?content=1")
    nb = json.loads(body)["content"]
    code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]
    run_cells(s, name, kernel_id, code or ["1"])


# -- one learner -------------------------------------------------------------------------------

STEP_TIMEOUT = {"innlogging": 120, "klar_lab": 300, "hent": 120, "lever": 120}


def learner_round(hub, name: str, start_at: float, t_round: float, out: dict, lock: threading.Lock) -> None:
    times: dict[str, float] = {}
    try:
        while time.monotonic() < start_at:
            if STOP.is_set():
                raise Stopped
            time.sleep(min(0.2, start_at - time.monotonic()) if start_at > time.monotonic() else 0)
        s = Session(hub.url)
        t0 = time.monotonic()
        s.form("/hub/login?next=%2Fhub%2Fspawn", {"username": name, "password": PASSWORD},
               timeout=STEP_TIMEOUT["innlogging"])
        t1 = time.monotonic()
        wait_lab(s, name, STEP_TIMEOUT["klar_lab"])
        t2 = time.monotonic()
        _st, _u, body = s.server_post(f"/user/{name}/assignments/fetch",
                                      {"course_id": COURSE, "assignment_id": "vage"}, timeout=STEP_TIMEOUT["hent"])
        if not any(a.get("assignment_id") == "vage" and a.get("status") == "fetched"
                   for a in json.loads(body).get("value", [])):
            raise RuntimeError(f"henting feilet: {body[:300]}")
        t3 = time.monotonic()
        _st, _u, body = s.server_post(f"/user/{name}/assignments/submit",
                                      {"course_id": COURSE, "assignment_id": "vage"}, timeout=STEP_TIMEOUT["lever"])
        if not json.loads(body).get("success", False):
            raise RuntimeError(f"levering feilet: {body[:300]}")
        t4 = time.monotonic()
        times = {"innlogging (POST /hub/login)": t1 - t0, "innlogging→klar JupyterLab": t2 - t0,
                 "hent (fetch)": t3 - t2, "lever (submit)": t4 - t3, "innlogging→levert": t4 - t0,
                 "ferdig etter rundestart": t4 - t_round}
        with lock:
            out["sessions"][name] = s
    except Stopped:
        return
    except Exception as e:  # one learner's failure is a result, not the end of the run
        with lock:
            out["feil"].append(f"{name}: {type(e).__name__}: {str(e)[:300]}")
        return
    with lock:
        for k, v in times.items():
            out["steg"].setdefault(k, []).append(v)


def sign_up_all(hub, leader: Session, names: list[str], timeout: float = 60) -> dict:
    """Sign-up and approval beforehand (not part of the minute), one after the other."""
    t = []
    for name in names:
        t0 = time.monotonic()
        s = Session(hub.url)
        s.form("/hub/signup", {"username": name, "signup_password": PASSWORD,
                               "signup_password_confirmation": PASSWORD}, timeout=timeout)
        leader.get(f"/hub/authorize/{name}", timeout=timeout)
        t.append(time.monotonic() - t0)
    return summary(t)


class Sampler(threading.Thread):
    """CPU seconds and peak RSS of the hub and the proxy, and the machine's load, during a round."""

    def __init__(self, procs: dict[str, psutil.Process]):
        super().__init__(daemon=True)
        self.procs = procs
        self.peak = dict.fromkeys(procs, 0)
        self.cpu0 = {k: sum(p.cpu_times()[:2]) for k, p in procs.items()}
        self.sys0 = psutil.cpu_times()
        self.halt = threading.Event()
        self.loads: list[float] = []

    def run(self):
        while not self.halt.is_set():
            for k, p in self.procs.items():
                try:
                    self.peak[k] = max(self.peak[k], p.memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            self.loads.append(os.getloadavg()[0])
            self.halt.wait(0.5)

    def result(self, wall: float) -> dict:
        self.halt.set()
        sys1 = psutil.cpu_times()
        busy = lambda t: t.user + t.nice + t.system + t.irq + t.softirq  # noqa: E731
        out = {"maskin_cpu_opptatt_prosent": round(100 * (busy(sys1) - busy(self.sys0)) /
                                                   max(1e-9, wall * psutil.cpu_count()), 1),
               "maskin_last_maks": round(max(self.loads or [0]), 1)}
        for k, p in self.procs.items():
            try:
                cpu = sum(p.cpu_times()[:2]) - self.cpu0[k]
            except psutil.NoSuchProcess:
                cpu = float("nan")
            out[f"{k}_cpu_s"] = round(cpu, 1)
            out[f"{k}_cpu_snitt_kjerner"] = round(cpu / wall, 2)
            out[f"{k}_rss_topp_mb"] = round(self.peak[k] / 2**20)
        return out


def stop_servers(hub, names: list[str], timeout: float = 120) -> None:
    for name in names:
        try:
            hub.api("DELETE", f"/users/{name}/server")
        except Exception:
            pass
    deadline = time.monotonic() + timeout
    try:
        for name in names:
            until(deadline, f"stopp {name}", lambda n=name: not hub.api("GET", f"/users/{n}").get("servers"), 1)
    except TimeoutError as e:  # the next round starts with some servers still stopping: say so
        print(f"Advarsel: {e}", file=sys.stderr, flush=True)


def one_round(hub, names: list[str], spread: float, budget: float) -> dict:
    out: dict = {"steg": {}, "feil": [], "sessions": {}}
    lock = threading.Lock()
    sampler = Sampler({"hub": psutil.Process(hub.procs.hub.pid), "proxy": psutil.Process(hub.procs.proxy.pid)})
    sampler.start()
    t_round = time.monotonic()
    threads = [threading.Thread(target=learner_round, daemon=True,
                                args=(hub, n, t_round + i * spread / len(names), t_round, out, lock))
               for i, n in enumerate(names)]
    for t in threads:
        t.start()
    deadline = t_round + budget
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    wall = time.monotonic() - t_round
    late = [t for t in threads if t.is_alive()]
    res = {"deltakere": len(names), "spredning_s": spread, "veggtid_s": round(wall, 1),
           "ferdig_innen_60_s": sum(1 for v in out["steg"].get("ferdig etter rundestart", []) if v <= 60),
           "levert": len(out["steg"].get("lever (submit)", [])),
           "ikke_ferdig_innen_runde_grensen": len(late),
           "steg": {k: summary(v) for k, v in out["steg"].items()},
           "feil": out["feil"][:20], "antall_feil": len(out["feil"]), **sampler.result(wall)}
    res["_sessions"] = out["sessions"]
    return res


def memory_of_servers(hub, sessions: dict[str, Session], n_active: int = 3) -> dict:
    names = sorted(sessions)
    uid = {n: pwd.getpwnam(hub.s.unix_name(n)).pw_uid for n in names}
    idle = [tree_memory(uid[n]) for n in names]
    active_names = names[:n_active]
    for n in active_names:
        active_learner(hub, sessions[n], n)
    time.sleep(3)
    active = [tree_memory(uid[n]) for n in active_names]
    med = lambda rows, k: round(statistics.median(r[k] for r in rows)) if rows else None  # noqa: E731
    return {"tomgang": {"servere": len(idle), "pss_mb_median": med(idle, "pss_mb"), "rss_mb_median": med(idle, "rss_mb"),
                        "pss_mb_maks": max((r["pss_mb"] for r in idle), default=None)},
            "aktiv": {"servere": len(active), "pss_mb_median": med(active, "pss_mb"),
                      "rss_mb_median": med(active, "rss_mb"),
                      "pss_mb_maks": max((r["pss_mb"] for r in active), default=None),
                      "prosesser": [r["prosesser"] for r in active]}}


def single_user_lab(timeout: float = 120) -> dict:
    """`make start`'s JupyterLab (one `jupyter lab`, no hub): time to ready, and its memory."""
    import secrets
    import shutil
    import socket
    import tempfile

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(8)
    tmp = tempfile.mkdtemp(prefix="kd-lab-")
    env = {"HOME": tmp, "PATH": f"{HUB_PY.parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           **{k: f"{tmp}/{k.lower()}" for k in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR",
                                                 "IPYTHONDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}}
    t0 = time.monotonic()
    proc = subprocess.Popen([str(HUB_PY), "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
                             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             "--LabApp.news_url=None"],
                            cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        s = Session(f"http://127.0.0.1:{port}")

        def ready():
            st, _u, body = s.get(f"/lab?token={token}", timeout=10)
            return st == 200 and "jupyter-config-data" in body

        until(time.monotonic() + timeout, "enbruker-JupyterLab", ready, 0.2)
        ready_s = time.monotonic() - t0
        time.sleep(3)
        idle = pid_tree_memory(proc.pid)
        st, _u, body = s.open(f"/api/kernels?token={token}", data=b"{}", method="POST",
                              headers={"Content-Type": "application/json"})
        time.sleep(5)
        with_kernel = pid_tree_memory(proc.pid)
        return {"klar_s": round(ready_s, 2), "tomgang": idle, "med_kjerne": with_kernel}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


def kill_group(proc) -> None:
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deltakere", default="10,25,50", help="runder, antall deltakere per runde (10,25,50)")
    ap.add_argument("--spredning", type=float, default=60, help="innloggingene spres over så mange sekunder")
    ap.add_argument("--runde-grense", type=float, default=420, help="sekunder før en runde gir opp")
    ap.add_argument("--tidsgrense", type=int, default=2400, help="sekunder for hele kjøringen")
    ap.add_argument("--aktive", type=int, default=3, help="servere som måles aktive (kjerne + notatbok)")
    args = ap.parse_args()
    rounds = [int(x) for x in args.deltakere.split(",") if x.strip()]

    def interrupt(signum, _frame):
        if STOP.is_set():  # already cleaning up: let the clean-up finish
            return
        STOP.set()
        raise Stopped(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(args.tidsgrense)

    result: dict = {"dato": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "kjerner": psutil.cpu_count(),
                    "minne_gb": round(psutil.virtual_memory().total / 2**30, 1), "runder": []}
    hub = None
    try:
        with running_hub() as hub:
            all_names = [f"r{n}-{i:02d}" for n in rounds for i in range(n)]
            csv = hub.roster_csv.with_name("bench.csv")
            csv.write_text("id;navn;epost;enhet\n" + "".join(f"{n};Deltaker {n};{n}@eksempel.no;Enhet\n"
                                                              for n in all_names), encoding="utf-8")
            os.chmod(csv, 0o644)
            hub.kursleder("deltakere", "importer", str(csv))
            hub.kursleder("del-ut", "vage")
            leader = Session(hub.url)
            leader.form("/hub/login", {"username": "kari", "password": hub.leader_passwords["kari"]})
            t0 = time.monotonic()
            result["registrering_og_godkjenning_per_deltaker"] = sign_up_all(hub, leader, all_names)
            print(f"{len(all_names)} deltakere registrert og godkjent på {time.monotonic() - t0:.0f} s", flush=True)
            for i, n in enumerate(rounds):
                names = [x for x in all_names if x.startswith(f"r{n}-")]
                r = one_round(hub, names, args.spredning, args.runde_grense)
                sessions = r.pop("_sessions")
                print(json.dumps(r, ensure_ascii=False), flush=True)
                if i == 0 and sessions:
                    result["minne_deltakerserver"] = memory_of_servers(hub, sessions, args.aktive)
                    print(json.dumps(result["minne_deltakerserver"], ensure_ascii=False), flush=True)
                result["runder"].append(r)
                stop_servers(hub, names)
            result["enbruker_make_start"] = single_user_lab()
    except Stopped as e:
        result["avbrutt"] = str(e) or "avbrutt"
        print(f"Avbrutt ({result['avbrutt']}): rydder opp …", file=sys.stderr, flush=True)
    finally:
        signal.alarm(0)
        STOP.set()
        if hub is not None:  # running_hub() has stopped the hub and removed its users; make sure of both
            kill_group(hub.procs.hub)
            kill_group(hub.procs.proxy)
            left = [p.info["name"] for p in psutil.process_iter(["username", "name"])
                    if (p.info["username"] or "").startswith(hub.s.unix_prefix)]
            users = [e.pw_name for e in pwd.getpwall() if e.pw_name.startswith(hub.s.unix_prefix)]
            result["opprydding"] = {"prosesser_igjen": left, "brukere_igjen": users}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hub.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if "avbrutt" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
