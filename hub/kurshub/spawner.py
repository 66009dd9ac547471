"""One Unix user per learner, created on first start; the server runs with that user's rights only.

SystemdSpawner needs systemd as PID 1, which the course's machines (and many
containers) do not have, so we use JupyterHub's own LocalProcessSpawner and add:

- the Unix user ``<prefix><hub name>`` with a private home (0700) and umask 077,
  created with ``useradd`` the first time the server starts;
- one memory limit for the whole server (JupyterLab and every kernel it starts),
  ``KURS_HUB_MEM_LIMIT``: a memory cgroup per learner, written straight to the
  kernel's cgroup files (cgroup v2 ``memory.max``, or cgroup v1
  ``memory.limit_in_bytes`` where only v1 has the memory controller). When the
  server goes past it, the kernel's OOM killer stops the largest process in that
  learner's group (in practice the kernel that allocated); other learners are not
  touched. Where no writable memory cgroup exists, the hub says so in its log and
  falls back to a limit per process (RLIMIT_DATA), which cannot bound the server
  as a whole.
"""
from __future__ import annotations

import asyncio
import errno
import grp
import logging
import os
import pwd
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from tornado import web

from .settings import DELTAKERE, KURSLEDERE, HubSettings, from_env

NOT_ON_ROSTER = ("Du står ikke på deltakerlisten for kurset, og får derfor ingen arbeidsflate. "
                 "Ta kontakt med kurslederen hvis du mener du skal være med.")


def _useradd_argv(name: str, home: Path, system: bool) -> list[str]:
    argv = ["useradd", "--no-log-init", "--user-group", "--create-home", "--home-dir", str(home),
            "--shell", "/bin/bash", "--key", "UMASK=077", "--comment", ""]
    return argv + (["--system"] if system else []) + [name]


def _private_home(entry: pwd.struct_passwd) -> pwd.struct_passwd:
    Path(entry.pw_dir).mkdir(parents=True, exist_ok=True)
    os.chown(entry.pw_dir, entry.pw_uid, entry.pw_gid)
    os.chmod(entry.pw_dir, 0o700)
    return entry


def ensure_unix_user(name: str, home: Path, *, system: bool = False) -> pwd.struct_passwd:
    """Create the Unix user ``name`` (own group, home ``home`` with mode 0700) if it is missing."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(_useradd_argv(name, home, system), check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    return _private_home(entry)


#: One ``useradd`` at a time: it locks /etc/passwd and gives up after a while when many wait.
_USERADD_LOCK: asyncio.Lock | None = None


async def ensure_unix_user_async(name: str, home: Path) -> pwd.struct_passwd:
    """:func:`ensure_unix_user` for the hub: ``useradd`` runs without blocking the hub's event loop."""
    global _USERADD_LOCK
    try:
        return _private_home(pwd.getpwnam(name))
    except KeyError:
        pass
    _USERADD_LOCK = _USERADD_LOCK or asyncio.Lock()
    async with _USERADD_LOCK:
        try:
            return _private_home(pwd.getpwnam(name))
        except KeyError:
            pass
        proc = await asyncio.create_subprocess_exec(*_useradd_argv(name, home, False),
                                                    stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
        _out, err = await proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"useradd {name} failed ({proc.returncode}): {err.decode(errors='replace')}")
        return _private_home(pwd.getpwnam(name))


# -- memory: one cgroup per learner server ------------------------------------------------------

#: The folder under the memory hierarchy that holds one cgroup per learner server.
CGROUP_PARENT = "kurshub"


