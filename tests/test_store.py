"""Storage of answers, plans and groups: round trips, idempotency, deletion, codes, locks, read-only."""
from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from ev_helpers import answers, raw
from widgets._common import InputError
from widgets.egenvurdering import load_instrument, score
from widgets.egenvurdering.codes import hash_key
from widgets.egenvurdering import (
    DatabaseLocked,
    InvalidGroupCode,
    InvalidKey,
    NotGroupLeader,
    ReadOnlyDatabase,
    StorageError,
    Store,
    TooFewRespondents,
    UnknownKey,
)

INS = load_instrument()
TABLES = ("ev_response", "ev_score", "ev_respondent", "ev_plan", "ev_group", "ev_member")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ev.db"


@pytest.fixture
def store(db_path):
    s = Store(f"sqlite:///{db_path}", busy_timeout_ms=200)
    yield s
    s.close()


def count(db_path, table, where="1=1", *args):
    return raw(db_path, f"SELECT COUNT(*) FROM {table} WHERE {where}", *args)[0][0]


# ---------------------------------------------------------------- keys


def test_new_key_format_and_uniqueness():
    keys = {Store.new_key() for _ in range(2000)}
    assert len(keys) == 2000
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", k) for k in keys)


def test_key_is_normalised_and_never_stored_in_clear(store, db_path):
    key = store.new_key()
    store.save_response(key, answers(), "s1")
    sloppy = f"  {key.lower().replace('-', ' ')} "
    assert len(store.responses(sloppy)) == 1
    blob = b"".join(p.read_bytes() for p in db_path.parent.glob("ev.db*"))
    assert key.encode() not in blob and key.replace("-", "").encode() not in blob
    assert count(db_path, "ev_response", "key_hash = ?", hash_key(key)) == 1


@pytest.mark.parametrize("bad", ["", "ABC", "x' OR 1=1 --", "<script>alert(1)</script>", None, 123, "U" * 12])
def test_malformed_key_is_refused(store, bad):
    with pytest.raises(InvalidKey) as exc:
        store.responses(bad)
    assert isinstance(exc.value, UnknownKey)
    with pytest.raises(InvalidKey):
        store.save_response(bad, answers(), "s1")


def test_unknown_key(store):
    with pytest.raises(UnknownKey, match="Vi finner ingen svar for denne koden"):
        store.responses(store.new_key())


# ---------------------------------------------------------------- answers


def test_round_trip(store):
    key = store.new_key()
    first = answers(3, K1_1=None, K1_2=5)
    before = datetime.now(UTC)
    rid1 = store.save_response(key, first, "sub-1")
    rid2 = store.save_response(key, answers(4), "sub-2")
    got = store.responses(key)
    assert [r.id for r in got] == [rid1, rid2]
    r = got[0]
    assert r.created.tzinfo is not None and before - timedelta(seconds=5) <= r.created <= datetime.now(UTC)
    assert r.answers == first
    assert r.scores == score(INS, first)
    assert got[1].scores == score(INS, answers(4))
    assert store.latest_response(key).id == rid2


def test_missing_items_are_stored_as_dont_know(store):
    key = store.new_key()
    store.save_response(key, {"K1.1": 2}, "s")
    stored = store.responses(key)[0].answers
    assert list(stored) == [i.id for i in INS.items]
    assert stored["K1.1"] == 2 and stored["P5.3"] is None


def test_invalid_answers_store_nothing(store, db_path):
    key = store.new_key()
    store.latest_plan(key)  # creates the tables
    for bad in ({"K1.1": 6}, {"K1.1": "3"}, {"nope": 3}):
        with pytest.raises(InputError):
            store.save_response(key, bad, "s")
    assert count(db_path, "ev_response") == 0


def test_double_submit_makes_one_record(store, db_path):
    key = store.new_key()
    a = store.save_response(key, answers(), "same-id")
    b = store.save_response(key, answers(), "same-id")
    assert a == b
    assert count(db_path, "ev_response") == 1
    assert count(db_path, "ev_score") == len(INS.dimensions)
    assert len(store.responses(key)) == 1


