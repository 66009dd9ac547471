"""Groups: one click on «Lag gruppekode» makes one group, a key counts once, and «Lukk gruppen» stops new members.

Only whoever made the group can close it: closing needs the admin code («lederkode»), stored as a hash only.
"""
from __future__ import annotations

import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from ev_helpers import answers, raw as rows
from widgets._common import InputError
from widgets.egenvurdering import load_instrument, score
from widgets.egenvurdering.app import EgenvurderingApp
from widgets.egenvurdering.codes import hash_key
from widgets.egenvurdering import (
    GroupClosed,
    GroupWithoutAdminCode,
    InvalidGroupCode,
    NewGroup,
    StorageError,
    Store,
    TooFewRespondents,
    WrongAdminCode,
)
from widgets.egenvurdering.team_app import TeamApp

INS = load_instrument()
MIN = INS.min_group


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ev.db"


@pytest.fixture
def store(db_path):
    s = Store(f"sqlite:///{db_path}", busy_timeout_ms=2000)
    yield s
    s.close()


def n_groups(db_path) -> int:
    return rows(db_path, "SELECT COUNT(*) FROM ev_group")[0][0]


def add_members(store, code, n, value=3):
    keys = []
    for _ in range(n):
        k = store.new_key()
        store.save_response(k, answers(value), f"sub-{k}")
        store.join_group(k, code)
        keys.append(k)
    return keys


# ---------------------------------------------------------------- «Lag gruppekode» is idempotent


def test_create_group_twice_with_one_submission_id_makes_one_group(store, db_path):
    first = store.create_group("Team hjemmetjenesten", submission_id="klikk-1")
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", first.code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", first.admin_code)
    # The same click session gets the same group; its admin code was known only when it was made.
    again = store.create_group(" Team   hjemmetjenesten ", submission_id="klikk-1")
    assert again == NewGroup(first.code, None)
    assert n_groups(db_path) == 1
    # Another click session (another id), or no id at all, makes a new group.
    assert store.create_group("Team hjemmetjenesten", submission_id="klikk-2").code != first.code
    assert store.create_group("Team hjemmetjenesten").code != store.create_group("Team hjemmetjenesten").code
    assert n_groups(db_path) == 4
    # The repeated call changed nothing: the first admin code still closes the group.
    store.close_group(first.code, first.admin_code)
    assert store.group_closed(first.code)


def test_create_group_refuses_a_used_submission_id_with_another_name_and_bad_ids(store, db_path):
    store.create_group("Team A", submission_id="klikk-1")
    with pytest.raises(StorageError, match="allerede brukt"):
        store.create_group("Team B", submission_id="klikk-1")
    for bad in ("", "   ", "x" * 101, 7):
        with pytest.raises(InputError, match="gyldig id"):
            store.create_group("Team C", submission_id=bad)
    assert n_groups(db_path) == 1


def test_create_group_from_many_threads_with_one_submission_id_makes_one_group(db_path):
    stores = [Store(f"sqlite:///{db_path}", busy_timeout_ms=10_000) for _ in range(4)]
    stores[0].check()
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(lambda i: stores[i % 4].create_group("Team", submission_id="same"), range(16)))
    assert len({g.code for g in made}) == 1
    assert sum(g.admin_code is not None for g in made) == 1  # only the call that made the group has it
    assert n_groups(db_path) == 1
    for s in stores:
        s.close()


