"""Målform of the hub's own pages (login, sign-up, home, errors): bokmål or nynorsk, per request.

The texts of ``hub/templates`` are marked with ``{% trans %}`` and ``_()`` (Jinja's i18n extension)
and extracted into the gettext domain ``hub`` (``locale/domener.yaml``), like «Min side».

What JupyterHub 6 offers, and what we use of it:

* ``c.JupyterHub.jinja_environment_options`` is passed to the Jinja environments the hub renders its
  pages with (the async one and the sync one ``write_error`` uses): it adds ``jinja2.ext.i18n``.
* ``c.JupyterHub.template_vars`` may hold callables, but they get only the user, and before login
  there is none: the målform must come from the request (a switch on the page, ``?sprak=nn``).
  So :func:`install` adds the request's målform and its gettext callables to every page's
  namespace by wrapping ``BaseHandler.template_namespace``, the one property every hub page
  (JupyterHub's and NativeAuthenticator's handlers, ``render_template`` and ``write_error``)
  takes its variables from. The extension finds ``gettext``/``ngettext`` in the render context.
  A JupyterHub without that property stops the hub at start with a clear message
  (:func:`install`), and ``tests/test_hub_sprak.py`` checks the wrapping on every upgrade.

The choice (:func:`fellesregler.sprak.velg`, the same rule as «Min side»): ``?sprak=nn`` or
``?sprak=nb`` (the switch on every page; remembered in the cookie ``kurs_sprak`` for the hub and
«Min side», one origin), then that cookie, then the browser's ``Accept-Language`` (``nn`` before
``nb`` only if the browser puts it first), then bokmål. Messages the hub's Python code writes
(NativeAuthenticator's «wrong password», the roster error of ``kurshub.native``) stay bokmål.
"""
from __future__ import annotations

import logging

from fellesregler.sprak import KAPSEL, oversettelse, sprakbytte, velg

log = logging.getLogger(__name__)

DOMENE = "hub"
#: How long the cookie keeps a reader's choice.
KAPSEL_DAGER = 365


def namespace(sprak: str, query: str = "") -> dict:
    """What a hub page gets for its målform: ``sprak``, the gettext callables and the switch's links
    (to the same page in the other målform, keeping the query: ``?next=…``)."""
    catalog = oversettelse(DOMENE, sprak)
    return {"sprak": sprak, "gettext": catalog.gettext, "ngettext": catalog.ngettext, "_": catalog.gettext,
            "sprakbytte": sprakbytte(sprak, query)}


def husk(handler, sprak: str, varig: bool = True) -> None:
    """Remember a reader's målform in the cookie the hub's pages and «Min side» share (path ``/``):
    for :data:`KAPSEL_DAGER` days, or (``varig=False``) for this browser session."""
    handler.set_cookie(KAPSEL, sprak, path="/", expires_days=KAPSEL_DAGER if varig else None, httponly=True,
                       samesite="Lax", secure=handler.request.protocol == "https")


def for_request(handler) -> dict:
    """The namespace of one request (a Tornado handler); remembers a choice made in the URL."""
    request = handler.request
    sprak, valgt_na = velg(request.query, handler.get_cookie(KAPSEL), None,
                           request.headers.get("Accept-Language"))
    if valgt_na:
        husk(handler, sprak)
    return namespace(sprak, request.query)


def install(c) -> None:
    """Jinja's i18n extension in the hub's environments, and the målform in every page's namespace."""
    from jupyterhub.handlers.base import BaseHandler

    c.JupyterHub.jinja_environment_options = {"extensions": ["jinja2.ext.i18n"]}
    original = getattr(BaseHandler, "template_namespace", None)
    if not isinstance(original, property):
        raise SystemExit("Denne JupyterHub-versjonen har ikke BaseHandler.template_namespace: sidene kan ikke "
                         "vises på nynorsk. Se hub/kurshub/sprak.py.")
    if getattr(original.fget, "kurs_sprak", False):
        return  # installed already (the config is read more than once in one process)

    def template_namespace(self):
        ns = original.fget(self)
        ns.update(for_request(self))
        return ns

    template_namespace.kurs_sprak = True
    BaseHandler.template_namespace = property(template_namespace, doc=original.__doc__)
