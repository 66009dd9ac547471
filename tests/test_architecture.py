"""The shape of the code, kept by tests: every module imports on its own, no module takes another
module's private names, and the project's modules import each other without cycles.

The modules are those of the packages ``fellesregler``, ``grading``, ``widgets`` and ``tools``.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("fellesregler", "grading", "widgets", "tools")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(p): p
    for pkg in PACKAGES
    for p in sorted((ROOT / pkg).rglob("*.py"))
    if "__pycache__" not in p.parts
}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module name of a ``from X import …`` in ``importer``."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name: str) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) of every import in the module, also those inside functions."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((_resolve(name, node), [a.name for a in node.names], node.lineno))
    return found


def _edges(name: str) -> set[str]:
    """The project modules this module imports (``from pkg import mod`` counts as importing ``pkg.mod``)."""
    out = set()
    for module, names, _line in _imports(name):
        targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
        if len(targets) < len(names) or not names:
            targets.append(module)
        out.update(t for t in targets if t in MODULES and t != name)
    return out


def test_the_module_list_is_found():
    assert {"fellesregler.personvern", "grading.cli", "widgets._oppgave", "widgets.egenvurdering.store",
            "tools.voila_server"} <= set(MODULES)


def test_every_module_imports_on_its_own():
    """``python -c "import X"`` in a fresh interpreter works for every module."""
    def run(name: str) -> tuple[str, str]:
        proc = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        return name, "" if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = {name: err for name, err in pool.map(run, sorted(MODULES)) if err}
    assert failures == {}


def test_no_module_imports_private_names_of_another():
    """``from grading.x import _helper`` across modules hides a shared helper in a feature module."""
    found = []
    for name in MODULES:
        for module, names, line in _imports(name):
            if module.split(".")[0] not in PACKAGES or module == name:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")
                       and f"{module}.{n}" not in MODULES]
            if private:
                found.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {', '.join(private)} from {module}")
    assert found == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    """Imports point one way, in-function imports included (they only hide a cycle)."""
    graph = {name: _edges(name) for name in MODULES}
    assert _cycles(graph) == []


@pytest.mark.parametrize("feature", ["grading.feedback", "grading.guide", "grading.reports",
                                     "grading.anomalies", "grading.collect", "grading.certificates"])
def test_grading_feature_modules_do_not_import_the_cli(feature):
    """Shared helpers → the nbgrader adapter → feature modules → the CLI, never back."""
    assert "grading.cli" not in _edges(feature)


def _normalise_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_pyproject_declares_every_library_imported_directly():
    """A library our code imports must be in pyproject.toml, not only come along with another package."""
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    declared = {_normalise_dist(re.split(r"[<>=!~\[;\s]", d, maxsplit=1)[0]) for d in wanted}
    local = {p.stem for folder in ("tests", "_ext", "bench") for p in (ROOT / folder).glob("*.py")}
    local |= set(PACKAGES)
    local |= {p.stem for p in (ROOT / "hub").rglob("*.py")}  # the hub's files, imported by path (hub/oidc.py, …)
    local |= {p.parent.name for p in (ROOT / "hub").glob("*/__init__.py")}  # the hub's packages (kurshub, minside)
    imported: dict[str, str] = {}
    for folder in (*PACKAGES, "tests", "bench", "_ext"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in local:
                        imported.setdefault(top, str(path.relative_to(ROOT)))
    dists = packages_distributions()
    missing = {top: where for top, where in imported.items()
               if not any(_normalise_dist(d) in declared for d in dists.get(top, [top]))}
    assert missing == {}


CHAPTER_WIDGETS = sorted(name for name in MODULES
                         if name.startswith("widgets.") and name.count(".") == 1 and not name.startswith("widgets._")
                         and not _is_package(name))


def test_chapter_widgets_stay_light_for_the_browser():
    """Chapter widgets (also run in Pyodide) import only the standard library, ipywidgets and traitlets
    from outside: not the grading stack, the storage or pandas, also not through fellesregler."""
    heavy = ("pandas", "sqlalchemy", "jinja2", "bleach", "mistune", "bs4", "numpy", "matplotlib", "nbgrader")
    code = ("import importlib, sys\n"
            f"for m in {CHAPTER_WIDGETS!r}: importlib.import_module(m)\n"
            f"print(sorted(n for n in {heavy!r} if n in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(CHAPTER_WIDGETS) >= 8
    assert proc.stdout.strip() == "[]"
