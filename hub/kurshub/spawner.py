"""One Unix user per learner, created on first start; the server runs with that user's rights only.

SystemdSpawner needs systemd as PID 1, which the course's machines (and many
containers) do not have, so we use JupyterHub's own LocalProcessSpawner and add:

- the Unix user ``<prefix><hub name>`` with a private home (0700) and umask 077,
  created with ``useradd`` the first time the server starts;
- a memory limit per process of the server and its kernels (RLIMIT_DATA:
  the heap and private mappings of each process), from ``KURS_HUB_MEM_LIMIT``.
"""
from __future__ import annotations

import grp
import os
import pwd
import resource
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from tornado import web

from .settings import DELTAKERE, KURSLEDERE, HubSettings, from_env

NOT_ON_ROSTER = ("Du står ikke på deltakerlisten for kurset, og får derfor ingen arbeidsflate. "
                 "Ta kontakt med kurslederen hvis du mener du skal være med.")


def ensure_unix_user(name: str, home: Path, *, system: bool = False) -> pwd.struct_passwd:
    """Create the Unix user ``name`` (own group, home ``home`` with mode 0700) if it is missing."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        argv = ["useradd", "--no-log-init", "--user-group", "--create-home", "--home-dir", str(home),
                "--shell", "/bin/bash", "--key", "UMASK=077", "--comment", ""]
        if system:
            argv.append("--system")
        subprocess.run(argv + [name], check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    Path(entry.pw_dir).mkdir(parents=True, exist_ok=True)
    os.chown(entry.pw_dir, entry.pw_uid, entry.pw_gid)
    os.chmod(entry.pw_dir, 0o700)
    return entry


def remove_unix_user(name: str) -> None:
    """Remove a Unix user and its home (tests and clean-up only)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["userdel", "--remove", name], capture_output=True)
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
        setuid = set_user_setuid(self.settings.unix_name(name))
        limit = int(self.mem_limit or 0)

        def preexec():
            if limit:
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
        ensure_unix_user(self.unix_name, s.homes / self.unix_name)
        if not let_see_fetched(self.unix_name, s.homes / self.unix_name, s.grader):
            self.log.warning("«Min side» kan ikke se om %s har hentet oppgaver (ACL)", self.user.name)
        return await super().start()
