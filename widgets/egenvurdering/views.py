"""Pure rendering of self-assessment results: HTML tables, an SVG radar chart, CSV and HTML downloads.

No widgets here, so everything is testable without a browser. All text that
comes from a person (the action plan, a group name) is escaped.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from datetime import datetime

from fellesregler.sprak import aktivt, oversetter

from .._common import esc, tall
from .instrument import Instrument
from .scoring import DimensionScore

_ = oversetter("egenvurdering")

BAND_CLASS = {"startfase": "kurs-band-start", "under utvikling": "kurs-band-utv", "etablert": "kurs-band-etab"}


def book_url(chapter: str) -> str:
    """Link to a chapter of the book served by `make start` (override with KURS_BOOK_URL)."""
    base = os.environ.get("KURS_BOOK_URL", "http://127.0.0.1:8000").rstrip("/")
    page = "index" if chapter == "velkommen" else f"chapters/{chapter}"
    return f"{base}/{page}.html"


def fmt_index(value: float | None) -> str:
    return "–" if value is None else tall(value)


def fmt_change(value: float | None) -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{tall(abs(value))}"


def profile_table(scores: Sequence[DimensionScore], change: Mapping[str, float | None] | None = None) -> str:
    """An accessible table of all dimensions: index, band and (optionally) change since last time."""
    cols = [_("Dimensjon"), _("Indeks (0–100)"), _("Nivå")]
    if change is not None:
        cols.append(_("Endring siden sist"))
    head = "".join(f"<th scope='col'>{c}</th>" for c in cols)
    rows = []
    for s in scores:
        band = _(s.band) if s.band else _("for få svar")
        cls = BAND_CLASS.get(s.band or "", "")
        row = (f"<th scope='row'>{esc(s.dimension)} {esc(_(s.name))}</th>"
               f"<td>{fmt_index(s.index)}</td><td class='{cls}'>{esc(band)}</td>")
        if change is not None:
            row += f"<td>{fmt_change(change.get(s.dimension))}</td>"
        rows.append(f"<tr>{row}</tr>")
    caption = _("Profilen din, dimensjon for dimensjon")
    return (f"<table class='kurs-tabell'><caption>{caption}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def radar_svg(scores: Sequence[DimensionScore], other: Sequence[DimensionScore] | None = None,
              labels: tuple[str, str] | None = None) -> str:
    """A radar chart of the indices as inline SVG, with a text alternative.

    Dimensions with too few answers are drawn at 0 and marked in the caption.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = labels or (_("Deg"), _("Teamet"))

    ids = [s.dimension for s in scores]
    n = len(ids)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False).tolist()
    fig = plt.figure(figsize=(5.2, 5.2))
    ax = fig.add_subplot(polar=True)
    series = [(labels[0], scores, "#0b57d0", "-")]
    if other is not None:
        series.append((labels[1], other, "#b3261e", "--"))
    for label, ss, colour, style in series:
        values = [(s.index or 0.0) for s in ss]
        ax.plot(angles + angles[:1], values + values[:1], style, color=colour, linewidth=2, label=label)
        ax.fill(angles + angles[:1], values + values[:1], color=colour, alpha=0.12)
    ax.set_xticks(angles)
    ax.set_xticklabels(ids, fontsize=10, color="#1a1a1a")
    ax.set_ylim(0, 100)
    ax.set_yticks([40, 70, 100])
    ax.set_yticklabels(["40", "70", "100"], fontsize=8, color="#333333")
    if other is not None:
        ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.1), fontsize=9)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    missing = [s.dimension for s in scores if s.index is None]
    alt = _("Edderkoppdiagram over de {n} dimensjonene.").format(n=n) + " " + "; ".join(
        f"{s.dimension} {_(s.name)}: {fmt_index(s.index)}" for s in scores)
    note = (" " + _("Dimensjoner med for få svar har ingen verdi og er tegnet ved 0: {ids}.").format(
        ids=", ".join(missing)) if missing else "")
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{esc(alt)}"', 1)
    caption = _("Profilen som edderkoppdiagram. Jo lenger ut, jo høyere indeks. Tabellen under viser de samme "
                "tallene.")
    return f"<figure class='kurs-radar'>{svg}<figcaption>{caption}{esc(note)}</figcaption></figure>"


