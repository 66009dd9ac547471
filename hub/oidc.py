"""OpenID Connect login for the hub: Entra ID, ID-porten or any certified provider.

Built on OAuthenticator's ``GenericOAuthenticator``. ``hub/jupyterhub_config.py``
calls :func:`configure` when ``KURS_HUB_AUTH=oidc``::

    import oidc                      # hub/ is on sys.path in jupyterhub_config.py
    oidc.configure(c, course_dir=settings.course)

The roster is the same one the embedded login uses: the hub users in the groups
``deltakere`` (kept up to date by ``kursleder deltakere importer`` through the
hub's REST API) and ``kursledere`` (from the hub's settings, ``load_groups``).
It is read at every login, so a person added to or removed from the roster is
let in or kept out without a restart. The e-mail addresses come from the
course's roster (``grading.roster.load_roster(course_dir)``; without
``course_dir``, the course folder of the hub's settings, ``kurshub.settings``). Someone taken off the roster while logged
in is logged out at the next ``Authenticator.auth_refresh_age`` check.

What a login does:

1. The hub sends the browser to the provider (authorization code flow with
   PKCE). The provider's endpoints come from its discovery document
   ``<issuer>/.well-known/openid-configuration``.
2. The hub exchanges the code for tokens and reads the person's claims from the
   ID token, whose signature (the provider's published keys), issuer, audience
   and expiry are checked. ``KURS_OIDC_USERDATA=userinfo`` reads the userinfo
   endpoint instead.
3. The claim ``KURS_OIDC_USERNAME_CLAIM`` (default ``preferred_username``, for
   Entra ID the UPN such as ``kari.nordmann@kommune.no``) is matched, without
   regard to case, against the roster's ids, then its e-mail addresses, then
   (for the domains in ``KURS_OIDC_EPOSTDOMENER``) the part before the @. The
   hub username is the matching roster id.
4. Nobody outside the roster gets in: they see a Norwegian 403 page
   (:data:`NOT_ON_ROSTER`), no hub user is created and no server is started.
   The log says that a login was refused, without the person's identifier.

Environment (never put the secret in the repository or on a command line):

=================================  ==================================================
``KURS_OIDC_ISSUER``               the issuer, e.g. ``https://login.microsoftonline.com/<tenant-id>/v2.0``
                                   or ``https://idporten.no``
``KURS_OIDC_CLIENT_ID``            the client id registered with the provider
``KURS_OIDC_CLIENT_SECRET_FILE``   a file holding the client secret, readable only by
                                   the hub's user (0600) or also its own group (0440,
                                   a Kubernetes secret); preferred
``KURS_OIDC_CLIENT_SECRET``        the secret itself, if no file is used
``KURS_OIDC_CALLBACK_URL``         optional: ``https://kurs.kommune.no/hub/oauth_callback``
``KURS_OIDC_USERNAME_CLAIM``       optional, default ``preferred_username``
``KURS_OIDC_EPOSTDOMENER``         optional: the municipality's e-mail domains, e.g.
                                   ``kommune.no``; ``ola.hansen@kommune.no`` then also
                                   matches the roster id ``ola.hansen``
``KURS_OIDC_SCOPE``                optional, default ``openid profile email``
``KURS_OIDC_USERDATA``             optional: ``id_token`` (default) or ``userinfo``
``KURS_OIDC_LOGIN_SERVICE``        optional: the provider's name on the login button
``KURS_OIDC_AUTO_LOGIN``           optional: ``0`` shows the hub's own login page with a
                                   button; by default /hub/login goes straight on to
                                   the provider (single sign-on)
=================================  ==================================================

The authenticator does not manage groups (``manage_groups`` stays off): the
groups are the roster, and the hub config and ``kursleder`` keep them.

Tokens are not kept: ``enable_auth_state`` stays off, so the hub's database
holds no access, refresh or ID token.
"""
from __future__ import annotations

import asyncio
import json
import os
import stat
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jwt
from jupyterhub import orm
from kurshub.settings import DELTAKERE, KURSLEDERE
from kurshub.settings import from_env as hub_settings
from oauthenticator.generic import GenericOAuthenticator
from tornado import web
from traitlets import List, Unicode

