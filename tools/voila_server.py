"""How Voila is started for the course apps: one place for `make start`, tests and benchmarks.

The settings are those the course needs in production:
- our offline template `kurs` (no CDN, lang="nb", or "nn" with ?sprak=nn),
- preheated kernels for the self-assessment apps,
- idle kernels culled,
- kernels reached over local sockets (IPC) instead of TCP ports,
- no arbitrary code execution from the browser (Voila's default; we never
  enable ``--Voila.show_tracebacks`` or a kernel-execute handler).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS_DIR = ROOT / "apps"
TEMPLATE_ROOT = APPS_DIR / "jupyter"
PREHEATED = ("egenvurdering.ipynb", "team.ipynb")
#: Jinja filters of our template (`kurs`): bokmål and nynorsk from the catalogs, and the ?sprak= rule.
TEMPLATE_FILTERS = {"kurs_mal_tekster": "widgets.egenvurdering.sprakvalg.mal_tekster",
                    "kurs_sprakregel": "widgets.egenvurdering.sprakvalg.sprakregel"}


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the Voila process: our template on JUPYTER_PATH."""
    env = dict(os.environ if base is None else base)
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    return env


def command(port: int, *, preheat: bool = True, pool_size: int = 1, cull_idle_seconds: int = 900) -> list[str]:
    """The argv that starts Voila on 127.0.0.1:`port` serving apps/."""
    pools = {"default": {"pool_size": 0}}
    if preheat:
        pools.update({name: {"pool_size": pool_size} for name in PREHEATED})
    argv = [
        sys.executable, "-m", "voila", str(APPS_DIR),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--template=kurs",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--HTMLExporter.language_code=nb",
        # The template's texts in both målformer; the page picks one from ?sprak= (see sprakvalg).
        "--HTMLExporter.filters=" + json.dumps(TEMPLATE_FILTERS),
        # Load only the widget manager in the browser: not nbgrader's or the notebook's lab extensions.
        "--VoilaConfiguration.extension_allowlist=@jupyter-widgets/jupyterlab-manager",
        "--VoilaConfiguration.extension_allowlist=@voila-dashboards/widgets-manager8",
        # Kernels talk to Voila over local sockets (IPC), not TCP ports: no port that any
        # local user can reach, and no race for free ports when several kernels start at once.
        "--KernelManager.transport=ipc",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
    ]
    if preheat:
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={pool_size}",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
        ]
    return argv


def url(port: int, notebook: str) -> str:
    return f"http://127.0.0.1:{port}/voila/render/{notebook}"
