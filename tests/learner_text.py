"""The text a learner reads, pulled out of the files it comes from.

Used by the spell check and the term check (`tests/test_spelling.py`). Each
extractor turns one kind of file into plain prose: markup, code, URLs,
directive options, labels and identifiers are dropped, so what is left is
what a learner sees on the page, in a widget, in an app or in an exercise.

`learner_texts()` yields `(path relative to the repository, text)` for every
learner-facing file.
"""
from __future__ import annotations

import ast
import html
import io
import json
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import yaml

from grading.malform import er_generert_kilde

ROOT = Path(__file__).resolve().parent.parent

# Where learners read text. Code in these Python files is views and teaching
# logic; only its string literals are prose.
CHAPTERS = "chapters/*.md"
YAML_FILES = ("data/egenvurdering.yaml", "data/film.yaml")
PYTHON_FILES = ("widgets/*.py", "widgets/egenvurdering/*.py", "_ext/kurs.py")
# Messages for whoever edits data/egenvurdering.yaml (they name its keys), not for learners.
NOT_LEARNER_FACING = {"widgets/egenvurdering/instrument.py"}
NOTEBOOKS = ("exercises/source/*.ipynb", "exercises/source/*/*.ipynb", "apps/*.ipynb", "apps/widgets/*.ipynb")
TEMPLATES = ("grading/templates/*.html.j2", "grading/templates/*/*.html.j2",
             "apps/jupyter/voila/templates/kurs/*.html.j2", "_templates/*.html")

# YAML keys whose values are identifiers, not prose.
YAML_ID_KEYS = {"id", "chapter", "kind", "lenke"}
# Keyword arguments of ipywidgets that are shown to the user even when they are one word.
SHOWN_KWARGS = {"description", "placeholder", "tooltip", "value", "label"}

_URL = re.compile(r"<?(?:https?|file|data):[^\s>)\]]+>?")
_MYST_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_INLINE_CODE = re.compile(r"`[^`]*`")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1>", re.S | re.I)
_JINJA_GETTEXT = re.compile(r"""\b_\(\s*"([^"]*)"\s*\)""")
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_JS_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_JS_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH|TRUNCATE|BEGIN|LOCK)\b")
_CLASS_LIST = re.compile(r"^(?=.*[-_])[a-z0-9_-]+( [a-z0-9_-]+)*$")  # "table kurs-tabell"
# Calls whose string arguments are not shown to learners: layout and chart options, SQL,
# build warnings of the Sphinx extension (`_fail`, `logger.warning`), which are for writers, and
# markup patched into generated code (`svg.replace("<svg", '<svg role="img" …')`).
_NOT_PROSE_CALLS = {"Layout", "legend", "execute", "text", "exec_driver_sql", "Column", "Index", "Table",
                    "_fail", "warning", "replace"}
# Calls that mark a text for translation (fellesregler.sprak): their text is shown to a reader.
_TRANSLATED_CALLS = {"_", "N_", "_n"}
# The named fields of a text translated and then filled in: _("Koden din er {code}.").format(code=…)
_FORMAT_FIELD = re.compile(r"\{\w+\}")
_NBGRADER_MARK = re.compile(r"^#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\b")


def strip_markup(text: str) -> str:
    """Markdown/MyST/HTML inline markup to plain text."""
    text = _SCRIPT_STYLE.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _MYST_ROLE.sub(" ", text)  # {ref}`label`, {live}`widgets/x.ipynb`: targets, not prose
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = re.sub(r"\$[^$\n]+\$", " ", text)  # inline maths
    return html.unescape(text)


def _yaml_strings(node: object, key: str | None = None) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if str(k) not in YAML_ID_KEYS:
                yield from _yaml_strings(v, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_strings(v, key)
    elif isinstance(node, str):
        yield node


def markdown_text(source: str) -> str:
    """A MyST text notebook (or a markdown cell) to prose."""
    out: list[str] = []
    lines = source.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0)
        i = end + 1
    fence: str | None = None
    kind = ""
    block: list[str] = []
    for line in lines[i:]:
        stripped = line.strip()
        if fence is None:
            m = re.match(r"^(`{3,}|~{3,}|:{3,})\s*(\{([\w-]+)\})?\s*(.*)$", stripped)
            if m:
                fence, kind, block = m.group(1), (m.group(3) or "code"), []
                if kind not in ("code", "code-cell") and m.group(4):
                    out.append(m.group(4))  # a directive's title argument
                continue
            if re.match(r"^\([\w-]+\)=$", stripped) or _NBGRADER_MARK.match(stripped):  # (label)=
                continue
            out.append(line)
            continue
        if stripped == fence:
            out.extend(_fenced_text(kind, block))
            fence = None
            continue
        block.append(line)
    return strip_markup("\n".join(out))


def _fenced_text(kind: str, block: list[str]) -> list[str]:
    if kind in ("code", "code-cell"):
        return []
    body = [ln for ln in block if not re.match(r"^\s*:[\w-]+:", ln)]  # directive options
    if kind == "selvtest":
        try:
            return list(_yaml_strings(yaml.safe_load("\n".join(body))))
        except yaml.YAMLError:
            return body
    return body


_FORMAT_FIELD = re.compile(r"\{\w*(?:![rsa])?(?::[^{}]*)?\}")


