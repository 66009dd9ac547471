"""The hub's configuration, built from :mod:`kurshub.settings` (read by hub/jupyterhub_config.py)."""
from __future__ import annotations

import importlib
import os
import socket
import sys
from pathlib import Path

from .settings import (DELTAKERE, HUB_FOLDER, KURSLEDERE, REPO, SCOPE_ACCOUNTS, SERVICE_APPS, SERVICE_BOOK,
                       SERVICE_CULLER, SERVICE_GRADER, HubSettings, from_env)

VENV_BIN = Path(sys.executable).parent
SINGLEUSER_CONFIG = HUB_FOLDER / "singleuser"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_request(handler) -> None:
    """Access log without IP addresses, query strings or user agents: status, method, path, user."""
    from jupyterhub.log import log_request

    request = handler.request
    request.remote_ip = "-"
    request.headers.pop("User-Agent", None)
    request.headers.pop("Referer", None)
    request.uri = request.path
    log_request(handler)


def _auth(c, s: HubSettings) -> None:
    if s.auth == "native":
        from . import native

        native.configure(c)
    elif s.auth == "oidc":
        sys.path.insert(0, str(HUB_FOLDER))
        importlib.import_module("oidc").configure(c)
    else:
        raise SystemExit(f"Ukjent KURS_HUB_AUTH «{s.auth}»: bruk native eller oidc.")


