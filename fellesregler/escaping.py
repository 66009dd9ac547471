"""Escaping for HTML and spreadsheets, and download links (standard library only: safe in Pyodide)."""
from __future__ import annotations

import base64
import html

__all__ = ["csv_safe", "csv_unsafe", "download_link", "esc"]

#: Text starting with one of these is read as a formula by spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def esc(text: object) -> str:
    """Escape any text for HTML output."""
    return html.escape(str(text), quote=True)


def csv_safe(value):
    """Neutralise spreadsheet formulas in text (CSV injection): prefix with '.

    Every CSV the toolkit writes goes through this one helper.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_unsafe(value):
    """The inverse of :func:`csv_safe`, for a CSV the toolkit reads back (``deltakere.csv``)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def download_link(content: str, filename: str, mime: str, label: str) -> str:
    """A link that downloads `content` from the page itself (a data: URL, no server, no outside request)."""
    data = base64.b64encode(content.encode("utf-8")).decode("ascii")
    return (f"<a class='kurs-nedlasting' download='{esc(filename)}' "
            f"href='data:{mime};charset=utf-8;base64,{data}'>{esc(label)}</a>")
