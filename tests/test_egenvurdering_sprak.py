"""The self-assessment and both apps in nynorsk (widgets/egenvurdering/sprakvalg.py, tekster.py).

Without a browser: the målform is read from the app's query string, the switch links to the same
app in the other målform and keeps the other arguments, the page script's rule is the one
fellesregler.sprak.fra_url uses, every text of the instrument is extracted for the catalog, and the
apps show the instrument and their own texts in nynorsk without storing the målform anywhere.
The browser test (switching in each app, lang, axe) is in test_apps_browser.py.
"""
from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from fellesregler import sprak
from widgets.egenvurdering import Store, load_instrument, views
from widgets.egenvurdering.app import EgenvurderingApp
from widgets.egenvurdering.sprakvalg import (URL_NOKLER, bytte_href, mal_tekster, sprakbytte_html, sprakregel,
                                             start, velg_sprak)
from widgets.egenvurdering.team_app import TeamApp
from widgets.egenvurdering.tekster import extract

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def bokmal_afterwards():
    yield
    sprak.bruk("nb")


@pytest.fixture()
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'ev.db'}", busy_timeout_ms=200)


def test_the_query_string_chooses_the_malform():
    assert velg_sprak("sprak=nn") == "nn" and sprak.aktivt() == "nn"
    assert velg_sprak("gruppe=4KXM-92TQ&sprak=nynorsk") == "nn"
    assert velg_sprak("") == "nb" and sprak.aktivt() == "nb"
    assert velg_sprak("sprak=engelsk") == "nb"  # unknown: bokmål, never an error


@contextmanager
def voila_query_socket(server_url: str):
    """Voila's own request-info websocket (``/voila/query/<kernel id>``) in a Tornado server on a free port."""
    import asyncio

    import tornado.httpserver
    import tornado.netutil
    import tornado.web
    from voila.request_info_handler import RequestInfoSocketHandler

    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(server_url + r"voila/query/(?P<kernel_id>[\w-]+)", RequestInfoSocketHandler)])
        tornado.httpserver.HTTPServer(app).add_sockets(sockets)
        loop.call_soon(started.set)
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(30)

    def send(kernel_id: str, payload: dict) -> None:
        loop.call_soon_threadsafe(RequestInfoSocketHandler.send_updates,
                                  {"kernel_id": kernel_id, "payload": json.dumps(payload)})

    try:
        yield sockets[0].getsockname()[1], send, RequestInfoSocketHandler._waiters
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


# In apps/ `widgets` is a namespace package (the folder apps/widgets): the apps import the submodule.
PREHEATED_KERNELS = [
    ("apps", "from widgets.egenvurdering.sprakvalg import velg_sprak as velg"),
    ("apps/widgets", "from widgets import sprak_fra_voila as velg"),
]


@pytest.mark.parametrize("cwd, importer", PREHEATED_KERNELS)
def test_a_preheated_kernel_learns_the_malform_from_voila_without_importing_voila(cwd, importer):
    """The regression of 5 s per preheated page: the kernel imported voila (Jupyter Server, seconds)
    to wait for the request. It must wait on Voila's websocket (under the hub's base URL, and not
    through a proxy from the environment), get ``?sprak=nn``, and never import voila."""
    kernel_id = str(uuid.uuid4())
    with voila_query_socket("/services/apper/") as (port, send, waiting):
        env = {**os.environ, "VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": kernel_id,
               "VOILA_SERVER_URL": "/services/apper/", "VOILA_BASE_URL": "/services/apper/",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "all_proxy": "http://127.0.0.1:9"}
        env.pop("QUERY_STRING", None)
        env.pop("no_proxy", None)
        env.pop("NO_PROXY", None)
        code = (f"import os, sys\n{importer}\nprint(velg(), os.environ['QUERY_STRING'], 'voila' in sys.modules)")
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT / cwd, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for _ in range(2400):  # until the kernel is connected and waits for its reader (≤ 2 min)
                if kernel_id in waiting:
                    break
                assert proc.poll() is None, proc.stderr.read()
                threading.Event().wait(0.05)
            assert kernel_id in waiting, "the kernel never connected to Voila's websocket"
            assert proc.poll() is None  # it has not gone on without the request
            send(kernel_id, {"QUERY_STRING": "gruppe=4KXM-92TQ&sprak=nn", "SERVER_NAME": "127.0.0.1"})
            out, err = proc.communicate(timeout=120)
        finally:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.split() == ["nn", "gruppe=4KXM-92TQ&sprak=nn", "False"], (out, err)


def test_a_preheated_kernel_that_cannot_reach_voila_says_so_and_stays_in_bokmal(monkeypatch, capfd):
    from widgets.voila_sprak import sprak_fra_voila

    with voila_query_socket("/") as (port, _send, _waiting):
        pass  # a port that was Voila's and is closed now
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_KERNEL_ID", str(uuid.uuid4()))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert sprak_fra_voila() == "nb"
    assert f"Fikk ikke kontakt med Voila på ws://127.0.0.1:{port}/voila/query/" in capfd.readouterr().err


def test_the_switch_links_to_the_other_malform_and_keeps_the_other_arguments():
    assert bytte_href("nn", "gruppe=4KXM-92TQ&sprak=nb") == "?gruppe=4KXM-92TQ&sprak=nn"
    assert bytte_href("nb", "lang=nn&x=a+b") == "?x=a+b&sprak=nb"
    html = sprakbytte_html("gruppe=4KXM-92TQ", "nb")
    assert "aria-label='Målform'" in html
    assert "href='?gruppe=4KXM-92TQ&amp;sprak=nn' lang='nn' hreflang='nn'>Nynorsk</a>" in html
    assert "Bokmål" not in html  # only the other målform is a link
    assert ">Bokmål</a>" in sprakbytte_html("sprak=nn", "nn")


