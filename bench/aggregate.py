"""Benchmark: aggregate 100,000 stored self-assessments into team reports.

Bulk-inserts N responses (default 100,000) into a temporary SQLite database
through the Store's own schema, builds the running totals with one full SQL
recount (timed), then times ``Store.group_summary`` for one group holding all
of them and for a few large groups, plus ``leader_vs_team``, ``export_group``
and ``save_response`` for a member of two large groups (the cost the running
totals move to the write path). Prints the figures and writes JSON to
bench/results/.

Usage: .venv/bin/python bench/aggregate.py [--n 100000] [--repeat 5]
Target: group_summary over 100,000 respondents in at most 0.5 s.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from widgets.egenvurdering import load_instrument, score  # noqa: E402
from widgets.egenvurdering import codes, schema  # noqa: E402
from widgets.egenvurdering import store as st  # noqa: E402

TARGET_S = 0.5


def _answers(rng: random.Random, items, level: float) -> dict:
    out = {}
    for it in items:
        if rng.random() < 0.08:
            out[it.id] = None  # «vet ikke»
            continue
        v = min(5, max(1, round(rng.gauss(level, 1.0))))
        out[it.id] = 6 - v if it.reverse else v
    return out


def populate(store: st.Store, n: int, groups: int, seed: int = 1) -> tuple[str, list[str], str, float, float]:
    """Bulk insert n respondents (one response each) into one 'all' group and `groups` sub-groups."""
    ins = store.instrument
    rng = random.Random(seed)
    store._ensure_schema()
    all_code = store.create_group("Alle").code
    sub_codes = [store.create_group(f"Enhet {g + 1}").code for g in range(groups)]
    leader_key = store.new_key()
    now = schema.utc_naive(datetime.now(UTC))
    # A pool of distinct random answer sets, scored once by score(); respondents draw from it.
    pool = []
    for _ in range(min(n, 5000)):
        ans = _answers(rng, ins.items, rng.uniform(2.0, 4.5))
        cells = [(s.dimension, s.answered, s.mean, s.index, s.band, None if s.index is None else schema.bin_of(s.index))
                 for s in score(ins, ans)]
        pool.append((ans, cells))
    t0 = time.perf_counter()
    batch = 20_000
    next_id = 1
    with store._tx(write=True) as conn:
        for start in range(0, n, batch):
            responses, scores, respondents, members = [], [], [], []
            for i in range(start, min(n, start + batch)):
                key = leader_key if i == 0 else codes.random_code(codes.KEY_LENGTH)
                kh = codes.hash_key(key)
                ans, cells = pool[rng.randrange(len(pool))]
                rid = next_id
                next_id += 1
                responses.append({"id": rid, "key_hash": kh, "submission_id": f"bench-{i}", "created": now,
                                  "answers": ans})
                scores.extend({"response_id": rid, "dimension": d, "answered": a, "mean": m, "idx": x, "band": b,
                               "bin": bi} for d, a, m, x, b, bi in cells)
                respondents.append({"key_hash": kh, "latest_response_id": rid})
                role = "leder" if i == 0 else "medlem"
                members.append({"group_code": all_code, "key_hash": kh, "role": role, "joined": now})
                members.append({"group_code": sub_codes[i % groups], "key_hash": kh, "role": role, "joined": now})
            conn.execute(schema.t_response.insert(), responses)
            conn.execute(schema.t_score.insert(), scores)
            conn.execute(schema.t_respondent.insert(), respondents)
            conn.execute(schema.t_member.insert(), members)
    insert_s = time.perf_counter() - t0
    # The bulk insert bypassed save_response, so build the running totals with one full SQL recount.
    t0 = time.perf_counter()
    store.rebuild_aggregates()
    rebuild_s = time.perf_counter() - t0
    return all_code, sub_codes, leader_key, insert_s, rebuild_s


def timed(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return {"first_s": runs[0], "best_s": min(runs), "median_s": statistics.median(runs), "runs": len(runs)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=4, help="number of large sub-groups")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        path = Path(tmp) / "ev.db"
        store = st.Store(f"sqlite:///{path}", instrument=load_instrument())
        all_code, subs, leader, insert_s, rebuild_s = populate(store, args.n, args.groups)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("ev.db*")) / 1e6

        # Fresh Store (cold connection pool and page cache of this process) for the first timing.
        store.close()
        store = st.Store(f"sqlite:///{path}")
        summary_all = timed(lambda: store.group_summary(all_code), args.repeat)
        res = store.group_summary(all_code)
        assert res.respondents == args.n
        summary_sub = timed(lambda: [store.group_summary(c) for c in subs], args.repeat)
        leader_cmp = timed(lambda: store.leader_vs_team(all_code, leader), args.repeat)
        export = timed(lambda: store.export_group(all_code, Path(tmp) / "rapport.xlsx"), max(1, args.repeat // 2))
        # Cost moved to the write path: one learner saving again while being in two 25,000+ groups.
        key = store.new_key()
        store.save_response(key, {}, "warm-up")
        for code in (all_code, subs[0]):
            store.join_group(key, code)
        answers = {i.id: 4 for i in store.instrument.items}
        counter = iter(range(10**9))
        save = timed(lambda: store.save_response(key, answers, f"bench-save-{next(counter)}"), args.repeat * 4)
        assert store.group_summary(all_code).respondents == args.n + 1
        store.close()

    result = {
        "benchmark": "egenvurdering group aggregation",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "respondents": args.n,
        "dimensions": len(res.dimensions),
        "score_rows": args.n * len(res.dimensions),
        "db_mb": round(size_mb, 1),
        "insert_s": round(insert_s, 2),
        "full_recount_s": round(rebuild_s, 2),
        "group_summary_all": summary_all,
        f"group_summary_{args.groups}_groups_total": summary_sub,
        "leader_vs_team_all": leader_cmp,
        "export_xlsx_all": export,
        "save_response_member_of_2_groups": save,
        "target_s": TARGET_S,
        "meets_target": summary_all["median_s"] <= TARGET_S,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "aggregate.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def f(x: dict) -> str:
        return f"median {x['median_s']:.3f} s (first {x['first_s']:.3f} s, best {x['best_s']:.3f} s)"

    print(f"Respondenter: {args.n:,}  poengrader: {result['score_rows']:,}  database: {result['db_mb']} MB")
    print(f"Innsetting (bulk):              {insert_s:.1f} s")
    print(f"group_summary, alle:            {f(summary_all)}")
    print(f"group_summary, {args.groups} grupper (sum):  {f(summary_sub)}")
    print(f"leader_vs_team, alle:           {f(leader_cmp)}")
    print(f"export_group .xlsx, alle:       {f(export)}")
    print(f"save_response (i 2 grupper):    {f(save)}")
    print(f"Full opptelling (rebuild):      {rebuild_s:.2f} s  (engangs, etter bulk-innsetting)")
    print(f"Mål ≤ {TARGET_S} s: {'nådd' if result['meets_target'] else 'IKKE nådd'}  →  {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
