"""The learner-facing text of an assignment notebook, as gettext messages.

The nynorsk assignments are not copies of files: they are made from the bokmål sources
(``exercises/source/<id>/<id>.ipynb`` and ``header.ipynb``) and the catalog
``locale/nn/LC_MESSAGES/oppgaver.po`` (see :mod:`grading.malform`). This module says what in a
notebook is a message, once, for both directions:

* :func:`extract_notebook` is the Babel extractor ``tools/i18n.py extract`` uses for the domain
  ``oppgaver`` (method ``ipynb`` in ``locale/domener.yaml``);
* :func:`oversett_notatbok` puts the translations back into a copy of the notebook.

What is a message (what a learner reads in the released notebook and in the feedback):

* a locked markdown cell, block by block (blocks are separated by blank lines): a heading
  without its ``#``, each item of a list without its marker, any other block whole;
* in a code cell, each comment line a learner sees (``# Skriv svaret ditt under …``) and the
  message of every ``assert`` (the feedback shows it, also from hidden tests).

Never a message: what ``BEGIN SOLUTION … END SOLUTION`` holds (model answers and the marking
guide, for the course leader, removed from the release), the comments of hidden tests, code, and
the nbgrader metadata. The translated notebook therefore has the same cells, cell ids, grade ids,
points and test code as the bokmål one, and is graded the same way.
"""
from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
import nbformat

__all__ = ["LAGET_PA", "Tekstbit", "extract_notebook", "oversett_notatbok", "tekstbiter"]

#: Notebook metadata of a notebook made from a catalog: the målform it was made in (``nn``).
LAGET_PA = "kurs_malform"

_DELIMITER = re.compile(r"^\s*#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)\s*$")
_HEADING = re.compile(r"^(#{1,6}\s+)(.*?)\s*$")
_LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*?)\s*$")
_COMMENT = re.compile(r"^(\s*#+\s*)(.*?)\s*$")


@dataclass(frozen=True)
class Tekstbit:
    """One message in a cell: ``kilde[start:slutt]`` is its text (a string literal when ``streng``)."""

    start: int
    slutt: int
    tekst: str
    linje: int
    streng: bool = False

    def gjengitt(self, oversatt: str) -> str:
        """The translation as it goes into the cell (a Python string literal for a ``streng``)."""
        if not self.streng:
            return oversatt
        return '"' + oversatt.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _lines(source: str) -> Iterator[tuple[int, int, str]]:
    """(line number from 1, offset of the line in `source`, line without newline)."""
    pos = 0
    for n, line in enumerate(source.splitlines(keepends=True), start=1):
        yield n, pos, line.rstrip("\r\n")
        pos += len(line)


def _outside_delimiters(source: str) -> Iterator[tuple[int, int, str, str | None]]:
    """Lines with the region they are in (None outside every BEGIN/END region); delimiters skipped."""
    region = None
    for n, pos, line in _lines(source):
        m = _DELIMITER.match(line)
        if m:
            region = m.group(2) if m.group(1) == "BEGIN" else None
            continue
        yield n, pos, line, region


def _markdown_bits(source: str) -> list[Tekstbit]:
    bits: list[Tekstbit] = []
    block: list[tuple[int, int, str]] = []

    def flush() -> None:
        if not block:
            return
        if all(_LIST_ITEM.match(line) for _n, _p, line in block) or all(
                _HEADING.match(line) for _n, _p, line in block):
            for n, pos, line in block:
                m = _HEADING.match(line) or _LIST_ITEM.match(line)
                if m.group(2):
                    bits.append(Tekstbit(pos + m.start(2), pos + m.end(2), m.group(2), n))
        else:
            n0, start, _first = block[0]
            _nl, last_pos, last = block[-1]
            text = source[start:last_pos + len(last)]
            bits.append(Tekstbit(start, last_pos + len(last), text, n0))
        block.clear()

    for n, pos, line, region in _outside_delimiters(source):
        if region is not None:
            flush()
            continue
        if not line.strip():
            flush()
        elif _HEADING.match(line):  # a heading is a block of its own
            flush()
            block.append((n, pos, line))
            flush()
        else:
            block.append((n, pos, line))
    flush()
    return bits


def _code_bits(source: str) -> list[Tekstbit]:
    bits: list[Tekstbit] = []
    starts = [pos for _n, pos, _line in _lines(source)] or [0]
    for n, pos, line, region in _outside_delimiters(source):
        m = _COMMENT.match(line)
        if m and region is None and m.group(2):
            bits.append(Tekstbit(pos + m.start(2), pos + m.end(2), m.group(2), n))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return bits
    lines = source.splitlines(keepends=True)

    def offset(lineno: int, col: int) -> int:  # ast columns count UTF-8 bytes
        return starts[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    for node in ast.walk(tree):
        msg = getattr(node, "msg", None) if isinstance(node, ast.Assert) else None
        if isinstance(msg, ast.Constant) and isinstance(msg.value, str) and msg.value.strip():
            bits.append(Tekstbit(offset(msg.lineno, msg.col_offset), offset(msg.end_lineno, msg.end_col_offset),
                                 msg.value, msg.lineno, streng=True))
    return sorted(bits, key=lambda b: b.start)


def tekstbiter(cell) -> list[Tekstbit]:
    """The messages of one cell, in order (none in an answer cell's solution or in raw cells)."""
    meta = _nbg(cell)
    if cell.get("cell_type") == "markdown":
        if meta.get("solution") or meta.get("grade"):
            return []  # the learner's answer cell: its release is the stub
        return _markdown_bits(cell.get("source", ""))
    if cell.get("cell_type") == "code":
        return _code_bits(cell.get("source", ""))
    return []


def oversett_notatbok(nb, oversett: Callable[[str], str]):
    """A copy of `nb` with every message of :func:`tekstbiter` replaced by ``oversett(message)``.

    Cells, their ids and metadata, and all code stay as they are.
    """
    ny = copy.deepcopy(nb)
    for cell in ny.cells:
        source = cell.get("source", "")
        for bit in reversed(tekstbiter(cell)):
            oversatt = oversett(bit.tekst)
            if oversatt != bit.tekst:
                source = source[:bit.start] + bit.gjengitt(oversatt) + source[bit.slutt:]
        cell["source"] = source
    return ny


def extract_notebook(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for ``.ipynb`` files: (line, funcname, message, comments) per message.

    The line is the number of the cell (from 1), and the comment names the cell's grade id, so a
    translator sees where a message is. Notebooks made from the catalog (the nynorsk assignments,
    marked with :data:`LAGET_PA` in their metadata) are skipped.
    """
    nb = nbformat.reads(fileobj.read().decode("utf-8"), as_version=4)
    if nb.metadata.get(LAGET_PA):
        return
    for number, cell in enumerate(nb.cells, start=1):
        grade_id = _nbg(cell).get("grade_id") or cell.get("id", "")
        for bit in tekstbiter(cell):
            yield number, "_", bit.tekst, [f"celle {grade_id}, linje {bit.linje}"]
