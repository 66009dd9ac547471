"""Every chapter follows the skeleton in CONTRIBUTING.md.

- every chapter in _toc.yml has «## Oversikt», «## Læringsmål», «## Refleksjon»
  and «## Les mer», in that order (the reference pages ordliste, kilder and
  om_kurset need none of these);
- every «Refleksjon» names its nbgrader assignment(s) in backticks, each an
  existing folder under exercises/source/, and says where to fetch it;
- each principle chapter has a film block, a widget code cell built from the
  `widgets` package, a self-check and a {live} link to an existing notebook
  under apps/.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from book_fixture import toc_pages

ROOT = Path(__file__).resolve().parents[1]
PRINCIPLES = ["vage", "lede", "laere", "mobilisere", "samhandle"]
REFERENCE_PAGES = {"ordliste", "kilder", "om_kurset"}
SKELETON = ["Oversikt", "Læringsmål", "Refleksjon", "Les mer"]
CHAPTERS = [Path(p).name for p in toc_pages()]
ASSIGNMENTS = ROOT / "exercises" / "source"

FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[\w-]+\})?(.*)$")


def parse(name: str) -> tuple[list[str], dict[str, str], list[tuple[str, str, str]]]:
    """Return (## headings in order, text of each ## section, [(directive, argument, body)])."""
    path = ROOT / "chapters" / f"{name}.md"
    assert path.exists(), f"chapters/{name}.md finnes ikke, men står i _toc.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    headings: list[str] = []
    sections: dict[str, list[str]] = {}
    blocks: list[tuple[str, str, str]] = []
    current = None
    fence = None  # (marker, directive, arg, body lines)
    for line in lines:
        if fence is not None:
            if line.strip() == fence[0]:
                blocks.append((fence[1], fence[2], "\n".join(fence[3])))
                fence = None
            else:
                fence[3].append(line)
            if current is not None:
                sections[current].append(line)
            continue
        m = FENCE.match(line)
        if m:
            fence = (m.group(1), (m.group(2) or "").strip("{}"), m.group(3).strip(), [])
        elif line.startswith("## "):
            current = line[3:].strip()
            headings.append(current)
            sections[current] = []
            continue
        if current is not None:
            sections[current].append(line)
    assert fence is None, f"chapters/{name}.md har en kodeblokk som ikke er lukket"
    return headings, {k: "\n".join(v) for k, v in sections.items()}, blocks


def test_toc_lists_the_principle_chapters():
    assert set(PRINCIPLES) <= set(CHAPTERS)
    assert REFERENCE_PAGES <= set(CHAPTERS)


@pytest.mark.parametrize("name", [c for c in CHAPTERS if c not in REFERENCE_PAGES])
def test_chapter_has_the_skeleton_in_order(name):
    headings, _, _ = parse(name)
    missing = [h for h in SKELETON if h not in headings]
    assert not missing, f"chapters/{name}.md mangler {', '.join('## ' + h for h in missing)}"
    positions = [headings.index(h) for h in SKELETON]
    assert positions == sorted(positions), f"chapters/{name}.md: rekkefølgen skal være {SKELETON}, er {headings}"
    assert headings[0] == "Oversikt", f"chapters/{name}.md skal begynne med ## Oversikt"
    assert headings[-1] == "Les mer", f"chapters/{name}.md skal slutte med ## Les mer"


@pytest.mark.parametrize("name", [c for c in CHAPTERS if c not in REFERENCE_PAGES])
def test_learning_goals_are_a_list(name):
    _, sections, _ = parse(name)
    goals = sections.get("Læringsmål", "")
    assert re.search(r"^\s*[-*] \S", goals, re.M), f"chapters/{name}.md: ## Læringsmål skal være en liste"


@pytest.mark.parametrize("name", [c for c in CHAPTERS if c not in REFERENCE_PAGES])
def test_reflection_names_an_existing_assignment(name):
    _, sections, _ = parse(name)
    text = sections.get("Refleksjon")
    assert text is not None, f"chapters/{name}.md mangler ## Refleksjon"
    # Plain code spans only: not the target of a role such as {ref}`om_kurset`.
    named = set(re.findall(r"(?<![}`\w])`([a-z][a-z0-9_]*)`", text))
    assert named, f"chapters/{name}.md: ## Refleksjon skal nevne oppgaven i backticks, for eksempel `vage`"
    missing = sorted(a for a in named if not (ASSIGNMENTS / a).is_dir())
    assert not missing, f"chapters/{name}.md nevner oppgaver som ikke finnes i exercises/source/: {missing}"
    assert "«Assignments»" in text, f"chapters/{name}.md: ## Refleksjon skal si at oppgaven hentes under fanen «Assignments»"


@pytest.mark.parametrize("name", PRINCIPLES)
def test_principle_chapter_has_film_block(name):
    _, _, blocks = parse(name)
    films = [body for d, _, body in blocks if d == "filmblokk"]
    assert films, f"chapters/{name}.md mangler en filmblokk"
    for body in films:
        assert re.search(r"^:fokus: \S", body, re.M), f"chapters/{name}.md: filmblokk mangler :fokus:"
        prompts = [line for line in body.splitlines() if line.startswith("- ")]
        assert prompts, f"chapters/{name}.md: filmblokk mangler diskusjonsspørsmål"


@pytest.mark.parametrize("name", PRINCIPLES)
def test_principle_chapter_has_a_widget_cell(name):
    _, _, blocks = parse(name)
    cells = [body for d, _, body in blocks if d == "code-cell"]
    # Imports usually sit in the hidden preamble cell; the widget is built in a later cell.
    imported: dict[str, str] = {}
    for body in cells:
        for module, names in re.findall(r"^from (widgets(?:\.\w+)+) import \(?([\w, ]+)\)?$", body, re.M):
            for cls in (n.strip() for n in names.split(",") if n.strip()):
                imported[cls] = module
    found = []
    for body in cells:
        for cls, module in imported.items():
            if re.search(rf"^\s*(?:\w+\s*=\s*)?{cls}\(", body, re.M):
                found.append((module, cls))
        found += re.findall(r"^\s*(?:\w+\s*=\s*)?(widgets(?:\.\w+)+)\.(\w+)\(", body, re.M)
    assert found, f"chapters/{name}.md mangler en code-cell som lager en widget fra pakken `widgets`"
    for module, _ in found:
        path = ROOT / Path(*module.split("."))
        assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), f"{module} finnes ikke"


@pytest.mark.parametrize("name", PRINCIPLES)
def test_principle_chapter_has_a_selvtest(name):
    _, _, blocks = parse(name)
    tests = [body for d, _, body in blocks if d == "selvtest"]
    assert tests, f"chapters/{name}.md mangler en selvtest"
    for body in tests:
        assert re.search(r"^:id: [a-z0-9-]+$", body, re.M), f"chapters/{name}.md: selvtest mangler :id:"


@pytest.mark.parametrize("name", PRINCIPLES)
def test_principle_chapter_links_to_its_live_widget(name):
    text = (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")
    targets = re.findall(r"\{live\}`([^`]+)`", text)
    assert targets, f"chapters/{name}.md mangler en {{live}}-lenke"
    for target in targets:
        assert (ROOT / "apps" / target).is_file(), f"chapters/{name}.md: apps/{target} finnes ikke"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_label_above_title(name):
    text = (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")
    assert re.search(rf"^\({re.escape(name)}\)=\n# \S", text, re.M), f"chapters/{name}.md: mangler ({name})= over tittelen"
