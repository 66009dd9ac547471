"""Sandbox (sandkasse) for every kernel that runs learner code while grading.

nbgrader runs a submitted notebook in a kernel started as the user who runs
``kursleder rett``. Here that kernel is started inside ``bubblewrap``
(``bwrap``, Debian package ``bubblewrap``), the unprivileged sandbox used by
Flatpak. It works as root and as an ordinary user (the hub's grader account),
with no daemon and no setuid helper. See docs/drift.md, «Sandkasse for retting».

Inside the sandbox:

* the file system holds only the read-only system (``/usr``), the Python
  installation, a private ``/tmp`` and ``/arbeid``: a size-limited in-memory
  copy of this one submission's working folder (made from a read-only view of
  it). The course folder, gradebook, roster, other submissions, home folders
  and the project are not there at all; nothing written inside survives;
* new user, PID, network, IPC and UTS namespaces: no network, not even
  loopback to the hub or Voila (the grader talks to the kernel over ZeroMQ's
  ``ipc`` transport: Unix sockets in a private folder shared with the sandbox);
* an empty environment (no ``JUPYTERHUB_API_TOKEN`` or other secrets);
* a seccomp filter that refuses new processes (``fork``, ``vfork``, ``clone``
  without ``CLONE_THREAD``), so a fork bomb stops at once; threads still work;
* limits: address space (memory), file size, open files, CPU time, wall time
  per notebook (:class:`SandboxedExecute`) and the bytes of output the grader
  keeps.

Inside the kernel a Python audit hook notes what the learner's code tried
(files outside its folder, sockets, new processes, secret environment
variables). The trusted side reads that note after the kernel has stopped and
writes it to ``rapporter/sandkasse-<oppgave>.jsonl``; the anomaly report
turns it into Norwegian findings. The note is only a report: the sandbox,
not the hook, is what stops the attempt.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, default

#: Environment variable that turns the sandbox off (``av``): only for a machine without bwrap.
ENV_SWITCH = "KURSLEDER_SANDKASSE"

WORKDIR = "/arbeid"          # the submission's working folder inside the sandbox
SOURCE = "/innlevering"      # read-only view of the folder nbgrader prepared
SANDBOX_UID = 1000

MEMORY_BYTES = 1536 * 2**20  # address space of the kernel (RLIMIT_AS)
WORK_BYTES = 64 * 2**20      # size of /arbeid (and of /tmp)
FILE_BYTES = 32 * 2**20      # largest file the kernel may write (RLIMIT_FSIZE)
OPEN_FILES = 256
NOTEBOOK_SECONDS = 300       # wall time for one whole notebook
OUTPUT_BYTES = 2 * 2**20     # output the grader keeps from one notebook

EVENTS_FILE = "hendelser.jsonl"
MAX_EVENTS_BYTES = 256 * 1024


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot make namespaces here; the message says what to do, in Norwegian."""


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in ("av", "0", "nei", "off", "false")


# --------------------------------------------------------------------------
# seccomp: no new processes
# --------------------------------------------------------------------------
_ARCH = {  # machine -> (AUDIT_ARCH_*, clone, clone3, [fork, vfork])
    "x86_64": (0xC000003E, 56, 435, [57, 58]),
    "aarch64": (0xC00000B7, 220, 435, []),
}
_CLONE_THREAD = 0x00010000
_EAGAIN, _ENOSYS = 11, 38
_RET_ALLOW, _RET_KILL, _RET_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000


