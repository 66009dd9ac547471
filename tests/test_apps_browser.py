"""The self-assessment apps in real Chromium against Voila started by the test.

Covers: the whole assessment from the keyboard, the profile, reload and
retake, the switch between bokmål and nynorsk in each app, deleting the data (checked in the database), the team view hidden at
4 respondents and shown at 5, making and closing a group with the lederkode
(keyboard only), zero external requests and axe-core on every screen.
"""
from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from browser import format_violations, run_axe
from voila_process import running_voila, wait_for_pool
from tools import voila_server
from widgets.egenvurdering.instrument import load_instrument
from widgets.egenvurdering import Store, UnknownKey

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'egenvurdering.db'}"


@pytest.fixture(scope="module")
def voila(db_url):
    with running_voila(db_url) as (port, log):
        wait_for_pool(log)
        yield port


def assert_accessible(page, screen: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"axe fant brudd på skjermen «{screen}»:\n{format_violations(violations)}"


def open_app(page, port: int, notebook: str) -> None:
    page.goto(voila_server.url(port, notebook))


def press_on(page, locator, key: str = "Enter") -> None:
    """Move keyboard focus to an element and press a key: no mouse involved."""
    locator.focus()
    page.keyboard.press(key)


def answer_all_with_keyboard(page, per_item: int | None = None) -> None:
    """Go through all 13 parts with Tab, arrow keys and Enter."""
    ins = load_instrument()
    rng = random.Random(7)
    for part, dim in enumerate(ins.dimensions):
        expect(page.get_by_role("heading", name=f"Del {part + 1} av {len(ins.dimensions)}")).to_be_visible()
        first = page.get_by_role("combobox", name=dim.items[0].text)
        expect(first).to_be_focused()  # the app moves focus to the first statement
        for i, item in enumerate(dim.items):
            box = page.get_by_role("combobox", name=item.text)
            expect(box).to_be_focused()
            expect(box).to_have_value("Velg et svar")
            steps = per_item if per_item is not None else rng.randint(1, 5)
            for _ in range(steps):
                page.keyboard.press("ArrowDown")
            expect(box).to_have_value(re.compile(rf"^{steps} – "))
            page.keyboard.press("Tab")
        last = part == len(ins.dimensions) - 1
        target = page.get_by_role("button", name="Lagre og se profilen" if last else "Neste")
        for _ in range(3):  # Tab past the disabled/enabled «Forrige»
            if target.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        expect(target).to_be_focused()
        page.keyboard.press("Enter")


def test_keyboard_assessment_profile_reload_retake_and_delete(page, voila, db_url):
    open_app(page, voila, "egenvurdering.ipynb")
    expect(page.get_by_role("heading", name="Egenvurdering: Nyskapende arbeidsgivere")).to_be_visible()
    expect(page.get_by_text("Før du starter: dette lagrer vi")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "nb"
    assert_accessible(page, "start")

    # Starting without consent is refused, with a message.
    press_on(page, page.get_by_role("button", name="Start med en ny kode"))
    expect(page.get_by_text("Kryss av for at du har lest hva som lagres")).to_be_visible()
    press_on(page, page.get_by_role("checkbox", name="Jeg har lest hva som lagres"), "Space")
    press_on(page, page.get_by_role("button", name="Start med en ny kode"))

    code = page.locator(".kurs-kode strong").first.inner_text()
    assert len(code) == 14
    assert_accessible(page, "skjema")
    answer_all_with_keyboard(page)

    expect(page.get_by_role("heading", name="Profilen din")).to_be_visible()
    expect(page.locator("figure.kurs-radar svg")).to_be_visible()
    expect(page.get_by_text("Du har tatt vurderingen 1 gang")).to_be_visible()
    expect(page.get_by_role("link", name="les kapittelet om dette i boken").first).to_be_visible()
    assert_accessible(page, "profil")

    # Reload: a new kernel; the code brings the profile back.
    page.reload()
    press_on(page, page.get_by_role("checkbox", name="Jeg har lest hva som lagres"), "Space")
    page.get_by_role("textbox", name="Har du en kode fra før").focus()
    page.keyboard.type(code.lower())
    press_on(page, page.get_by_role("button", name="Hent svarene mine"))
    expect(page.get_by_text("Du har tatt vurderingen 1 gang")).to_be_visible()

    # Retake, then the change since last time is shown.
    press_on(page, page.get_by_role("button", name="Ta vurderingen på nytt"))
    answer_all_with_keyboard(page, per_item=5)
    expect(page.get_by_text("Du har tatt vurderingen 2 ganger")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Endring siden sist")).to_be_visible()

    store = Store(db_url)
    assert len(store.responses(code)) == 2

    # «Slett mine svar» needs a confirmation, then everything is gone from the database.
    press_on(page, page.get_by_role("button", name="Slett mine svar"))
    press_on(page, page.get_by_role("button", name="Ja, slett alt"))
    expect(page.get_by_text("Alt som var lagret med koden din, er slettet")).to_be_visible()
    with pytest.raises(UnknownKey):
        store.responses(code)
    # This test runs first in the module, so every per-person table must now be empty.
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                  for t in ("ev_response", "ev_score", "ev_respondent", "ev_plan", "ev_member")}
    engine.dispose()
    assert counts == dict.fromkeys(counts, 0), counts


def test_unknown_code_is_said_plainly(page, voila):
    open_app(page, voila, "egenvurdering.ipynb")
    page.get_by_role("checkbox", name="Jeg har lest hva som lagres").check()
    page.get_by_role("textbox", name="Har du en kode fra før").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Hent svarene mine").click()
    expect(page.locator(".kurs-feil")).to_contain_text("koden")


def test_team_view_hidden_at_four_and_shown_at_five(page, voila, db_url):
    store = Store(db_url)
    code = store.create_group("Team nettlesertest").code
    ins = load_instrument()
    rng = random.Random(3)

    def add_member(i: int) -> None:
        key = store.new_key()
        store.save_response(key, {it.id: rng.randint(1, 5) for it in ins.items}, f"team-{code}-{i}")
        store.join_group(key, code)

    for i in range(4):
        add_member(i)

    open_app(page, voila, "team.ipynb")
    expect(page.get_by_role("heading", name="Teamvisning: egenvurdering")).to_be_visible()
    assert_accessible(page, "team-start")
    expect(page.get_by_role("textbox", name="Lederkode")).to_be_visible()  # the close section names its field
    page.get_by_role("textbox", name="Gruppekode").fill(code)
    page.get_by_role("button", name="Vis teamet").click()
    expect(page.get_by_text("vises først når minst 5 har svart")).to_be_visible()
    expect(page.locator("table.kurs-tabell")).to_have_count(0)
    assert_accessible(page, "team-skjult")

    add_member(4)
    page.get_by_role("button", name="Vis teamet").click()
    expect(page.locator("table.kurs-tabell")).to_have_count(1)
    expect(page.get_by_text("5 har svart")).to_be_visible()
    expect(page.get_by_role("link", name="Last ned samlede tall (CSV)")).to_be_visible()
    assert_accessible(page, "team-vist")


def test_course_leader_makes_and_closes_a_group_with_the_keyboard(page, voila, db_url):
    """«Lag gruppekode» shows both codes; only the lederkode closes the group. Every screen passes axe."""
    open_app(page, voila, "team.ipynb")
    name = page.get_by_role("textbox", name="Navn på teamet")
    name.fill("Team tastatur")
    press_on(page, name, "Tab")  # the name is sent when the field loses focus
    press_on(page, page.get_by_role("button", name="Lag gruppekode"))
    made = page.locator(".kurs-ok", has_text="Lederkode:")
    expect(made).to_be_visible()
    text = made.inner_text()
    code = re.search(r"Gruppekode: (\S+)", text).group(1)
    admin = re.search(r"Lederkode: (\S+)", text).group(1)
    assert code != admin
    assert_accessible(page, "team-gruppe-laget")

    # A team member has only the group code: a wrong lederkode is refused, and the group stays open.
    admin_box = page.get_by_role("textbox", name="Lederkode")
    admin_box.fill(code)
    press_on(page, admin_box, "Tab")
    press_on(page, page.get_by_role("button", name="Lukk gruppen"))
    expect(page.locator(".kurs-feil")).to_contain_text("Lederkoden er feil")
    assert_accessible(page, "team-feil-lederkode")
    assert Store(db_url).group_closed(code) is False

    admin_box.fill(admin)
    press_on(page, admin_box, "Tab")
    press_on(page, page.get_by_role("button", name="Lukk gruppen"))
    confirm = page.get_by_role("button", name="Ja, lukk gruppen for nye svar")
    expect(confirm).to_be_visible()
    assert_accessible(page, "team-bekreft-lukking")
    press_on(page, confirm)
    expect(page.get_by_text(f"Gruppen {code} er lukket.")).to_be_visible()
    assert_accessible(page, "team-lukket")
    assert Store(db_url).group_closed(code) is True


def test_group_codes_that_look_like_sql_or_html_are_rejected(page, voila):
    open_app(page, voila, "team.ipynb")
    for bad in ("x' OR 1=1 --", "<script>alert(1)</script>"):
        page.get_by_role("textbox", name="Gruppekode").fill(bad)
        page.get_by_role("button", name="Vis teamet").click()
        expect(page.locator(".kurs-feil")).to_be_visible()
        assert page.evaluate("() => window.__xss === undefined")


EXEC_PROBE_JS = """
async ([marker]) => {
  const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const url = location.origin.replace('http', 'ws') + cfg.baseUrl + 'api/kernels/' + cfg.kernelId + '/channels';
  const ws = new WebSocket(url);
  const seen = [];
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  ws.onmessage = (ev) => { try { seen.push(JSON.parse(ev.data).header.msg_type); } catch (e) {} };
  const msg = (type, content) => JSON.stringify({
    header: {msg_id: type + Math.random(), msg_type: type, username: 'test', session: 'probe', version: '5.3', date: ''},
    parent_header: {}, metadata: {}, content: content, channel: 'shell', buffers: []});
  ws.send(msg('execute_request', {code: "open(" + JSON.stringify(marker) + ", 'w').write('x')",
                                  silent: false, store_history: false, user_expressions: {}, allow_stdin: false}));
  ws.send(msg('kernel_info_request', {}));
  for (let i = 0; i < 100 && !seen.includes('kernel_info_reply'); i++) await new Promise(r => setTimeout(r, 100));
  await new Promise(r => setTimeout(r, 1000));
  ws.close();
  return seen;
}
"""


def test_browser_cannot_execute_code_in_the_kernel(page, voila, tmp_path):
    """Voila accepts only widget (comm) and info messages: an execute_request from the page is dropped."""
    marker = tmp_path / "kjort.txt"
    open_app(page, voila, "egenvurdering.ipynb")
    expect(page.get_by_role("button", name="Start med en ny kode")).to_be_visible()
    seen = page.evaluate(EXEC_PROBE_JS, [str(marker)])
    assert "kernel_info_reply" in seen  # the channel works, so the probe could have succeeded
    assert "execute_reply" not in seen
    assert not marker.exists()


# ------------------------------------------------------------------------------- målform

@pytest.mark.parametrize("notebook, nb, nn", [
    ("egenvurdering.ipynb",
     {"heading": "Egenvurdering: Nyskapende arbeidsgivere", "title": "Egenvurdering – Nyskapende arbeidsgivere",
      "field": ("checkbox", "Jeg har lest hva som lagres")},
     {"heading": "Eigenvurdering: «Nyskapende arbeidsgivere»", "title": "Eigenvurdering – «Nyskapende arbeidsgivere»",
      "field": ("checkbox", "Eg har lese kva som blir lagra")}),
    ("team.ipynb",
     {"heading": "Teamvisning: egenvurdering", "title": "Teamvisning – Nyskapende arbeidsgivere",
      "field": ("textbox", "Navn på teamet")},
     {"heading": "Teamvisning: eigenvurdering", "title": "Teamvisning – «Nyskapende arbeidsgivere»",
      "field": ("textbox", "Namn på teamet")}),
])
def test_each_app_switches_between_bokmal_and_nynorsk(page, voila, notebook, nb, nn):
    """The switch at the top of each app links to the same app in the other målform and keeps the
    page's other query arguments; the page's lang, title and texts follow. Axe passes in both."""
    page.goto(voila_server.url(voila, notebook) + "?gruppe=4KXM-92TQ")  # an argument the switch must keep
    for sprak, texts, other in (("nb", nb, "Nynorsk"), ("nn", nn, "Bokmål"), ("nb", nb, None)):
        expect(page.get_by_role("heading", name=texts["heading"])).to_be_visible()
        expect(page.get_by_role(texts["field"][0], name=texts["field"][1])).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == sprak
        assert page.title() == texts["title"]
        assert "gruppe=4KXM-92TQ" in page.url
        assert_accessible(page, f"{notebook} på {sprak}")
        if other is None:
            break
        switch = page.get_by_role("navigation", name="Målform").get_by_role("link", name=other)
        expect(switch).to_have_attribute("hreflang", "nn" if other == "Nynorsk" else "nb")
        press_on(page, switch)  # a plain link: Enter follows it
        page.wait_for_url(re.compile(r"sprak=" + ("nn" if other == "Nynorsk" else "nb")))
    assert page.request_log.external == []


def test_the_nynorsk_assessment_shows_the_instrument_in_nynorsk(page, voila):
    """The statements, the scale and the headings come from the catalog; the stored answers do not
    depend on the målform (nothing about it is saved)."""
    page.goto(voila_server.url(voila, "egenvurdering.ipynb") + "?sprak=nn")
    expect(page.get_by_role("heading", name="Før du startar: dette lagrar vi")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "nn"
    press_on(page, page.get_by_role("checkbox", name="Eg har lese kva som blir lagra"), "Space")
    press_on(page, page.get_by_role("button", name="Start med ein ny kode"))
    expect(page.get_by_role("heading", name="Del 1 av 13: K1 Innbyggjaren i sentrum")).to_be_visible()
    box = page.get_by_role("combobox", name="Når vi endrar ei teneste, spør vi innbyggjarane kva dei treng.")
    expect(box).to_be_focused()
    expect(box).to_have_value("Vel eit svar")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_value("1 – svært usamd")
    assert_accessible(page, "skjema på nynorsk")
