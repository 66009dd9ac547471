"""The embedded login: NativeAuthenticator, limited to the roster, approved by a course leader.

- Only ids on the roster can sign up: the hub users in the groups `deltakere`
  (made by `kursleder deltakere importer`) and `kursledere`.
- A new account waits until a course leader approves it on /hub/authorize.
- Passwords are stored only as bcrypt hashes (NativeAuthenticator).
- Every message is in bokmål; the handlers only replace NativeAuthenticator's texts.
- The first course leaders get a one-time password from `make hub` (stored here
  only as a bcrypt hash, read once from a root-only file and then deleted).
- Course leaders approve accounts with the narrow custom scope
  ``custom:kurs:kontoer`` instead of ``admin:users``: NativeAuthenticator's own
  approval pages demand the unfiltered ``admin:users`` (read, create, rename and
  delete every user, and set any password on /hub/change-password/<user>, so a
  course leader could log in as a learner). Ours accept the custom scope, and then
  only for learners on the roster (group `deltakere`, not course leaders or admins).
  Setting another person's password stays with ``admin:users`` (hub admins only).
- Approving, withdrawing and discarding change state only on POST, from the buttons on
  /hub/authorize, with JupyterHub's XSRF token (``_xsrf``). NativeAuthenticator's design
  approves on a GET link, which another web page could make a logged-in course leader's
  browser follow; here a GET to those addresses changes nothing (405, with a message).
"""
from __future__ import annotations

import json
import os

from jupyterhub import orm
from jupyterhub.scopes import has_scope
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator import handlers as native_handlers
from nativeauthenticator.orm import UserInfo

from .settings import DELTAKERE, KURSLEDERE, SCOPE_ACCOUNTS, from_env
from .spawner import NOT_ON_ROSTER

WRONG_LOGIN = "Feil brukernavn eller passord."
NOT_APPROVED = "Kontoen din er ikke godkjent ennå."
#: The buttons' ``handling`` on /hub/authorize/<name>: the approval it sets.
ACTIONS = {"godkjenn": True, "trekk-tilbake": False}
GET_REFUSED = ("Kontoer godkjennes bare med knappene på siden «Godkjenn kontoer». "
               "Lenken du fulgte, endret ingenting.")
FORGED = ("Ingenting er endret: skjemaet kom ikke fra siden «Godkjenn kontoer» på huben, eller siden "
          "var for gammel. Åpne «Godkjenn kontoer» på nytt og prøv igjen.")


def roster_names(db) -> set[str]:
    names: set[str] = set()
    for group in (DELTAKERE, KURSLEDERE):
        g = orm.Group.find(db, group)
        if g is not None:
            names.update(u.name for u in g.users)
    return names


def learner_names(db) -> set[str]:
    """Accounts a course leader may approve: learners on the roster who are not course leaders or admins."""
    g = orm.Group.find(db, DELTAKERE)
    leaders = orm.Group.find(db, KURSLEDERE)
    lead = {u.name for u in leaders.users} if leaders is not None else set()
    return {u.name for u in g.users if not u.admin and u.name not in lead} if g is not None else set()


class AccountsBase(native_handlers.LocalBase):
    """Approval pages for whoever has ``custom:kurs:kontoer`` (course leaders) or ``admin:users``."""

    def allowed_names(self) -> set[str] | None:
        """None: every account (hub admins); otherwise the learners on the roster."""
        if has_scope("admin:users", self.parsed_scopes):
            return None
        if has_scope(SCOPE_ACCOUNTS, self.parsed_scopes):
            return learner_names(self.db)
        raise native_handlers.web.HTTPError(403, "Bare kursledere kan godkjenne kontoer.")

    def check_xsrf_cookie(self):
        """JupyterHub's check of ``_xsrf`` on POST, with a message in bokmål."""
        try:
            super().check_xsrf_cookie()
        except native_handlers.web.HTTPError:
            raise native_handlers.web.HTTPError(403, FORGED) from None

    async def refuse_get(self) -> None:
        """A GET to an address that changes an account: nothing changes (NativeAuthenticator's old links)."""
        self.set_status(405)
        self.set_header("Allow", "POST")
        self.finish(await self.render_template("error.html", status_code=405, message=GET_REFUSED))

    def check_target(self, name: str) -> None:
        allowed = self.allowed_names()
        if allowed is not None and name not in allowed:
            raise native_handlers.web.HTTPError(
                403, "Du kan bare godkjenne kontoer for deltakere på deltakerlisten.")