def seccomp_program(machine: str | None = None) -> bytes:
    """A classic BPF seccomp program (what ``bwrap --seccomp`` reads) refusing new processes.

    ``clone3`` answers ENOSYS so that libc falls back to ``clone``, whose flags
    the filter can read: with ``CLONE_THREAD`` (a thread) it is allowed, else
    EAGAIN, as when a process limit is reached. A foreign syscall ABI is killed.
    """
    machine = machine or platform.machine()
    if machine not in _ARCH:
        raise SandboxUnavailable(f"Sandkassen støtter ikke maskintypen {machine}.")
    arch, clone, clone3, forks = _ARCH[machine]
    ld_abs, jeq, jset, jge, ret = 0x20, 0x15, 0x45, 0x35, 0x06
    prog: list[tuple[int, int, int, int]] = [
        (ld_abs, 0, 0, 4),                        # A = arch
        (jeq, 1, 0, arch),
        (ret, 0, 0, _RET_KILL),
        (ld_abs, 0, 0, 0),                        # A = syscall number
    ]
    if machine == "x86_64":
        prog += [(jge, 0, 1, 0x40000000), (ret, 0, 0, _RET_KILL)]  # the x32 ABI
    checks = [(n, 1) for n in forks] + [(clone3, 2), (clone, 3)]  # (syscall, label below)
    allow = len(prog) + len(checks)
    for i, (nr, label) in enumerate(checks):
        prog.append((jeq, allow + label - (len(prog)) - 1, 0, nr))
    prog += [
        (ret, 0, 0, _RET_ALLOW),                  # allow + 0
        (ret, 0, 0, _RET_ERRNO | _EAGAIN),        # allow + 1: fork, vfork
        (ret, 0, 0, _RET_ERRNO | _ENOSYS),        # allow + 2: clone3
        (ld_abs, 0, 0, 16),                       # allow + 3: clone, A = flags (low word of args[0])
        (jset, 0, 1, _CLONE_THREAD),
        (ret, 0, 0, _RET_ALLOW),                  # a thread
        (ret, 0, 0, _RET_ERRNO | _EAGAIN),        # a process
    ]
    return b"".join(struct.pack("<HBBI", *ins) for ins in prog)


# --------------------------------------------------------------------------
# What runs first inside the sandbox
# --------------------------------------------------------------------------
_BOOT = r'''
import json, os, resource, shutil, sys
_cfg = json.loads(sys.argv.pop(1))
for _name, _value in _cfg["limits"].items():
    resource.setrlimit(getattr(resource, _name), (_value, _value))
if os.path.isdir(_cfg["source"]):
    shutil.copytree(_cfg["source"], _cfg["workdir"], symlinks=True, dirs_exist_ok=True)
os.chdir(_cfg["workdir"])
_log = open(_cfg["events"], "a", buffering=1, encoding="utf-8")
_seen = set()
_allowed = tuple(_cfg["allowed"])
_secret = ("TOKEN", "SECRET", "PASSWORD", "PASSORD", "API_KEY", "JUPYTERHUB", "JPY_", "AWS_", "KURSLEDER")
_busy = [False]


def _note(kind, detail):
    key = (kind, str(detail)[:200])
    if key in _seen or len(_seen) > 50:
        return
    _seen.add(key)
    _busy[0] = True
    try:
        _log.write(json.dumps({"kind": kind, "detail": key[1]}, ensure_ascii=False) + "\n")
    finally:
        _busy[0] = False


def _outside(path):
    if isinstance(path, int):
        return False
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    path = os.path.normpath(os.path.join(os.getcwd(), os.fspath(path)))
    return not (path + "/").startswith(_allowed) and path not in _cfg["devices"]


_armed = [False]


def _hook(event, args):
    if _busy[0]:
        return
    if not _armed[0]:
        # note only what the notebook's cells do, not the kernel's own start-up
        if event == "exec" and args and "ipykernel_" in getattr(args[0], "co_filename", ""):
            _armed[0] = True
        else:
            return
    if event in ("open", "sqlite3.connect") and args and not isinstance(args[0], int):
        if _outside(args[0]):
            _note("fil", os.fspath(args[0]))
    elif event in ("os.listdir", "os.scandir") and args and args[0] not in (None, ".", b"."):
        if not isinstance(args[0], int) and _outside(args[0]) and os.fspath(args[0]) not in sys.path:
            _note("fil", os.fspath(args[0]))
    elif event in ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.symlink", "os.link"):
        if args and not isinstance(args[0], int) and _outside(args[0]):
            _note("fil", os.fspath(args[0]))
    elif event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        _note("nett", args[1] if len(args) > 1 else "")
    elif event in ("os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn", "os.system",
                   "subprocess.Popen", "pty.spawn"):
        _note("prosess", args[0] if args and event != "os.fork" else event)


class _WatchedEnviron(type(os.environ)):
    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            if _armed[0] and any(s in str(key).upper() for s in _secret):
                _note("miljo", key)
            raise


os.environ.__class__ = _WatchedEnviron
sys.addaudithook(_hook)
del _name, _value
sys.argv[0] = "ipykernel_launcher"
from ipykernel import kernelapp as _app
_app.launch_new_instance()
'''


