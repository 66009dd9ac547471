"""Aggregate group reports of the self-assessment (CSV and Excel).

They take a :class:`~widgets.egenvurdering.models.GroupSummary`, which only
:meth:`Store.group_summary <widgets.egenvurdering.store.Store.group_summary>` produces, so the
minimum group size has already been enforced. No function here sees individual answers, and this
module does not import the store.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._common import InputError
from .models import GroupSummary

__all__ = ["summary_frame", "write_summary"]


def summary_frame(summary: GroupSummary) -> pd.DataFrame:
    """One row per dimension with Norwegian column names. Suppressed dimensions have empty figures."""
    rows = []
    for d in summary.dimensions:
        row = {
            "dimensjon": d.dimension,
            "navn": d.name,
            "antall svar": d.n,
            "indeks (snitt)": None if d.mean_index is None else round(d.mean_index, 1),
            "nivå": d.band,
            "skjult (for få svar)": "ja" if d.suppressed else "nei",
        }
        for band, count in d.band_counts.items():
            row[f"antall {band}"] = count
        for label, count in d.distribution.items():
            row[f"indeks {label}"] = count
        rows.append(row)
    return pd.DataFrame(rows)


def write_summary(summary: GroupSummary, path: Path | str) -> Path:
    """Write the summary to ``path`` (.csv with UTF-8 BOM for Excel, or .xlsx)."""
    path = Path(path)
    frame = summary_frame(summary)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")
    elif suffix == ".xlsx":
        about = pd.DataFrame(
            {
                "felt": ["gruppe", "gruppekode", "antall som har svart", "minste gruppestørrelse"],
                "verdi": [summary.name, summary.group_code, summary.respondents, summary.min_group],
            }
        )
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            frame.to_excel(xl, sheet_name="Profil", index=False)
            about.to_excel(xl, sheet_name="Om rapporten", index=False)
    else:
        raise InputError("Filen må slutte på .csv eller .xlsx.")
    return path
