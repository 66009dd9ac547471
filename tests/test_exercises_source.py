"""The nbgrader course sources in ``exercises/source``.

Checks the layout and metadata of the seven assignments and the header, that
every manually graded answer carries a model answer and a rubric, that the
autograded concept checks are real (the model answer passes, the stub and every
other well-formed answer fail), and that a real ``nbgrader generate_assignment``
and ``nbgrader autograde`` in a temporary copy of the course release no model
answers, hidden tests or rubrics and grade as expected.
"""
from __future__ import annotations

import copy
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOURCE = EXERCISES / "source"
HEADER = SOURCE / "header.ipynb"
ASSIGNMENTS = ("vage", "lede", "laere", "mobilisere", "samhandle", "arbeidsgiverpolitikk", "handlingsplan")

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
NB_METADATA = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
GRADE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
HEADING = re.compile(r"^### Spørsmål (\d+) \((\d+) poeng\)$", re.M)

# The autograded concept checks: kind of answer, variable, and (for numbers) the
# allowed range. The letters come from the prompt the learner sees. The right
# answers are deliberately not repeated here: the tests find them by brute force.
KONSEPT = {
    "vage-begrep-1": ("flere", "svar_1", None),
    "vage-begrep-2": ("ett", "svar_2", None),
    "vage-begrep-3": ("ett", "svar_3", None),
    "lede-begrep-1": ("flere", "svar_1", None),
    "lede-begrep-2": ("ett", "svar_2", None),
    "lede-begrep-3": ("ett", "svar_3", None),
    "laere-begrep-1": ("ett", "svar_1", None),
    "laere-begrep-2": ("flere", "svar_2", None),
    "laere-begrep-3": ("ett", "svar_3", None),
    "mobilisere-begrep-1": ("rekkefolge", "svar_1", None),
    "mobilisere-begrep-2": ("flere", "svar_2", None),
    "samhandle-begrep-1": ("flere", "svar_1", None),
    "samhandle-begrep-2": ("tall", "svar_2", range(1, 18)),
    "samhandle-begrep-3": ("ett", "svar_3", None),
    "arbeidsgiverpolitikk-begrep-1": ("ett", "svar_1", None),
    "arbeidsgiverpolitikk-begrep-2": ("flere", "svar_2", None),
    "arbeidsgiverpolitikk-begrep-3": ("rekkefolge", "svar_3", None),
    "handlingsplan-begrep-1": ("tall", "svar_1", range(0, 101)),
    "handlingsplan-begrep-2": ("ett", "svar_2", None),
    "handlingsplan-begrep-3": ("ett", "svar_3", None),
}

RUBRIC_LINE = re.compile(r"^- \*\*(Full|Delvis|Ingen) uttelling \(([^)]*)\):\*\* (\S.*)$")


# --------------------------------------------------------------------------- helpers


def nb_path(name: str) -> Path:
    return SOURCE / name / f"{name}.ipynb"


def load(path: Path):
    return nbformat.read(path, as_version=4)


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_manual(cell) -> bool:
    m = meta(cell)
    return bool(m.get("grade") and m.get("solution"))


def is_test(cell) -> bool:
    m = meta(cell)
    return bool(m.get("grade") and not m.get("solution"))


def is_answer_code(cell) -> bool:
    m = meta(cell)
    return bool(m.get("solution") and not m.get("grade"))


def course_config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(EXERCISES)).load_config()


def code_stub() -> str:
    from nbgrader.preprocessors import ClearSolutions

    return ClearSolutions(config=course_config()).code_stub["python"]


def text_stub() -> str:
    from nbgrader.preprocessors import ClearSolutions

    return ClearSolutions(config=course_config()).text_stub


def region(source: str, begin: str, end: str) -> list[str]:
    """Lines strictly inside the (single) region delimited by lines containing begin/end."""
    lines = source.split("\n")
    starts = [i for i, line in enumerate(lines) if begin in line]
    stops = [i for i, line in enumerate(lines) if end in line]
    assert len(starts) == 1 and len(stops) == 1 and starts[0] < stops[0], source
    return lines[starts[0] + 1 : stops[0]]


def without_hidden_tests(source: str) -> str:
    """The test cell as learners get it, using nbgrader's own preprocessor."""
    from nbgrader.preprocessors import ClearHiddenTests

    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests(config=course_config())._remove_hidden_test_region(cell)
    return cell.source


