"""Many learners saving at once against one SQLite file: nothing is lost, nothing is doubled."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from widgets.egenvurdering import load_instrument
from widgets.egenvurdering import Store

INS = load_instrument()
N = 50


def _answers(n: int) -> dict:
    return {i.id: (n + k) % 5 + 1 for k, i in enumerate(INS.items)}


def _count(path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_50_threads_on_one_store(tmp_path):
    path = tmp_path / "ev.db"
    store = Store(f"sqlite:///{path}")  # fresh file: the schema is created under the race too
    keys = [store.new_key() for _ in range(N)]
    barrier = threading.Barrier(N)

    def save(n: int) -> int:
        barrier.wait()
        rid = store.save_response(keys[n], _answers(n), f"sub-{n}")
        # A double submit racing with other learners still gives the same record.
        assert store.save_response(keys[n], _answers(n), f"sub-{n}") == rid
        return rid

    with ThreadPoolExecutor(N) as pool:
        ids = list(pool.map(save, range(N)))
    assert len(set(ids)) == N
    assert _count(path, "ev_response") == N
    assert _count(path, "ev_score") == N * len(INS.dimensions)
    assert _count(path, "ev_respondent") == N
    for n, key in enumerate(keys):
        (r,) = store.responses(key)
        assert r.answers == _answers(n)
    store.close()


def test_50_threads_with_their_own_store_and_one_group(tmp_path):
    path = tmp_path / "ev.db"
    code = Store(f"sqlite:///{path}").create_group("Alle").code
    barrier = threading.Barrier(N)

    def save(n: int) -> str:
        s = Store(f"sqlite:///{path}")
        key = s.new_key()
        barrier.wait()
        s.save_response(key, _answers(n), f"sub-{n}")
        s.join_group(key, code)
        s.save_plan(key, f"plan {n}")
        s.close()
        return key

    with ThreadPoolExecutor(N) as pool:
        keys = list(pool.map(save, range(N)))
    assert _count(path, "ev_response") == N and _count(path, "ev_plan") == N
    assert Store(f"sqlite:///{path}").group_summary(code).respondents == N
    assert len(set(keys)) == N


def _worker(args) -> list[int]:
    path, worker, per_worker = args
    s = Store(f"sqlite:///{path}")
    out = []
    for n in range(per_worker):
        key = s.new_key()
        out.append(s.save_response(key, _answers(worker * 100 + n), f"p{worker}-{n}"))
        # a double submit from the same process
        assert s.save_response(key, _answers(worker * 100 + n), f"p{worker}-{n}") == out[-1]
    s.close()
    return out


def test_50_saves_from_5_processes(tmp_path):
    path = tmp_path / "ev.db"  # fresh file: the processes race to create the schema
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(5, mp_context=ctx) as pool:
        ids = [i for chunk in pool.map(_worker, [(str(path), w, N // 5) for w in range(5)]) for i in chunk]
    assert len(ids) == len(set(ids)) == N
    assert _count(path, "ev_response") == N
    assert _count(path, "ev_score") == N * len(INS.dimensions)
