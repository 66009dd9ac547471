"""Small helpers shared by the widget views: feedback boxes, tables, lookups.

Every thing a learner picks (a case, a level, a phase) has a key, ``nokkel``; a chapter builds
its lookup table once with :func:`indeks` and looks keys up with :func:`finn`.

Escaping (:func:`esc`) and the Norwegian number format (:func:`tall`) live in :mod:`fellesregler`
and are offered here too, so a widget imports its view helpers from one place.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from fellesregler.escaping import esc
from fellesregler.formatering import tall
from fellesregler.sprak import oversetter

_ = oversetter("widgets")

__all__ = [
    "FEEDBACK_KINDS",
    "InputError",
    "Oversatt",
    "esc",
    "feedback_html",
    "finn",
    "indeks",
    "oppgavetekst_html",
    "rad_html",
    "tabell_html",
    "tall",
]

#: CSS classes defined in book_static/kurs.css and apps' template.
FEEDBACK_KINDS = {"ok": "kurs-feedback kurs-ok", "info": "kurs-feedback kurs-info", "feil": "kurs-feedback kurs-feil"}


class Oversatt:
    """Mixin for the frozen dataclasses that hold teaching content (cases, levels, phases).

    The fields named in ``_tekstfelt`` are written in bokmål and marked with ``N_()`` where the
    content is defined; reading one gives it in the målform in force (:mod:`fellesregler.sprak`),
    so every view, message and test sees the same words. A tuple of texts is translated item by item.
    """

    _tekstfelt: frozenset[str] = frozenset()

    def __getattribute__(self, name: str):
        verdi = object.__getattribute__(self, name)
        if name in type(self)._tekstfelt:
            if isinstance(verdi, tuple):
                return tuple(_(v) for v in verdi)
            return _(verdi)
        return verdi


class InputError(ValueError):
    """Bad input from a learner. The message is in Norwegian and safe to show."""


_T = TypeVar("_T")


class _MedNokkel(Protocol):
    @property
    def nokkel(self) -> str: ...


_M = TypeVar("_M", bound=_MedNokkel)


def indeks(ting: Iterable[_M]) -> dict[str, _M]:
    """Return a lookup table ``nokkel → thing`` for :func:`finn`, in the given order."""
    return {t.nokkel: t for t in ting}


def finn(indeks: Mapping[str, _T], nokkel: object, melding: str) -> _T:
    """Return ``indeks[nokkel]``, or raise :class:`InputError` with ``melding``.

    A key that is missing or cannot be a key at all (not hashable) gives the message.
    """
    try:
        return indeks[nokkel]  # type: ignore[index]
    except (KeyError, TypeError):
        raise InputError(melding) from None


def feedback_html(message: str, kind: str = "info", title: str | None = None) -> str:
    """Return an accessible feedback box (role=status) with escaped text."""
    cls = FEEDBACK_KINDS.get(kind, FEEDBACK_KINDS["info"])
    head = f"<strong>{esc(title)}</strong> " if title else ""
    return f'<div class="{cls}" role="status">{head}{esc(message)}</div>'


def oppgavetekst_html(overskrift: str, tekst: str) -> str:
    """Return a paragraph that shows one case: a bold heading with a full stop, then the text."""
    return f"<p><strong>{esc(overskrift)}.</strong> {esc(tekst)}</p>"


def rad_html(overskrift: str, *celler: str) -> str:
    """Return one table row: a row header (``scope='row'``) and data cells, all escaped."""
    data = "".join(f"<td>{esc(celle)}</td>" for celle in celler)
    return f"<tr><th scope='row'>{esc(overskrift)}</th>{data}</tr>"


def tabell_html(
    tittel: str, kolonner: Iterable[str], rader: str, klasse: str = "table kurs-tabell"
) -> str:
    """Return an accessible table: a caption, column headers (``scope='col'``) and the body.

    ``tittel`` and ``kolonner`` are plain text and are escaped; ``rader`` is the
    body as HTML, for example from :func:`rad_html`.
    """
    hode = "".join(f"<th scope='col'>{esc(k)}</th>" for k in kolonner)
    return (
        f"<table class='{esc(klasse)}'><caption>{esc(tittel)}</caption>"
        f"<thead><tr>{hode}</tr></thead><tbody>{rader}</tbody></table>"
    )