def test_submission_id_of_someone_else_is_refused(store, db_path):
    store.save_response(store.new_key(), answers(), "taken")
    with pytest.raises(StorageError):
        store.save_response(store.new_key(), answers(), "taken")
    assert count(db_path, "ev_response") == 1


@pytest.mark.parametrize("sid", ["", "   ", None, "x" * 101])
def test_bad_submission_id(store, sid):
    with pytest.raises(InputError):
        store.save_response(store.new_key(), answers(), sid)


# ---------------------------------------------------------------- plans and deletion


def test_plan_round_trip(store):
    key = store.new_key()
    assert store.latest_plan(key) is None
    store.save_plan(key, "Tiltak 1")
    store.save_plan(key, "  Tiltak 2\nTiltak 3 ")
    assert store.latest_plan(key) == "Tiltak 2\nTiltak 3"
    for bad in ("", "   ", "x" * 20_001):
        with pytest.raises(InputError):
            store.save_plan(key, bad)


def test_delete_removes_everything(store, db_path):
    key, other = store.new_key(), store.new_key()
    group = store.create_group("Team").code
    for k in (key, other):
        store.save_response(k, answers(2), f"{k}-1")
        store.save_response(k, answers(4), f"{k}-2")
        store.save_plan(k, "plan")
        store.join_group(k, group)
    kh = hash_key(key)
    assert store.delete_key(key) == 2 + 1 + 1
    for table in ("ev_response", "ev_plan", "ev_member", "ev_respondent"):
        assert count(db_path, table, "key_hash = ?", kh) == 0, table
    assert count(db_path, "ev_score", "response_id NOT IN (SELECT id FROM ev_response)") == 0
    assert count(db_path, "ev_score") == 2 * len(INS.dimensions)
    with pytest.raises(UnknownKey):
        store.responses(key)
    assert store.latest_plan(key) is None
    assert len(store.responses(other)) == 2 and store.latest_plan(other) == "plan"
    assert store.delete_key(key) == 0


def test_purge_expired(store, db_path):
    old, mixed, fresh = store.new_key(), store.new_key(), store.new_key()
    group = store.create_group("Team").code
    for k in (old, mixed, fresh):
        store.join_group(k, group)
    store.save_response(old, answers(1), "o1")
    store.save_plan(old, "gammel plan")
    store.save_response(mixed, answers(2), "m1")
    store.save_response(mixed, answers(5), "m2")
    store.save_response(fresh, answers(3), "f1")
    now = datetime.now(UTC)
    long_ago = (now - timedelta(days=INS.retention_days + 1)).replace(tzinfo=None)
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE ev_response SET created = ? WHERE submission_id IN ('o1', 'm2')", (long_ago,))
        con.execute("UPDATE ev_plan SET created = ?", (long_ago,))
    con.close()
    assert store.purge_expired(now) == 3
    with pytest.raises(UnknownKey):
        store.responses(old)
    assert store.latest_plan(old) is None
    left = store.responses(mixed)
    assert [r.answers["K1.1"] for r in left] == [2]
    assert raw(db_path, "SELECT latest_response_id FROM ev_respondent WHERE key_hash = ?", hash_key(mixed)) == [
        (left[0].id,)]
    assert len(store.responses(fresh)) == 1
    # The running totals of the group follow: old is gone, mixed counts with its remaining answer.
    assert raw(db_path, "SELECT respondents FROM ev_group_count") == [(2,)]
    totals = raw(db_path, "SELECT * FROM ev_group_stat WHERE n != 0 ORDER BY 1, 2, 3, 4")
    store.rebuild_aggregates()
    assert raw(db_path, "SELECT * FROM ev_group_stat WHERE n != 0 ORDER BY 1, 2, 3, 4") == totals
    assert store.purge_expired(now) == 0
    # Everything goes once the retention period has passed for all (answers, memberships, the empty group).
    assert store.purge_expired(now + timedelta(days=INS.retention_days + 1)) == 2 + 3
    for t in ("ev_response", "ev_score", "ev_respondent", "ev_plan", "ev_member", "ev_group", "ev_group_stat",
              "ev_group_count"):
        assert count(db_path, t) == 0, t


