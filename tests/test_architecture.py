"""The shape of the code, kept by tests: every module imports on its own, no module takes another
module's private names, the project's modules import each other without cycles, modules and classes
stay small enough to read, and every library the code imports is declared for the venv it runs in.

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
                                     "grading.anomalies", "grading.findings", "grading.notebook_check",
                                     "grading.anomaly_report", "grading.collect", "grading.archive",
                                     "grading.sandbox", "grading.sandbox_command", "grading.sandbox_log",
                                     "grading.certificates"])
def test_grading_feature_modules_do_not_import_the_cli(feature):
    """Shared helpers → the nbgrader adapter → feature modules → the CLI, never back."""
    assert "grading.cli" not in _edges(feature)


# -- size ----------------------------------------------------------------------------------------
#: Where modules and classes must stay small; add a folder (e.g. "widgets") once it fits.
SIZE_CHECKED = ("grading", "fellesregler", "widgets", "hub", "tools")
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 300
#: Modules allowed over the limits for now, with the reason. Remove an entry when it is split.
SIZE_WAIVERS: dict[str, str] = {}


def _size_checked_files() -> list[Path]:
    return sorted(p for folder in SIZE_CHECKED for p in (ROOT / folder).rglob("*.py")
                  if "__pycache__" not in p.parts and "node_modules" not in p.parts)


def _too_big(path: Path) -> list[str]:
    """What in ``path`` is over the limits: the module's lines, and each class's."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT).as_posix()
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{rel}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            size = node.end_lineno - node.lineno + 1
            if size > MAX_CLASS_LINES:
                found.append(f"{rel}:{node.lineno} class {node.name}: {size} lines (at most {MAX_CLASS_LINES})")
    return found


def test_size_check_finds_a_big_module_and_a_big_class(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CLASS_LINES))
    (tmp_path / "big.py").write_text(f"class Big:\n{body}\n" + "y = 1\n" * (MAX_MODULE_LINES - MAX_CLASS_LINES),
                                     encoding="utf-8")
    (tmp_path / "small.py").write_text("class Small:\n    pass\n", encoding="utf-8")
    assert _too_big(tmp_path / "big.py") == [f"big.py: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})",
                                             f"big.py:1 class Big: {MAX_CLASS_LINES + 1} lines "
                                             f"(at most {MAX_CLASS_LINES})"]
    assert _too_big(tmp_path / "small.py") == []


def test_modules_and_classes_stay_small():
    """About 450 lines per module and 300 per class: a newcomer can read one in a sitting."""
    files = _size_checked_files()
    assert len(files) > 60 and all((ROOT / w).is_file() for w in SIZE_WAIVERS)
    found = [msg for p in files if p.relative_to(ROOT).as_posix() not in SIZE_WAIVERS for msg in _too_big(p)]
    assert found == []


# -- declared dependencies -----------------------------------------------------------------------
def _normalise_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*extras: str) -> set[str]:
    """The distributions a venv made with ``pip install '.[extras]'`` has asked for by name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [d for extra in extras for d in project["optional-dependencies"][extra]]
    return {_normalise_dist(re.split(r"[<>=!~\[;\s]", d, maxsplit=1)[0]) for d in wanted}


def _hub_extras() -> tuple[str, ...]:
    """The extras the Makefile installs into the hub's venv (``.venv-hub``): ``-e '.[hub]'``."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"\$\(HUB_VENV\)/bin/python -m pip install [^\n]*-e '?\.(?:\[([\w,]+)\])?'?", makefile)
    assert found, "the Makefile's hub-venv target installs the project into .venv-hub"
    return tuple(found.group(1).split(",")) if found.group(1) else ()


def _local_names() -> set[str]:
    local = {p.stem for folder in ("tests", "_ext", "bench") for p in (ROOT / folder).glob("*.py")}
    local |= set(PACKAGES)
    local |= {p.stem for p in (ROOT / "hub").rglob("*.py")}  # the hub's files, imported by path (hub/oidc.py, …)
    local |= {p.parent.name for p in (ROOT / "hub").glob("*/__init__.py")}  # the hub's packages (kurshub, minside)
    return local


def _third_party_imports(folders: tuple[str, ...]) -> dict[str, str]:
    """Top-level name of every import from outside the project and the standard library -> first file."""
    local = _local_names()
    imported: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "node_modules" in path.parts:
                continue
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
    return imported