def test_team_app_double_click_on_lag_gruppekode_makes_one_group(store, db_path):
    team = TeamApp(store=store)
    team.name_input.value = "Team hjemmetjenesten"
    team.create_button.click()
    code, admin_code = team.code_input.value, team.admin_input.value
    team.create_button.click()  # a double click, or a second click because the first felt slow
    assert team.code_input.value == code
    assert code in team.create_message.value and "kurs-ok" in team.create_message.value
    # The second click shows the same admin code again (kept by the view; the store has only its hash).
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", admin_code)
    assert admin_code in team.create_message.value and team.admin_input.value == admin_code
    assert not team.create_button.disabled
    assert rows(db_path, "SELECT code, name FROM ev_group") == [(code, "Team hjemmetjenesten")]
    # A new name starts a new click session: the next click makes a second group.
    team.name_input.value = "Team barnehagen"
    team.create_button.click()
    team.create_button.click()
    assert team.code_input.value != code
    assert sorted(r[0] for r in rows(db_path, "SELECT name FROM ev_group")) == ["Team barnehagen",
                                                                               "Team hjemmetjenesten"]


def test_team_app_retry_after_a_busy_database_still_makes_one_group(store, db_path):
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    blocker = sqlite3.connect(db_path, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    store_fast = Store(store.url, busy_timeout_ms=100)
    team.store = store_fast
    try:
        team._on_create()
        assert "opptatt" in team.create_message.value
    finally:
        blocker.rollback()
        blocker.close()
    team._on_create()
    team._on_create()
    assert n_groups(db_path) == 1
    store_fast.close()


# ---------------------------------------------------------------- a key counts once


def test_a_key_counts_once_however_often_it_joins_or_answers(store):
    code = store.create_group("Team").code
    add_members(store, code, MIN - 1, value=3)
    me = store.new_key()
    for n, value in enumerate((1, 5, 2)):
        store.save_response(me, answers(value), f"me-{n}")
        store.join_group(me, code)  # joining again changes nothing but the role
    store.join_group(me, code, role="leder")
    store.join_group(" " + me.lower().replace("-", " ") + " ", code)  # the same code, typed another way
    summary = store.group_summary(code)
    assert summary.respondents == MIN
    k1 = summary.dimension("K1")
    assert k1.n == MIN
    expected = ((MIN - 1) * score(INS, answers(3))[0].index + score(INS, answers(2))[0].index) / MIN
    assert k1.mean_index == pytest.approx(expected)  # only the latest answer of the key counts


def test_one_key_cannot_fill_a_group_on_its_own(store):
    code = store.create_group("Team").code
    me = store.new_key()
    for n in range(2 * MIN):
        store.save_response(me, answers(1 + n % 5), f"me-{n}")
        store.join_group(me, code)
    with pytest.raises(TooFewRespondents) as err:
        store.group_summary(code)
    assert err.value.answered == 1


# ---------------------------------------------------------------- «Lukk gruppen»


def test_closed_group_takes_no_new_keys_but_keeps_its_members(store, db_path):
    group = store.create_group("Team")
    code = group.code
    keys = add_members(store, code, MIN, value=3)
    silent = store.new_key()
    store.join_group(silent, code)  # joined before closing, answers later
    assert store.group_closed(code) is False
    before = store.group_summary(code)
    store.close_group(code, group.admin_code)
    store.close_group(code.lower(), " " + group.admin_code.lower().replace("-", " "))  # again: nothing changes
    assert store.group_closed(code) is True
    # Made-up respondents can no longer be added.
    fake = store.new_key()
    store.save_response(fake, answers(5), "fake")
    with pytest.raises(GroupClosed, match="lukket"):
        store.join_group(fake, code)
    with pytest.raises(GroupClosed):
        store.join_group(fake, code, role="leder")
    assert rows(db_path, "SELECT COUNT(*) FROM ev_member WHERE key_hash = ?", hash_key(fake))[0][0] == 0
    assert store.group_summary(code) == before
    # Members already in still count with their latest answer, may change role, leave or delete.
    store.join_group(keys[0], code, role="leder")
    store.save_response(keys[1], answers(5), "retake")
    store.save_response(silent, answers(4), "late")
    after = store.group_summary(code)
    assert after.respondents == MIN + 1
    store.leave_group(keys[2], code)
    store.delete_key(keys[3])
    with pytest.raises(TooFewRespondents):
        store.group_summary(code)  # the 5-rule still holds in a closed group
    with pytest.raises(GroupClosed):
        store.join_group(keys[2], code)  # who left cannot come back


def test_close_unknown_or_malformed_group(store):
    with pytest.raises(InvalidGroupCode, match="ingen gruppe"):
        store.close_group("ABCD-EFGH", "AAAA-BBBB-CCCC")
    with pytest.raises(InvalidGroupCode):
        store.close_group("x' OR 1=1 --", "AAAA-BBBB-CCCC")
    with pytest.raises(InvalidGroupCode):
        store.group_closed("<b>")


# ---------------------------------------------------------------- only whoever made the group can close it


def test_close_group_refuses_a_wrong_or_missing_admin_code_and_the_group_stays_open(store):
    group = store.create_group("Team")
    other = store.create_group("Et annet team")
    member = store.new_key()
    cases = [
        (None, "Skriv inn lederkoden"),
        ("", "Skriv inn lederkoden"),
        ("   ", "Skriv inn lederkoden"),
        (group.code, "Lederkoden er feil"),  # what every member has
        (other.admin_code, "Lederkoden er feil"),  # the admin code of another group
        (member, "Lederkoden er feil"),  # a personal code has the same form
        ("x' OR 1=1 --", "Lederkoden er feil"),
        (7, "Lederkoden er feil"),
    ]
    for admin_code, message in cases:
        with pytest.raises(WrongAdminCode, match=message) as err:
            store.close_group(group.code, admin_code)
        assert "Bare den som laget gruppen" in str(err.value)
        with pytest.raises(WrongAdminCode):
            store.check_admin_code(group.code, admin_code)
    with pytest.raises(WrongAdminCode, match="Skriv inn lederkoden"):
        store.close_group(group.code)  # no admin code at all
    assert not store.group_closed(group.code)
    store.join_group(member, group.code)  # still open for new members
    store.check_admin_code(group.code, group.admin_code)  # only checks
    assert not store.group_closed(group.code)
    store.close_group(group.code, group.admin_code)
    assert store.group_closed(group.code) and not store.group_closed(other.code)
    with pytest.raises(GroupClosed):
        store.join_group(store.new_key(), group.code)
    with pytest.raises(WrongAdminCode):
        store.close_group(group.code, other.admin_code)  # a closed group still wants its own code


def test_admin_code_is_stored_only_as_a_hash(store, db_path):
    groups = [store.create_group(f"Team {n}") for n in range(3)]
    hashes = dict(rows(db_path, "SELECT code, admin_hash FROM ev_group"))
    assert len(set(hashes.values())) == 3
    for g in groups:
        assert re.fullmatch(r"[0-9a-f]{64}", hashes[g.code])
    store.close()  # the last connection moves the write-ahead log into the file
    raw = b"".join(f.read_bytes() for f in db_path.parent.iterdir() if f.name.startswith(db_path.name))
    for g in groups:
        assert g.code.encode() in raw  # the group code is stored in clear, so the search does find codes
        for form in (g.admin_code, g.admin_code.replace("-", ""), g.admin_code.lower()):
            assert form.encode() not in raw, form
    assert groups[0].admin_code not in repr(groups[0])  # kept out of logs and tracebacks
    # The hash is enough to check the code.
    reopened = Store(f"sqlite:///{db_path}")
    reopened.close_group(groups[0].code, groups[0].admin_code)
    assert reopened.group_closed(groups[0].code)
    reopened.close()


def test_group_without_admin_hash_from_an_older_database_cannot_be_closed(store, db_path):
    legacy, closed_before = store.create_group("Gammelt team"), store.create_group("Lukket før")
    store.close_group(closed_before.code, closed_before.admin_code)
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE ev_group SET admin_hash = NULL")
    con.close()
    for admin_code in (legacy.admin_code, None, "AAAA-BBBB-CCCC"):
        with pytest.raises(GroupWithoutAdminCode, match="før det fantes lederkoder") as err:
            store.close_group(legacy.code, admin_code)
        assert "ny gruppe" in str(err.value)
        with pytest.raises(GroupWithoutAdminCode):
            store.check_admin_code(legacy.code, admin_code)
    assert not store.group_closed(legacy.code)
    store.close_group(closed_before.code, None)  # closed already: nothing to do
    assert store.group_closed(closed_before.code)


def test_database_from_before_closing_click_ids_and_admin_codes_is_upgraded(db_path):
    s = Store(f"sqlite:///{db_path}")
    old = s.create_group("Gammelt team")
    code = old.code
    add_members(s, code, MIN)
    expected = s.group_summary(code)
    s.close()
    con = sqlite3.connect(db_path)
    con.execute("DROP INDEX ix_ev_group_submission_id")
    con.execute("ALTER TABLE ev_group DROP COLUMN submission_id")
    con.execute("ALTER TABLE ev_group DROP COLUMN closed")
    con.execute("ALTER TABLE ev_group DROP COLUMN admin_hash")
    con.commit()
    con.close()
    s = Store(f"sqlite:///{db_path}")
    assert s.group_summary(code) == expected and s.group_closed(code) is False
    new = s.create_group("Nytt team", submission_id="klikk")
    assert s.create_group("Nytt team", submission_id="klikk").code == new.code
    # The old group has no admin code, so nobody can close it, not even with the code it once had.
    with pytest.raises(GroupWithoutAdminCode, match="ny gruppe"):
        s.close_group(code, old.admin_code)
    s.close_group(new.code, new.admin_code)
    assert not s.group_closed(code) and s.group_closed(new.code)
    s.close()
    assert rows(db_path, "SELECT COUNT(*) FROM ev_group")[0][0] == 2
    assert rows(db_path, "SELECT code FROM ev_group WHERE admin_hash IS NULL") == [(code,)]
    indexes = {r[0] for r in rows(db_path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_ev_group_submission_id" in indexes


def test_team_app_closes_a_group_after_confirmation_and_shows_it(store):
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    team.create_button.click()
    code = team.code_input.value
    add_members(store, code, MIN)
    team.show_button.click()
    assert "Gruppen er åpen" in team.status.value and "<table" in team.result.value
    team.close_button.click()
    assert team.confirm_close_button.layout.display is None
    assert "Er du sikker" in team.close_message.value and not store.group_closed(code)
    team.code_input.value = "ABCD-EFGH"  # the confirmation closes the group it named
    team.confirm_close_button.click()
    assert store.group_closed(code)
    assert team.confirm_close_button.layout.display == "none"
    assert f"Gruppen {code} er lukket" in team.close_message.value
    team.code_input.value = code
    team.show_button.click()
    assert "Gruppen er lukket" in team.status.value and "<table" in team.result.value
    team.close_button.click()
    assert "allerede lukket" in team.close_message.value
    assert team.confirm_close_button.layout.display == "none"


def test_team_app_status_follows_the_close_of_the_group_shown(store):
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    team.create_button.click()
    team.show_button.click()  # fewer than five: information, and the status
    assert "Gruppen er åpen" in team.status.value and "minst 5" in team.result.value
    team.close_button.click()
    team.confirm_close_button.click()
    assert "Gruppen er lukket" in team.status.value


def test_team_app_close_with_a_bad_code_says_so(store):
    team = TeamApp(store=store)
    team.code_input.value = "<b>x</b>"
    team.close_button.click()
    assert "kurs-feil" in team.close_message.value and "<b>" not in team.close_message.value
    assert team.confirm_close_button.layout.display == "none"


def test_team_app_shows_the_group_code_and_the_admin_code(store, db_path):
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    team.create_button.click()
    code, admin_code = team.code_input.value, team.admin_input.value
    msg = team.create_message.value
    assert f"Gruppekode: {code}" in msg and "Del gruppekoden med teamet" in msg
    assert f"Lederkode: {admin_code}" in msg and "Behold lederkoden selv" in msg
    assert "lukke gruppen" in msg and "kan ikke vises igjen" in msg
    assert "kurs-ok" in msg
    assert team.admin_input.description == "Lederkode"
    assert team.admin_input in team.children and team.children.index(team.admin_input) < team.children.index(
        team.close_button)
    assert rows(db_path, "SELECT code FROM ev_group") == [(code,)]
    store.check_admin_code(code, admin_code)  # the code shown is the group's


def test_team_app_second_view_of_a_group_made_elsewhere_says_the_admin_code_is_gone(store):
    """A click session the view does not remember (for example a retry after a lost reply): no admin code."""
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    made = store.create_group("Team", submission_id=team._create_id)
    team.create_button.click()
    assert team.code_input.value == made.code
    assert made.admin_code not in team.create_message.value
    assert "Lederkoden ble vist da gruppen ble laget" in team.create_message.value
    assert team.admin_input.value == ""


def test_team_app_close_needs_the_right_admin_code(store):
    maker = TeamApp(store=store)
    maker.name_input.value = "Team"
    maker.create_button.click()
    code, admin_code = maker.code_input.value, maker.admin_input.value
    # A member has the group code only.
    member = TeamApp(store=store)
    member.code_input.value = code
    for typed, message in (("", "Skriv inn lederkoden"), (code, "Lederkoden er feil"),
                           ("AAAA-BBBB-CCCC", "Lederkoden er feil")):
        member.admin_input.value = typed
        member.close_button.click()
        assert message in member.close_message.value and "kurs-feil" in member.close_message.value
        assert "Bare den som laget gruppen" in member.close_message.value
        assert member.confirm_close_button.layout.display == "none"
        member.confirm_close_button.click()  # hidden, and does nothing
        assert not store.group_closed(code)
    # With the right one (typed another way), after the confirmation.
    member.admin_input.value = admin_code.lower().replace("-", " ")
    member.close_button.click()
    assert "Er du sikker" in member.close_message.value and not store.group_closed(code)
    member.admin_input.value = ""  # the confirmation uses the code that was checked
    member.confirm_close_button.click()
    assert store.group_closed(code)
    assert f"Gruppen {code} er lukket" in member.close_message.value


def test_team_app_says_plainly_that_an_older_group_cannot_be_closed(store, db_path):
    team = TeamApp(store=store)
    team.name_input.value = "Gammelt team"
    team.create_button.click()
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE ev_group SET admin_hash = NULL")
    con.close()
    team.close_button.click()
    assert "før det fantes lederkoder" in team.close_message.value and "ny gruppe" in team.close_message.value
    assert team.confirm_close_button.layout.display == "none"
    assert not store.group_closed(team.code_input.value)


def test_closed_group_refuses_new_members_in_both_apps(store):
    team = TeamApp(store=store)
    team.name_input.value = "Team"
    team.create_button.click()
    code = team.code_input.value
    add_members(store, code, MIN)
    store.close_group(code, team.admin_input.value)
    # An employee who was not in the group.
    app = EgenvurderingApp(store=store)
    app.consent.value = True
    app.new_button.click()
    for item in app.instrument.items:
        app.select_for(item.id).value = "3"
    app.save_button.click()
    app.group_input.value = code
    app.group_button.click()
    assert "kurs-feil" in app.group_message.value and "lukket" in app.group_message.value
    # A leader who was not in the group: the team is shown, the comparison is not.
    leader = store.new_key()
    store.save_response(leader, answers(4), "leder")
    team.leader_input.value = leader
    team.leader_join.value = True
    team.show_button.click()
    assert "Sammenligningen kan ikke vises" in team.result.value and "lukket" in team.result.value
    assert store.group_summary(code).respondents == MIN