class KursAuthorizationAreaHandler(AccountsBase):
    @native_handlers.web.authenticated
    async def get(self):
        allowed = self.allowed_names()
        users = [u for u in self.db.query(UserInfo).all() if allowed is None or u.username in allowed]
        html = await self.render_template("authorization-area.html",
                                          ask_email=self.authenticator.ask_email_on_signup, users=users)
        self.finish(html)


class KursToggleAuthorizationHandler(AccountsBase):
    """POST /hub/authorize/<name> with ``handling`` (:data:`ACTIONS`): approve or withdraw."""

    @native_handlers.web.authenticated
    async def get(self, slug):
        await self.refuse_get()

    @native_handlers.web.authenticated
    async def post(self, slug):
        self.check_target(slug)
        action = self.get_body_argument("handling", "")
        if action not in ACTIONS:
            raise native_handlers.web.HTTPError(400, "Ukjent handling. Bruk knappene på siden «Godkjenn kontoer».")
        info = UserInfo.find(self.db, slug)
        if info is None:
            raise native_handlers.web.HTTPError(400, f"{slug} har ingen konto å godkjenne.")
        info.is_authorized = ACTIONS[action]
        self.db.commit()
        self.redirect(self.hub.base_url + "authorize#" + slug, status=303)


class KursDiscardHandler(AccountsBase):
    """POST /hub/discard/<name>: discard an account that is not approved yet.

    The hub user (and so the roster group) stays: the learner can sign up again.
    """

    @native_handlers.web.authenticated
    async def get(self, user_name):
        await self.refuse_get()

    @native_handlers.web.authenticated
    async def post(self, user_name):
        self.check_target(user_name)
        info = self.authenticator.get_user(user_name)
        if info is not None and not info.is_authorized:
            self.db.delete(info)
            self.db.commit()
        self.redirect(self.hub.base_url + "authorize", status=303)


class KursSignUpHandler(native_handlers.SignUpHandler):
    def get_result_message(self, user, assume_user_is_human, username_already_taken,
                           confirmation_matches, user_is_admin):
        name = self.authenticator.normalize_username(self.get_body_argument("username", "", strip=False))
        if username_already_taken:
            return "alert-danger", "Det finnes allerede en konto med dette brukernavnet. Logg inn i stedet."
        if not confirmation_matches:
            return "alert-danger", "De to passordene er ikke like. Prøv igjen."
        if user is None and name not in roster_names(self.db):
            return "alert-danger", NOT_ON_ROSTER
        if user is None:
            n = self.authenticator.minimum_password_length
            return "alert-danger", (f"Passordet må ha minst {n} tegn og kan ikke være et vanlig passord. "
                                    "Prøv et annet.")
        if user.is_authorized:
            return "alert-success", "Kontoen er laget. Du kan logge inn nå."
        return "alert-info", ("Kontoen er laget. En kursleder må godkjenne den før du kan logge inn. "
                              "Prøv igjen senere.")