def _undeclared(imported: dict[str, str], declared: set[str]) -> dict[str, str]:
    from importlib.metadata import packages_distributions

    dists = packages_distributions()
    return {top: where for top, where in imported.items()
            if not any(_normalise_dist(d) in declared for d in dists.get(top, [top]))}


def test_pyproject_declares_every_library_imported_directly():
    """A library our code imports must be in pyproject.toml, not only come along with another package:
    for the main venv (``.[test]``) what the packages, tests, benchmarks and the Sphinx extension import."""
    imported = _third_party_imports((*PACKAGES, "tests", "bench", "_ext"))
    assert {"pandas", "nbgrader", "pytest"} <= set(imported)
    assert _undeclared(imported, _declared("test")) == {}


def test_the_hub_venv_declares_every_library_the_hub_imports():
    """The hub runs from its own venv (``make hub-deps``: ``.venv-hub``, the same pins in constraints.txt).
    Everything hub/ imports (tornado, bcrypt, PyJWT, …) must be declared for what that venv installs."""
    imported = _third_party_imports(("hub",))
    assert {"tornado", "jwt", "bcrypt", "jupyterhub"} <= set(imported)
    assert _undeclared(imported, _declared(*_hub_extras())) == {}


def test_the_dependency_check_finds_an_undeclared_library():
    assert _undeclared({"tornado": "hub/x.py", "yaml": "grading/y.py"}, {"pyyaml"}) == {"tornado": "hub/x.py"}


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


# -- the layout tables of README.md and CONTRIBUTING.md ------------------------------------------
LAYOUT_TABLES = {"README.md": "## Hvor ligger hva", "CONTRIBUTING.md": "## Layout"}
_PATH_SUFFIXES = (".py", ".yaml", ".yml", ".md", ".ipynb", ".js", ".mjs", ".css", ".json", ".txt", ".j2", ".po")


def _table_rows(doc: str, heading: str) -> list[list[str]]:
    """The rows (cells) of the first table after ``heading``, header and rule left out."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert heading in text, f"{doc} has no section «{heading}»"
    rows = []
    for line in text.split(heading, 1)[1].splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [r for r in rows[2:]]


def _paths_in(cell: str) -> list[str]:
    """The file or folder paths in a table cell: code spans with a «/» or a file suffix."""
    return [t.rstrip("…").rstrip("/") for t in re.findall(r"`([^`\s]+)`", cell)
            if not t.startswith(".") and ("/" in t or t.endswith(_PATH_SUFFIXES))]


def _exists(token: str, bases: list[Path]) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", token).rstrip("/")
    return any(any(base.glob(pattern)) if "*" in pattern else (base / pattern).exists() for base in bases)


@pytest.mark.parametrize("doc", sorted(LAYOUT_TABLES))
def test_every_path_in_the_layout_tables_exists(doc):
    """README's and CONTRIBUTING's layout tables name only files and folders that are there. A bare
    file name in a row (``personvern.py``) is looked up in the folders the row names first."""
    rows = _table_rows(doc, LAYOUT_TABLES[doc])
    assert len(rows) >= 10
    missing = []
    for cells in rows:
        first = [ROOT / re.sub(r"<[^>]+>", "", t).rstrip("/") for t in _paths_in(cells[0])]
        bases = [ROOT] + [p for p in first if p.is_dir()]
        for cell in cells:
            missing += [f"{cells[0]}: {t}" for t in _paths_in(cell) if not _exists(t, bases)]
    assert missing == []


def test_the_layout_check_finds_a_missing_path():
    assert _paths_in("`grading/nope.py` and `make vendor`, `kurs`, `x.yaml`") == ["grading/nope.py", "x.yaml"]
    assert not _exists("grading/nope.py", [ROOT])
    assert _exists("tests/test_widgets_<chapter>.py", [ROOT]) and _exists("personvern.py", [ROOT / "fellesregler"])


def test_the_layout_tables_name_every_top_level_module_of_grading_and_the_self_assessment():
    """A module added to grading/ or widgets/egenvurdering/ is described in CONTRIBUTING.md."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    unnamed = [p.relative_to(ROOT).as_posix() for folder in ("grading", "widgets/egenvurdering", "fellesregler", "tools")
               for p in sorted((ROOT / folder).glob("*.py"))
               if p.name != "__init__.py" and f"`{p.name}`" not in text and f"`{p.stem}`" not in text
               and f"`{p.relative_to(ROOT).as_posix()}`" not in text]
    assert unnamed == []
