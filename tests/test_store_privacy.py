"""Property tests of the 5-rule: no call path returns a statistic built from fewer than 5 respondents."""
from __future__ import annotations

import itertools
import sqlite3

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from widgets.egenvurdering import load_instrument, score
from widgets.egenvurdering import Store, TooFewRespondents

INS = load_instrument()
MIN = INS.min_group
_counter = itertools.count()

answer_value = st.sampled_from([1, 2, 3, 4, 5, None, None])  # «vet ikke» is common on purpose
one_response = st.fixed_dictionaries({i.id: answer_value for i in INS.items})
member = st.lists(one_response, min_size=1, max_size=2)  # 1–2 responses; only the latest counts
group_spec = st.fixed_dictionaries(
    {
        "members": st.lists(member, min_size=0, max_size=12),
        "silent": st.integers(0, 3),  # joined but never answered
        "leader": st.none() | one_response,
    }
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('privacy') / 'ev.db'}")
    yield s
    s.close()


def build(store: Store, spec: dict):
    """Create a fresh group from the spec. Returns (code, leader key or None, latest answers per answering member)."""
    code = store.create_group(f"Gruppe {next(_counter)}").code
    latest = []
    for responses in spec["members"]:
        key = store.new_key()
        for r in responses:
            store.save_response(key, r, f"{key}-{next(_counter)}")
        store.join_group(key, code)
        latest.append(responses[-1])
    for _ in range(spec["silent"]):
        store.join_group(store.new_key(), code)
    leader = None
    if spec["leader"] is not None:
        leader = store.new_key()
        store.save_response(leader, spec["leader"], f"{leader}-{next(_counter)}")
        store.join_group(leader, code, role="leder")
    return code, leader, latest


def scored_counts(latest: list[dict]) -> dict[str, int]:
    counts = {d.id: 0 for d in INS.dimensions}
    for answers in latest:
        for s in score(INS, answers):
            counts[s.dimension] += s.index is not None
    return counts


def check_dimensions(dimensions, truth: dict[str, int]):
    for d in dimensions:
        if d.suppressed:
            assert d.n is None and d.mean_index is None and d.band is None
            assert d.band_counts == {} and d.distribution == {}
            assert truth[d.dimension] < MIN
        else:
            assert d.n == truth[d.dimension] >= MIN
            assert sum(d.band_counts.values()) == d.n
            assert sum(d.distribution.values()) == d.n
            assert d.mean_index is not None and 0 <= d.mean_index <= 100


@SETTINGS
@given(spec=group_spec)
def test_group_summary_never_below_five(store, spec):
    code, leader, latest = build(store, spec)
    everyone = latest + ([spec["leader"]] if leader else [])
    try:
        summary = store.group_summary(code)
    except TooFewRespondents as exc:
        assert len(everyone) < MIN and exc.answered == len(everyone)
        return
    assert summary.respondents == len(everyone) >= MIN
    check_dimensions(summary.dimensions, scored_counts(everyone))


@SETTINGS
@given(spec=group_spec.map(lambda s: s if s["leader"] is not None else {**s, "leader": {}}))
def test_leader_vs_team_never_below_five(store, spec):
    code, leader, latest = build(store, spec)
    try:
        cmp = store.leader_vs_team(code, leader)
    except TooFewRespondents as exc:
        assert len(latest) < MIN and exc.answered == len(latest)
        return
    assert cmp.team_respondents == len(latest) >= MIN
    truth = scored_counts(latest)
    own = {s.dimension: s.index for s in score(INS, spec["leader"])}
    for row in cmp.rows:
        assert row.leader_index == own[row.dimension]
        if truth[row.dimension] < MIN:
            assert row.team_index is None and row.team_band is None and row.difference is None


@SETTINGS
@given(spec=group_spec, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_export_never_below_five(store, spec, suffix, tmp_path_factory):
    code, leader, latest = build(store, spec)
    everyone = latest + ([spec["leader"]] if leader else [])
    path = tmp_path_factory.mktemp("export") / f"rapport{suffix}"
    try:
        store.export_group(code, path)
    except TooFewRespondents:
        assert len(everyone) < MIN
        assert not path.exists()
        return
    df = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig") if suffix == ".csv" else pd.read_excel(path)
    assert len(df) == len(INS.dimensions)
    shown = df["antall svar"].dropna()
    assert (shown >= MIN).all()
    truth = scored_counts(everyone)
    for _, row in df.iterrows():
        if pd.isna(row["antall svar"]):
            assert truth[row["dimensjon"]] < MIN
            assert pd.isna(row["indeks (snitt)"])
        else:
            assert row["antall svar"] == truth[row["dimensjon"]]


# ---------------------------------------------------------------- running totals stay exact

op = st.one_of(
    st.tuples(st.just("save"), st.integers(0, 7), one_response),
    st.tuples(st.just("join"), st.integers(0, 7), st.integers(0, 2), st.sampled_from(["medlem", "leder"])),
    st.tuples(st.just("leave"), st.integers(0, 7), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 7)),
)


def _totals(path) -> tuple[list, list]:
    con = sqlite3.connect(path)
    try:
        stats = con.execute(
            "SELECT group_code, dimension, band, bin, n, idx_micro FROM ev_group_stat WHERE n != 0 ORDER BY 1, 2, 3, 4"
        ).fetchall()
        counts = con.execute(
            "SELECT group_code, respondents FROM ev_group_count WHERE respondents != 0 ORDER BY 1"
        ).fetchall()
        return stats, counts
    finally:
        con.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=25))
def test_running_totals_equal_a_full_recount(tmp_path_factory, ops):
    """Whatever happens (saves, joins, role changes, leaving, deletion), the totals equal a recount."""
    path = tmp_path_factory.mktemp("totals") / "ev.db"
    s = Store(f"sqlite:///{path}")
    keys = [s.new_key() for _ in range(8)]
    groups = [s.create_group(f"G{g}").code for g in range(3)]
    for o in ops:
        if o[0] == "save":
            s.save_response(keys[o[1]], o[2], f"s{next(_counter)}")
        elif o[0] == "join":
            s.join_group(keys[o[1]], groups[o[2]], o[3])
        elif o[0] == "leave":
            s.leave_group(keys[o[1]], groups[o[2]])
        else:
            s.delete_key(keys[o[1]])
    before = _totals(path)
    s.rebuild_aggregates()
    assert _totals(path) == before
    s.close()
