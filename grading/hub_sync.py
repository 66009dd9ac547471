"""Bring the hub's users and the group `deltakere` in line with an imported roster (JupyterHub REST API).

Used by `kursleder deltakere importer` on the hub. The hub's address comes from
``$KURS_HUB_URL`` and the service token from the file in ``$KURS_HUB_TOKEN_FILE``
(it must be readable by its owner only, 0600). Without these variables (one
machine, no hub) nothing happens. The token is never printed or logged.

- every id in the file becomes a hub user in `deltakere` (created if missing);
- a member of `deltakere` who is not in the file loses access: out of the group,
  and their running server is stopped. Their files are kept.
"""
from __future__ import annotations

import json
import os
import stat
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

GROUP = "deltakere"
ENV_URL = "KURS_HUB_URL"
ENV_TOKEN_FILE = "KURS_HUB_TOKEN_FILE"


class HubSyncError(Exception):
    """The hub could not be updated; the message is Norwegian and holds no token."""


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"Huben: {len(self.created)} nye brukere, {len(self.added)} fikk tilgang til kurset, "
                f"{len(self.removed)} mistet tilgangen.")
        if self.removed:
            text += (" Disse står ikke i filen, og arbeidsflaten deres er stoppet (filene er beholdt): "
                     + ", ".join(self.removed) + ".")
        return text


def read_token(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        raise HubSyncError(f"Fant ikke tokenfilen for huben ({path}).")
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise HubSyncError(f"Tokenfilen for huben ({path}) kan leses av andre. Gi den rettighetene 0600 "
                           "(chmod 600) og prøv igjen.")
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise HubSyncError(f"Tokenfilen for huben ({path}) er tom.")
    return token


class HubClient:
    def __init__(self, url: str, token: str, timeout: float = 30):
        self.api = url.rstrip("/") + "/hub/api"
        self._token = token
        self.timeout = timeout

    def __repr__(self) -> str:  # never show the token
        return f"HubClient({self.api!r})"

    def request(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.api + path, data=data, method=method,
                                     headers={"Authorization": f"token {self._token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if exc.code in (401, 403):
                raise HubSyncError("Huben godtok ikke tokenet for deltakerlisten. Sjekk tokenfilen.") from None
            raise HubSyncError(f"Huben svarte med feil {exc.code} på {method} {path}.") from None
        except OSError as exc:
            raise HubSyncError(f"Fikk ikke kontakt med huben på {self.api}: {exc}.") from None
        return json.loads(raw) if raw else None

    def group_members(self, group: str) -> set[str]:
        g = self.request("GET", f"/groups/{quote(group)}")
        if g is None:
            self.request("POST", f"/groups/{quote(group)}", {})
            return set()
        return set(g.get("users", []))

    def existing_users(self, names: list[str]) -> set[str]:
        return {n for n in names if self.request("GET", f"/users/{quote(n)}") is not None}


def sync_roster(ids: list[str], client: HubClient) -> SyncResult:
    res = SyncResult()
    members = client.group_members(GROUP)
    wanted = sorted(set(ids))
    missing = sorted(set(wanted) - client.existing_users(wanted))
    if missing:
        client.request("POST", "/users", {"usernames": missing})
        res.created = missing
    res.added = sorted(set(wanted) - members)
    if res.added:
        client.request("POST", f"/groups/{GROUP}/users", {"users": res.added})
    res.removed = sorted(members - set(wanted))
    if res.removed:
        client.request("DELETE", f"/groups/{GROUP}/users", {"users": res.removed})
        for name in res.removed:
            user = client.request("GET", f"/users/{quote(name)}")
            if user and user.get("servers"):
                client.request("DELETE", f"/users/{quote(name)}/server")
    return res


def sync_from_env(ids: list[str], env: dict[str, str] | None = None) -> SyncResult | None:
    """Sync when the hub is configured in the environment; None on one machine without a hub."""
    env = os.environ if env is None else env
    url, token_file = env.get(ENV_URL), env.get(ENV_TOKEN_FILE)
    if not url or not token_file:
        return None
    return sync_roster(ids, HubClient(url, read_token(Path(token_file))))