def configure(c, s: HubSettings | None = None) -> None:
    s = s or from_env()
    python = sys.executable
    c.JupyterHub.ip = "127.0.0.1"
    c.JupyterHub.port = s.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = int(os.environ.get("KURS_HUB_API_PORT") or free_port())
    c.JupyterHub.db_url = f"sqlite:///{s.hub_data / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(s.hub_data / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(s.hub_data / "jupyterhub.pid")
    c.JupyterHub.template_paths = [str(HUB_FOLDER / "templates")]
    c.JupyterHub.template_vars = {"kurs_navn": "Nyskapende arbeidsgivere"}
    # The pages in bokmål or nynorsk, per request (?sprak=nn, a cookie, Accept-Language): kurshub.sprak.
    from .sprak import install as sprak_per_side

    sprak_per_side(c)
    c.JupyterHub.tornado_settings = {"log_function": _log_request}
    c.JupyterHub.log_datefmt = "%Y-%m-%d %H:%M:%S"

    # The proxy runs as its own process (kurshub.run), so the hub can restart while learners work.
    c.ConfigurableHTTPProxy.should_start = False
    c.ConfigurableHTTPProxy.api_url = os.environ.get("KURS_HUB_PROXY_API", "http://127.0.0.1:8801")
    c.ConfigurableHTTPProxy.auth_token = os.environ.get("CONFIGPROXY_AUTH_TOKEN", "")
    c.JupyterHub.cleanup_servers = False
    c.JupyterHub.cleanup_proxy = False
    # Routes are checked (and re-added after a proxy restart) this often.
    c.JupyterHub.last_activity_interval = 10

    # Learners: own Unix user, own JupyterLab in bokmål, nbgrader's assignment list only.
    c.JupyterHub.spawner_class = "kurshub.spawner.KursSpawner"
    c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.mem_limit = s.mem_limit
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 120
    c.Spawner.environment = {
        "JUPYTER_CONFIG_PATH": str(SINGLEUSER_CONFIG),
        "KURSLEDER_EXCHANGE": str(s.exchange),
        "LANG": "nb_NO.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    }
    c.Spawner.args = ["--ServerApp.ip=127.0.0.1"]

    # Groups and roles.
    c.JupyterHub.load_groups = {
        KURSLEDERE: {"users": list(s.kursledere)},
        DELTAKERE: {"users": []},
    }
    c.JupyterHub.custom_scopes = {SCOPE_ACCOUNTS: {
        "description": "Approve, withdraw or discard the accounts of learners on the course roster."}}
    c.JupyterHub.load_roles = [
        {"name": "user", "scopes": ["self", f"access:services!service={SERVICE_APPS}",
                                    f"access:services!service={SERVICE_BOOK}"]},
        # Not admin:users: that would let a course leader set a learner's password and log in as them.
        {"name": "kursleder", "groups": [KURSLEDERE],
         "scopes": [SCOPE_ACCOUNTS, "list:groups", "read:groups", f"access:services!service={SERVICE_GRADER}"]},
        {"name": "deltakersynk", "services": ["synk"],
         "scopes": ["admin:users", "groups", "read:groups", "list:groups", "servers"]},
        {"name": "rydding", "services": [SERVICE_CULLER],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    ]

    _auth(c, s)
    c.Authenticator.auth_refresh_age = 60
    c.Authenticator.refresh_pre_spawn = True
    c.Authenticator.allow_all = False

    services = []
    # `kursleder deltakere importer` talks to the hub with this token (file 0600, grader account).
    if s.sync_token_file.exists():
        services.append({"name": "synk", "api_token": s.sync_token_file.read_text().strip(),
                         "display": False})

    grader_port, apps_port, book_port = free_port(), free_port(), free_port()
    services.append({
        "name": SERVICE_GRADER,
        "url": f"http://127.0.0.1:{grader_port}",
        "command": [str(VENV_BIN / "jupyterhub-singleuser"), f"--ServerApp.root_dir={s.course}",
                    "--ServerApp.default_url=/formgrader", "--ServerApp.ip=127.0.0.1",
                    f"--ServerApp.port={grader_port}", "--LabApp.news_url=None",
                    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        "user": s.grader,
        "cwd": str(s.course),
        "environment": {
            "KURSLEDER_KURSMAPPE": str(s.course),
            "KURSLEDER_EXCHANGE": str(s.exchange),
            "KURS_HUB_URL": f"http://127.0.0.1:{s.port}",
            "KURS_HUB_TOKEN_FILE": str(s.sync_token_file),
            "KURS_HUB_UNIX_PREFIX": s.unix_prefix,  # `kursleder samle-inn` checks who submitted
            "JUPYTER_CONFIG_PATH": str(HUB_FOLDER / "grader"),
            "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
        },
        "oauth_no_confirm": True,
        "display": True,
    })
    voila_env = {
        "EGENVURDERING_DB_URL": os.environ.get("EGENVURDERING_DB_URL",
                                               f"sqlite:///{s.apps_data / 'egenvurdering.db'}"),
        "JUPYTER_RUNTIME_DIR": str(s.apps_data / "runtime"),
        "JUPYTER_DATA_DIR": str(s.apps_data / "data"),
        "JUPYTER_CONFIG_DIR": str(s.apps_data / "config"),
        "IPYTHONDIR": str(s.apps_data / "ipython"),
        "MPLCONFIGDIR": str(s.apps_data / "mpl"),
    }
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # tools/ is a folder of the repository, not of the installed package
    from tools import voila_server

    voila_env["JUPYTER_PATH"] = voila_server.environment({})["JUPYTER_PATH"]
    pool = max(1, int(os.environ.get("VOILA_POOL_SIZE", 1)))
    services.append({
        "name": SERVICE_APPS,
        "url": f"http://127.0.0.1:{apps_port}",
        "command": voila_server.command(apps_port, pool_size=pool) + [
            f"--Voila.base_url=/services/{SERVICE_APPS}/",
            "--Voila.identity_provider_class=jupyterhub.singleuser.extension.JupyterHubIdentityProvider",
            "--Voila.authorizer_class=jupyterhub.singleuser.extension.JupyterHubAuthorizer",
        ],
        "user": s.apps_user,
        "cwd": str(s.apps_data),
        "environment": voila_env,
        "oauth_no_confirm": True,
        "display": True,
    })
    services.append({
        "name": SERVICE_BOOK,
        "url": f"http://127.0.0.1:{book_port}",
        "command": [python, "-m", "kurshub.book", str(REPO / "_build" / "html")],
        "user": s.apps_user,
        "cwd": str(s.apps_data),
        "environment": {"PYTHONPATH": str(HUB_FOLDER)},
        "display": True,
    })
    services.append({
        "name": SERVICE_CULLER,
        "command": [python, "-m", "jupyterhub_idle_culler", f"--timeout={s.cull_idle_seconds}",
                    "--cull-every=300", "--concurrency=5"],
        "display": False,
    })
    c.JupyterHub.services = services
    c.JupyterHub.default_url = "/hub/home"

    # «Min side» and «Kursoversikt» (hub/minside): the first page after login, as the grader account.
    from minside.config import configure as minside

    minside(c, course_dir=s.course, exchange=s.exchange, user=s.grader, python=python,
            fetched_template=str(s.homes / "{unix}" / "{assignment}"), unix_prefix=s.unix_prefix,
            formgrader_url=f"/services/{SERVICE_GRADER}/formgrader",
            egenvurdering_url=f"/services/{SERVICE_APPS}/voila/render/egenvurdering.ipynb",
            book_url=f"/services/{SERVICE_BOOK}/", approve_url="/hub/authorize" if s.auth == "native" else None)
