"""The privacy rule lives once, as data: change the minimum there, and both the course leader's
reports and the self-assessment store follow it."""
from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ev_helpers import answers
from fellesregler import personvern
from fellesregler.personvern import for_faa_tekst, regel
from grading.reports import unit_summary
from widgets.egenvurdering import Store, TooFewRespondents


def _results(sizes: dict[str, int]) -> pd.DataFrame:
    """One graded, completed assignment per learner, ``sizes[unit]`` learners per unit."""
    rows = []
    for unit, n in sizes.items():
        for i in range(n):
            rows.append({"id": f"{unit.lower()}{i}", "navn": f"{unit} {i}", "enhet": unit, "assignment": "vage",
                         "title": "Å våge", "submitted": True, "late": False, "seconds_late": 0.0,
                         "timestamp": None, "score": 4.0, "max_score": 5.0, "needs_manual_grade": False,
                         "completed": True, "status": "Fullført"})
    return pd.DataFrame(rows)


def _shown(units: pd.DataFrame, unit: str) -> bool:
    return not pd.isna(units.set_index("Enhet").loc[unit, "Antall deltakere"])


def _team(store: Store, n: int) -> str:
    code = store.create_group("Team").code
    for i in range(n):
        key = store.new_key()
        store.save_response(key, answers(4), f"{code}-{i}")
        store.join_group(key, code)
    return code


@pytest.fixture
def minimum_three(tmp_path, monkeypatch):
    """The data file with ``privacy.min_group`` changed from the course's value to 3."""
    data = yaml.safe_load(personvern.DATAFIL.read_text(encoding="utf-8"))
    assert data["privacy"]["min_group"] != 3
    data["privacy"]["min_group"] = 3
    changed = tmp_path / "egenvurdering.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(personvern, "DATAFIL", changed)
    return changed


def test_the_rule_is_read_from_the_data_file():
    data = yaml.safe_load(personvern.DATAFIL.read_text(encoding="utf-8"))
    assert regel().minimum == data["privacy"]["min_group"]
    assert regel().lagringsdager == data["privacy"]["retention_days"]


def test_reports_and_store_follow_the_minimum_in_the_data_file(minimum_three, tmp_path):
    assert regel().minimum == 3

    # Two small units of 2: together 4, so nothing more is hidden to stop working out by subtraction.
    units = unit_summary(_results({"Helse": 3, "Kultur": 2, "Skole": 2, "Teknisk": 4}))
    assert _shown(units, "Helse") and _shown(units, "Teknisk")
    assert not _shown(units, "Skole") and not _shown(units, "Kultur")
    assert units.set_index("Enhet").loc["Skole", "Merknad"] == for_faa_tekst(3)

    store = Store(f"sqlite:///{tmp_path / 'ev.db'}")
    assert store.instrument.min_group == 3
    assert store.group_summary(_team(store, 3)).respondents == 3
    with pytest.raises(TooFewRespondents) as refused:
        store.group_summary(_team(store, 2))
    assert refused.value.minimum == 3
    assert str(refused.value).startswith("For få deltakere til å vise tall (under 3). ")
    store.close()


def test_with_the_course_minimum_three_is_too_few(tmp_path):
    """The same figures with the unchanged data file: the course's minimum (5) hides them."""
    minimum = regel().minimum
    assert minimum > 3
    units = unit_summary(_results({"Helse": 3, "Kultur": 3, "Teknisk": minimum}))
    assert not _shown(units, "Helse") and not _shown(units, "Kultur") and _shown(units, "Teknisk")
    store = Store(f"sqlite:///{tmp_path / 'ev.db'}")
    with pytest.raises(TooFewRespondents):
        store.group_summary(_team(store, 3))
    store.close()


def test_the_too_few_message_has_one_wording():
    """Reports, Min side, the team view and its table say the same words; only personvern.py holds them."""
    assert for_faa_tekst(5) == "for få deltakere til å vise tall (under 5)"
    assert for_faa_tekst(5, svart=4) == (
        "For få deltakere til å vise tall (under 5). Teamvisningen vises først når minst 5 har svart, slik at "
        "ingen enkeltpersoners svar kan kjennes igjen. Så langt har 4 svart.")
    assert str(TooFewRespondents(2, 7)) == for_faa_tekst(7, svart=2)
    root = Path(__file__).resolve().parents[1]
    holders = sorted(
        str(p.relative_to(root))
        for folder in ("fellesregler", "grading", "widgets", "hub", "apps", "tools")
        for p in (root / folder).rglob("*")
        if p.suffix in {".py", ".j2", ".html", ".ipynb"} and "node_modules" not in p.parts
        and any("til å vise tall" in text for text in _user_texts(p)))
    assert holders == ["fellesregler/personvern.py"]


def _user_texts(path: Path) -> list[str]:
    """The strings a file can show: a template's text, a module's string literals except docstrings."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".py":
        return [text]
    tree = ast.parse(text)
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]