@dataclass(frozen=True)
class MemoryCgroups:
    """Where learner cgroups live: ``version`` 2 (unified) or 1 (the ``memory`` hierarchy)."""
    version: int
    root: Path

    @property
    def parent(self) -> Path:
        return self.root / CGROUP_PARENT

    def path(self, unix_name: str) -> Path:
        return self.parent / unix_name

    def limit_files(self) -> tuple[str, ...]:
        # v1: memory+swap too, so swap cannot carry a server past its limit (the file exists
        # only with swap accounting); v2: no swap at all for a learner server.
        return ("memory.max",) if self.version == 2 else ("memory.limit_in_bytes",
                                                          "memory.memsw.limit_in_bytes")

    def create(self, unix_name: str, limit: int) -> Path:
        """Make (or reuse) the learner's cgroup with ``limit`` bytes for the whole server."""
        if self.version == 2:
            _enable_v2_memory(self.root, self.parent)
        self.parent.mkdir(exist_ok=True)
        path = self.path(unix_name)
        path.mkdir(exist_ok=True)
        files = [path / name for name in self.limit_files() if (path / name).exists()]
        if len(files) == 2 and limit > int(files[1].read_text()):
            files.reverse()  # v1 wants memory ≤ memory+swap at every step
        for f in files:
            f.write_text(str(limit))
        if self.version == 2 and (path / "memory.swap.max").exists():
            (path / "memory.swap.max").write_text("0")
        return path

    def remove(self, unix_name: str) -> None:
        """Remove the learner's cgroup once no process is left in it (otherwise leave it)."""
        try:
            self.path(unix_name).rmdir()
        except FileNotFoundError:
            pass
        except OSError as e:
            if e.errno not in (errno.EBUSY, errno.ENOTEMPTY):
                raise

    def pids(self, unix_name: str) -> list[int]:
        try:
            return [int(x) for x in (self.path(unix_name) / "cgroup.procs").read_text().split()]
        except FileNotFoundError:
            return []

    def oom_kills(self, unix_name: str) -> int:
        """How many processes the kernel's OOM killer stopped in this cgroup."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            text = (self.path(unix_name) / name).read_text()
        except FileNotFoundError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0


def _enable_v2_memory(root: Path, parent: Path) -> None:
    """cgroup v2 hands the memory controller down one level at a time (root → kurshub → learner)."""
    parent.mkdir(exist_ok=True)
    for folder in (root, parent):
        control = folder / "cgroup.subtree_control"
        if "memory" not in control.read_text().split():
            control.write_text("+memory")


def _mounts() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4:
            rows.append((parts[2], parts[1].replace("\\040", " "), parts[3].split(",")))
    return rows


def find_memory_cgroups() -> tuple[MemoryCgroups | None, str]:
    """The writable memory cgroup hierarchy of this machine, or None and the reason why not."""
    if os.geteuid() != 0:
        return None, "the hub does not run as root"
    reasons = []
    for fstype, mountpoint, options in _mounts():
        root = Path(mountpoint)
        if fstype == "cgroup2":
            controllers = (root / "cgroup.controllers").read_text().split() if (
                root / "cgroup.controllers").exists() else []
            if "memory" not in controllers:
                reasons.append(f"cgroup v2 at {root} has no memory controller")
                continue
            candidate = MemoryCgroups(2, root)
        elif fstype == "cgroup" and "memory" in options:
            candidate = MemoryCgroups(1, root)
        else:
            continue
        if "ro" in options or not os.access(root, os.W_OK):
            reasons.append(f"{root} is read-only")
            continue
        try:
            if candidate.version == 2:
                _enable_v2_memory(candidate.root, candidate.parent)
            candidate.parent.mkdir(exist_ok=True)
        except OSError as e:
            reasons.append(f"cannot create {candidate.parent}: {e.strerror}")
            continue
        return candidate, ""
    return None, "; ".join(reasons) or "no memory cgroup is mounted"


_CGROUPS: tuple[MemoryCgroups | None, str] | None = None


def memory_cgroups(log: logging.Logger | None = None) -> MemoryCgroups | None:
    """Found once per hub process; logs which limit the learner servers get."""
    global _CGROUPS
    if _CGROUPS is None:
        _CGROUPS = find_memory_cgroups()
        found, why = _CGROUPS
        log = log or logging.getLogger("kurshub")
        if found:
            log.info("Memory limit per learner server: cgroup v%d under %s", found.version, found.parent)
        else:
            log.warning("No memory cgroup for learner servers (%s): falling back to RLIMIT_DATA per "
                        "process, which cannot limit a server with its kernels as a whole", why)
    return _CGROUPS[0]


def remove_unix_user(name: str) -> None:
    """Remove a Unix user and its home (tests and clean-up only)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    found = memory_cgroups()
    if found:
        found.remove(name)
    try:
        grp.getgrnam(name)
        subprocess.run(["groupdel", name], capture_output=True)
    except KeyError:
        pass


