"""Add «Min side» and «Kursoversikt» to a JupyterHub config: ``configure(c, ...)``.

It is called at the end of the course hub's config
(:func:`kurshub.config.configure`, after ``c.JupyterHub.services`` and
``c.JupyterHub.load_roles`` are set)::

    from minside.config import configure as minside   # hub/ is on sys.path
    minside(c, course_dir=s.course, exchange=s.exchange, user=s.grader,
            fetched_template=str(s.homes / "{unix}" / "{assignment}"), unix_prefix=s.unix_prefix,
            formgrader_url=f"/services/{SERVICE_GRADER}/formgrader", ...)

It adds the service ``minside`` (run as the account that owns the course
folder, since it reads the gradebook and the feedback), lets every hub user
open it (scope ``access:services!service=minside`` on the ``user`` role,
and ``read:users:groups!user`` so the service sees the ``kursledere``
group), and makes it the first page after login (``default_url``) for
learners and course leaders alike (a course leader's «Min side» links to
«Kursoversikt», formgrader and the approval of new accounts).

«Fetched» is shown only when the service may look for the learner's folder
(``fetched_template``, e.g. ``"/srv/kurs/hjem/{unix}/{assignment}"``, where
``{unix}`` is the learner's Unix user, the hub name with ``unix_prefix`` in
front, as :meth:`kurshub.settings.HubSettings.unix_name` makes it; or
``{student}``, the hub name). That needs search (x) permission on the
learners' homes for the service's account, which the course hub's spawner
gives with a POSIX ACL (:func:`kurshub.spawner.let_see_fetched`). Without it
the learner's state goes from «utdelt» straight to «levert».
"""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

SERVICE = "minside"
HUB_FOLDER = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service(*, course_dir: Path | str, exchange: Path | str | None = None, user: str | None = None,
            port: int | None = None, fetched_template: str | None = None,
            formgrader_url: str | None = None, egenvurdering_url: str | None = None,
            book_url: str | None = None, python: str | None = None, unix_prefix: str | None = None,
            approve_url: str | None = None) -> dict:
    """The ``c.JupyterHub.services`` entry of «Min side»."""
    port = port or _free_port()
    env = {
        "KURSLEDER_KURSMAPPE": str(course_dir),
        "PYTHONPATH": str(HUB_FOLDER),
        "PYTHONWARNINGS": "ignore",
        "MPLCONFIGDIR": os.path.join(str(course_dir), ".mpl") if user else "",
        "XDG_CACHE_HOME": os.path.join(str(course_dir), ".cache") if user else "",
    }
    env = {k: v for k, v in env.items() if v}
    if exchange:
        env["KURSLEDER_EXCHANGE"] = str(exchange)
    for key, value in (("KURSLEDER_HENTET_MAL", fetched_template),
                       ("MINSIDE_FORMGRADER_URL", formgrader_url),
                       ("MINSIDE_EGENVURDERING_URL", egenvurdering_url),
                       ("MINSIDE_BOK_URL", book_url),
                      ("MINSIDE_UNIX_PREFIKS", unix_prefix),
                      ("MINSIDE_GODKJENN_URL", approve_url)):
        if value:
            env[key] = value
    entry = {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{port}",
        "command": [python or sys.executable, "-m", "minside.app"],
        "environment": env,
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": ["read:users:groups!user"],
        "display": True,
        "info": {"tittel": "Min side"},
    }
    if user:
        entry["user"] = user
        entry["cwd"] = str(course_dir)
    return entry


def configure(c, **kwargs) -> dict:
    """Add the service, the scopes every user needs, and make it the page after login."""
    entry = service(**kwargs)
    services = list(c.JupyterHub.services) if "services" in c.JupyterHub else []
    c.JupyterHub.services = [s for s in services if s.get("name") != SERVICE] + [entry]
    roles = list(c.JupyterHub.load_roles) if "load_roles" in c.JupyterHub else []
    needed = [f"access:services!service={SERVICE}", "read:users:groups!user"]
    for role in roles:
        if role.get("name") == "user":
            role["scopes"] = list(dict.fromkeys(list(role.get("scopes") or ["self"]) + needed))
            break
    else:
        roles.append({"name": "user", "scopes": ["self"] + needed})
    c.JupyterHub.load_roles = roles
    c.JupyterHub.default_url = f"/services/{SERVICE}/"
    return entry