#: The hub groups that make up the roster (names from the hub's settings).
GROUPS = (KURSLEDERE, DELTAKERE)

NOT_ON_ROSTER_REASON = "Ikke på deltakerlisten"
NOT_ON_ROSTER = (
    "Du er logget inn hos kommunen, men du står ikke på deltakerlisten for dette kurset. "
    "Derfor får du ikke tilgang. Ta kontakt med kurslederen hvis du skal være med."
)
LOGIN_FAILED_REASON = "Innloggingen virket ikke"
LOGIN_FAILED = "Innloggingen virket ikke. Prøv igjen, eller ta kontakt med kurslederen."

class OIDCConfigError(RuntimeError):
    """The OIDC set-up is incomplete or wrong; the message is Norwegian and says what to fix."""


def _field(entry: Any, name: str) -> str:
    value = entry.get(name, "") if isinstance(entry, Mapping) else getattr(entry, name, "")
    return str(value or "").strip()


def roster_index(entries: Iterable[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Return ``(group by id, id by lower-case e-mail)`` for the roster entries."""
    groups: dict[str, str] = {}
    by_email: dict[str, str] = {}
    for entry in entries:
        uid = _field(entry, "id").lower()
        group = _field(entry, "gruppe")
        if not uid or group not in GROUPS:
            continue
        # A course leader who is also on the learner list stays a course leader.
        if groups.get(uid) != KURSLEDERE:
            groups[uid] = group
        email = _field(entry, "epost").lower()
        if email:
            by_email.setdefault(email, uid)
    return groups, by_email


def roster_id_for(claim_value: str, entries: Iterable[Any], domains: Iterable[str] = ()) -> str | None:
    """The roster id that a login claim belongs to, or None.

    The claim matches a roster id or a roster e-mail address, without regard to
    case or surrounding spaces. An address in one of ``domains`` (the
    municipality's own, ``KURS_OIDC_EPOSTDOMENER``) also matches the roster id
    equal to its part before the @. Nothing else matches.
    """
    value = str(claim_value or "").strip().lower()
    if not value:
        return None
    groups, by_email = roster_index(entries)
    if value in groups:
        return value
    if value in by_email:
        return by_email[value]
    local, at, domain = value.rpartition("@")
    if at and domain in {d.strip().lower().lstrip("@") for d in domains if d.strip()} and local in groups:
        return local
    return None


def refusal(message: str = NOT_ON_ROSTER, reason: str = NOT_ON_ROSTER_REASON) -> web.HTTPError:
    """A 403 whose page shows ``message`` under the heading ``reason``.

    It has no ``log_message``, so tornado does not log the request line, which
    holds the (spent) authorization code.
    """
    error = web.HTTPError(403, reason=reason)
    error.jupyterhub_message = message  # read by JupyterHub's error page
    return error


class KursOIDCAuthenticator(GenericOAuthenticator):
    """GenericOAuthenticator that only lets people on the course roster in."""

    course_dir = Unicode("", help="The nbgrader course folder, whose roster holds the e-mail addresses.").tag(
        config=True)
    roster_claim = Unicode("preferred_username", help="The claim matched against the roster.").tag(config=True)
    email_domains = List(Unicode(), help="The municipality's e-mail domains (see roster_id_for).").tag(config=True)
    jwks_uri = Unicode("", help="The provider's signing keys, for checking ID tokens.").tag(config=True)
    issuer = Unicode("", help="The provider's issuer, checked in ID tokens.").tag(config=True)

    _jwks_client: jwt.PyJWKClient | None = None

    def roster_members(self) -> dict[str, str]:
        """Group by hub username: the members of the hub's groups ``deltakere`` and ``kursledere``."""
        members: dict[str, str] = {}
        for group in GROUPS:
            found = orm.Group.find(self.db, group)
            for user in found.users if found is not None else ():
                members.setdefault(user.name, group)
        return members

    def current_roster(self) -> list[dict[str, str]]:
        """The roster members with their e-mail addresses from the course roster."""
        members = self.roster_members()
        emails: dict[str, str] = {}
        if members:
            from grading.roster import load_roster

            course = load_roster(self.course_dir or None)
            emails = {uid: str(epost or "") for uid, epost in zip(course["id"], course["epost"])}
        return [{"id": uid, "gruppe": group, "epost": emails.get(uid, "")} for uid, group in members.items()]

    def user_info_to_username(self, user_info: dict) -> str:
        uid = roster_id_for(user_info.get(self.roster_claim, ""), self.current_roster(), self.email_domains)
        if uid is None:
            # Raised here, before JupyterHub logs or stores the name: an outsider
            # leaves no identifier in the hub's log or database.
            self.log.warning("OIDC-innlogging avvist: personen står ikke på deltakerlisten.")
            raise refusal()
        return uid

    async def check_allowed(self, username: str, auth_model: dict | None) -> bool:
        # Checked again here, so a config that bypasses user_info_to_username still refuses outsiders.
        if username not in self.roster_members():
            self.log.warning("OIDC-innlogging avvist: personen står ikke på deltakerlisten.")
            raise refusal()
        return True

    async def refresh_user(self, user, handler=None, **kwargs):
        # Taken off the roster while logged in: the session ends at the next refresh
        # (Authenticator.auth_refresh_age), and the new login is refused.
        if user.name not in self.roster_members():
            self.log.info("%s står ikke lenger på deltakerlisten og er logget ut.", user.name)
            return False
        return await super().refresh_user(user, handler, **kwargs)

    async def token_to_user(self, token_info: dict) -> dict:
        if not self.userdata_from_id_token:
            return await super().token_to_user(token_info)
        id_token = token_info.get("id_token")
        if not id_token:
            self.log.error("OIDC: leverandøren sendte ingen ID-token.")
            raise refusal(LOGIN_FAILED, LOGIN_FAILED_REASON)
        try:
            return await asyncio.to_thread(self._verify_id_token, id_token)
        except jwt.PyJWTError as err:
            # The token itself is never logged.
            self.log.error("OIDC: ID-tokenet ble avvist (%s).", type(err).__name__)
            raise refusal(LOGIN_FAILED, LOGIN_FAILED_REASON) from None

    def _verify_id_token(self, id_token: str) -> dict:
        if self._jwks_client is None:
            self._jwks_client = jwt.PyJWKClient(self.jwks_uri, cache_keys=True, timeout=10)
        key = self._jwks_client.get_signing_key_from_jwt(id_token)
        return jwt.decode(
            id_token,
            key=key.key,
            algorithms=["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"],
            audience=self.client_id,
            issuer=self.issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            leeway=60,
        )


def _private_enough(info: os.stat_result) -> bool:
    """Nobody but the owner (and at most the hub's own group, read only) may read the secret.

    Kubernetes gives a secret mounted with ``defaultMode: 0400`` the mode 0440
    and the pod's ``fsGroup``, which is the hub's own group: that is allowed.
    """
    mode = info.st_mode
    if mode & stat.S_IRWXO or mode & (stat.S_IWGRP | stat.S_IXGRP):
        return False
    return not mode & stat.S_IRGRP or info.st_gid in (os.getgid(), *os.getgroups())


def read_client_secret(env: Mapping[str, str]) -> str:
    """The client secret from ``KURS_OIDC_CLIENT_SECRET_FILE`` (0600) or ``KURS_OIDC_CLIENT_SECRET``."""
    path = env.get("KURS_OIDC_CLIENT_SECRET_FILE", "").strip()
    if path:
        file = Path(path)
        try:
            info = file.stat()
        except OSError as err:
            raise OIDCConfigError(f"Fant ikke filen med klienthemmeligheten ({path}): {err.strerror}.") from None
        if not _private_enough(info):
            raise OIDCConfigError(
                f"Filen med klienthemmeligheten ({path}) kan leses av andre. "
                f"Kjør «chmod 600 {path}» og start huben på nytt.")
        secret = file.read_text(encoding="utf-8").strip()
    else:
        secret = env.get("KURS_OIDC_CLIENT_SECRET", "").strip()
    if not secret:
        raise OIDCConfigError(
            "Klienthemmeligheten mangler. Legg den i en fil med «chmod 600» og sett "
            "KURS_OIDC_CLIENT_SECRET_FILE til filens sti.")
    return secret


def discover(issuer: str, timeout: float = 10) -> dict:
    """Read and check the provider's discovery document (OpenID Connect Discovery 1.0)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https or loopback)
            doc = json.load(response)
    except (OSError, ValueError) as err:
        raise OIDCConfigError(f"Fikk ikke lest OpenID-oppsettet fra {url}: {err}.") from None
    if doc.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise OIDCConfigError(
            f"Leverandøren oppgir utstederen {doc.get('issuer')!r}, men KURS_OIDC_ISSUER er {issuer!r}. "
            "Bruk utstederen fra leverandøren (for Entra ID med leietakerens id, ikke «common»).")
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not doc.get(k)]
    if missing:
        raise OIDCConfigError(f"OpenID-oppsettet fra {url} mangler {', '.join(missing)}.")
    return doc


def configure(c: Any, *, course_dir: str | Path | None = None, env: Mapping[str, str] | None = None) -> None:
    """Set up OIDC login on the JupyterHub config ``c`` (see the module docstring).

    Raises :class:`OIDCConfigError` with a Norwegian message if a setting is
    missing or the provider cannot be reached.
    """
    env = os.environ if env is None else env
    issuer = env.get("KURS_OIDC_ISSUER", "").strip()
    client_id = env.get("KURS_OIDC_CLIENT_ID", "").strip()
    if not issuer or not client_id:
        raise OIDCConfigError("Sett KURS_OIDC_ISSUER og KURS_OIDC_CLIENT_ID for innlogging med OpenID Connect.")
    userdata = env.get("KURS_OIDC_USERDATA", "id_token").strip()
    if userdata not in ("id_token", "userinfo"):
        raise OIDCConfigError("KURS_OIDC_USERDATA må være «id_token» eller «userinfo».")
    secret = read_client_secret(env)
    doc = discover(issuer)

    a = c.KursOIDCAuthenticator
    c.JupyterHub.authenticator_class = KursOIDCAuthenticator
    a.course_dir = str(course_dir or hub_settings().course)
    a.issuer = doc["issuer"]
    a.jwks_uri = doc["jwks_uri"]
    a.client_id = client_id
    a.client_secret = secret
    a.authorize_url = doc["authorization_endpoint"]
    a.token_url = doc["token_endpoint"]
    if userdata == "userinfo":
        if not doc.get("userinfo_endpoint"):
            raise OIDCConfigError("Leverandøren har ikke noe userinfo-endepunkt. Bruk KURS_OIDC_USERDATA=id_token.")
        a.userdata_url = doc["userinfo_endpoint"]
    else:
        a.userdata_from_id_token = True
    claim = env.get("KURS_OIDC_USERNAME_CLAIM", "").strip() or "preferred_username"
    a.roster_claim = claim
    a.email_domains = env.get("KURS_OIDC_EPOSTDOMENER", "").replace(",", " ").split()
    a.username_claim = claim
    a.scope = (env.get("KURS_OIDC_SCOPE", "").strip() or "openid profile email").split()
    a.enable_pkce = True
    a.basic_auth = "client_secret_basic" in doc.get("token_endpoint_auth_methods_supported",
                                                    ["client_secret_basic"])
    a.login_service = env.get("KURS_OIDC_LOGIN_SERVICE", "").strip() or "kommunens innlogging"
    a.custom_403_message = NOT_ON_ROSTER
    a.enable_auth_state = False
    a.allow_all = False
    a.auto_login = env.get("KURS_OIDC_AUTO_LOGIN", "1").strip().lower() not in ("0", "false", "nei")
    if env.get("KURS_OIDC_CALLBACK_URL", "").strip():
        a.oauth_callback_url = env["KURS_OIDC_CALLBACK_URL"].strip()
