"""Test-wide setup: keep Jupyter, IPython and Chromium state out of the home folder."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_STATE = Path(tempfile.mkdtemp(prefix="kurs-test-"))
for var, sub in {
    "JUPYTER_RUNTIME_DIR": "runtime",
    "JUPYTER_DATA_DIR": "data",
    "IPYTHONDIR": "ipython",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "MPLCONFIGDIR": "mpl",
}.items():
    os.environ[var] = str(_STATE / sub)
    (_STATE / sub).mkdir(parents=True, exist_ok=True)
# The project passes its own Jupyter config explicitly, so the config dir is isolated too.
os.environ["JUPYTER_CONFIG_DIR"] = str(_STATE / "jupyter-config")
(_STATE / "jupyter-config").mkdir(exist_ok=True)
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book():
    """The whole book, built strictly once per session into _build/ (see book_fixture.py)."""
    from book_fixture import build_book

    return build_book()