def model_code(cell) -> str:
    """A solution code cell with its BEGIN/END SOLUTION marker lines removed."""
    return "\n".join(line for line in cell.source.split("\n") if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def parse_manual(cell) -> dict:
    """Model answer and rubric of a manually graded answer cell.

    The layout inside the solution region is:
    ``**Modellsvar**`` / text / ``**Vurderingsveiledning (fjernes i utdelt versjon)**`` /
    three bullets ``- **Full|Delvis|Ingen uttelling (N poeng):** text``.
    """
    inside = "\n".join(region(cell.source, "BEGIN SOLUTION", "END SOLUTION"))
    assert inside.startswith("**Modellsvar**\n"), inside[:80]
    head, sep, rubric = inside.partition("**Vurderingsveiledning (fjernes i utdelt versjon)**")
    assert sep, "rubric heading missing"
    out = {"modellsvar": head.removeprefix("**Modellsvar**").strip()}
    for line in rubric.strip().split("\n"):
        m = RUBRIC_LINE.match(line)
        assert m, f"not a rubric line: {line!r}"
        out[m.group(1).lower()] = (m.group(2), m.group(3))
    return out


def prompt_letters(prompt: str) -> list[str]:
    return re.findall(r"^- \*\*([a-z])\)\*\* \S", prompt, re.M)


def candidates(kind: str, letters: list[str], rng):
    """Every well-formed answer a learner could give."""
    if kind == "ett":
        return list(letters)
    if kind == "flere":
        return [list(c) for n in range(1, len(letters) + 1) for c in itertools.combinations(letters, n)]
    if kind == "rekkefolge":
        return [list(p) for p in itertools.permutations(letters)]
    if kind == "tall":
        return list(rng)
    raise ValueError(kind)


def canon(kind: str, value):
    if kind == "flere":
        return tuple(sorted(str(x).strip().lower() for x in value))
    if kind == "rekkefolge":
        return tuple(str(x).strip().lower() for x in value)
    if kind == "ett":
        return value.strip().lower()
    return round(value)


def passes(code_cells: list[str]) -> bool:
    ns: dict = {}
    try:
        for src in code_cells:
            exec(compile(src, "<celle>", "exec"), ns)  # noqa: S102 - course code under test
    except Exception:  # noqa: BLE001 - any failure counts as "does not pass"
        return False
    return True


def all_notebooks():
    return [HEADER] + [nb_path(a) for a in ASSIGNMENTS]


def concept_checks(name: str):
    """(prompt, answer, test) cells of each autograded concept check."""
    cells = load(nb_path(name)).cells
    out = []
    for i, cell in enumerate(cells):
        if is_answer_code(cell) and not cell.id.endswith("-navn"):
            out.append((cells[i - 1], cell, cells[i + 1]))
    return out


ALL_CHECKS = [(a, c[1].id) for a in ASSIGNMENTS for c in concept_checks(a)] if SOURCE.exists() else []


# --------------------------------------------------------------------------- layout and metadata


def test_course_layout():
    from grading.malform import er_generert_kilde

    # The nynorsk assignments (source/<id>-nn, header-nn.ipynb) are made by `kursleder init`.
    entries = sorted(p.name for p in SOURCE.iterdir() if not er_generert_kilde(p / "x.ipynb" if p.is_dir() else p))
    assert entries == sorted(("header.ipynb",) + ASSIGNMENTS)
    for name in ASSIGNMENTS:
        # Only the notebook: any other file would be copied into the release.
        assert sorted(p.name for p in (SOURCE / name).iterdir()) == [f"{name}.ipynb"]


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.stem)
def test_valid_and_normalised(path):
    from nbgrader.nbgraderformat import MetadataValidator

    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["nbformat"] == 4 and raw["nbformat_minor"] >= 5
    nb = load(path)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)  # nbgrader's own schema and duplicate-id check
    assert nb.metadata == NB_METADATA
    for cell in nb.cells:
        # Only nbgrader metadata: anything else would be copied verbatim into the release.
        assert set(cell.metadata) == {"nbgrader"}, cell.id
        assert meta(cell)["schema_version"] == 3
        assert cell.id == meta(cell)["grade_id"]
        assert "attachments" not in cell
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    assert path.read_text(encoding="utf-8").endswith("}\n")


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.stem)
def test_every_cell_has_a_role_and_prompts_are_locked(path):
    for cell in load(path).cells:
        m = meta(cell)
        role = (cell.cell_type, m["grade"], m["solution"], m["locked"])
        assert role in {
            ("markdown", False, False, True),  # prompt or instructions, read-only
            ("markdown", True, True, False),  # manually graded answer
            ("code", False, True, False),  # autograded answer (or the name)
            ("code", True, False, True),  # autograder tests
        }, (cell.id, role)