# ---------------------------------------------------------------- groups


@pytest.mark.parametrize("code, norm", [("4kxm-92tq", "4KXM-92TQ"), (" 4KXM 92TQ ", "4KXM-92TQ"),
                                        ("4KXM92TQ", "4KXM-92TQ"), ("oIL0-abcd", "0110-ABCD")])
def test_group_code_normalisation(code, norm):
    assert Store.validate_group_code(code) == norm


@pytest.mark.parametrize("bad", ["x' OR 1=1 --", "<script>", "<script>alert(1)</script>", "'; DROP TABLE ev_group; --",
                                 "", "ABC", "ABCD-EFGH-JKMN", "ABCD-EFG!", "ÆØÅÆ-ØÅÆØ", "UUUU-UUUU", None, 12345678,
                                 "A" * 10_000])
def test_group_code_rejects_junk(bad):
    with pytest.raises(InvalidGroupCode, match="Gruppekoden har feil form"):
        Store.validate_group_code(bad)


def test_group_code_injection_never_reaches_db(store, db_path):
    key = store.new_key()
    store.save_response(key, answers(), "s")
    for bad in ("x' OR 1=1 --", "<script>"):
        for call in (lambda: store.join_group(key, bad), lambda: store.group_summary(bad),
                     lambda: store.export_group(bad, db_path.parent / "x.csv")):
            with pytest.raises(InvalidGroupCode):
                call()
    assert count(db_path, "ev_group") == 0


def test_unknown_group(store):
    with pytest.raises(InvalidGroupCode, match="ingen gruppe"):
        store.join_group(store.new_key(), "ABCD-EFGH")
    with pytest.raises(InvalidGroupCode, match="ingen gruppe"):
        store.group_summary("ABCD-EFGH")


def test_create_group_and_roles(store):
    code = store.create_group("  Team   hjemmetjenesten ").code
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert store.group_name(code) == "Team hjemmetjenesten"
    with pytest.raises(InputError):
        store.create_group("  ")
    with pytest.raises(InputError, match="medlem"):
        store.join_group(store.new_key(), code, role="sjef")


def fill_group(store, code, n, value=3, leader=None):
    keys = []
    for i in range(n):
        k = store.new_key()
        store.save_response(k, answers(value), f"{code}-{i}-{k}")
        store.join_group(k, code)
        keys.append(k)
    return keys


def test_group_summary_needs_five(store):
    code = store.create_group("Team").code
    keys = fill_group(store, code, 4)
    # A member who joined but never answered does not count.
    store.join_group(store.new_key(), code)
    with pytest.raises(TooFewRespondents, match=r"^For få deltakere til å vise tall \(under 5\)\. Teamvisningen vises først når minst 5 har svart") as exc:
        store.group_summary(code)
    assert exc.value.answered == 4
    keys += fill_group(store, code, 1, value=5)
    summary = store.group_summary(code)
    assert summary.respondents == 5 and summary.name == "Team"
    d = summary.dimension("K1")
    expected_index = (4 * score(INS, answers(3))[0].index + score(INS, answers(5))[0].index) / 5
    assert d.n == 5 and d.mean_index == pytest.approx(expected_index) and not d.suppressed
    assert d.band == "under utvikling"
    assert sum(d.band_counts.values()) == 5 and sum(d.distribution.values()) == 5
    assert d.band_counts == {"startfase": 0, "under utvikling": 5, "etablert": 0}


def test_group_summary_uses_latest_response(store):
    code = store.create_group("Team").code
    keys = fill_group(store, code, 5, value=3)
    for k in keys:
        store.save_response(k, {i.id: (1 if i.reverse else 5) for i in INS.items}, f"again-{k}")
    summary = store.group_summary(code)
    assert summary.respondents == 5
    assert all(d.n == 5 and d.mean_index == 100 and d.band == "etablert" for d in summary.dimensions)


