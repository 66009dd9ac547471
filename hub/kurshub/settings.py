"""Names, folders and limits of one course hub: one place for the hub config, `make hub` and the tests.

Everything comes from environment variables with safe defaults, so the same
code serves `make hub` (defaults), the tests (a temporary folder and the Unix
prefix ``kd-``) and a municipality's server.

=========================  ==================================================
``$KURS_HUB_DIR/hub/``     JupyterHub's own data (database, cookie secret,
                           proxy token): root only (0700)
``$KURS_HUB_DIR/kurs/``    the nbgrader course (source, gradebook, roster,
                           submissions): the grader account only (0700)
``$KURS_HUB_DIR/utveksling/``  nbgrader's filesystem exchange (1777, as
                           nbgrader's JupyterHub docs describe)
``$KURS_HUB_DIR/apper/``   the apps account: self-assessment database (0700)
``$KURS_HUB_DIR/hjem/<u>/``  one home per learner Unix user (0700)
=========================  ==================================================
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HUB_FOLDER = REPO / "hub"

#: JupyterHub groups.
KURSLEDERE = "kursledere"
DELTAKERE = "deltakere"

#: Hub service names (URLs /services/<name>/).
SERVICE_BOOK = "boka"
SERVICE_APPS = "apper"
SERVICE_GRADER = "retting"
SERVICE_CULLER = "rydding"

#: The custom scope of the role `kursleder`: approve learners' accounts (kurshub.native), nothing more.
SCOPE_ACCOUNTS = "custom:kurs:kontoer"

#: Memory for one learner's server with all its kernels (cgroup, see spawner.py), sized from
#: bench/hub.py (docs/drift.md, «Dimensjonering»). The one default for `make hub` (override:
#: KURS_HUB_MEM_LIMIT) and for Kubernetes (hub/k8s: kubespawner_config.py and values.yaml).
MEM_LIMIT = "1G"


def _bytes(spec: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    spec = spec.strip().upper()
    if spec and spec[-1] in units:
        return int(float(spec[:-1]) * units[spec[-1]])
    return int(spec)


@dataclass(frozen=True)
class HubSettings:
    state: Path
    unix_prefix: str = "kurs-"
    grader: str = "kursgrader"
    apps_user: str = "kursapper"
    port: int = 8800
    auth: str = "native"
    mem_limit: int = -1  # set in __post_init__ from MEM_LIMIT
    cull_idle_seconds: int = 3600
    kursledere: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.mem_limit < 0:
            object.__setattr__(self, "mem_limit", _bytes(MEM_LIMIT))

    # -- folders -----------------------------------------------------------
    @property
    def hub_data(self) -> Path:
        return self.state / "hub"

    @property
    def course(self) -> Path:
        return self.state / "kurs"

    @property
    def exchange(self) -> Path:
        return self.state / "utveksling"

    @property
    def apps_data(self) -> Path:
        return self.state / "apper"

    @property
    def homes(self) -> Path:
        return self.state / "hjem"

    @property
    def sync_token_file(self) -> Path:
        """The service token `kursleder deltakere importer` uses (0600, grader account)."""
        return self.state / "synk" / "hub-token"

    @property
    def bootstrap_file(self) -> Path:
        """Bcrypt hashes of the first course leaders' one-time passwords (root, 0600)."""
        return self.hub_data / "kursledere-start.json"

    # -- names -------------------------------------------------------------
    def unix_name(self, hub_name: str) -> str:
        """The Unix user of a hub user (the one rule: :func:`grading.hub_unix.unix_name`)."""
        from grading.hub_unix import unix_name  # here: the Kubernetes config imports this module without it

        name = unix_name(self.unix_prefix, hub_name)
        if name in (self.grader, self.apps_user):
            raise ValueError(f"Brukernavnet «{hub_name}» er reservert for kurset selv.")
        return name


def from_env(env: dict[str, str] | None = None) -> HubSettings:
    env = os.environ if env is None else env
    leaders = tuple(x.strip() for x in env.get("KURS_HUB_KURSLEDERE", "").split(",") if x.strip())
    return HubSettings(
        state=Path(env.get("KURS_HUB_DIR", "/srv/kurs-hub")).resolve(),
        unix_prefix=env.get("KURS_HUB_UNIX_PREFIX", "kurs-"),
        grader=env.get("KURS_HUB_GRADER", "kursgrader"),
        apps_user=env.get("KURS_HUB_APPS_USER", "kursapper"),
        port=int(env.get("KURS_HUB_PORT", 8800)),
        auth=env.get("KURS_HUB_AUTH", "native"),
        mem_limit=_bytes(env.get("KURS_HUB_MEM_LIMIT", MEM_LIMIT)),
        cull_idle_seconds=int(env.get("KURS_HUB_CULL_IDLE", 3600)),
        kursledere=leaders,
    )