class KursLoginHandler(native_handlers.LoginHandler):
    async def post(self):
        data = {arg: self.get_argument(arg, strip=False) for arg in self.request.arguments}
        user = await self.login_user(data)
        if user:
            self._jupyterhub_user = user
            self.redirect(self.get_next_url(user))
            return
        username = self.authenticator.normalize_username(data.get("username", ""))
        info = self.authenticator.get_user(username)
        valid = info is not None and info.is_valid_password(data.get("password", ""))
        if valid and username not in roster_names(self.db):
            self.set_status(403)
            html = await self.render_template("ikke-paa-listen.html", message=NOT_ON_ROSTER)
        elif valid and not info.is_authorized:
            self.set_status(403)
            html = await self.render_template("ikke-godkjent.html", username=username)
        else:
            html = await self._render(login_error=WRONG_LOGIN, username=username)
        self.finish(html)


class KursChangePasswordHandler(native_handlers.ChangePasswordHandler):
    @native_handlers.web.authenticated
    async def post(self):
        user = await self.get_current_user()
        old = self.get_body_argument("old_password", strip=False)
        new = self.get_body_argument("new_password", strip=False)
        again = self.get_body_argument("new_password_confirmation", strip=False)
        info = self.authenticator.get_user(user.name)
        if info is None or not info.is_valid_password(old):
            alert, message = "alert-danger", "Det nåværende passordet er feil. Prøv igjen."
        elif new != again:
            alert, message = "alert-danger", "De to nye passordene er ikke like. Prøv igjen."
        elif self.authenticator.change_password(user.name, new):
            alert, message = "alert-success", "Passordet er byttet."
        else:
            n = self.authenticator.minimum_password_length
            alert, message = "alert-danger", (f"Det nye passordet må ha minst {n} tegn og kan ikke være "
                                              "et vanlig passord. Prøv et annet.")
        html = await self.render_template("change-password.html", user_name=user.name,
                                          result_message=message, alert=alert)
        self.finish(html)


class KursAuthenticator(NativeAuthenticator):
    """NativeAuthenticator for the course: sign-up and login only for the roster."""

    def create_user(self, username, password, **kwargs):
        if self.normalize_username(username) not in roster_names(self.db):
            return None
        return super().create_user(username, password, **kwargs)

    def check_allowed(self, username, authentication=None):
        return username in roster_names(self.db)

    async def refresh_user(self, user, handler=None):
        # Removed from the roster while logged in: the session ends at the next check.
        return user.name in roster_names(self.db)

    def add_new_table(self):
        super().add_new_table()
        self._load_bootstrap()

    def _load_bootstrap(self) -> None:
        """Create the first course leaders' accounts from `make hub`'s one-time password hashes."""
        path = from_env().bootstrap_file
        if not path.exists():
            return
        entries = json.loads(path.read_text(encoding="utf-8"))
        for name, hashed in entries.items():
            info = UserInfo.find(self.db, name)
            if info is None:
                self.db.add(UserInfo(username=name, password=hashed.encode(), is_authorized=True))
            else:
                info.password, info.is_authorized = hashed.encode(), True
        self.db.commit()
        os.unlink(path)

    def get_handlers(self, app):
        replaced = {native_handlers.LoginHandler: KursLoginHandler,
                    native_handlers.SignUpHandler: KursSignUpHandler,
                    native_handlers.ChangePasswordHandler: KursChangePasswordHandler,
                    native_handlers.AuthorizationAreaHandler: KursAuthorizationAreaHandler,
                    native_handlers.ToggleAuthorizationHandler: KursToggleAuthorizationHandler,
                    native_handlers.DiscardHandler: KursDiscardHandler}
        return [(route, replaced.get(handler, handler)) for route, handler in super().get_handlers(app)]


def configure(c) -> None:
    c.JupyterHub.authenticator_class = KursAuthenticator
    c.KursAuthenticator.enable_signup = True
    c.KursAuthenticator.open_signup = False
    c.KursAuthenticator.minimum_password_length = 10
    c.KursAuthenticator.check_common_password = True
    c.KursAuthenticator.allowed_failed_logins = 5
    c.KursAuthenticator.seconds_before_next_try = 300
    c.KursAuthenticator.ask_email_on_signup = False