def test_dimension_with_too_few_answers_is_suppressed(store):
    code = store.create_group("Team").code
    keys = fill_group(store, code, 5)
    # One member now says «vet ikke» on all of K1: K1 has 4 scores and must be hidden.
    store.save_response(keys[0], answers(3, K1_1=None, K1_2=None, K1_3=None), "vet-ikke")
    d = store.group_summary(code).dimension("K1")
    assert d.suppressed and d.n is None and d.mean_index is None and d.band_counts == {} and d.distribution == {}
    assert not store.group_summary(code).dimension("K2").suppressed


def test_leader_vs_team(store):
    code = store.create_group("Team").code
    team = fill_group(store, code, 5, value=3)
    leader = store.new_key()
    store.save_response(leader, {i.id: (1 if i.reverse else 5) for i in INS.items}, "leader")
    with pytest.raises(NotGroupLeader):
        store.leader_vs_team(code, leader)
    store.join_group(leader, code, role="leder")
    with pytest.raises(NotGroupLeader):
        store.leader_vs_team(code, team[0])
    cmp = store.leader_vs_team(code, leader)
    assert cmp.team_respondents == 5
    row = cmp.rows[0]
    team_index = score(INS, answers(3))[0].index
    assert row.leader_index == 100 and row.team_index == pytest.approx(team_index)
    assert row.difference == pytest.approx(100 - team_index)
    # The leader is not part of the team: with 4 others there is no comparison.
    store.delete_key(team[0])
    with pytest.raises(TooFewRespondents):
        store.leader_vs_team(code, leader)


