"""The målform of the hub's own pages and of «Min side», without a hub.

- The rule (`fellesregler.sprak.velg`): the URL, then the cookie, then the roster, then the browser's
  Accept-Language, then bokmål.
- Every hub template renders in nynorsk and in bokmål through a Jinja environment made with the
  options `kurshub.sprak.install` gives JupyterHub, with `<html lang>` and a switch to the other form.
- The per-request namespace (`kurshub.sprak.for_request`) remembers a choice made in the URL only.
- «Min side» follows the roster's målform, and `?sprak=` or the cookie overrides it.
The same pages in a real hub and Chromium: tests/test_hub_nynorsk.py.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hub"))

from fellesregler.sprak import KAPSEL, bytte_href, fra_accept_language, med_sprak, velg  # noqa: E402
from kurshub import sprak as hubsprak  # noqa: E402


@pytest.mark.parametrize("query, kapsel, kjent, accept, expected", [
    ("", None, None, None, ("nb", False)),
    ("sprak=nn", None, None, None, ("nn", True)),
    ("sprak=nb", "nn", "nn", "nn", ("nb", True)),  # the switch wins over everything
    ("next=%2Fhub%2Fhome&sprak=nynorsk", None, None, None, ("nn", True)),
    ("sprak=svensk", None, None, None, ("nb", False)),  # unknown: as if not asked
    ("", "nn", "nb", None, ("nn", False)),  # the reader's last choice wins over the roster
    ("", "tull", "nn", None, ("nn", False)),  # a bad cookie is ignored
    ("", None, "nn", "nb-NO,nb;q=0.9", ("nn", False)),  # the roster wins over the browser
    ("", None, None, "nn-NO,nn;q=0.9,nb;q=0.8", ("nn", False)),
    ("", None, None, "en-GB,en;q=0.9", ("nb", False)),
])
def test_the_order_of_the_choice(query, kapsel, kjent, accept, expected):
    assert velg(query, kapsel, kjent, accept) == expected


@pytest.mark.parametrize("header, expected", [
    ("nn-NO,nn;q=0.9,nb;q=0.8,en;q=0.5", "nn"),
    ("nb-NO,nb;q=0.9,nn;q=0.8", "nb"),
    ("en-US,nn;q=0.5,nb;q=0.4", "nn"),  # the first of ours by weight, not the first in the list
    ("en-US,nb;q=0.4,nn;q=0.5", "nn"),
    ("no,nn;q=0.2", "nb"),  # plain «no» is bokmål
    ("nn;q=0", "nb"),  # q=0 means «not this one»
    ("nn;q=x", "nb"),
    ("", "nb"),
    (None, "nb"),
])
def test_accept_language(header, expected):
    assert fra_accept_language(header) == expected


def test_the_switch_keeps_the_rest_of_the_address():
    assert bytte_href("nn", "next=%2Fservices%2Fminside%2F&sprak=nb") == "?next=%2Fservices%2Fminside%2F&sprak=nn"
    assert bytte_href("nb", "") == "?sprak=nb"


# --------------------------------------------------------------------------- the hub's templates

HUB_PAGES = {  # template -> (a nynorsk text it shows, its bokmål, extra variables)
    "login.html": ("Logg inn med brukarnamnet frå deltakarlista", "Logg inn med brukernavnet fra deltakerlisten",
                   {"enable_signup": True, "next": "/hub/home"}),
    "native-login.html": ("Brukarnamn", "Brukernavn", {"enable_signup": True}),
    "signup.html": ("Lag ein konto", "Lag en konto", {}),
    "home.html": ("Velkomen, nora", "Velkommen, nora", {"default_server": SimpleNamespace(active=True)}),
    "error.html": ("Fann ikkje sida", "Fant ikke siden", {"status_code": 404}),
    "404.html": ("Fann ikkje sida", "Fant ikke siden", {"status_code": 404}),
    "not_running.html": ("JupyterLab er ikkje starta", "JupyterLab er ikke startet", {"failed": True}),
    "ikke-godkjent.html": ("Kontoen er ikkje godkjend enno", "Kontoen er ikke godkjent ennå", {}),
    "ikke-paa-listen.html": ("Du står ikkje på deltakarlista", "Du står ikke på deltakerlisten", {}),
    "change-password.html": ("Passordet du har no", "Nåværende passord", {}),
    "my_message.html": ("Melding", "Melding", {}),
    "spawn_pending.html": ("Arbeidsområdet ditt blir gjort klart", "Arbeidsflaten din gjøres klar", {}),
}


@pytest.fixture(scope="module")
def hub_env() -> jinja2.Environment:
    """The hub's Jinja environment as JupyterHub 6 makes it (app.init_tornado_settings), with our options."""
    from jupyterhub._data import DATA_FILES_PATH

    c = Config()
    hubsprak.install(c)
    loader = jinja2.FileSystemLoader([str(ROOT / "hub" / "templates"), str(Path(DATA_FILES_PATH) / "templates")])
    return jinja2.Environment(loader=loader, autoescape=True, **c.JupyterHub.jinja_environment_options)


