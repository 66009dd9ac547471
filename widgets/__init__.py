"""Teaching widgets for «Nyskapende arbeidsgivere».

Each module keeps its teaching logic in plain, tested functions over
dataclasses or pandas, and offers a thin ipywidgets view of it.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["DATA_DIR", "ROOT"]

ROOT = Path(__file__).resolve().parents[1]
#: Shared data files (instrument, film reference, …): one copy, read by book, apps and reports.
DATA_DIR = ROOT / "data"
