"""The sandbox's command: the ``bwrap`` arguments, the seccomp filter, the limits and the check
that a sandboxed Python starts on this machine.

:mod:`grading.sandbox` starts every grading kernel with :func:`kernel_command`; see there for what
the sandbox allows. Standard library only, so the CLI can check the sandbox without loading Jupyter.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile

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
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(WORK_BYTES), "--tmpfs", "/tmp",
             "--size", str(WORK_BYTES), "--tmpfs", WORKDIR]
    # After the private /tmp: bwrap mounts in order, and a venv may live under /tmp (a CI clone).
    for d in _python_dirs(python):
        args += ["--ro-bind", d, d]
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
        # /proc is the sandbox's own (new PID namespace, fresh procfs): ipykernel and psutil read
        # /proc/stat and /proc/<pid>/stat there, which is no finding about the learner's code.
        "allowed": [p + "/" for p in [WORKDIR, "/tmp", SOURCE, "/usr", "/proc", "/dev/shm", kernel_dir]
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
    with tempfile.TemporaryDirectory(prefix="sandkasse-", dir=short_tmp()) as d:
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


def short_tmp() -> str:
    """A temporary folder with a short path: Unix socket paths must stay under 108 bytes."""
    base = tempfile.gettempdir()
    return base if len(base) <= 40 else "/tmp"