def _python_dirs(python: str | None = None) -> list[str]:
    """Folders of the Python installation the kernel needs (read-only), outside /usr."""
    dirs = []
    if python is None:
        roots = (sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)))
    else:
        roots = (os.path.dirname(os.path.dirname(os.path.abspath(python))),
                 os.path.dirname(os.path.dirname(os.path.realpath(python))))
    for p in roots:
        real = os.path.realpath(p)
        for d in {p, real}:
            if d.startswith("/usr/") or d == "/usr":
                continue
            if not any(d == x or d.startswith(x + "/") for x in dirs):
                dirs = [x for x in dirs if not x.startswith(d + "/")] + [d]
    return sorted(dirs)


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap",) if os.access(p, os.X_OK)), None)


def sandbox_argv(source: str | None, kernel_dir: str, seccomp_fd: int = 9,
                 python: str | None = None) -> list[str]:
    """The ``bwrap`` arguments (without the command) for one kernel (``python``: default this one)."""
    bwrap = bwrap_path()
    if not bwrap:
        raise SandboxUnavailable(
            "Programmet «bwrap» (Debian-pakken bubblewrap) mangler, så innleveringer kan ikke "
            "kjøres i sandkasse. Installer det med «sudo apt-get install bubblewrap» (eller «make "
            "sandkasse»). Uten sandkasse kan deltakernes kode lese og endre filene dine.")
    args = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
            "--new-session", "--clearenv", "--cap-drop", "ALL",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandkasse",
            "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for d in _python_dirs(python):
        args += ["--ro-bind", d, d]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(WORK_BYTES), "--tmpfs", "/tmp",
             "--size", str(WORK_BYTES), "--tmpfs", WORKDIR]
    if source and os.path.isdir(source):
        args += ["--ro-bind", source, SOURCE]
    args += ["--bind", kernel_dir, kernel_dir, "--chdir", "/tmp",
             "--setenv", "HOME", WORKDIR, "--setenv", "PATH", "/usr/bin:/bin",
             "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONNOUSERSITE", "1",
             "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "MPLBACKEND", "Agg",
             "--setenv", "IPYTHONDIR", "/tmp/.ipython", "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/.jupyter",
             "--setenv", "JUPYTER_PLATFORM_DIRS", "1", "--setenv", "MPLCONFIGDIR", "/tmp/.mpl",
             "--setenv", "XDG_CACHE_HOME", "/tmp/.cache"]
    if os.environ.get("NBGRADER_EXECUTION"):
        args += ["--setenv", "NBGRADER_EXECUTION", os.environ["NBGRADER_EXECUTION"]]
    args += ["--seccomp", str(seccomp_fd)]
    return args


def kernel_command(source: str | None, kernel_dir: str, kernel_args: list[str]) -> list[str]:
    """Full command: a shell opens the seccomp program on fd 9, then runs bwrap → python → ipykernel."""
    bpf = os.path.join(kernel_dir, "seccomp.bpf")
    if not os.path.exists(bpf):
        with open(bpf, "wb") as fh:
            fh.write(seccomp_program())
    cfg = {
        "limits": {"RLIMIT_AS": MEMORY_BYTES, "RLIMIT_FSIZE": FILE_BYTES, "RLIMIT_NOFILE": OPEN_FILES,
                   "RLIMIT_CORE": 0, "RLIMIT_CPU": NOTEBOOK_SECONDS + 30, "RLIMIT_NPROC": 256},
        "source": SOURCE, "workdir": WORKDIR, "events": os.path.join(kernel_dir, EVENTS_FILE),
        "allowed": [p + "/" for p in [WORKDIR, "/tmp", SOURCE, "/usr", "/proc/self", "/dev/shm", kernel_dir]
                    + _python_dirs()],
        "devices": ["/dev/null", "/dev/urandom", "/dev/random", "/dev/zero", "/dev/tty", "/dev/ptmx",
                    "/proc/self/fd"],
    }
    python = sys.executable
    return (["/bin/sh", "-c", 'exec 9<"$1" && shift && exec "$@"', "sandkasse", bpf]
            + sandbox_argv(source, kernel_dir) + [python, "-I", "-c", _BOOT, json.dumps(cfg)] + kernel_args)


