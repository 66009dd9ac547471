"""Progress per learner and the course leader's overview (grading/progress*.py).

A real nbgrader gradebook (made with nbgrader's models, see
``progress_fixtures.py``), a course folder and an exchange laid out the way
nbgrader lays them out. Each state is set up on its own and read back.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading import completion, progress, progress_overview
from grading.progress import (FEEDBACK, FETCHED, GRADED, LATE, NOT_RELEASED, RELEASED, SUBMITTED,
                              Snapshot, Submission)
from grading.reports import SUBTRACTION_TEXT, WHOLE_COURSE, collect_results, suppressed_groups
from progress_fixtures import (Sub, collect, feedback, make_gradebook, release,
                               submit_to_exchange)

NOW = dt.datetime(2026, 12, 10, 12, 0)
DUE = dt.datetime(2026, 12, 1, 22, 59)  # 01.12.2026 kl. 23:59 in Oslo
BEFORE = DUE - dt.timedelta(days=1)
AFTER = DUE + dt.timedelta(hours=3)
A = ("vage", "lede", "laere")

LEARNERS = [
    {"id": "ada", "navn": "Ada Ås", "enhet": "Oppvekst"},
    {"id": "bo", "navn": "Bo Bø", "enhet": "Oppvekst"},
    {"id": "cy", "navn": "Cy Cæsar", "enhet": "Helse"},
    {"id": "di", "navn": "Di Dahl", "enhet": "Helse"},
]


@pytest.fixture()
def course(tmp_path: Path):
    plan = {
        ("bo", "vage"): Sub(BEFORE, 1.0, None),  # waiting for manual grading
        ("cy", "vage"): Sub(BEFORE, 1.0, 2.0),  # graded, 3 points
        ("di", "vage"): Sub(AFTER, 0.0, 0.0),  # graded late to 0 points
    }
    lay = make_gradebook(tmp_path / "kurs", LEARNERS, plan, assignments=A, due={"vage": DUE})
    release(lay, "vage")
    release(lay, "lede")
    return lay


def states(lay, sid, **kw):
    p = progress.progress_of(lay, sid, now=NOW, **kw)
    return p, {i.assignment: i for i in p.items}


def test_not_released_and_released(course):
    p, items = states(course, "ada")
    assert items["laere"].state == NOT_RELEASED
    assert items["lede"].state == RELEASED
    assert items["vage"].state == RELEASED and items["vage"].overdue  # deadline passed, not submitted
    assert items["vage"].due == DUE
    assert items["laere"].label == "Ikke delt ut ennå"


def test_fetched_is_read_from_the_learners_folder(course, tmp_path):
    homes = tmp_path / "hjem"
    (homes / "ada" / "lede").mkdir(parents=True)
    template = str(homes / "{student}" / "{assignment}")
    _p, items = states(course, "ada", fetched_template=template)
    assert items["lede"].state == FETCHED
    assert items["vage"].state == RELEASED  # not fetched
    _p, items = states(course, "bo", fetched_template=template)
    assert items["lede"].state == RELEASED  # ada's folder is not bo's


def test_submitted_in_the_exchange_with_time(course):
    when = dt.datetime(2026, 12, 5, 9, 30, 15)
    submit_to_exchange(course, "ada", "lede", when)
    _p, items = states(course, "ada")
    assert items["lede"].state == SUBMITTED
    assert items["lede"].submitted_at == when
    assert not items["lede"].late


def test_collected_but_not_graded_is_submitted(course):
    collect(course, "ada", "vage", BEFORE)
    _p, items = states(course, "ada")
    assert items["vage"].state == SUBMITTED and not items["vage"].late
    assert not items["vage"].overdue


def test_late(course):
    submit_to_exchange(course, "ada", "vage", AFTER)
    _p, items = states(course, "ada")
    assert items["vage"].state == LATE and items["vage"].late
    assert items["vage"].label == "Levert for sent"


def test_waiting_for_manual_grading_stays_submitted(course):
    _p, items = states(course, "bo")
    assert items["vage"].state == SUBMITTED
    assert items["vage"].waiting_manual
    assert items["vage"].score is None


def test_graded_with_score(course):
    p, items = states(course, "cy")
    assert items["vage"].state == GRADED
    assert items["vage"].score == 3.0 and items["vage"].max_score == 4.0
    assert items["vage"].completed
    p, items = states(course, "di")
    assert items["vage"].state == GRADED and items["vage"].late
    assert items["vage"].score == 0.0 and not items["vage"].completed


def test_feedback_ready(course):
    feedback(course, "cy", "vage")
    _p, items = states(course, "cy")
    assert items["vage"].state == FEEDBACK
    assert items["vage"].feedback == ("vage.html",)


def test_a_learner_reads_only_their_own_data(course):
    snap = progress.read_snapshot(course, ["ada"], now=NOW)
    assert set(snap.learners) == {"ada"}
    assert all(sid == "ada" for sid, _a in snap.gradebook)


def test_unknown_learner_gets_an_empty_programme(course):
    p, items = states(course, "zed")
    assert not p.in_roster and not p.earned
    assert items["vage"].state == RELEASED


# --------------------------------------------------------------------------
# Kursbevis: exactly when the rule is met
# --------------------------------------------------------------------------
def _all_done(tmp_path, plan_extra=None, learners=LEARNERS):
    plan = {("cy", a): Sub(BEFORE, 1.0, 2.0) for a in A}
    plan.update(plan_extra or {})
    lay = make_gradebook(tmp_path / "k2", learners, plan, assignments=A)
    return lay


def test_kursbevis_exactly_when_every_assignment_is_completed(tmp_path):
    lay = _all_done(tmp_path)
    p = progress.progress_of(lay, "cy", now=NOW)
    assert p.earned and p.next_step.kind == "kursbevis"
    assert "alle de 3 refleksjonsoppgavene" in p.rule


@pytest.mark.parametrize("extra", [
    {("cy", "laere"): Sub(BEFORE, 0.0, 0.0)},  # 0 points
    {("cy", "laere"): Sub(BEFORE, 1.0, None)},  # waiting for manual grading
])
def test_no_kursbevis_when_one_is_not_completed(tmp_path, extra):
    lay = _all_done(tmp_path, extra)
    p = progress.progress_of(lay, "cy", now=NOW)
    assert not p.earned
    assert p.next_step.kind in ("snakk", "vent")


def test_no_kursbevis_outside_the_roster(tmp_path):
    learners = [dict(ln, roster=ln["id"] != "cy") for ln in LEARNERS]  # cy: gradebook only
    lay = _all_done(tmp_path, learners=learners)
    p = progress.progress_of(lay, "cy", now=NOW)
    assert all(i.completed for i in p.items)
    assert not p.in_roster and not p.earned
    assert "deltakerlisten" in p.next_step.text


def test_the_rule_is_data(tmp_path, monkeypatch):
    rule_file = tmp_path / "regel.yaml"
    rule_file.write_text("oppgaver: [vage]\npoeng_over: 3\n", encoding="utf-8")
    rule = completion.load_rule(rule_file)
    assert rule.required(["vage", "lede"]) == ["vage"]
    assert completion.is_completed(True, False, 3.5, rule)
    assert not completion.is_completed(True, False, 3.0, rule)
    monkeypatch.setattr(completion, "RULE_FILE", rule_file)
    monkeypatch.setattr(completion.load_rule, "__defaults__", (rule_file,))
    lay = _all_done(tmp_path)  # cy: 3 points everywhere, so not above 3
    assert not progress.progress_of(lay, "cy", now=NOW).earned
    text = completion.rule_text(["vage", "lede"], {"vage": "Å våge"}, rule)
    assert "«Å våge»" in text and "mer enn 3 poeng" in text


@pytest.mark.parametrize("text", ["oppgaver: 7\n", "poeng_over: -1\n", "- en liste\n",
                                  "kapittel: [vage]\n"])
def test_a_bad_rule_file_gives_a_norwegian_message(tmp_path, text):
    path = tmp_path / "regel.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(completion.RuleError, match="data/fullforing.yaml"):
        completion.load_rule(path)


def test_the_shipped_rule_is_every_assignment_above_zero():
    rule = completion.load_rule()
    assert rule.assignments is None and rule.points_above == 0
    assert rule.chapter_of("handlingsplan") == "egenvurdering"


# --------------------------------------------------------------------------
# Next step
# --------------------------------------------------------------------------
def test_next_step_is_the_nearest_deadline(course):
    p, _items = states(course, "ada")
    assert p.next_step.kind == "hent" and p.next_step.assignment == "vage"
    assert "Fristen gikk ut" in p.next_step.text


def test_next_step_submit_after_fetch(course, tmp_path):
    homes = tmp_path / "hjem"
    (homes / "ada" / "vage").mkdir(parents=True)
    p, _ = states(course, "ada", fetched_template=str(homes / "{student}" / "{assignment}"))
    assert p.next_step.kind == "lever" and "«Submit»" in p.next_step.text


def test_next_step_when_nothing_is_released(tmp_path):
    lay = make_gradebook(tmp_path / "k3", LEARNERS, {}, assignments=A)
    p = progress.progress_of(lay, "ada", now=NOW)
    assert p.next_step.kind == "les_boka"


# --------------------------------------------------------------------------
# The programme in the book's order
# --------------------------------------------------------------------------
def test_programme_follows_the_toc():
    parts = progress.programme()
    assert [p.caption for p in parts][:3] == [
        "Framtiden og arbeidsgiverpolitikken", "De fem prinsippene", "Fra refleksjon til handling"]
    chapters = [c for p in parts for c in p.chapters]
    owners = {c.assignment: c.stem for c in chapters if c.assignment}
    assert owners == {"vage": "vage", "lede": "lede", "laere": "laere", "mobilisere": "mobilisere",
                      "samhandle": "samhandle", "arbeidsgiverpolitikk": "arbeidsgiverpolitikk",
                      "handlingsplan": "egenvurdering"}
    assert all(c.title and not c.title.startswith("(") for c in chapters)


# --------------------------------------------------------------------------
# The course leader's overview
# --------------------------------------------------------------------------
def test_overview_queue_and_who_is_behind(course):
    submit_to_exchange(course, "ada", "lede", BEFORE)
    collect(course, "ada", "vage", AFTER)
    ov = progress_overview.course_overview(course, now=NOW)
    queue = {q.assignment: q for q in ov.queue}
    assert (queue["vage"].manual, queue["vage"].to_autograde, queue["vage"].in_exchange) == (1, 1, 0)
    assert queue["lede"].in_exchange == 1
    (vage,) = [m for m in ov.missing if m.assignment == "vage"]  # only vage has a deadline
    assert [p["id"] for p in vage.not_submitted] == []
    assert sorted(p["id"] for p in vage.late) == ["ada", "di"]
    # 4 learners: below 5, so nothing about completion is shown
    assert ov.groups[0][0] == WHOLE_COURSE and not ov.groups[0][1]["shown"]
    assert all(not st_["shown"] and not st_["per_assignment"] for _n, st_ in ov.groups)


def test_overview_lists_who_has_not_submitted(course):
    ov = progress_overview.course_overview(course, now=NOW)
    (vage,) = ov.missing
    assert [p["id"] for p in vage.not_submitted] == ["ada"]
    assert [p["id"] for p in vage.late] == ["di"]
    assert progress_overview.course_overview(course, now=BEFORE).missing == ()  # before the deadline


def test_overview_uses_the_same_results_as_the_reports(tmp_path):
    from progress_fixtures import big_cohort, big_plan

    learners = big_cohort(60, units=6)
    lay = make_gradebook(tmp_path / "k4", learners, big_plan(learners, A), assignments=A)
    collect(lay, learners[0]["id"], "laere", BEFORE)
    ours = progress_overview.results_frame(progress.read_snapshot(lay, None))
    theirs = collect_results(lay.root)
    key = ["id", "assignment"]
    cols = ["enhet", "submitted", "completed", "needs_manual_grade", "status", "late"]
    a = ours.sort_values(key).reset_index(drop=True)
    b = theirs.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b) == 60 * 3
    assert (a[key + cols].astype(str) == b[key + cols].astype(str)).all().all()
    assert (a["score"].fillna(-1) == b["score"].fillna(-1)).all()
    # «Kursoversikt» shows exactly what the reports compute with their privacy rules
    assert progress_overview.course_overview(lay).groups == suppressed_groups(theirs)


# --------------------------------------------------------------------------
# Privacy: no unit below 5, also not by subtraction (property)
# --------------------------------------------------------------------------
def _snapshot(sizes: list[int], done_mask: list[bool]) -> Snapshot:
    learners, subs = {}, {}
    k = 0
    for u, n in enumerate(sizes):
        for _ in range(n):
            sid = f"l{k}"
            learners[sid] = {"navn": sid, "enhet": f"Enhet {u}", "in_roster": True}
            if done_mask[k % len(done_mask)]:
                subs[(sid, "vage")] = Submission(BEFORE, 3.0, 4.0, False)
            k += 1
    return Snapshot(NOW, ["vage", "lede"], {"vage": "Å våge", "lede": "Å lede"},
                    {"vage": DUE, "lede": None}, {"vage": 4.0, "lede": 4.0}, {"vage"}, learners,
                    subs)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=7),
       done=st.lists(st.booleans(), min_size=1, max_size=9))
def test_overview_never_reveals_a_unit_below_five(tmp_path_factory, sizes, done):
    snap = _snapshot(sizes, done)
    ov = progress_overview.course_overview(None, snapshot=snap)
    (name, total), *units = ov.groups
    assert name == WHOLE_COURSE
    shown = [st_ for _n, st_ in units if st_["shown"]]
    hidden = [st_ for _n, st_ in units if not st_["shown"]]
    for st_ in shown:
        assert st_["n"] >= 5
    for st_ in hidden:
        assert st_["per_assignment"] == {} and "all_done_pct" not in st_
    if total["shown"]:
        rest = total["n"] - sum(st_["n"] for st_ in shown)
        assert rest == 0 or rest >= 5, (sizes, rest)
    else:
        assert total["n"] < 5 and not shown
    if sum(1 for n in sizes if n < 5) and shown and total["shown"] and any(
            st_["note"] == SUBTRACTION_TEXT for st_ in hidden):
        assert sum(st_["n"] for st_ in hidden) >= 5


# ---------------------------------------------------------------------------
# Målform: a submission of the nynorsk edition (vage-nn) counts as the chapter's (vage)
# ---------------------------------------------------------------------------
NN_LEARNERS = [
    {"id": "nora", "navn": "Nora Lie", "enhet": "Helse", "malform": "nn"},  # only vage-nn, lede-nn, …
    {"id": "bo", "navn": "Bo Bø", "enhet": "Helse"},  # only the bokmål editions
    {"id": "begge", "navn": "Begge Berg", "enhet": "Helse"},  # vage in both målformer
    {"id": "ny", "navn": "Ny Nes", "enhet": "Helse", "malform": "nn"},  # nothing submitted yet
]


@pytest.fixture()
def nn_course(tmp_path: Path):
    from grading.malform import oppgave_i, utgaver

    plan = {("nora", oppgave_i(a, "nn")): Sub(BEFORE, 1.0, 2.0) for a in A}
    plan |= {("bo", a): Sub(BEFORE, 1.0, 2.0) for a in A}
    plan |= {("begge", a): Sub(BEFORE, 1.0, 2.0) for a in ("lede", "laere")}
    plan |= {("begge", "vage"): Sub(BEFORE, 0.0, 0.0),  # 0 points in bokmål …
             ("begge", "vage-nn"): Sub(AFTER, 1.0, 1.0)}  # … then 2 points in nynorsk, late
    lay = make_gradebook(tmp_path / "kurs", NN_LEARNERS, plan, assignments=utgaver(A),
                         due={"vage": DUE, "vage-nn": DUE})
    for a in A:
        release(lay, a)
        release(lay, oppgave_i(a, "nn"))
    return lay


def test_only_the_nynorsk_edition_is_graded_for_the_chapter(nn_course):
    p, items = states(nn_course, "nora")
    assert list(items) == list(A)  # the chapters' assignments, never vage-nn on its own
    assert all(i.state == GRADED and i.completed and i.score == 3.0 for i in items.values())
    assert p.earned and p.next_step.kind == "kursbevis" and p.malform == "nn"


def test_both_editions_count_once_and_the_better_counts(nn_course):
    p, items = states(nn_course, "begge")
    assert items["vage"].state == GRADED and items["vage"].score == 2.0 and items["vage"].completed
    assert items["vage"].late  # the nynorsk one, the one that counts, came after the deadline
    assert p.earned
    results = collect_results(nn_course.root)
    assert sorted(results["assignment"].unique()) == sorted(A)
    assert not results.duplicated(["id", "assignment"]).any()
    row = results[(results["id"] == "begge") & (results["assignment"] == "vage")].iloc[0]
    assert row["score"] == 2.0 and row["completed"]


def test_reports_count_a_nynorsk_submission_as_completed(nn_course):
    results = collect_results(nn_course.root)
    nora = results[results["id"] == "nora"]
    assert list(nora["assignment"]) == list(A) and nora["completed"].all() and nora["submitted"].all()
    # 3 of the 4 learners completed every chapter; ny has submitted nothing.
    done = results.groupby("id")["completed"].all()
    assert dict(done) == {"begge": True, "bo": True, "nora": True, "ny": False}
    stats = dict(suppressed_groups(results, min_group=1))[WHOLE_COURSE]
    assert stats["all_done_pct"] == 75.0
    assert stats["per_assignment"]["vage"]["done_pct"] == 75.0


def test_kursbevis_for_the_nynorsk_editions(nn_course):
    from grading.certificates import sort_learners

    inside, outside, titles, _empty = sort_learners(nn_course.root)
    assert {ln["id"]: ln["malform"] for ln in inside} == {"nora": "nn", "bo": "nb", "begge": "nb"}
    assert outside == [] and len(titles) == len(A)


def test_nynorsk_submitted_released_fetched_and_feedback(tmp_path):
    from grading.malform import utgaver

    lay = make_gradebook(tmp_path / "kurs", NN_LEARNERS, {}, assignments=utgaver(A), due={"vage-nn": DUE})
    release(lay, "vage-nn")  # only the nynorsk edition is released so far
    homes = tmp_path / "hjem"
    (homes / "nora" / "vage-nn").mkdir(parents=True)
    template = str(homes / "{student}" / "{assignment}")
    p, items = states(lay, "nora", fetched_template=template)
    assert items["vage"].state == FETCHED and items["lede"].state == NOT_RELEASED
    assert p.next_step.kind == "lever" and p.next_step.assignment == "vage-nn"
    _p, items = states(lay, "bo", fetched_template=template)
    assert items["vage"].state == RELEASED
    submit_to_exchange(lay, "nora", "vage-nn", BEFORE)
    _p, items = states(lay, "nora")
    assert items["vage"].state == SUBMITTED and items["vage"].submitted_at == BEFORE
    collect(lay, "bo", "vage-nn", AFTER)
    _p, items = states(lay, "bo")
    assert items["vage"].state == LATE
    page = feedback(lay, "bo", "vage-nn")
    _p, items = states(lay, "bo")
    assert items["vage"].state == FEEDBACK and items["vage"].feedback == (page.name,)
    assert items["vage"].feedback_edition == "vage-nn"  # Min side links to feedback/bo/vage-nn/


def test_next_step_names_the_edition_in_the_learners_malform(nn_course):
    p = progress.progress_of(nn_course, "ny", now=NOW)
    assert p.next_step.kind == "hent" and p.next_step.assignment == "vage-nn"
    assert "(vage-nn)" in p.next_step.text
    p = progress.progress_of(nn_course, "bo", now=NOW)
    assert p.next_step.kind == "kursbevis"


def test_overview_and_anomalies_do_not_list_a_nynorsk_submitter_as_missing(nn_course):
    from grading.anomalies import scan

    ov = progress_overview.course_overview(nn_course, now=NOW, min_group=1)
    missing = {m.assignment: {x["id"] for x in m.not_submitted} for m in ov.missing}
    assert missing == {"vage": {"ny"}}
    collect(nn_course, "nora", "vage-nn", BEFORE)
    collect(nn_course, "bo", "vage", BEFORE)
    not_submitted = {a.student for a in scan(nn_course, "vage") if a.kind == "ikke_levert"}
    assert not_submitted == {"begge", "ny"}  # begge: nothing collected in either målform
    assert {a.student for a in scan(nn_course, "vage-nn") if a.kind == "ikke_levert"} == {"begge", "ny"}
