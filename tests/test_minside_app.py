"""hub/minside/app.py without a hub: the overview's cache and the Norwegian labels."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from minside import app as minside  # noqa: E402
from progress_fixtures import make_gradebook  # noqa: E402

LEARNERS = [{"id": f"p{i}", "navn": f"Per Nummer{i}", "enhet": "Drift"} for i in range(6)]


def test_an_old_overview_is_shown_while_a_fresh_one_is_read(tmp_path):
    lay = make_gradebook(tmp_path / "kurs", LEARNERS, {}, assignments=("vage",))
    app = minside.make_app(minside.Settings(lay))
    state = app.minside_state
    first, _at = minside.compute_overview(state)
    assert first.queue[0].manual == 0
    from grading._nbgrader import gradebook

    with gradebook(lay.root) as gb:  # p0 submits; an answer waits for manual grading
        gb.add_submission("vage", "p0", timestamp=dt.datetime(2026, 11, 1))
        gb.db.commit()
    cached, _ = minside.compute_overview(state)
    assert cached is first  # younger than OVERVIEW_MAX_AGE_S: not read again
    state.overview = (state.overview[0] - minside.OVERVIEW_MAX_AGE_S - 1, first)
    stale, _ = minside.compute_overview(state)
    assert stale is first  # shown at once, while it is read again in the background
    state.leader_pool.submit(lambda: None).result(timeout=120)  # wait for the refresh
    fresh, _ = minside.compute_overview(state)
    assert fresh is not first and fresh.queue[0].manual == 1
    forced, _ = minside.compute_overview(state, force=True)
    assert forced is not fresh and forced.queue[0].manual == 1


def test_formatting():
    assert minside.fmt_points(3.0) == "3" and minside.fmt_points(2.5) == "2,5"
    assert minside.fmt_pct(66.66) == "66,7\u00a0%"
    assert minside.fmt_time(dt.datetime(2026, 12, 1, 22, 59)) == "01.12.2026 kl. 23:59"


def test_a_nynorsk_learner_s_min_side_and_kursbevis(tmp_path):
    """Only vage-nn submitted and graded: Min side counts it as «vage», links to its feedback in
    feedback/<id>/vage-nn/, names lede-nn to fetch, and the kursbevis (once earned) is nynorsk."""
    import io

    import pikepdf

    from grading.malform import utgaver
    from progress_fixtures import Sub, feedback, release

    when = dt.datetime(2026, 11, 1, 12)
    nora = {"id": "nora", "navn": "Nora Lie", "enhet": "Drift", "malform": "nn"}
    lay = make_gradebook(tmp_path / "kurs", [nora], {("nora", "vage-nn"): Sub(when, 1.0, 2.0)},
                         assignments=utgaver(("vage", "lede")))
    release(lay, "lede-nn")
    page = feedback(lay, "nora", "vage-nn")
    state = minside.make_app(minside.Settings(lay)).minside_state
    html = minside.render_min_side(state, "nora", {"name": "nora"}, False)
    assert f'href="{state.settings.prefix}tilbakemelding/nora/vage-nn/{page.name}"' in html
    assert 'data-status="tilbakemelding"' in html and "(lede-nn)" in html
    assert minside.make_certificate(state, "nora") is None  # lede is not done yet
    make = make_gradebook(tmp_path / "kurs2", [nora], {("nora", "vage-nn"): Sub(when, 1.0, 2.0),
                                                       ("nora", "lede-nn"): Sub(when, 1.0, 2.0)},
                          assignments=utgaver(("vage", "lede")))
    state = minside.make_app(minside.Settings(make)).minside_state
    name, data = minside.make_certificate(state, "nora")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "nn"
    assert name.endswith(".pdf")