def test_grade_ids_readable_and_unique_across_course():
    seen: dict[str, str] = {}
    for path in all_notebooks():
        prefix = "header" if path == HEADER else path.stem
        for cell in load(path).cells:
            gid = meta(cell)["grade_id"]
            assert GRADE_ID.match(gid), gid
            assert gid.startswith(prefix + "-"), gid
            assert gid not in seen, f"{gid} in {path.stem} and {seen[gid]}"
            seen[gid] = path.stem


# --------------------------------------------------------------------------- structure and content


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_assignment_structure(name):
    cells = load(nb_path(name)).cells
    ids = [c.id for c in cells]
    assert ids[:4] == [f"{name}-intro", f"{name}-navn-oppgave", f"{name}-navn", f"{name}-del-1"]
    assert re.search(r'^NAVN = "[^"]+"$', model_code(cells[2]), re.M)

    manual = [c for c in cells if is_manual(c)]
    tests = [c for c in cells if is_test(c)]
    assert 3 <= len(manual) <= 5
    assert 2 <= len(tests) <= 3

    # Every answer sits right under its locked prompt; every concept check has its test right below.
    for i, cell in enumerate(cells):
        if is_manual(cell) or (is_answer_code(cell) and cell.id != f"{name}-navn"):
            assert cells[i - 1].id == f"{cell.id}-oppgave"
        if is_answer_code(cell) and cell.id != f"{name}-navn":
            assert cells[i + 1].id == f"{cell.id}-test" and is_test(cells[i + 1])

    # Headings: numbered 1..n in order, with the points of the graded cell they introduce.
    numbers = []
    for i, cell in enumerate(cells):
        m = HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if not m:
            continue
        numbers.append(int(m.group(1)))
        graded = cells[i + 1] if is_manual(cells[i + 1]) else cells[i + 2]
        assert int(m.group(2)) == meta(graded)["points"], cell.id
    assert numbers == list(range(1, len(manual) + len(tests) + 1))

    auto = sum(meta(c)["points"] for c in tests)
    written = sum(meta(c)["points"] for c in manual)
    intro = cells[0].source
    assert f"til sammen {auto + written} poeng" in intro
    assert f"{auto} poeng for begrepssjekken" in intro and f"{written} poeng for refleksjonen" in intro


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_manual_cells_have_model_answer_and_rubric(name):
    for cell in load(nb_path(name)).cells:
        if not is_manual(cell):
            continue
        m = meta(cell)
        assert cell.cell_type == "markdown"
        assert isinstance(m["points"], int) and m["points"] > 0
        assert GRADE_ID.match(m["grade_id"])
        lines = cell.source.split("\n")
        # The region covers the whole cell, so nbgrader replaces all of it with the text stub.
        assert "BEGIN SOLUTION" in lines[0] and "END SOLUTION" in lines[-1], cell.id
        parsed = parse_manual(cell)
        assert len(parsed["modellsvar"].split()) >= 40, cell.id
        assert set(parsed) == {"modellsvar", "full", "delvis", "ingen"}
        p = m["points"]
        assert parsed["full"][0] == f"{p} poeng"
        assert parsed["delvis"][0] == f"1–{p - 1} poeng"
        assert parsed["ingen"][0] == "0 poeng"
        for key in ("full", "delvis", "ingen"):
            assert len(parsed[key][1].split()) >= 5, (cell.id, key)


def test_concept_table_matches_notebooks():
    assert sorted(gid for _, gid in ALL_CHECKS) == sorted(KONSEPT)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_model_solution_passes_all_tests(name):
    cells = load(nb_path(name)).cells
    ns: dict = {}
    for cell in cells:
        if cell.cell_type == "code":
            src = model_code(cell) if is_answer_code(cell) else cell.source
            exec(compile(src, cell.id, "exec"), ns)  # raises if any test fails
    assert isinstance(ns["NAVN"], str) and ns["NAVN"]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_learner_stub_fails_every_test(name):
    stub = code_stub()
    for _prompt, answer, test in concept_checks(name):
        first_line = answer.source.split("\n")[0]
        assert first_line.startswith("# ") and "BEGIN SOLUTION" not in first_line
        ns: dict = {}
        with pytest.raises(NotImplementedError):
            exec(compile(first_line + "\n" + stub, answer.id, "exec"), ns)
        assert not passes([test.source]), test.id  # what the stub leaves behind fails