def test_the_page_script_reads_the_url_as_fra_url_does():
    """The template's script cannot call Python: its rule comes from here and must not drift."""
    regel = sprakregel()
    assert set(regel["verdier"]) == set(sprak._ALIAS)  # every alias fra_url knows
    for key in URL_NOKLER:
        for value, code in regel["verdier"].items():
            assert sprak.fra_url({key: value}) == code
    assert sprak.fra_url({"x": "nn"}) == "nb"  # only these keys choose
    assert regel["standard"] == sprak.STANDARD


def test_the_template_texts_and_titles():
    tekster = mal_tekster()
    assert tekster["nb"]["laster"] == "Laster inn appen …"
    assert tekster["nn"]["laster"] == "Lastar inn appen …"
    for name in ("egenvurdering", "team"):
        nb = json.loads((ROOT / "apps" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert tekster["nb"][f"tittel_{name}"] == nb["metadata"]["title"]
        assert tekster["nn"][f"tittel_{name}"] != nb["metadata"]["title"]


def test_every_text_a_reader_sees_in_the_instrument_is_extracted():
    ins = load_instrument()
    expected = ({*ins.scale.values(), ins.dont_know, ins.privacy_text, ins.status} | {b.name for b in ins.bands}
                | {d.name for d in ins.dimensions} | {d.text for d in ins.dimensions} | {i.text for i in ins.items})
    source = (ROOT / "data" / "egenvurdering.yaml").read_bytes()
    found = list(extract(io.BytesIO(source), None, (), {}))
    assert {message for _line, _func, message, _c in found} == expected
    assert all(line > 1 for line, *_ in found)
    ids = {i.id for i in ins.items} | {d.id for d in ins.dimensions} | {d.chapter for d in ins.dimensions}
    assert not ids & {message for _l, _f, message, _c in found}  # ids and chapters are not texts


def test_the_assessment_in_nynorsk(store):
    sprak.bruk("nn")
    app = EgenvurderingApp(store=store)
    assert "Eigenvurdering: «Nyskapende arbeidsgivere»" in app.start_intro.value
    assert "Før du lagrar: Svara dine blir lagra under ein personleg kode" in app.start_intro.value
    app.new_button.click()
    assert "Kryss av for at du har lese" in app.start_message.value
    app.consent.value = True
    app.new_button.click()
    assert "Del 1 av 13: K1 Innbyggjaren i sentrum" in app.form_header.value
    first = app.select_for("K1.1")
    assert first.description == "Når vi endrar ei teneste, spør vi innbyggjarane kva dei treng."
    labels = [label for label, _value in first.options]
    assert labels[0] == "Vel eit svar" and labels[1] == "1 – svært usamd" and labels[-1] == "Veit ikkje"
    for item in app.instrument.items:
        app.select_for(item.id).value = "4"
    app.save_button.click()
    assert app.screen == "profil"
    profile = app.profile_html.value
    assert "Profilen din" in profile and "Du har teke vurderinga 1 gong." in profile
    assert "Edderkoppdiagram over dei 13 dimensjonane." in profile and "Kolonnen" not in profile
    assert "<th scope='row'>K1 Innbyggjaren i sentrum</th>" in profile
    assert "Handlingsplanen min" in app.plan_area.value
    # The stored answers are the same in both målformer: nothing about the målform is saved.
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as db:
        columns = {c[1] for t in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                   for c in db.execute(f"PRAGMA table_info({t[0]})")}
    assert not {c for c in columns if "sprak" in c or "lang" in c or "malform" in c}, columns


def test_errors_and_the_team_view_in_nynorsk(store):
    sprak.bruk("nn")
    app = EgenvurderingApp(store=store)
    app.consent.value = True
    app.code_input.value = "AAAA-BBBB-CCCC"
    app.fetch_button.click()
    assert "Vi finn ingen svar for denne koden" in app.start_message.value
    team = TeamApp(store=store)
    assert "Teamvisning: eigenvurdering" in team.intro.value
    team.code_input.value = store.create_group("Team nynorsk").code
    team.show_button.click()
    assert "Teamvisninga blir først vist når minst 5 har svart" in team.result.value


def test_the_downloaded_report_carries_the_malform():
    ins = load_instrument()
    sprak.bruk("nn")
    assert '<html lang="nn">' in views.report_html([], ins, [], None)
    sprak.bruk("nb")
    assert '<html lang="nb">' in views.report_html([], ins, [], None)


def test_start_puts_the_switch_above_the_app(store):
    built = []
    frame = start(lambda: built.append(TeamApp(store=store)) or built[-1], query="sprak=nn")
    assert sprak.aktivt() == "nn"
    switch, app = frame.children
    assert ">Bokmål</a>" in switch.value and app is built[-1]
    assert "Teamvisning: eigenvurdering" in app.intro.value
    assert len(built) == 2 and built[0].comm is None  # the bokmål app, built while waiting, is closed
    assert start(lambda: TeamApp(store=store), query="").children[1].comm is not None


def test_the_chapter_tables_follow_the_malform():
    """The book's tables of the instrument (report.py) read the same catalog as the apps."""
    from widgets.egenvurdering import report

    ins = load_instrument()
    sprak.bruk("nn")
    table = report.instrument_html(ins, None)
    assert "Når vi endrar ei teneste, spør vi innbyggjarane kva dei treng." in table and "Kjenneteikn" in table
    assert "verken samd eller usamd" in report.rules_html(ins)
    assert "Reknedøme for P1 Å våge" in report.scoring_example_html(ins)
    sprak.bruk("nb")
    assert "Når vi endrer en tjeneste, spør vi innbyggerne hva de trenger." in report.instrument_html(ins, None)
