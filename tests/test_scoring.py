"""Scoring of the self-assessment: profile per dimension, reverse coding, bands, bad input."""
from __future__ import annotations

import numpy as np
import pytest

from widgets._common import InputError
from widgets.egenvurdering import DimensionScore, band_for, change, load_instrument, score, weakest


@pytest.fixture(scope="module")
def ins():
    return load_instrument()


def all_items(ins, value):
    return {i.id: value for i in ins.items}


def test_every_answer_dont_know(ins):
    scores = score(ins, all_items(ins, None))
    assert [s.dimension for s in scores] == [d.id for d in ins.dimensions]
    assert all(s.answered == 0 and s.mean is None and s.index is None and s.band is None for s in scores)
    assert weakest(scores) == []


def test_empty_answers_count_as_dont_know(ins):
    assert score(ins, {}) == score(ins, all_items(ins, None))


def test_fewer_than_min_answered_gives_no_score(ins):
    dim = ins.dimensions[0]
    answers = {dim.items[0].id: 4}
    s = score(ins, answers)[0]
    assert (s.answered, s.mean, s.index, s.band) == (1, None, None, None)
    answers[dim.items[1].id] = None
    assert score(ins, answers)[0].index is None
    answers[dim.items[1].id] = 4
    s = score(ins, answers)[0]
    assert s.answered == 2 and s.index is not None


def test_reverse_coding(ins):
    for dim in ins.dimensions:
        # Agreeing fully with the positive items and disagreeing fully with the reverse ones is the top score.
        best = {i.id: (1 if i.reverse else 5) for i in dim.items}
        worst = {i.id: (5 if i.reverse else 1) for i in dim.items}
        s_best = next(s for s in score(ins, best) if s.dimension == dim.id)
        s_worst = next(s for s in score(ins, worst) if s.dimension == dim.id)
        assert (s_best.mean, s_best.index, s_best.band) == (5, 100, "etablert")
        assert (s_worst.mean, s_worst.index, s_worst.band) == (1, 0, "startfase")
    # All 4 ("enig") on an item set with one reverse item: mean = (4 + 4 + 2) / 3.
    dim = ins.dimensions[0]
    n_rev = sum(i.reverse for i in dim.items)
    s = score(ins, {i.id: 4 for i in dim.items})[0]
    expected = (4 * (len(dim.items) - n_rev) + 2 * n_rev) / len(dim.items)
    assert s.mean == pytest.approx(expected)
    assert s.index == pytest.approx((expected - 1) / 4 * 100)


def test_index_formula_on_two_items(ins):
    dim = ins.dimensions[0]
    pos = [i for i in dim.items if not i.reverse]
    rev = [i for i in dim.items if i.reverse]
    s = score(ins, {pos[0].id: 3, rev[0].id: 2})[0]  # 3 and 6 − 2 = 4 → mean 3.5
    assert (s.answered, s.mean, s.index, s.band) == (2, 3.5, 62.5, "under utvikling")


@pytest.mark.parametrize(
    "index, band",
    [(0, "startfase"), (39.99, "startfase"), (39.999999, "startfase"), (40, "under utvikling"),
     (40.0001, "under utvikling"), (69.99, "under utvikling"), (70, "etablert"), (99.9, "etablert"),
     (100, "etablert")],
)
def test_band_boundaries(ins, index, band):
    assert band_for(ins, index) == band


@pytest.mark.parametrize("index", [-0.01, 100.01, float("nan"), float("inf"), "50", None, True])
def test_band_for_rejects_out_of_range(ins, index):
    with pytest.raises(InputError):
        band_for(ins, index)


@pytest.mark.parametrize("value", [0, 6, -1, "3", 3.0, 2.5, True, False, [3], float("nan")])
def test_invalid_values(ins, value):
    item = ins.items[0].id
    with pytest.raises(InputError, match="Svaret på påstand"):
        score(ins, {item: value})


def test_numpy_integers_are_accepted(ins):
    item = ins.items[0].id
    assert score(ins, {item: np.int64(3), ins.items[1].id: 3})[0].answered == 2


@pytest.mark.parametrize("key", ["X1.1", "", "K1", 3, None])
def test_unknown_item_ids(ins, key):
    with pytest.raises(InputError, match="ingen påstand"):
        score(ins, {key: 3})


def test_answers_must_be_a_mapping(ins):
    with pytest.raises(InputError):
        score(ins, [("K1.1", 3)])  # type: ignore[arg-type]


def _ds(dim, index):
    return DimensionScore(dim, dim, 0 if index is None else 3, None, index, None)


def test_weakest_orders_by_index_with_stable_ties(ins):
    scores = [_ds("A", 50), _ds("B", 20), _ds("C", None), _ds("D", 20), _ds("E", 10)]
    assert [s.dimension for s in weakest(scores)] == ["E", "B"]
    assert [s.dimension for s in weakest(scores, 3)] == ["E", "B", "D"]
    assert [s.dimension for s in weakest(scores, 10)] == ["E", "B", "D", "A"]
    assert weakest(scores, 0) == []
    with pytest.raises(InputError):
        weakest(scores, -1)


def test_weakest_on_real_scores(ins):
    answers = all_items(ins, 3)
    low = ins.dimensions[5]
    answers.update({i.id: (5 if i.reverse else 1) for i in low.items})
    assert weakest(score(ins, answers), 1)[0].dimension == low.id


def test_change(ins):
    before = [_ds("A", 50), _ds("B", None), _ds("C", 30)]
    after = [_ds("A", 62.5), _ds("B", 40), _ds("C", None), _ds("D", 10)]
    assert change(before, after) == {"A": 12.5, "B": None, "C": None, "D": None}
    real = score(ins, all_items(ins, 3))
    assert set(change(real, real).values()) == {0}


# ---------------------------------------------------------------- the book's worked example


def test_worked_example_is_computed_by_score(ins):
    from widgets.egenvurdering.report import scoring_example, scoring_example_html

    answers, result = scoring_example(ins)
    assert result == next(s for s in score(ins, answers) if s.dimension == result.dimension)
    assert result.answered == 2 and result.index is not None
    html = scoring_example_html(ins)
    assert ins.dont_know in html and result.band in html and "omvendt" in html
    assert "<caption>" in html