@pytest.mark.parametrize(("name", "gid"), ALL_CHECKS, ids=[g for _, g in ALL_CHECKS])
def test_exactly_one_well_formed_answer_passes(name, gid):
    kind, var, rng = KONSEPT[gid]
    prompt, answer, test = next(c for c in concept_checks(name) if c[1].id == gid)
    letters = prompt_letters(prompt.source)
    if kind == "tall":
        assert not letters
    else:
        assert letters == [chr(ord("a") + i) for i in range(len(letters))] and len(letters) >= 3
    assert f"`{var} = " in prompt.source  # the prompt shows the answer format

    ns: dict = {}
    exec(compile(model_code(answer), gid, "exec"), ns)
    model = ns[var]

    visible = without_hidden_tests(test.source)
    assert visible != test.source, "no hidden tests"
    winners = []
    for cand in candidates(kind, letters, rng):
        code = f"{var} = {cand!r}"
        # The visible checks only look at the form: every well-formed answer gets through them.
        assert passes([code, visible]), (gid, cand)
        if passes([code, test.source]):
            winners.append(cand)
    assert len(winners) == 1, (gid, len(winners))
    assert canon(kind, winners[0]) == canon(kind, model)

    # Wrong shapes are caught by the visible checks, with a Norwegian message.
    wrong = {"ett": ["a", "b"], "flere": "a", "rekkefolge": "abc", "tall": "17"}[kind]
    with pytest.raises(AssertionError, match=r"\w") as err:
        exec(compile(f"{var} = {wrong!r}\n" + visible, gid, "exec"), {})
    assert re.search(r"skal være|Svar med|Listen|Bruk bare|Hver bokstav", str(err.value))


