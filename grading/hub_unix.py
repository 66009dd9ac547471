"""The course hub's Unix users: which Unix user a hub user is, and who really made a submission.

On the hub (``make hub``) every learner's server runs as its own Unix user,
``<prefix><hub name>`` (``hub/kurshub/spawner.py``). :func:`unix_name` is that one
naming rule: the hub's settings, «Min side» and `kursleder` all import it.

nbgrader's exchange names a submission ``inbound/<id>+<assignment>+<timestamp>+<random>``,
and ``<id>`` is whatever the submitting server says (its ``$JUPYTERHUB_USER``). Everyone can
write to ``inbound``, so the name alone proves nothing: only the Unix owner does.
:func:`not_made_by` checks a submission folder against its learner's Unix user.

`kursleder` knows it runs on the hub from ``$KURS_HUB_UNIX_PREFIX`` (the hub gives it to the
grader account). Without it (one machine, one user) nothing is checked.
"""
from __future__ import annotations

import hashlib
import os
import pwd
import re
import stat
from collections.abc import Mapping
from pathlib import Path

ENV_PREFIX = "KURS_HUB_UNIX_PREFIX"

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def unix_name(prefix: str, hub_name: str) -> str:
    """The Unix user of a hub user: prefix + id, shortened with a hash past 32 characters."""
    if not _ID.match(hub_name):
        raise ValueError(f"Ugyldig brukernavn «{hub_name}».")
    name = prefix + hub_name
    if len(name) > 32:
        digest = hashlib.sha256(hub_name.encode()).hexdigest()[:6]
        name = f"{name[:25]}-{digest}"
    return name


def hub_prefix(env: Mapping[str, str] | None = None) -> str | None:
    """The hub's Unix prefix when `kursleder` runs on the hub; None on one machine."""
    env = os.environ if env is None else env
    return env.get(ENV_PREFIX)


def _who(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"bruker-id {uid}"


def not_made_by(folder: Path, student: str, prefix: str) -> str | None:
    """Why the submission ``folder`` was not made by ``student``'s Unix user; None when it was.

    The folder and everything in it must be owned by that user, and nothing in it may be a
    symlink (nbgrader's copy follows them, so a symlink could pull in a file the learner
    cannot read). Nothing is changed.
    """
    try:
        expected = pwd.getpwnam(unix_name(prefix, student)).pw_uid
    except (KeyError, ValueError):
        return f"«{student}» har ingen brukerkonto på huben"
    try:
        top = folder.lstat()
        if stat.S_ISLNK(top.st_mode):
            return "mappen er en snarvei (symlink)"
        if top.st_uid != expected:
            return f"mappen eies av {_who(top.st_uid)}"

        def unreadable(err: OSError) -> None:
            raise err

        for root, dirs, files in os.walk(folder, onerror=unreadable):
            for name in dirs + files:
                path = Path(root, name)
                st = path.lstat()
                shown = path.relative_to(folder)
                if stat.S_ISLNK(st.st_mode):
                    return f"«{shown}» er en snarvei (symlink)"
                if st.st_uid != expected:
                    return f"«{shown}» eies av {_who(st.st_uid)}"
    except OSError as exc:
        return f"mappen kan ikke leses ({exc.strerror or exc})"
    return None