def _render(env, name: str, sprak: str, extra: dict) -> str:
    ns = {"base_url": "/hub/", "static_url": lambda p: f"/hub/static/{p}", "login_url": "/hub/login",
          "logout_url": "/hub/logout", "xsrf": "x", "xsrf_token": "x", "services": [],
          "user": SimpleNamespace(name="nora"), "message": "Melding frå huben", "url": "/user/nora/lab",
          **hubsprak.namespace(sprak, "next=%2Fhub%2Fhome"), **extra}
    return env.get_template(name).render(**ns)


@pytest.mark.parametrize("name", sorted(HUB_PAGES))
def test_every_hub_page_in_both_malformer(hub_env, name):
    nn_text, nb_text, extra = HUB_PAGES[name]
    nn = _render(hub_env, name, "nn", extra)
    assert '<html lang="nn">' in nn and nn_text in nn
    assert 'href="?next=%2Fhub%2Fhome&amp;sprak=nb" lang="nb" hreflang="nb">Bokmål</a>' in nn
    nb = _render(hub_env, name, "nb", extra)
    assert '<html lang="nb">' in nb and nb_text in nb and 'lang="nn" hreflang="nn">Nynorsk</a>' in nb
    if nn_text != nb_text:
        assert nb_text not in nn and nn_text not in nb


def test_the_pages_own_variables_are_escaped_in_translated_sentences(hub_env):
    html = _render(hub_env, "home.html", "nn", {"user": SimpleNamespace(name="<b>x</b>"),
                                                "default_server": SimpleNamespace(active=False)})
    assert "Velkomen, &lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


class _Handler:
    """What kurshub.sprak.for_request reads of a Tornado handler."""

    def __init__(self, query: str = "", cookie: str | None = None, accept: str | None = None):
        self.request = SimpleNamespace(query=query, protocol="http",
                                       headers={"Accept-Language": accept} if accept else {})
        self.cookie, self.set = cookie, []

    def get_cookie(self, name):
        return self.cookie if name == KAPSEL else None

    def set_cookie(self, name, value, **kw):
        self.set.append((name, value, kw))


def test_a_choice_in_the_url_is_remembered_for_the_hub_and_min_side():
    h = _Handler("next=%2Fhub%2F&sprak=nn")
    ns = hubsprak.for_request(h)
    assert ns["sprak"] == "nn" and ns["_"]("Logg inn – Nyskapende arbeidsgivere").startswith("Logg inn – Nyskapande")
    assert ns["sprakbytte"] == [{"sprak": "nb", "navn": "Bokmål", "href": "?next=%2Fhub%2F&sprak=nb"}]
    (name, value, kw), = h.set
    assert (name, value, kw["path"], kw["httponly"], kw["samesite"]) == (KAPSEL, "nn", "/", True, "Lax")


@pytest.mark.parametrize("handler, expected", [
    (_Handler(cookie="nn"), "nn"), (_Handler(accept="nn-NO,nn;q=0.9"), "nn"), (_Handler(), "nb"),
])
def test_no_cookie_is_set_without_a_choice_in_the_url(handler, expected):
    assert hubsprak.for_request(handler)["sprak"] == expected
    assert handler.set == []


def test_install_wraps_template_namespace_once():
    from jupyterhub.handlers.base import BaseHandler

    original = BaseHandler.template_namespace
    try:
        c = Config()
        hubsprak.install(c)
        wrapped = BaseHandler.template_namespace
        hubsprak.install(c)  # the config may be read again in one process
        assert BaseHandler.template_namespace is wrapped and wrapped.fget.kurs_sprak
        assert c.JupyterHub.jinja_environment_options == {"extensions": ["jinja2.ext.i18n"]}
    finally:
        BaseHandler.template_namespace = original