def test_export_group(store, tmp_path):
    code = store.create_group("Team").code
    fill_group(store, code, 4)
    with pytest.raises(TooFewRespondents):
        store.export_group(code, tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()
    fill_group(store, code, 1)
    csv = store.export_group(code, tmp_path / "r.csv")
    df = pd.read_csv(csv, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(df["dimensjon"]) == [d.id for d in INS.dimensions]
    assert (df["antall svar"] == 5).all()
    xlsx = store.export_group(code, tmp_path / "r.xlsx")
    x = pd.read_excel(xlsx, sheet_name=None)
    assert set(x) == {"Profil", "Om rapporten"}
    assert len(x["Profil"]) == len(INS.dimensions)
    # Aggregates only: no column holds an item id or an answer per person.
    assert not any(re.fullmatch(r"[KP]\d\.\d", str(c)) for c in df.columns)
    with pytest.raises(InputError, match=".csv eller .xlsx"):
        store.export_group(code, tmp_path / "r.txt")


# ---------------------------------------------------------------- database trouble


def test_locked_database_gives_norwegian_error_and_loses_nothing(store, db_path):
    key = store.new_key()
    store.save_response(key, answers(2), "before")
    blocker = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLocked) as exc:
            store.save_response(key, answers(4), "during")
        assert str(exc.value) == (
            "Databasen er opptatt akkurat nå. Svarene dine er ikke lagret ennå, men de er ikke borte: "
            "prøv igjen om litt.")
        with pytest.raises(DatabaseLocked):
            store.save_plan(key, "plan")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # The app keeps the answers and the submission id, so a retry stores them once.
    store.save_response(key, answers(4), "during")
    store.save_response(key, answers(4), "during")
    assert [r.answers["K1.1"] for r in store.responses(key)] == [2, 4]


def test_locked_database_rollback_mode(tmp_path):
    # Same with a classic rollback journal, where even readers are blocked by an exclusive lock.
    path = tmp_path / "classic.db"
    s = Store(f"sqlite:///{path}", busy_timeout_ms=100)
    key = s.new_key()
    s.save_response(key, answers(), "a")
    s.close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("BEGIN EXCLUSIVE")
    try:
        s2 = Store(f"sqlite:///{path}", busy_timeout_ms=100)
        with pytest.raises(DatabaseLocked):
            s2.save_response(key, answers(), "b")
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert len(s2.responses(key)) == 1
    s2.close()


def test_read_only_database(store, db_path):
    key = store.new_key()
    store.save_response(key, answers(2), "before")
    store.save_plan(key, "plan")
    # chmod does not stop root, so open the file read-only through SQLite's URI mode.
    ro = Store(f"sqlite:///file:{db_path}?mode=ro&uri=true", busy_timeout_ms=100)
    try:
        assert len(ro.responses(key)) == 1
        with pytest.raises(ReadOnlyDatabase, match="bare leses"):
            ro.save_response(key, answers(4), "during")
        with pytest.raises(ReadOnlyDatabase):
            ro.save_plan(key, "ny plan")
        with pytest.raises(ReadOnlyDatabase):
            ro.delete_key(key)
        with pytest.raises(ReadOnlyDatabase):
            ro.create_group("Team")
    finally:
        ro.close()
    assert [r.answers["K1.1"] for r in store.responses(key)] == [2]
    assert store.latest_plan(key) == "plan"


def test_read_only_fresh_database_without_tables(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    ro = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(ReadOnlyDatabase):
        ro.save_response(ro.new_key(), answers(), "x")
    ro.close()


# ---------------------------------------------------------------- configuration


def test_url_from_environment_and_folder_is_created(tmp_path, monkeypatch):
    target = tmp_path / "deep" / "er" / "ev.db"
    monkeypatch.setenv("EGENVURDERING_DB_URL", f"sqlite:///{target}")
    s = Store()
    assert s.url == f"sqlite:///{target}"
    s.save_response(s.new_key(), answers(), "x")
    s.close()
    assert target.is_file()
    assert {r[0] for r in raw(target, "SELECT name FROM sqlite_master WHERE type='table'")} >= set(TABLES)
    assert raw(target, "PRAGMA journal_mode") == [("wal",)]


def test_default_url_points_into_var(monkeypatch):
    from widgets.egenvurdering import schema

    monkeypatch.delenv("EGENVURDERING_DB_URL", raising=False)
    assert schema.default_url().endswith("/var/egenvurdering.db")


def test_old_database_without_running_totals_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    s = Store(f"sqlite:///{path}")
    code = s.create_group("Team").code
    for i in range(5):
        k = s.new_key()
        s.save_response(k, answers(4), f"s{i}")
        s.join_group(k, code)
    expected = s.group_summary(code)
    s.close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE ev_group_stat")
    con.execute("DROP TABLE ev_group_count")
    con.close()
    s = Store(f"sqlite:///{path}")
    assert s.group_summary(code) == expected
    s.close()


def test_schema_and_queries_compile_for_postgresql():
    """The schema uses no SQLite-only SQL: DDL and the aggregate queries compile for PostgreSQL."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from widgets.egenvurdering import schema as mod

    dialect = postgresql.dialect()
    for table in mod.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "AUTOINCREMENT" not in ddl.upper()
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))
    micro = str(sa.select(mod.MICRO).compile(dialect=dialect))
    assert "CAST(round(" in micro and "BIGINT" in micro
    lock = sa.select(mod.t_group.c.code).where(mod.t_group.c.code.in_(["A"])).with_for_update()
    assert "FOR UPDATE" in str(lock.compile(dialect=dialect))


def test_delete_leaves_no_trace_of_the_text_in_the_database_files(store, db_path):
    key, other = store.new_key(), store.new_key()
    store.save_response(other, answers(3), "other-1")
    store.save_response(key, answers(2), "key-1")
    store.save_plan(key, "HEMMELIG-PLAN-7Q9 om sjefen min")
    store.delete_key(key)
    # The deleted bytes must not stay in free pages or in the write-ahead log, even before the store closes.
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    leftovers = [p.name for p in files if b"HEMMELIG-PLAN-7Q9" in p.read_bytes()]
    assert leftovers == []
    assert store.latest_plan(other) is None and len(store.responses(other)) == 1


def test_any_database_library_error_becomes_a_norwegian_message(store, monkeypatch):
    import sqlalchemy as sa

    store.save_response(store.new_key(), answers(3), "s1")  # schema ready

    def pool_exhausted(*_a, **_k):
        raise sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached, connection timed out")

    monkeypatch.setattr(store.engine, "connect", pool_exhausted)
    with pytest.raises(StorageError) as err:
        store.save_response(store.new_key(), answers(3), "s2")
    assert "databasen" in str(err.value).lower()