_PROBED: dict[str, str | None] = {}


def check_available() -> None:
    """Raise :class:`SandboxUnavailable` (Norwegian message) unless a sandboxed Python starts here."""
    key = "probe"
    if key not in _PROBED:
        _PROBED[key] = _probe()
    if _PROBED[key]:
        raise SandboxUnavailable(_PROBED[key])


def _probe() -> str | None:
    with tempfile.TemporaryDirectory(prefix="sandkasse-", dir=_short_tmp()) as d:
        try:
            cmd = kernel_command(None, d, [])
        except SandboxUnavailable as exc:
            return str(exc)
        # the same sandbox, but only checking that the kernel's package can be imported there
        probe = list(cmd)
        i = probe.index("-c", probe.index(sys.executable))
        probe[i + 1:] = ["import ipykernel"]
        try:
            proc = subprocess.run(probe, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"Sandkassen (bwrap) kunne ikke startes: {exc}."
        if proc.returncode != 0:
            return ("Sandkassen (bwrap) kunne ikke startes på denne maskinen: "
                    f"{(proc.stderr or '').strip()[:300]}. bwrap trenger «user namespaces» "
                    "(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0).")
    return None


def _short_tmp() -> str:
    """A temporary folder with a short path: Unix socket paths must stay under 108 bytes."""
    base = tempfile.gettempdir()
    return base if len(base) <= 40 else "/tmp"


# --------------------------------------------------------------------------
# The kernel manager and the executor nbgrader uses
# --------------------------------------------------------------------------
class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel inside :func:`kernel_command` and talks to it over ZeroMQ ``ipc``."""

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("cache_ports")
    def _default_cache_ports(self):
        return False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.kernel_dir = tempfile.mkdtemp(prefix="sandkasse-", dir=_short_tmp())
        os.chmod(self.kernel_dir, 0o700)
        self.connection_file = os.path.join(self.kernel_dir, "k.json")
        self.ip = os.path.join(self.kernel_dir, "k")
        self.sandbox_source: str | None = None
        self.sandbox_events: list[dict] = []

    async def _async_pre_start_kernel(self, **kw):
        self.sandbox_source = kw.get("cwd")
        kw["cwd"] = self.kernel_dir
        kw["stdout"] = subprocess.DEVNULL
        kw["stderr"] = subprocess.DEVNULL
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        try:  # keep what follows «-m ipykernel_launcher»: -f <connection file> and extra arguments
            rest = cmd[cmd.index("ipykernel_launcher") + 1:]
        except ValueError:
            raise SandboxUnavailable("Sandkassen kan bare kjøre Python-kjernen (ipykernel).") from None
        return kernel_command(self.sandbox_source, self.kernel_dir, rest)

    def read_events(self) -> list[dict]:
        path = os.path.join(self.kernel_dir, EVENTS_FILE)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return self.sandbox_events
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_EVENTS_BYTES)
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(ev, dict) and ev.get("kind") in EVENT_TEXT and ev not in self.sandbox_events:
                self.sandbox_events.append({"kind": ev["kind"], "detail": str(ev.get("detail", ""))[:200]})
        return self.sandbox_events

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        self.read_events()
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.kernel_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


#: What the hook noted, in Norwegian (used by the anomaly report).
EVENT_TEXT = {
    "fil": "prøvde å lese, liste eller endre filer utenfor sin egen mappe",
    "nett": "prøvde å åpne en nettverksforbindelse",
    "prosess": "prøvde å starte andre programmer eller prosesser",
    "miljo": "prøvde å lese hemmelige miljøvariabler (for eksempel tilgangsnøkler)",
    "tid": f"nådde tidsgrensen for hele notatboken ({NOTEBOOK_SECONDS} s); resten av cellene ble ikke kjørt",
    "minne": f"nådde minnegrensen ({MEMORY_BYTES // 2**20} MB)",
    "utdata": f"skrev mer utdata enn grensen ({OUTPUT_BYTES // 2**20} MB); resten ble kuttet",
}
LIMIT_KINDS = ("tid", "minne", "utdata")


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with every kernel in the sandbox and limits per notebook."""

    notebook_timeout = Integer(NOTEBOOK_SECONDS, help="Wall time for one whole notebook (s).").tag(config=True)
    max_output_bytes = Integer(OUTPUT_BYTES, help="Output kept from one notebook (bytes).").tag(config=True)
    raise_on_iopub_timeout = Bool(False).tag(config=True)

    def __init__(self, *args, **kwargs):
        if enabled():
            check_available()
            kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._deadline = None
        self._output_bytes = 0
        self._limits: set[str] = set()
        self._managers: list = []

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        self._managers.append(km)
        return km

    def _cell_timeout(self, cell) -> int:
        remaining = max(1, int(self._deadline - time.monotonic()) + 1)
        return min(self.timeout, remaining) if self.timeout and self.timeout > 0 else remaining

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._output_bytes = 0
        self._limits = set()
        self._managers = []
        self.timeout_func = self._cell_timeout
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            self._record(nb, resources or {})

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and cell.source.strip() and time.monotonic() >= self._deadline:
            self._limits.add("tid")
            from nbformat import NotebookNode

            cell.outputs = [NotebookNode(output_type="error", ename="NotebookTimeout", evalue="",
                                         traceback=["Tidsgrensen for notatboken er nådd; cellen er ikke kjørt."])]
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        self._output_bytes += size
        if self._output_bytes > self.max_output_bytes:
            if "utdata" not in self._limits:
                self._limits.add("utdata")
                from nbformat import NotebookNode

                outs.append(NotebookNode(output_type="stream", name="stderr",
                                         text="\n[Utdata er kuttet: grensen for notatboken er nådd.]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _record(self, nb, resources: dict) -> None:
        """Write what happened in the sandbox for this notebook to rapporter/sandkasse-<a>.jsonl."""
        events: list[dict] = []
        for km in self._managers:
            if isinstance(km, SandboxKernelManager):
                events += [e for e in km.read_events() if e not in events]
        for cell in getattr(nb, "cells", []):
            for out in cell.get("outputs", []) or []:
                if out.get("output_type") == "error" and out.get("ename") == "MemoryError":
                    self._limits.add("minne")
                if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                    if time.monotonic() >= self._deadline - 1:
                        self._limits.add("tid")
        events += [{"kind": k, "detail": ""} for k in sorted(self._limits)]
        nbg = resources.get("nbgrader") or {}
        student, assignment = nbg.get("student"), nbg.get("assignment")
        if not (student and assignment):
            return
        record = {"student": student, "assignment": assignment, "notebook": nbg.get("notebook", ""),
                  "sandbox": enabled(), "events": events,
                  "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        write_record(self._course_root(), record)

    def _course_root(self) -> Path:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=self.config).root)


def log_path(course_dir: Path | str, assignment: str) -> Path:
    from grading.paths import layout

    return layout(course_dir).rapporter / f"sandkasse-{assignment}.jsonl"


def write_record(course_dir: Path | str, record: dict) -> None:
    path = log_path(course_dir, record["assignment"])
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, line)  # one write: lines from parallel workers do not interleave
    finally:
        os.close(fd)


def read_records(course_dir: Path | str, assignment: str) -> dict[tuple[str, str], dict]:
    """The latest sandbox record per (learner, notebook)."""
    path = log_path(course_dir, assignment)
    out: dict[tuple[str, str], dict] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and rec.get("student"):
            out[(rec["student"], rec.get("notebook", ""))] = rec
    return out
