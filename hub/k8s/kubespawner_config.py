"""KubeSpawner settings for the course on Kubernetes (Zero to JupyterHub).

``hub/k8s/values.yaml`` runs this from ``hub.extraConfig``, after the chart's
own config, with the chart's ``custom.kurs`` values::

    import kubespawner_config
    kubespawner_config.configure(c, z2jh.get_config("custom.kurs"))

It keeps what the single-machine hub (``make hub``) promises:

* **Learners are apart.** Each learner's pod runs as its own user and group id
  (``uidBase`` + the hub's user id), never root, with no privilege escalation,
  no Kubernetes API token and its own home volume. nbgrader's filesystem
  exchange then keeps the same Unix permissions as on one machine: a learner
  can put a submission in ``inbound`` but cannot list or read anyone else's.
* **One exchange for everyone**: an RWX volume (NFS; not SMB, which has no
  per-file owners), mounted by the chart (``singleuser.storage.extraVolumes``)
  at ``exchangePath`` in every learner pod, named by ``KURSLEDER_EXCHANGE`` as in
  ``make hub``. The home folders are the chart's own volume per learner.
* **Memory and CPU** per learner from ``memLimit``/``memGuarantee``/``cpuLimit``
  (measured on one machine, see docs/drift.md).
* **Bokmål JupyterLab** with nbgrader's «Assignments»: the same single-user
  config folder as ``make hub`` (``hub/singleuser`` in the image).
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # hub/, for kurshub.settings
from kurshub.settings import MEM_LIMIT  # noqa: E402  (the same default as `make hub`)

DEFAULTS: dict[str, Any] = {
    "uidBase": 200000,
    "memLimit": MEM_LIMIT,
    "memGuarantee": "512M",
    "cpuLimit": 1.0,
    "cpuGuarantee": 0.05,
    "repo": "/srv/kurs",
    "exchangePath": "/srv/kurs-data/utveksling",
}


def learner_ids(base: int):
    """The learner's own uid and gid: ``base`` + the hub's user id, unique and never a system id."""
    if base < 10000:
        raise ValueError("custom.kurs.uidBase må være minst 10000, så ingen deltaker får en systembrukers id.")

    def learner_id(spawner) -> int:
        return base + int(spawner.user.id)

    return learner_id


def configure(c: Any, values: Mapping[str, Any] | None = None) -> None:
    """Set the KubeSpawner config ``c`` for the course from the chart's ``custom.kurs`` values."""
    s = {**DEFAULTS, **(values or {})}
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    k = c.KubeSpawner

    ids = learner_ids(int(s["uidBase"]))
    k.uid = ids
    k.gid = ids
    k.fs_gid = ids
    k.supplemental_gids = []
    k.privileged = False
    k.allow_privilege_escalation = False
    k.container_security_context = {
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    k.automount_service_account_token = False

    k.mem_limit = s["memLimit"]
    k.mem_guarantee = s["memGuarantee"]
    k.cpu_limit = float(s["cpuLimit"])
    k.cpu_guarantee = float(s["cpuGuarantee"])

    k.environment = {
        "JUPYTER_CONFIG_PATH": f"{s['repo']}/hub/singleuser",
        "KURSLEDER_EXCHANGE": s["exchangePath"],
        "LANG": "nb_NO.UTF-8",
        "PYTHONNOUSERSITE": "1",
    }
