"""Keep a book build from paying for an import it never uses.

`jupyter-book` validates `_config.yml` with jsonschema, and jsonschema's format
checkers import `rfc3987_syntax` (via `jsonschema[format-nongpl]`, which
jupyter-events requires). That package compiles about 40 Lark grammars when it
is imported: about 2.3 s of CPU in every build process, roughly half of a
no-change rebuild of one edition. No schema of the book uses the `iri` formats
it serves. Upstream: python-jsonschema/jsonschema#1428 (import it lazily).

`defer_rfc3987_syntax()` puts a stand-in module in its place before jsonschema
is imported. The stand-in's `is_valid_syntax` imports the real package the
first time an IRI is actually checked, so validation gives the same answers,
only the cost moves to where it is needed.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"


def _real() -> types.ModuleType:
    module = sys.modules.get(NAME)
    if module is None or getattr(module, "kurs_stand_in", False):
        sys.modules.pop(NAME, None)
        module = importlib.import_module(NAME)
    return module


def defer_rfc3987_syntax() -> bool:
    """Install the stand-in; True if it was installed (the package is there and not yet imported)."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return False
    stand_in = types.ModuleType(NAME, "Stand-in for rfc3987_syntax (tools/fast_imports.py)")

    def is_valid_syntax(term: str, value: str) -> bool:
        return _real().is_valid_syntax(term, value)

    def other(attr: str):
        if attr.startswith("__"):  # the import system asks for __path__ and the like: not there
            raise AttributeError(attr)
        return getattr(_real(), attr)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = other  # type: ignore[attr-defined]
    stand_in.kurs_stand_in = True  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    return True
