"""The course leader's role on the real hub: approve learners' accounts, and nothing over learners.

The role `kursleder` has the custom scope ``custom:kurs:kontoer``, not
``admin:users`` (see hub/kurshub/native.py). Kari (a course leader) can approve
and withdraw a learner's account, but cannot approve another course leader, set a
learner's password, read or change users through the hub's API, make a token
for a learner, or open a learner's server.
"""
from __future__ import annotations

import pytest

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
    # Not a course leader's account, not another person's password.
    assert req.get(f"{hub.url}/hub/authorize/per", max_redirects=0).status == 403
    assert req.get(f"{hub.url}/hub/change-password/gro", max_redirects=0).status == 403
    assert req.get(f"{hub.url}/hub/discard/per", max_redirects=0).status == 403
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
    kari.get_by_role("link", name="Trekk tilbake godkjenningen for gro", exact=True).click()
    kari.wait_for_load_state()
    assert "Venter" in kari.locator("tr[id='gro']").inner_text()
    close(gro)
    close(kari)
