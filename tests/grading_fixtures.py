"""Synthetic course folders and cohorts for the grading tests and the benchmark.

* :func:`make_course` copies the real ``exercises/nbgrader_config.py`` and the
  assignment sources into a temporary course folder. An assignment without a
  real source yet gets a small fixture assignment with the same cell kinds
  (locked text, autograded answer + tests with hidden tests, manually graded
  text answer).
* :func:`solution_notebook` builds a «complete» learner notebook from the
  released notebook, filled in with the solutions from the source.
* :func:`make_submission` builds submissions of every kind the tests need.
* :func:`cohort` builds a roster of learners in units.
"""
from __future__ import annotations

import copy
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"

SCRIPT = "<script>alert(1)</script>"
WRITTEN_ANSWER = "Vi prøvde ut et lite eksperiment med hjemmekontor og lærte mye av det."


# --------------------------------------------------------------------------
# Fixture assignment (used when the real source is not there)
# --------------------------------------------------------------------------
def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=0):
    md = {"nbgrader": {"grade": grade, "grade_id": grade_id, "locked": locked,
                       "schema_version": 3, "solution": solution, "task": False}}
    if grade:
        md["nbgrader"]["points"] = points
    return md


def fixture_source(name: str) -> nbformat.NotebookNode:
    """A small assignment with locked text, tests with hidden tests and a manual answer."""
    cells = [
        new_markdown_cell(f"# Oppgave {name}\n\nLes teksten og svar på oppgavene.",
                          metadata=_meta("intro", locked=True)),
        new_code_cell("nivaaer = []\n### BEGIN SOLUTION\nnivaaer = ['lov', 'avtale', 'politikk', "
                      "'administrasjon', 'vane']\n### END SOLUTION",
                      metadata=_meta("svar-nivaaer", solution=True)),
        new_code_cell("assert len(nivaaer) == 5, 'Det skal være fem nivåer.'\n"
                      "### BEGIN HIDDEN TESTS\nassert nivaaer[-1] == 'vane'\n### END HIDDEN TESTS",
                      metadata=_meta("test-nivaaer", grade=True, points=2)),
        new_markdown_cell("## Refleksjon\n\nBeskriv et lite eksperiment på arbeidsplassen din.",
                          metadata=_meta("instruks-refleksjon", locked=True)),
        new_markdown_cell("### BEGIN SOLUTION\nEt godt svar beskriver et trygt forsøk.\n### END SOLUTION",
                          metadata=_meta("refleksjon", grade=True, solution=True, points=3)),
        new_markdown_cell("## Forslag\n\nSkriv funksjonen `antall_ord`.",
                          metadata=_meta("instruks-ord", locked=True)),
        new_code_cell("def antall_ord(tekst):\n    ### BEGIN SOLUTION\n    return len(tekst.split())\n"
                      "    ### END SOLUTION",
                      metadata=_meta("svar-ord", solution=True)),
        new_code_cell("assert antall_ord('en to tre') == 3\n### BEGIN HIDDEN TESTS\n"
                      "assert antall_ord('') == 0\n### END HIDDEN TESTS",
                      metadata=_meta("test-ord", grade=True, points=1)),
    ]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    return nb