@pytest.mark.parametrize(("name", "gid"), ALL_CHECKS, ids=[g for _, g in ALL_CHECKS])
def test_hidden_tests_do_not_reveal_the_answer(name, gid):
    kind, var, _ = KONSEPT[gid]
    _prompt, answer, test = next(c for c in concept_checks(name) if c[1].id == gid)
    ns: dict = {}
    exec(compile(model_code(answer), gid, "exec"), ns)
    model = canon(kind, ns[var])
    forbidden = {str(model), ",".join(model) if isinstance(model, tuple) else str(model)}

    hidden = "\n".join(region(test.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
    assert "print(" not in hidden and "display(" not in hidden
    for tok in tokenize.generate_tokens(io.StringIO(hidden).readline):
        if tok.type == tokenize.NUMBER:
            pytest.fail(f"number literal {tok.string} in hidden test of {gid}")
        if tok.type == tokenize.STRING:
            value = eval(tok.string)  # noqa: S307 - a string literal from our own source
            assert value not in forbidden, gid
            assert value.strip(":").removeprefix(gid).strip(":") not in forbidden, gid


def test_instructions_match_the_configured_stubs():
    stub_lines = [line for line in code_stub().split("\n") if line.strip()]
    text = text_stub()
    header = "\n".join(c.source for c in load(HEADER).cells)
    assert text in header
    for line in stub_lines:
        assert f"`{line}`" in header
    for name in ASSIGNMENTS:
        cells = {c.id: c.source for c in load(nb_path(name)).cells}
        for line in stub_lines:
            assert f"`{line}`" in cells[f"{name}-del-1"]
        assert f"«{text}»" in cells[f"{name}-del-2"]


def test_header_is_locked_and_has_privacy_note():
    cells = load(HEADER).cells
    assert [c.id for c in cells] == ["header-kurs", "header-personvern"]
    text = "\n".join(c.source for c in cells)
    assert text.startswith("# Nyskapende arbeidsgivere")
    for phrase in ("personopplysninger", "behandlingsansvarlig", "kursledere", "medarbeidersamtaler"):
        assert phrase in text, phrase


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.stem)
def test_learner_text_is_norwegian(path):
    text = "\n".join(c.source for c in load(path).cells)
    for english in ("YOUR ANSWER", "YOUR CODE", "TODO", "Question", "points)"):
        assert english not in text
    assert "Spørsmål" in text or path == HEADER


# --------------------------------------------------------------------------- real nbgrader runs


def _nbgrader(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("nbgrader")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "nbgrader"]
    env = dict(os.environ)  # conftest points the Jupyter dirs at a temporary folder
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    proc = subprocess.run(
        cmd + args + [f"--CourseDirectory.root={cwd}"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def kurs(tmp_path_factory) -> Path:
    """A temporary copy of the course, with every assignment generated."""
    root = tmp_path_factory.mktemp("kurs")
    shutil.copy(EXERCISES / "nbgrader_config.py", root)
    shutil.copytree(SOURCE, root / "source")
    # "*" runs generate_assignment for every assignment folder in one process.
    _nbgrader(["generate_assignment", "*", "--force", "--IncludeHeaderFooter.header=source/header.ipynb"], root)
    return root


def _secret_lines(source_nb) -> set[str]:
    """Lines of model answers, rubrics and hidden tests that never occur elsewhere in the notebook."""
    secret, public = set(), set()
    for cell in source_nb.cells:
        lines = [line.strip() for line in cell.source.split("\n")]
        inside = False
        for line in lines:
            if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
                inside = False
            elif line:
                (secret if inside else public).add(line)
    return {s for s in secret - public if len(s) >= 8 and not s.startswith("# Fasiten") and not s.startswith("# Riktig svar")}


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_hides_answers_tests_and_rubrics(kurs, name):
    release = kurs / "release" / name
    assert sorted(p.name for p in release.iterdir()) == [f"{name}.ipynb"]
    raw = (release / f"{name}.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    src = load(nb_path(name))

    # The header comes first, then the assignment's own cells in the same order.
    header_ids = [c.id for c in load(HEADER).cells]
    assert [c.id for c in nb.cells] == header_ids + [c.id for c in src.cells]

    released_text = "\n".join(c.source for c in nb.cells) + json.dumps([c.metadata for c in nb.cells])
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "Modellsvar", "Vurderingsveiledning",
                   "uttelling", "sha256", '"kurs"', "rubrikk"):
        assert marker not in released_text, marker
    secrets = _secret_lines(src)
    assert len(secrets) > 10
    released_lines = {line.strip() for c in nb.cells for line in c.source.split("\n")}
    assert not secrets & released_lines, secrets & released_lines
    for line in secrets:
        if len(line) >= 40:  # long lines (model answers, rubrics, hidden asserts) not even as a part
            assert line not in released_text, line

    stub, text = code_stub(), text_stub()
    by_id = {c.id: c for c in src.cells}
    for cell in nb.cells:
        assert set(cell.metadata) <= {"nbgrader", "deletable", "editable"}, cell.id
        original = by_id.get(cell.id)
        if original is None:
            continue
        if is_manual(original):
            assert cell.source == text
        elif is_answer_code(original):
            assert cell.source == original.source.split("\n")[0] + "\n" + stub
        elif is_test(original):
            assert cell.source == without_hidden_tests(original.source)
            assert cell.metadata["editable"] is False
        else:
            assert cell.source == original.source and cell.metadata["editable"] is False


def _fill(release_nb, answers: dict[str, str]):
    """A submission: the released notebook with some code answer cells filled in."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    return nb


def _wrong_answer(name: str, gid: str) -> str:
    kind, var, rng = KONSEPT[gid]
    prompt, _answer, test = next(c for c in concept_checks(name) if c[1].id == gid)
    for cand in candidates(kind, prompt_letters(prompt.source), rng):
        code = f"{var} = {cand!r}"
        if not passes([code, test.source]):
            return code
    raise AssertionError(gid)


@pytest.mark.slow
def test_autograde_scores_model_stub_and_wrong_answers(kurs):
    """A real autograde: hidden tests come back, the model scores full, stubs and wrong answers score 0."""
    from nbgrader.api import Gradebook

    expected = {}
    for name in ASSIGNMENTS:
        src = load(nb_path(name))
        rel = load(kurs / "release" / name / f"{name}.ipynb")
        code_answers = [c for c in src.cells if is_answer_code(c)]
        model = {c.id: model_code(c) for c in code_answers}
        # A written answer that differs from the stub waits for manual grading.
        model.update({c.id: parse_manual(c)["modellsvar"] for c in src.cells if is_manual(c)})
        wrong = {c.id: _wrong_answer(name, c.id) for c in code_answers if c.id != f"{name}-navn"}
        wrong[f"{name}-navn"] = 'NAVN = "Ola Nordmann"'
        for student, answers in (("modell", model), ("stubb", {}), ("feil", wrong)):
            target = kurs / "submitted" / student / name / f"{name}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(_fill(rel, answers), target)
        expected[name] = (
            sum(meta(c)["points"] for c in src.cells if is_test(c)),
            sum(meta(c)["points"] for c in src.cells if is_manual(c)),
        )

    _nbgrader(["autograde", "*", "--force"], kurs)

    with Gradebook(f"sqlite:///{kurs / 'gradebook.db'}", course_id="nyskapende-arbeidsgivere") as gb:
        for name, (auto, written) in expected.items():
            scores = {}
            for student in ("modell", "stubb", "feil"):
                sub = gb.find_submission_notebook(name, name, student)
                assert sub.max_code_score == auto and sub.max_written_score == written
                scores[student] = (sub.code_score, sub.needs_manual_grade)
            # The model's reflections wait for the course leader; untouched stubs score 0 at once.
            assert scores == {"modell": (auto, True), "stubb": (0, False), "feil": (0, False)}, (name, scores)
