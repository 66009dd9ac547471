"""The translation catalogs of the book (``locale/<lang>/LC_MESSAGES/*.po``): where they are, their
domains, and reading and writing them with Babel as ``sphinx-intl`` does (width 76).

Shared by :mod:`tools.i18n` (extract, update, status, build) and :mod:`tools.i18n_draft`.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Text domains with English message ids (Sphinx's and the book theme's interface).
INTERFACE_DOMAINS = ("sphinx", "booktheme")


def catalogs(lang: str, root: Path = ROOT) -> list[Path]:
    base = root / "locale" / lang / "LC_MESSAGES"
    return sorted(base.rglob("*.po"))


def domain_of(po: Path, lang: str, root: Path = ROOT) -> str:
    return po.relative_to(root / "locale" / lang / "LC_MESSAGES").with_suffix("").as_posix()


def read_catalog(po: Path, lang: str):
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        return read_po(fh, locale=lang)


def write_catalog(po: Path, catalog) -> None:
    from babel.messages.pofile import write_po

    with po.open("wb") as fh:
        write_po(fh, catalog, width=76, include_previous=True)
