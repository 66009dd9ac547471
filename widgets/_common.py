"""Small helpers shared by the widget views: escaping, feedback boxes, number format."""
from __future__ import annotations

import html

#: CSS classes defined in book_static/kurs.css and apps' template.
FEEDBACK_KINDS = {"ok": "kurs-feedback kurs-ok", "info": "kurs-feedback kurs-info", "feil": "kurs-feedback kurs-feil"}


class InputError(ValueError):
    """Bad input from a learner. The message is in Norwegian and safe to show."""


def esc(text: object) -> str:
    """Escape any text for HTML output."""
    return html.escape(str(text), quote=True)


def feedback_html(message: str, kind: str = "info", title: str | None = None) -> str:
    """Return an accessible feedback box (role=status) with escaped text."""
    cls = FEEDBACK_KINDS.get(kind, FEEDBACK_KINDS["info"])
    head = f"<strong>{esc(title)}</strong> " if title else ""
    return f'<div class="{cls}" role="status">{head}{esc(message)}</div>'


def tall(x: float, desimaler: int = 0) -> str:
    """Format a number the Norwegian way: space as thousands separator, comma as decimal mark."""
    s = f"{x:,.{desimaler}f}"
    return s.replace(",", "\u00a0").replace(".", ",")