def weakest_links(weakest: Sequence[DimensionScore], instrument: Instrument) -> str:
    if not weakest:
        return ("<p>" + _("Du har for få svar til at vi kan peke ut de svakeste dimensjonene. "
                          "Svar på minst to påstander i hver dimensjon.") + "</p>")
    items = []
    for s in weakest:
        dim = instrument.dimension(s.dimension)
        items.append(f"<li><strong>{esc(s.dimension)} {esc(_(s.name))}</strong> ("
                     + _("indeks {index}").format(index=fmt_index(s.index)) + "): "
                     f"<a href='{esc(book_url(dim.chapter))}' target='_blank' rel='noopener'>"
                     + _("les kapittelet om dette i boken") + "</a></li>")
    return ("<h3>" + _("Her kan du starte") + "</h3><p>"
            + _("Disse to dimensjonene fikk lavest indeks. Kapitlene i boken gir ideer til tiltak.")
            + f"</p><ul>{''.join(items)}</ul>")


def plan_template(weakest: Sequence[DimensionScore]) -> str:
    """A starting text for the action plan, built from the weakest dimensions (a suggestion to edit)."""
    lines = [_("Min handlingsplan (forslag – skriv om med dine egne ord)"), ""]
    for s in weakest:
        lines += [_("Dimensjon: {dimension}").format(dimension=f"{s.dimension} {_(s.name)}"),
                  _("Mål:") + " ",
                  _("Tiltak:") + " ",
                  _("Hvem gjør hva, og når:") + " ",
                  _("Hvem involverer vi (for eksempel tillitsvalgte):") + " ",
                  _("Slik ser vi om det virker:") + " ",
                  ""]
    return "\n".join(lines)


def scores_csv(scores: Sequence[DimensionScore], created: datetime | None = None) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(["dato", "dimensjon", "navn", "antall_svar", "snitt", "indeks", "nivå"])
    stamp = created.isoformat(timespec="seconds") if created else ""
    for s in scores:
        w.writerow([stamp, s.dimension, s.name, s.answered,
                    "" if s.mean is None else f"{s.mean:.2f}",
                    "" if s.index is None else f"{s.index:.1f}", s.band or ""])
    return out.getvalue()


def report_html(scores: Sequence[DimensionScore], instrument: Instrument, weakest: Sequence[DimensionScore],
                plan: str | None, created: datetime | None = None) -> str:
    """A self-contained, offline HTML report of the profile and the plan (for download)."""
    when = created.strftime("%d.%m.%Y") if created else ""
    plan_html = ("<h2>" + _("Handlingsplan") + f"</h2><pre class='plan'>{esc(plan)}</pre>" if plan else "")
    title = _("Egenvurdering – Nyskapende arbeidsgivere")
    dated = _("Dato: {date}").format(date=esc(when))
    not_a_grade = _("Resultatet er en profil, ikke en samlet karakter.")
    return f"""<!DOCTYPE html>
<html lang="{aktivt()}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto;color:#1a1a1a;line-height:1.5}}
table{{border-collapse:collapse}}th,td{{border:1px solid #555;padding:.3rem .6rem;text-align:left}}
pre.plan{{white-space:pre-wrap;font-family:inherit;border:1px solid #555;padding:1rem}}</style></head>
<body><main><h1>{title}</h1><p>{dated}</p>
<p>{not_a_grade}</p>
{radar_svg(scores)}{profile_table(scores)}{weakest_links(weakest, instrument)}{plan_html}</main></body></html>"""
