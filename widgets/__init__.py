"""Teaching widgets for «Nyskapende arbeidsgivere».

Each module keeps its teaching logic in plain, tested functions over
dataclasses or pandas, and offers a thin ipywidgets view of it.

The texts follow the målform in force (:mod:`fellesregler.sprak`): an app calls ``sprak.bruk(…)``
once before it builds a widget (the Voila notebooks call :func:`sprak_fra_voila`, which reads
``?sprak=nn``). A process started with
the environment variable ``KURS_SPRAK`` (``nn``) uses that målform from the start: the kernels that
run the chapters' code cells in the nynorsk build of the book (set by ``_ext/kurs.py``).
"""
from __future__ import annotations

import os
from pathlib import Path

from fellesregler import sprak
from widgets.voila_sprak import sprak_fra_voila

__all__ = ["DATA_DIR", "ROOT", "SPRAK_MILJO", "sprak_fra_voila"]

ROOT = Path(__file__).resolve().parents[1]
#: Shared data files (instrument, film reference, …): one copy, read by book, apps and reports.
DATA_DIR = ROOT / "data"
#: The environment variable that sets the målform of a whole process (see the module docstring).
SPRAK_MILJO = "KURS_SPRAK"

if os.environ.get(SPRAK_MILJO):
    sprak.bruk(os.environ[SPRAK_MILJO])
