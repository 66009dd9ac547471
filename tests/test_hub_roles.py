"""The course leader's role on the real hub: approve learners' accounts, and nothing over learners.

The role `kursleder` has the custom scope ``custom:kurs:kontoer``, not
``admin:users`` (see hub/kurshub/native.py). Kari (a course leader) can approve
and withdraw a learner's account, but cannot approve another course leader, set a
learner's password, read or change users through the hub's API, make a token
for a learner, or open a learner's server. Accounts change only from the buttons on
«Godkjenn kontoer» (a POST with JupyterHub's XSRF token), never from a link or another site.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from book_fixture import serve_static
from hub_browser import approve, close, log_in, new_page, sign_up
from hub_fixture import PASSWORD

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]


def _xsrf(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf" and c["path"] == "/hub/")


def test_course_leader_approves_learners_and_nothing_more(hub, browser):
    # A learner of this test only (the roster's own learners belong to the end-to-end test).
    try:
        hub.api("POST", "/users/gro")
    except Exception:
        pass
    hub.api("POST", "/groups/deltakere/users", {"users": ["gro"]})
    kari = new_page(browser, hub)
    log_in(kari, hub, "kari", hub.leader_passwords["kari"])
    gro = new_page(browser, hub)
    assert "kursleder må godkjenne" in sign_up(gro, hub, "gro", PASSWORD)

    # The approval page lists learners only, and approving and withdrawing works.
    kari.goto(f"{hub.url}/hub/authorize")
    assert kari.locator("tr[id='gro']").count() == 1
    assert kari.locator("tr[id='per']").count() == 0 and kari.locator("tr[id='kari']").count() == 0
    approve(kari, hub, "gro")
    log_in(gro, hub, "gro", PASSWORD)
    # An approved learner is logged in: the hub sends them to «Min side» (or their server).
    assert "/services/minside/" in gro.url or "/hub/spawn" in gro.url or "/user/gro" in gro.url, gro.url

    req = kari.request
    # Not a course leader's account (even with the page's own token), not another person's password.
    kari.goto(f"{hub.url}/hub/authorize")
    form = {"_xsrf": _form_token(kari), "handling": "trekk-tilbake"}
    assert req.post(f"{hub.url}/hub/authorize/per", form=form, max_redirects=0).status == 403
    assert req.post(f"{hub.url}/hub/discard/per", form={"_xsrf": form["_xsrf"]}, max_redirects=0).status == 403
    assert req.get(f"{hub.url}/hub/change-password/gro", max_redirects=0).status == 403
    # No users API: read, make admin, rename, delete, tokens.
    h = {"X-XSRFToken": _xsrf(kari), "Referer": f"{hub.url}/hub/home"}
    # The same requests reach the API: her own user model is there (so the refusals below are her role's).
    assert req.get(f"{hub.url}/hub/api/users/kari", headers=h).json()["name"] == "kari"
    assert req.get(f"{hub.url}/hub/api/users/gro", headers=h).status in (403, 404)
    listed = req.get(f"{hub.url}/hub/api/users", headers=h)
    assert listed.status in (403, 404) or {u["name"] for u in listed.json()} <= {"kari"}, listed.text()
    assert req.patch(f"{hub.url}/hub/api/users/gro", headers=h, data={"admin": True}).status in (403, 404)
    assert req.patch(f"{hub.url}/hub/api/users/gro", headers=h, data={"name": "gro2"}).status in (403, 404)
    assert req.delete(f"{hub.url}/hub/api/users/gro", headers=h).status in (403, 404)
    assert req.post(f"{hub.url}/hub/api/users/gro/tokens", headers=h, data={}).status in (403, 404)
    # Not the learner's server.
    r = req.get(f"{hub.url}/user/gro/api/contents", max_redirects=10)
    assert r.status != 200 or "/user/gro/" not in r.url, (r.status, r.url)
    assert hub.api("GET", "/users/gro")["admin"] is False

    # Withdrawing the approval locks the learner out again.
    kari.goto(f"{hub.url}/hub/authorize")
    with kari.expect_navigation():
        kari.get_by_role("button", name="Trekk tilbake godkjenningen for gro", exact=True).click()
    expect(kari.locator("tr[id='gro']")).to_contain_text("Venter")
    close(gro)
    close(kari)


def _form_token(page) -> str:
    """The XSRF token in the forms of «Godkjenn kontoer» (JupyterHub's ``_xsrf``)."""
    return page.locator("form input[name='_xsrf']").first.get_attribute("value")


def _status(page, name: str) -> str:
    page.goto(f"{page.hub_url}/hub/authorize")
    row = page.locator(f"tr[id='{name}']")
    return row.locator("td").nth(1).inner_text() if row.count() else "ingen konto"


def test_accounts_change_only_from_the_pages_own_buttons(hub, browser, tmp_path):
    """A GET to the old approval links, and a POST without the page's XSRF token, change nothing.

    NativeAuthenticator approves on a GET link: any web page could send a logged-in course
    leader's browser there. Here the approval is a POST form with JupyterHub's ``_xsrf``.
    """
    for name in ("gry", "geir"):
        try:
            hub.api("POST", f"/users/{name}")
        except Exception:
            pass
    hub.api("POST", "/groups/deltakere/users", {"users": ["gry", "geir"]})
    kari = new_page(browser, hub)
    kari.hub_url = hub.url
    log_in(kari, hub, "kari", hub.leader_passwords["kari"])
    learner = new_page(browser, hub)
    for name in ("gry", "geir"):
        assert "kursleder må godkjenne" in sign_up(learner, hub, name, PASSWORD)
    approve(kari, hub, "gry")  # geir stays «Venter»

    # The old links, followed in the course leader's browser: a page that says so, nothing changed.
    for path in ("authorize/gry", "authorize/geir", "discard/geir"):
        response = kari.goto(f"{hub.url}/hub/{path}")
        assert response.status == 405, (path, response.status)
        assert kari.get_by_role("heading", name="Ingenting er endret").is_visible()
        assert "endret ingenting" in kari.get_by_role("alert").inner_text()
    assert _status(kari, "gry") == "Godkjent" and _status(kari, "geir") == "Venter"

    # POSTs with the course leader's cookies but without the page's token, or with a wrong one.
    req = kari.request
    for form in ({"handling": "trekk-tilbake"}, {"handling": "trekk-tilbake", "_xsrf": "feil-token"}):
        r = req.post(f"{hub.url}/hub/authorize/gry", form=form, max_redirects=0)
        assert r.status == 403 and "Ingenting er endret" in r.text(), (r.status, r.text()[:300])
        r = req.post(f"{hub.url}/hub/discard/geir", form=form, max_redirects=0)
        assert r.status == 403, r.status
    for form in ({"handling": "godkjenn"}, {"handling": "godkjenn", "_xsrf": "feil-token"}):
        assert req.post(f"{hub.url}/hub/authorize/geir", form=form, max_redirects=0).status == 403
    assert _status(kari, "gry") == "Godkjent" and _status(kari, "geir") == "Venter"

    # Another site's pages: one posts a form to the hub as soon as it opens, one links to the old address.
    attack = f"""<!DOCTYPE html><html lang="nb"><head><title>Tilbud</title></head><body>
      <form id="f" method="post" action="{hub.url}/hub/authorize/gry">
        <input type="hidden" name="handling" value="trekk-tilbake"></form>
      <script>document.getElementById("f").submit();</script></body></html>"""
    link = f"""<!DOCTYPE html><html lang="nb"><head><title>Tilbud</title></head><body>
      <a href="{hub.url}/hub/authorize/geir">Se tilbudet</a></body></html>"""
    (tmp_path / "skjema.html").write_text(attack, encoding="utf-8")
    (tmp_path / "lenke.html").write_text(link, encoding="utf-8")
    with serve_static(tmp_path) as site:  # another origin on this machine: the hub's cookies go along
        with kari.expect_navigation(url=f"{hub.url}/hub/authorize/gry"):
            kari.goto(f"{site}/skjema.html")
        assert kari.get_by_role("heading", name="Ingen tilgang").is_visible()
        kari.goto(f"{site}/lenke.html")
        with kari.expect_navigation():
            kari.get_by_role("link", name="Se tilbudet").click()
        assert kari.get_by_role("heading", name="Ingenting er endret").is_visible()
    assert _status(kari, "gry") == "Godkjent" and _status(kari, "geir") == "Venter"

    # The page's own buttons still work: «Avvis» removes the waiting account, the hub user stays.
    kari.goto(f"{hub.url}/hub/authorize")
    with kari.expect_navigation():
        kari.get_by_role("button", name="Avvis geir", exact=True).click()
    assert _status(kari, "geir") == "ingen konto"
    assert "geir" in hub.api("GET", "/groups/deltakere")["users"]
    log_in(learner, hub, "gry", PASSWORD)
    assert "/hub/login" not in learner.url, learner.url
    close(learner)
    close(kari)