def let_see_fetched(unix_name: str, home: Path, reader: str) -> bool:
    """Let the account ``reader`` («Min side») test whether ``~/<oppgave>`` exists, and nothing more.

    POSIX ACLs on the learner's home, set as the learner (the owner), never as root:

    - ``u:<reader>:--x`` on the home: search only. ``reader`` can ``stat`` a path it already
      knows (``~/vage``: «hentet»), but cannot list the home.
    - ``d:u:<reader>:---``: inherited by everything made in the home later, so ``reader``
      can read no file even when the file's own mode lets others read it (nbgrader's
      «Fetch» copies the exchange's 0644 modes). The first time, what is already in the
      home gets the same entry.

    Other learners stay «others» (nothing). Run on every start: ``ensure_unix_user``'s
    chmod 0700 clears the ACL mask. Returns False (and «Min side» shows no «hentet») when
    the file system has no ACLs or ``setfacl`` (Debian package ``acl``) is missing.
    """
    setuid = set_user_setuid(unix_name, chdir=False)

    def setfacl(*args: str) -> bool:
        try:
            res = subprocess.run(["setfacl", "-P", *args], preexec_fn=setuid, capture_output=True)
        except OSError:
            return False
        return res.returncode == 0

    try:
        first = not os.getxattr(home, "system.posix_acl_default")
    except OSError:
        first = True
    if first and not setfacl("-R", "-m", f"u:{reader}:---", str(home)):
        return False
    return setfacl("-m", f"u:{reader}:--x,d:u:{reader}:---", str(home))


def on_roster(user) -> bool:
    """A hub user may have a server only while in the group `deltakere` or `kursledere`."""
    return any(g.name in (DELTAKERE, KURSLEDERE) for g in user.groups)


class KursSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that runs each hub user as their own Unix user."""

    @property
    def settings(self) -> HubSettings:
        return from_env()

    @property
    def unix_name(self) -> str:
        return self.settings.unix_name(self.user.name)

    def make_preexec_fn(self, name):
        unix = self.settings.unix_name(name)
        setuid = set_user_setuid(unix)
        limit = int(self.mem_limit or 0)
        cgroups = memory_cgroups(self.log) if limit else None
        procs = str(cgroups.create(unix, limit) / "cgroup.procs") if cgroups else None

        def preexec():
            # Runs in the child between fork and exec, as root: only system calls here.
            if procs:
                with open(procs, "w") as f:
                    f.write(str(os.getpid()))
            elif limit:
                resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
            setuid()
            os.umask(0o077)

        return preexec

    def user_env(self, env):
        entry = pwd.getpwnam(self.unix_name)
        env["USER"] = entry.pw_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        return env

    async def start(self):
        if not on_roster(self.user):
            raise web.HTTPError(403, NOT_ON_ROSTER)
        s = self.settings
        await ensure_unix_user_async(self.unix_name, s.homes / self.unix_name)
        if not await asyncio.to_thread(let_see_fetched, self.unix_name, s.homes / self.unix_name, s.grader):
            self.log.warning("«Min side» kan ikke se om %s har hentet oppgaver (ACL)", self.user.name)
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        found = memory_cgroups(self.log)
        if found:
            found.remove(self.unix_name)