def make_course(dest: Path, assignments: tuple[str, ...] = ("vage",), *,
                real: bool | None = None) -> Path:
    """Create a course folder in ``dest`` with the real config and the given assignments.

    ``real=None`` uses the real source of an assignment when it exists,
    ``True`` requires it, ``False`` always uses the fixture.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(EXERCISES / "nbgrader_config.py", dest / "nbgrader_config.py")
    header = EXERCISES / "source" / "header.ipynb"
    if real is not False and header.exists():
        (dest / "source").mkdir(parents=True, exist_ok=True)
        shutil.copy2(header, dest / "source" / "header.ipynb")
    for name in assignments:
        src = EXERCISES / "source" / name
        target = dest / "source" / name
        if real is not False and (src / f"{name}.ipynb").exists():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif real:
            raise FileNotFoundError(src)
        else:
            target.mkdir(parents=True)
            nbformat.write(fixture_source(name), str(target / f"{name}.ipynb"))
    return dest


def uses_real_source(assignment: str) -> bool:
    return (EXERCISES / "source" / assignment / f"{assignment}.ipynb").exists()


# --------------------------------------------------------------------------
# Learner notebooks
# --------------------------------------------------------------------------
_SOLUTION_LINE = re.compile(r"^\s*#*\s*(BEGIN|END) SOLUTION\s*$")


def _strip_solution_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _SOLUTION_LINE.match(line))


def _nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_notebook(course_dir: Path, assignment: str, notebook: str | None = None
                      ) -> nbformat.NotebookNode:
    """The released notebook with every answer cell filled in from the source."""
    notebook = notebook or assignment
    release = nbformat.read(str(course_dir / "release" / assignment / f"{notebook}.ipynb"), as_version=4)
    source = nbformat.read(str(course_dir / "source" / assignment / f"{notebook}.ipynb"), as_version=4)
    answers = {_nbg(c)["grade_id"]: c for c in source.cells if _nbg(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        meta = _nbg(cell)
        if meta.get("solution") and meta.get("grade_id") in answers:
            text = _strip_solution_markers(answers[meta["grade_id"]].source)
            if cell.cell_type == "markdown":
                text = (text.strip() + "\n\n" + WRITTEN_ANSWER).strip()
            cell.source = text
    return nb


def released_notebook(course_dir: Path, assignment: str, notebook: str | None = None):
    notebook = notebook or assignment
    return nbformat.read(str(course_dir / "release" / assignment / f"{notebook}.ipynb"), as_version=4)


@dataclass(frozen=True)
class Points:
    """Points of a released notebook, from its nbgrader metadata."""

    auto: float          # autograded test cells (grade, not solution)
    manual: dict          # grade_id -> max points of manually graded answers
    total: float
    tests: list           # grade_ids of autograded test cells, in order
    locked: list          # grade_ids of locked non-grade cells

    @classmethod
    def of(cls, nb) -> "Points":
        auto, manual, tests, locked = 0.0, {}, [], []
        for cell in nb.cells:
            meta = _nbg(cell)
            if meta.get("grade") and not meta.get("solution"):
                auto += float(meta.get("points", 0))
                tests.append(meta["grade_id"])
            elif meta.get("grade") and meta.get("solution"):
                manual[meta["grade_id"]] = float(meta.get("points", 0))
            elif meta.get("task"):
                manual[meta["grade_id"]] = float(meta.get("points", 0))
            elif meta.get("locked") and not meta.get("solution"):
                locked.append(meta["grade_id"])
        return cls(auto, manual, auto + sum(manual.values()), tests, locked)


KINDS = ("complete", "empty", "malformed", "deleted_test", "deleted_manual", "edited_locked",
         "edited_test", "script", "stripped_metadata", "partial")


def make_submission(kind: str, release, solution) -> bytes:
    """Bytes of a learner notebook of the given kind."""
    if kind == "malformed":
        text = nbformat.writes(solution)
        return text[: len(text) // 2].encode("utf-8")  # truncated JSON
    if kind == "empty":
        nb = copy.deepcopy(release)
    else:
        nb = copy.deepcopy(solution)
    if kind == "deleted_test":
        first_test = next(i for i, c in enumerate(nb.cells)
                          if _nbg(c).get("grade") and not _nbg(c).get("solution"))
        del nb.cells[first_test]
    elif kind == "deleted_manual":
        # a manually graded answer right after a locked cell: nbgrader 0.9.6's
        # add_missing_cells crashes (KeyError) on this one
        idx = next(i for i, c in enumerate(nb.cells)
                   if _nbg(c).get("grade") and _nbg(c).get("solution") and i > 0
                   and _nbg(nb.cells[i - 1]).get("locked") and not _nbg(nb.cells[i - 1]).get("grade"))
        del nb.cells[idx]
    elif kind == "edited_test":
        cell = next(c for c in nb.cells if _nbg(c).get("grade") and not _nbg(c).get("solution"))
        cell.source = "pass  # testen er fjernet av deltakeren"
    elif kind == "edited_locked":
        cell = next(c for c in nb.cells if _nbg(c).get("locked") and not _nbg(c).get("grade")
                    and not _nbg(c).get("solution"))
        cell.source += "\n\nDenne teksten er endret av deltakeren."
    elif kind == "script":
        cell = next((c for c in nb.cells if _nbg(c).get("solution") and c.cell_type == "markdown"), None)
        if cell is not None:
            cell.source = f"Mitt svar: {SCRIPT} og <b>fet</b> & mer."
        else:  # no written answer: put it in a comment of an answer cell
            cell = next(c for c in nb.cells if _nbg(c).get("solution"))
            cell.source = f"# {SCRIPT}\n" + cell.source
    elif kind == "stripped_metadata":
        for cell in nb.cells:
            cell.metadata = {}
    elif kind == "partial":
        # the first autograded answer filled in, the rest left as stubs
        sol = [i for i, c in enumerate(nb.cells) if _nbg(c).get("solution") and c.cell_type == "code"]
        for i in sol[1:]:
            nb.cells[i].source = release.cells[i].source
    elif kind not in ("complete", "empty"):
        raise ValueError(kind)
    return nbformat.writes(nb).encode("utf-8")


# --------------------------------------------------------------------------
# Cohorts
# --------------------------------------------------------------------------
FIRST = ["Ola", "Kari", "Per", "Anne", "Nils", "Ingrid", "Lars", "Marit", "Ole", "Hilde", "Åse",
         "Øystein", "Siri", "Jon", "Liv", "Arne"]
LAST = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakke", "Dahl",
        "Ødegård", "Sæther", "Lie"]


def cohort(units: dict[str, int], seed: int = 7) -> list[dict]:
    """Roster rows (id, navn, epost, enhet) with the given number of learners per unit."""
    rnd = random.Random(seed)
    rows, n = [], 0
    for unit, count in units.items():
        for _ in range(count):
            n += 1
            navn = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            rows.append({"id": f"d{n:03d}", "navn": navn, "epost": f"d{n:03d}@kommune.example",
                         "enhet": unit})
    return rows


def roster_csv(rows: list[dict], delimiter: str = ";", header=("id", "navn", "epost", "enhet")) -> bytes:
    lines = [delimiter.join(header)]
    for r in rows:
        lines.append(delimiter.join(r[k] for k in ("id", "navn", "epost", "enhet")))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