def python_text(source: str) -> str:
    """The prose in a Python module: string literals that read as text (not docstrings, not identifiers)."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    shown: set[int] = set()
    skip: set[int] = set(docstrings)
    for node in ast.walk(tree):
        # Strings a program compares with (`"locked" in text`), SQL, and layout values are not prose.
        if isinstance(node, ast.Compare):
            for sub in (node.left, *node.comparators):
                skip.update(id(s) for s in ast.walk(sub))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in _NOT_PROSE_CALLS:
            skip.update(id(s) for s in ast.walk(node))
        if isinstance(node, ast.keyword) and node.arg == "help":  # traitlets' help: documentation for developers
            skip.update(id(sub) for sub in ast.walk(node.value))
        if isinstance(node, ast.keyword) and node.arg in SHOWN_KWARGS:
            for sub in ast.walk(node.value):
                shown.add(id(sub))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "HTML":
            for sub in ast.walk(node):
                shown.add(id(sub))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in _TRANSLATED_CALLS:
            for sub in node.args:  # a text marked for translation is shown, even one word
                shown.add(id(sub))
    parts: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
            skip.update(id(v) for v in node.values)
            if _reads_as_prose(text) or id(node) in shown:
                parts.append(text)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # A text marked for translation is a template: its fields, ``_("… {navn} …").format(navn=…)``,
            # are filled in like an f-string's.
            value = _FORMAT_FIELD.sub(" ", node.value)
            if id(node) in shown and value.strip() or _reads_as_prose(value):
                parts.append(value)
    return strip_markup("\n".join(_strip_css(p) for p in parts))


def _strip_css(text: str) -> str:
    return re.sub(r"[\w-]+\s*:\s*[^;'\"{}]+;?", " ", text) if re.search(r"\{[^}]*:[^}]*;", text) else text


def _reads_as_prose(text: str) -> bool:
    """A literal is prose if, with markup removed, it has two words with letters in it."""
    if _SQL.match(text) or _CLASS_LIST.match(text):
        return False
    if "{" in text and "}" in text and ";" in text:  # CSS
        text = _strip_css(text)
    plain = strip_markup(text)
    words = re.findall(r"[^\W\d_]{2,}", plain)
    return len(words) >= 2 and " " in plain.strip()


def notebook_text(source: str) -> str:
    """Markdown cells as markdown; code cells give their comments and the string literals that read as prose."""
    nb = json.loads(source)
    out: list[str] = []
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown":
            out.append(markdown_text(src))
        elif cell.get("cell_type") == "code":
            out.append(_code_cell_text(src))
    return "\n".join(out)


def _code_cell_text(src: str) -> str:
    comments: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if tok.type == tokenize.COMMENT and not _NBGRADER_MARK.match(tok.string):
                comments.append(tok.string.lstrip("#").strip())
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return ""
    try:
        strings = python_text(src)
    except SyntaxError:  # a stub such as `raise NotImplementedError()` is still valid; anything else is not prose
        strings = ""
    return strip_markup("\n".join(comments)) + "\n" + strings


def template_text(source: str) -> str:
    """A Jinja/HTML template: the text between tags, and string literals in inline scripts."""
    scripts = [m.group(2) for m in _SCRIPT_STYLE.finditer(source) if m.group(1).lower() == "script"]
    text = _JINJA.sub(" ", source)
    js_strings = []
    for script in scripts:
        script = _JINJA.sub(" ", _JS_COMMENT.sub(" ", script))
        for m in _JS_STRING.finditer(script):
            s = m.group(1) if m.group(1) is not None else m.group(2)
            if _reads_as_prose(s):
                js_strings.append(s)
    text = _SCRIPT_STYLE.sub(" ", text)
    # Texts marked for translation inside Jinja expressions: {{ _("Oppsummering") }}.
    text += "\n" + "\n".join(m.group(1) for m in _JINJA_GETTEXT.finditer(source))
    # Attributes people read (alt, title, aria-label) before the tags go.
    attrs = re.findall(r"\b(?:alt|title|aria-label|placeholder)=\"([^\"{}]*)\"", text)
    return strip_markup(text + "\n" + "\n".join(attrs) + "\n" + "\n".join(js_strings))


def yaml_text(source: str) -> str:
    return strip_markup("\n".join(_yaml_strings(yaml.safe_load(source))))


def _files(patterns: tuple[str, ...] | str) -> list[Path]:
    if isinstance(patterns, str):
        patterns = (patterns,)
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in ROOT.glob(pattern) if ".ipynb_checkpoints" not in p.parts)
    return sorted(found)


def words(text: str) -> Iterator[str]:
    """The words to spell-check in a text: no numbers, paths, file names, codes or single letters.

    Hyphenated words are split («IKT-løsninger» gives «IKT» and «løsninger»), as hunspell does.
    """
    for chunk in text.split():
        if re.search(r"[\d/_@\\]|\w\.\w|(^|\W)\.\w", chunk):  # 10-FAKTOR, K1–K8, paths, «.csv», e-mail
            continue
        for word in re.findall(r"[^\W\d_]+", chunk):
            if len(word) > 1 and not re.fullmatch(r"(\w)\1+", word):  # «XXXX-XXXX» is a placeholder
                yield word


def learner_texts() -> Iterator[tuple[str, str]]:
    """(relative path, prose) for every file a learner reads text from."""
    kinds = ((CHAPTERS, markdown_text), (YAML_FILES, yaml_text), (PYTHON_FILES, python_text),
             (NOTEBOOKS, notebook_text), (TEMPLATES, template_text))
    for patterns, extract in kinds:
        for path in _files(patterns):
            if str(path.relative_to(ROOT)) in NOT_LEARNER_FACING or er_generert_kilde(path):
                continue  # a nynorsk assignment made by `kursleder init` is checked in its catalog
            yield str(path.relative_to(ROOT)), extract(path.read_text(encoding="utf-8"))
