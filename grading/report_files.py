"""Writes the course leader's reports: CSV, Excel and the HTML completion overview with charts.

Every figure comes from :mod:`grading.reports`, where the privacy rule is applied once
(:func:`grading.reports.suppressed_groups`); this module only lays the figures out.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd

from fellesregler.escaping import csv_safe
from fellesregler.formatering import COURSE_NAME, desimaltall, norsk_dato, prosent
from fellesregler.personvern import SUBTRACTION_TEXT, for_faa_tekst
from fellesregler.sanitise import harden_html, jinja_env
from grading.paths import TEMPLATES
from grading.reports import (
    WHOLE_COURSE,
    assignment_summary,
    collect_results,
    learner_overview_table,
    learner_results_table,
    privacy_rule,
    unit_summary,
)

__all__ = ["write_reports"]


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(csv_safe)
    safe.columns = [csv_safe(c) for c in safe.columns]
    # Semicolon and decimal comma: what Norwegian Excel opens without a wizard.
    safe.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    return path


def _xl_write(ws, row: int, col: int, value, number_format: str | None = None):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        value = None
    cell = ws.cell(row=row, column=col)
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, even if it starts with '='
    if number_format and isinstance(value, (int, float)):
        cell.number_format = number_format
    return cell


def _xl_sheet(wb, title: str, df: pd.DataFrame, formats: dict[str, str] | None = None,
              freeze: str = "A2") -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")  # white on dark blue: contrast 9:1
    formats = formats or {}
    for j, name in enumerate(df.columns, start=1):
        cell = _xl_write(ws, 1, j, str(name))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, record in enumerate(df.itertuples(index=False), start=2):
        for j, (name, value) in enumerate(zip(df.columns, record), start=1):
            fmt = next((f for key, f in formats.items() if key in str(name)), None)
            _xl_write(ws, i, j, value, fmt)
    for j, name in enumerate(df.columns, start=1):
        values = [str(name)] + ["" if v is None else str(v) for v in df.iloc[:, j - 1].tolist()]
        width = min(60, max(10, max(len(v) for v in values) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = freeze
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(1, len(df) + 1)}"


def _about_rows(min_group: int, today: dt.date) -> list[tuple[str, str]]:
    return [
        ("Kurs", COURSE_NAME),
        ("Laget", norsk_dato(today)),
        ("Fullført betyr", "Levert, ferdig vurdert (ingen celler venter på manuell vurdering) "
                           "og mer enn 0 poeng."),
        ("Enheter", f"Tall per enhet vises bare for enheter med minst {min_group} deltakere. "
                    f"Mindre enheter står med teksten «{for_faa_tekst(min_group)}». Hvis «{WHOLE_COURSE}» "
                    f"minus enhetene som vises ville gitt tallene for færre enn {min_group} personer, "
                    f"er også den minste enheten skjult, med teksten «{SUBTRACTION_TEXT}»."),
        ("Snittpoeng", f"Gjennomsnitt for dem som er vurdert, og bare når minst {min_group} "
                       "i gruppen er vurdert."),
        ("Personvern", "Arkene «Per deltaker» og «Resultater» har personopplysninger. De er bare "
                       "for kursleder og skal ikke deles eller brukes i medarbeidersamtaler."),
    ]


def _write_excel(path: Path, overview: pd.DataFrame, long: pd.DataFrame, units: pd.DataFrame,
                 min_group: int, today: dt.date) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    _xl_sheet(wb, "Per deltaker", overview, {"poeng": "0.##"}, freeze="D2")
    _xl_sheet(wb, "Resultater", long, {"Poeng": "0.##", "Maks poeng": "0.##"}, freeze="C2")
    _xl_sheet(wb, "Per enhet", units, {"(%)": "0.0", "snittpoeng": "0.00",
                                       "Antall deltakere": "0"}, freeze="B2")
    ws = wb.create_sheet("Om rapporten")
    _xl_write(ws, 1, 1, "Om rapporten").font = Font(bold=True, size=14)
    for i, (key, text) in enumerate(_about_rows(min_group, today), start=3):
        _xl_write(ws, i, 1, key).font = Font(bold=True)
        _xl_write(ws, i, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 100
    wb.properties.title = f"Resultater – {COURSE_NAME}"
    wb.properties.language = "nb-NO"
    wb.save(path)
    return path


def _mpl_label(text: str) -> str:
    return str(text).replace("$", r"\$")  # matplotlib would read $…$ as math


def _bar_chart_png(labels: list[str], values: list[float], xlabel: str) -> str:
    """Horizontal bar chart as base64 PNG (values in %)."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    height = 1.2 + 0.45 * max(1, len(labels))
    fig = Figure(figsize=(7.0, height), dpi=110)
    ax = fig.subplots()
    positions = list(range(len(labels)))
    ax.barh(positions, values, color="#1F4E79")  # dark blue: contrast 9:1 on white
    ax.set_yticks(positions, [_mpl_label(t) for t in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    for pos, value in zip(positions, values):
        text = prosent(value)
        inside = value > 80
        ax.text(value - 1 if inside else value + 1, pos, text, va="center",
                ha="right" if inside else "left", color="white" if inside else "#1a1a1a")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _write_html(path: Path, results: pd.DataFrame, units: pd.DataFrame, min_group: int,
                today: dt.date) -> Path:
    per_assignment = assignment_summary(results, min_group)
    course_chart = None
    if not per_assignment.empty:
        course_chart = _bar_chart_png(list(per_assignment["title"]),
                                      list(per_assignment["done_pct"]),
                                      "Andel som har fullført (%)")
    shown_units = units[(units["Enhet"] != WHOLE_COURSE) & units["Antall deltakere"].notna()]
    unit_chart = None
    if not shown_units.empty:
        unit_chart = _bar_chart_png(list(shown_units["Enhet"]),
                                    list(shown_units["Fullført hele kurset (%)"]),
                                    "Andel som har fullført hele kurset (%)")
    assignment_rows = [
        {"tittel": r["title"], "pct": desimaltall(r["done_pct"]),
         "snitt": desimaltall(r["mean"], 2, strip=True),
         "maks": desimaltall(r["max"], 2, strip=True)}
        for _, r in per_assignment.iterrows()
    ]
    titles = list(dict.fromkeys(results["title"])) if not results.empty else []
    unit_rows = []
    for _, r in units.iterrows():
        shown = not pd.isna(r["Antall deltakere"])
        unit_rows.append({
            "navn": r["Enhet"],
            "vist": shown,
            "n": desimaltall(r["Antall deltakere"], 0),
            "alle": desimaltall(r["Fullført hele kurset (%)"]),
            "per": [desimaltall(r[f"{t}: fullført (%)"]) for t in titles],
            "merknad": r["Merknad"],
        })
    html = jinja_env(TEMPLATES).get_template("fullforing.html.j2").render(
        kurs=COURSE_NAME,
        dato=norsk_dato(today),
        min_gruppe=min_group,
        for_faa=for_faa_tekst(min_group),
        hele_kurset=WHOLE_COURSE,
        regnes_ut=SUBTRACTION_TEXT,
        kurs_vist=not per_assignment.empty,
        oppgaver=assignment_rows,
        kursfigur=course_chart,
        titler=titles,
        enheter=unit_rows,
        enhetsfigur=unit_chart,
        vist_enheter=[{"navn": r["Enhet"], "pct": desimaltall(r["Fullført hele kurset (%)"])}
                      for _, r in shown_units.iterrows()],
    )
    path.write_text(harden_html(html, f"Fullføring – {COURSE_NAME}"), encoding="utf-8")
    return path


def write_reports(course_dir: Path, out_dir: Path, min_group: int | None = None, *,
                  today: dt.date | None = None, roster: pd.DataFrame | None = None
                  ) -> dict[str, Path]:
    """Write the course leader's reports to ``out_dir`` and return their paths.

    Keys: ``resultater_csv`` (one row per learner × assignment),
    ``deltakere_csv`` (one row per learner), ``enheter_csv`` (per unit,
    privacy rule applied), ``excel`` (all of these plus «Om rapporten»), and
    ``html`` (completion overview: aggregates and charts only, no names).
    """
    today = today or dt.date.today()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = collect_results(course_dir, roster=roster)
    long = learner_results_table(results)
    overview = learner_overview_table(results)
    min_group = privacy_rule(min_group).minimum
    units = unit_summary(results, min_group)
    paths = {
        "resultater_csv": _write_csv(long, out_dir / "resultater.csv"),
        "deltakere_csv": _write_csv(overview, out_dir / "per-deltaker.csv"),
        "enheter_csv": _write_csv(units, out_dir / "per-enhet.csv"),
        "excel": _write_excel(out_dir / "resultater.xlsx", overview, long, units, min_group, today),
        "html": _write_html(out_dir / "fullforing.html", results, units, min_group, today),
    }
    for p in paths.values():
        if p.name != "fullforing.html":
            p.chmod(0o600)  # personal data: course leader only
    return paths