# --------------------------------------------------------------------------- «Min side»

def _min_side(tmp_path, malform: str):
    from minside import app as minside
    from progress_fixtures import Sub, make_gradebook, release

    nora = {"id": "nora", "navn": "Nora Lie", "enhet": "Drift", "malform": malform}
    lay = make_gradebook(tmp_path / "kurs", [nora], {("nora", "vage"): Sub(dt.datetime(2026, 11, 1), 1.0, 2.0)},
                         assignments=("vage", "lede"))
    release(lay, "lede")
    state = minside.make_app(minside.Settings(lay)).minside_state
    return lambda query="", kapsel=None: minside.min_side(state, "nora", {"name": "nora"}, False, query, kapsel)


def test_min_side_follows_the_roster_and_the_switch_overrides_it(tmp_path):
    side = _min_side(tmp_path, "nn")
    html, sprak = side()
    assert sprak == "nn" and '<html lang="nn">' in html and "<h1>Mi side</h1>" in html
    assert "Hent oppgåva" in html and "fana «Assignments»" in html  # the next step
    assert "alle dei 2 refleksjonsoppgåvene er leverte" in html  # the rule
    assert "Dei fem prinsippa" in html and 'href="/services/boka/nn/chapters/vage.html"' in html
    assert "Delt ut – ikkje henta" in html and "Hopp til innhaldet" in html
    assert 'href="?sprak=nb" lang="nb" hreflang="nb">Bokmål</a>' in html
    assert "egenvurdering.ipynb?sprak=nn" in html

    html, sprak = side("sprak=nb", "nn")
    assert sprak == "nb" and '<html lang="nb">' in html and "<h1>Min side</h1>" in html
    assert "Hent oppgaven" in html and "De fem prinsippene" in html and "Mi side" not in html
    assert side("", "nb")[1] == "nb"  # the reader's choice, remembered, wins over the roster


def test_a_bokmal_learner_gets_bokmal_and_can_switch(tmp_path):
    side = _min_side(tmp_path, "nb")
    html, sprak = side()
    assert sprak == "nb" and '<html lang="nb">' in html and 'href="?sprak=nn" lang="nn"' in html
    html, sprak = side("sprak=nn")
    assert sprak == "nn" and "<h1>Mi side</h1>" in html


def test_min_side_error_page_in_nynorsk():
    from minside import app as minside, sprak

    env = minside.make_env()
    with med_sprak("nn"):
        html = env.get_template("feil.html.j2").render(kurs="K", tittel="T", tekst="x", kode=404, base="/",
                                                       **sprak.ns("nn"))
    assert '<html lang="nn">' in html and "Feilkode 404." in html and ">Mi side</a>" in html


def test_the_rule_in_both_malformer_and_with_zero_points():
    from grading.completion import CompletionRule, rule_text

    rule = CompletionRule(None, points_above=0)
    assert rule_text(["vage", "lede"], None, rule).startswith(
        "Du får kursbevis når alle de 2 refleksjonsoppgavene er levert og ferdig vurdert, med mer enn 0 poeng")
    with med_sprak("nn"):
        assert rule_text(["vage", "lede"], None, rule) == (
            "Du får kursbevis når alle dei 2 refleksjonsoppgåvene er leverte og ferdig vurderte, med meir enn "
            "0 poeng på kvar. Du må også stå på deltakarlista.")


def test_min_side_remembers_the_roster_for_the_session_and_a_choice_for_a_year():
    from minside import sprak

    fra_lista = _Handler()
    sprak.husk(fra_lista, "nn")
    assert [(v, kw["expires_days"], kw["path"]) for _n, v, kw in fra_lista.set] == [("nn", None, "/")]
    valgt = _Handler("sprak=nb", cookie="nn")
    sprak.husk(valgt, "nb")
    assert [(v, kw["expires_days"]) for _n, v, kw in valgt.set] == [("nb", hubsprak.KAPSEL_DAGER)]
    husket = _Handler(cookie="nb")  # the reader's earlier choice stays as it is
    sprak.husk(husket, "nb")
    assert husket.set == []
