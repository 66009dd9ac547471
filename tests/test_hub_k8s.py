"""The Kubernetes scale-out: hub/k8s/values.yaml's hub config, loaded with KubeSpawner installed.

The test runs the chart's ``hub.extraConfig`` through traitlets' own config
loader, as the hub pod does (with a two-line ``z2jh.get_config`` over the same
values file, which is what the chart's helper reads), logs in nothing but
checks the login config against the real OpenID provider's discovery document,
and builds the learner pods' manifests with KubeSpawner itself.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from oidc_provider import private_file, running_provider
from voila_process import free_port

ROOT = Path(__file__).resolve().parents[1]
VALUES = ROOT / "hub" / "k8s" / "values.yaml"

# KubeSpawner reads a kube-config when it is made; building a pod manifest never talks to the
# cluster, so this one names a cluster that is not there (nothing listens on the port).
KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{{name: ingen, cluster: {{server: "https://127.0.0.1:{port}"}}}}]
users: [{{name: ingen, user: {{token: ingen}}}}]
contexts: [{{name: ingen, context: {{cluster: ingen, user: ingen, namespace: kurs}}}}]
current-context: ingen
"""

Z2JH_SHIM = '''
import yaml

def get_config(key, default=None):
    value = yaml.safe_load(open({values!r}, encoding="utf-8"))
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value
'''


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hub_config(values):
    """The hub's traitlets config after the chart's extraConfig, with OIDC against a real provider."""
    from traitlets.config.loader import PyFileConfigLoader

    state = Path(tempfile.mkdtemp(prefix="ko-k8s-"))
    (state / "z2jh.py").write_text(Z2JH_SHIM.format(values=str(VALUES)), encoding="utf-8")
    config_file = state / "jupyterhub_config.py"
    config_file.write_text("\n".join(values["hub"]["extraConfig"][k] for k in sorted(values["hub"]["extraConfig"])),
                           encoding="utf-8")
    env = {k: v for k, v in values["hub"]["extraEnv"].items() if isinstance(v, str)}
    saved_env, saved_path = dict(os.environ), list(sys.path)
    try:
        redirect = f"http://127.0.0.1:{free_port()}/hub/oauth_callback"
        with running_provider(state, redirect, {}) as prov:
            secret = private_file(state / "client-secret", prov["client_secret"])
            kubeconfig = private_file(state / "kubeconfig", KUBECONFIG.format(port=free_port()))
            # Read when kubernetes_asyncio is first imported, which happens in _pod below.
            os.environ.update(env, KUBECONFIG=str(kubeconfig), KURS_REPO=str(ROOT), KURS_OIDC_ISSUER=prov["issuer"],
                              KURS_OIDC_CLIENT_ID=prov["client_id"], KURS_OIDC_CLIENT_SECRET_FILE=str(secret))
            sys.path.insert(0, str(state))
            loader = PyFileConfigLoader(config_file.name, path=str(state))
            config = loader.load_config()
            yield SimpleNamespace(config=config, issuer=prov["issuer"], secret=prov["client_secret"])
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        for name in ("z2jh", "kubespawner_config"):
            sys.modules.pop(name, None)
        shutil.rmtree(state, ignore_errors=True)


def _pod(config, user_id: int, name: str):
    from kubespawner import KubeSpawner

    async def build():
        user = SimpleNamespace(id=user_id, name=name, url=f"/user/{name}/")
        spawner = KubeSpawner(config=config, _mock=True, user=user)  # makes its client in the running loop
        return await spawner.get_pod_manifest()

    return asyncio.run(build())


def test_values_keep_the_promises_of_the_single_machine_hub(values):
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    assert values["hub"]["db"]["type"] == "postgres"
    assert values["hub"]["extraEnv"]["KURS_HUB_AUTH"] == "oidc"
    assert "KURS_OIDC_CLIENT_SECRET" not in values["hub"]["extraEnv"]  # only as a 0400 file
    secret_volume = values["hub"]["extraVolumes"][0]["secret"]
    assert secret_volume["defaultMode"] == 0o400
    assert set(values["hub"]["config"]["JupyterHub"]["load_groups"]) == {"kursledere", "deltakere"}
    # The exchange volume is mounted where KURSLEDER_EXCHANGE points.
    mounts = {m["name"]: m["mountPath"] for m in values["singleuser"]["storage"]["extraVolumeMounts"]}
    assert mounts["utveksling"] == values["custom"]["kurs"]["exchangePath"]
    rules = values["singleuser"]["networkPolicy"]["egressAllowRules"]
    assert values["singleuser"]["networkPolicy"]["enabled"] is True
    assert not rules["nonPrivateIPs"] and not rules["privateIPs"] and not rules["cloudMetadataServer"]


def test_hub_config_uses_kubespawner_and_the_oidc_login(hub_config):
    import oidc

    c = hub_config.config
    assert c.JupyterHub.spawner_class == "kubespawner.KubeSpawner"
    assert c.JupyterHub.authenticator_class is oidc.KursOIDCAuthenticator
    a = c.KursOIDCAuthenticator
    assert a.issuer == hub_config.issuer
    assert a.authorize_url.startswith(hub_config.issuer) and a.token_url.startswith(hub_config.issuer)
    assert a.client_secret == hub_config.secret
    assert a.email_domains == ["kommune.example"]
    assert a.enable_auth_state is False


def test_each_learner_pod_has_its_own_ids_and_no_rights(hub_config, values):
    from jupyterhub.traitlets import ByteSpecification

    kurs = values["custom"]["kurs"]
    size = lambda spec: ByteSpecification().validate(None, spec)  # noqa: E731 (as KubeSpawner reads it)
    pods = [_pod(hub_config.config, 7, "kari"), _pod(hub_config.config, 8, "ola")]
    ids = []
    for pod in pods:
        container = pod.spec.containers[0]
        ctx = container.security_context
        assert ctx["runAsUser"] == ctx["runAsGroup"] == pod.spec.security_context["fsGroup"]
        assert ctx["runAsUser"] >= kurs["uidBase"] >= 10000
        assert ctx["allowPrivilegeEscalation"] is False and ctx.get("privileged") in (None, False)
        assert ctx["runAsNonRoot"] is True and ctx["capabilities"]["drop"] == ["ALL"]
        assert pod.spec.automount_service_account_token is False
        assert container.resources.limits["memory"] == size(kurs["memLimit"])
        assert container.resources.requests["memory"] == size(kurs["memGuarantee"])
        env = {e.name: e.value for e in container.env}
        assert env["KURSLEDER_EXCHANGE"] == kurs["exchangePath"]
        assert env["JUPYTER_CONFIG_PATH"] == f"{kurs['repo']}/hub/singleuser"
        assert env["LANG"] == "nb_NO.UTF-8"
        ids.append(ctx["runAsUser"])
    assert ids == [kurs["uidBase"] + 7, kurs["uidBase"] + 8]


def test_a_low_uid_base_is_refused():
    sys.path.insert(0, str(ROOT / "hub" / "k8s"))
    try:
        import kubespawner_config
    finally:
        sys.path.remove(str(ROOT / "hub" / "k8s"))
    from traitlets.config import Config

    with pytest.raises(ValueError, match="minst 10000"):
        kubespawner_config.configure(Config(), {"uidBase": 1000})
