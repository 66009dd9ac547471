"""The self-assessment store on a real PostgreSQL server: the same code, only another SQLAlchemy URL."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from pg_server import postgres_server
from widgets.egenvurdering.instrument import load_instrument
from widgets.egenvurdering import (
    GroupClosed,
    GroupWithoutAdminCode,
    InvalidGroupCode,
    Store,
    TooFewRespondents,
    UnknownKey,
    WrongAdminCode,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg_url():
    with postgres_server() as url:
        yield url


@pytest.fixture()
def store(pg_url):
    s = Store(pg_url)
    yield s
    s.close()


def answers(rng: random.Random) -> dict[str, int | None]:
    return {it.id: rng.choice([1, 2, 3, 4, 5, None]) for it in load_instrument().items}


def test_round_trip_double_submit_plan_and_delete(store, pg_url):
    rng = random.Random(1)
    key = store.new_key()
    first = store.save_response(key, answers(rng), "pg-sub-1")
    assert store.save_response(key, answers(rng), "pg-sub-1") == first  # double submit: one record
    store.save_response(key, answers(rng), "pg-sub-2")
    store.save_plan(key, "Plan <script>alert(1)</script>")
    history = store.responses(key)
    assert [r.id for r in history][0] == first and len(history) == 2
    assert store.latest_plan(key) == "Plan <script>alert(1)</script>"
    assert store.delete_key(key) > 0
    with pytest.raises(UnknownKey):
        store.responses(key)
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t.startswith("ev_")]
        assert "ev_response" in tables
        assert conn.execute(sa.text("SELECT COUNT(*) FROM ev_response")).scalar_one() == 0
    engine.dispose()


def test_group_rule_of_five_and_code_validation(store):
    rng = random.Random(2)
    code = store.create_group("Team PostgreSQL").code
    for i in range(4):
        key = store.new_key()
        store.save_response(key, answers(rng), f"pg-team-{i}")
        store.join_group(key, code)
    with pytest.raises(TooFewRespondents):
        store.group_summary(code)
    key = store.new_key()
    store.save_response(key, answers(rng), "pg-team-4")
    store.join_group(key, code)
    summary = store.group_summary(code)
    assert summary.respondents == 5
    for bad in ("x' OR 1=1 --", "<script>"):
        with pytest.raises(InvalidGroupCode):
            store.validate_group_code(bad)


def test_fifty_concurrent_saves_lose_nothing(pg_url):
    stores = [Store(pg_url) for _ in range(5)]
    keys = [stores[0].new_key() for _ in range(50)]
    rng = random.Random(3)
    payloads = [answers(rng) for _ in range(50)]

    def save(i: int) -> int:
        return stores[i % 5].save_response(keys[i], payloads[i], f"pg-conc-{i}")

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = list(pool.map(save, range(50)))
    assert len(set(ids)) == 50
    assert all(len(stores[0].responses(k)) == 1 for k in keys)
    for s in stores:
        s.close()


def test_one_click_session_makes_one_group_even_at_once(pg_url):
    stores = [Store(pg_url) for _ in range(5)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        made = list(pool.map(lambda i: stores[i % 5].create_group("Team samtidig", submission_id="pg-klikk"),
                             range(20)))
    assert len({g.code for g in made}) == 1
    assert sum(g.admin_code is not None for g in made) == 1  # only the call that made the group has it
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        made = conn.execute(sa.text("SELECT COUNT(*) FROM ev_group WHERE submission_id = 'pg-klikk'")).scalar_one()
    engine.dispose()
    assert made == 1
    for s in stores:
        s.close()


def test_closed_group_and_upgrade_of_an_older_database(pg_url):
    rng = random.Random(4)
    s = Store(pg_url)
    old = s.create_group("Gammelt team")
    s.close()
    # A database made before groups could be closed: the columns are added when a store opens it.
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_ev_group_submission_id"))
        conn.execute(sa.text("ALTER TABLE ev_group DROP COLUMN submission_id"))
        conn.execute(sa.text("ALTER TABLE ev_group DROP COLUMN closed"))
        conn.execute(sa.text("ALTER TABLE ev_group DROP COLUMN admin_hash"))
    engine.dispose()
    s = Store(pg_url)
    # A group from before admin codes cannot be closed.
    with pytest.raises(GroupWithoutAdminCode):
        s.close_group(old.code, old.admin_code)
    assert not s.group_closed(old.code)
    group = s.create_group("Team lukkes")
    code = group.code
    for i in range(5):
        key = s.new_key()
        s.save_response(key, answers(rng), f"pg-lukk-{i}")
        s.join_group(key, code)
    assert s.group_summary(code).respondents == 5 and not s.group_closed(code)
    for wrong in (None, code, old.admin_code):
        with pytest.raises(WrongAdminCode):
            s.close_group(code, wrong)
    assert not s.group_closed(code)
    s.close_group(code, group.admin_code)
    assert s.group_closed(code)
    fake = s.new_key()
    s.save_response(fake, answers(rng), "pg-lukk-fake")
    with pytest.raises(GroupClosed):
        s.join_group(fake, code)
    assert s.group_summary(code).respondents == 5
    assert s.create_group("Nytt", submission_id="pg-ny").code == s.create_group("Nytt", submission_id="pg-ny").code
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT admin_hash FROM ev_group WHERE code = :c"), {"c": code}).scalar_one()
    engine.dispose()
    assert len(stored) == 64 and set(stored) <= set("0123456789abcdef")  # a hash, not the code
    s.close()


def test_many_stores_upgrading_one_older_database_at_once(pg_url):
    s = Store(pg_url)
    s.check()
    s.close()
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX IF EXISTS ix_ev_group_submission_id"))
        conn.execute(sa.text("ALTER TABLE ev_group DROP COLUMN IF EXISTS submission_id"))
        conn.execute(sa.text("ALTER TABLE ev_group DROP COLUMN IF EXISTS closed"))
        conn.execute(sa.text("ALTER TABLE ev_group DROP COLUMN IF EXISTS admin_hash"))
    engine.dispose()
    stores = [Store(pg_url) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda st: st.check(), stores))
    group = stores[0].create_group("Etter oppgradering", submission_id="pg-opp")
    stores[1].close_group(group.code, group.admin_code)
    assert stores[2].group_closed(group.code)
    for st in stores:
        st.close()
