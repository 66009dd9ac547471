"""The anomaly report (avviksrapport) for the course leader: HTML and CSV, one section per learner.

The HTML is escaped, ``lang="nb"``, with no external resources; the CSV is safe to open in Excel
(learner text never runs as a formula).
"""
from __future__ import annotations

import csv
import datetime as dt
import html
from pathlib import Path

from fellesregler.escaping import csv_safe
from fellesregler.formatering import oslo_tid as fmt_time
from grading.findings import KINDS, SEVERITY_ORDER, Anomaly
from grading.paths import Course, layout

CSV_COLUMNS = ["deltaker", "navn", "enhet", "oppgave", "type", "avvik", "alvorlighet", "celle",
               "beskrivelse", "tiltak", "fil"]


def _sorted(items: list[Anomaly]) -> list[Anomaly]:
    return sorted(items, key=lambda a: (a.student, SEVERITY_ORDER.get(a.severity, 9), a.kind, a.cell))


def write_report(course_dir: Course, assignment: str, anomalies: list[Anomaly],
                 out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write ``avvik-<assignment>.html`` and ``.csv``; returns {'html': …, 'csv': …}."""
    from grading.roster import load_roster

    lay = layout(course_dir)
    out = Path(out_dir) if out_dir else lay.rapporter
    out.mkdir(parents=True, exist_ok=True)
    roster = load_roster(lay)
    info = {r.id: (r.navn, r.enhet) for r in roster.itertuples()}
    items = _sorted(anomalies)

    csv_path = out / f"avvik-{assignment}.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
        w = csv.writer(fh, delimiter=";")
        w.writerow(CSV_COLUMNS)
        for a in items:
            navn, enhet = info.get(a.student, ("", ""))
            # learner text (file names from a zip, …) must not run as an Excel formula
            w.writerow([csv_safe(str(v)) for v in (a.student, navn, enhet, a.assignment, a.kind,
                                                    a.title, a.severity, a.cell, a.description,
                                                    a.action, a.file)])

    html_path = out / f"avvik-{assignment}.html"
    html_path.write_text(render_html(assignment, items, info), encoding="utf-8")
    return {"html": html_path, "csv": csv_path}


def render_html(assignment: str, items: list[Anomaly], info: dict[str, tuple[str, str]]) -> str:
    e = html.escape
    now = dt.datetime.now(dt.timezone.utc)
    counts: dict[str, int] = {}
    for a in items:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    by_student: dict[str, list[Anomaly]] = {}
    for a in items:
        by_student.setdefault(a.student, []).append(a)

    parts = [
        "<!DOCTYPE html>",
        '<html lang="nb">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta name=\"referrer\" content=\"no-referrer\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Avviksrapport – {e(assignment)}</title>",
        "<style>",
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;"
        "max-width:70rem;margin:0 auto;padding:1rem 1.5rem;color:#1a1a1a;background:#fff}",
        "table{border-collapse:collapse;width:100%;margin:0.5rem 0 1.5rem}",
        "caption{text-align:left;font-weight:600;padding:0.25rem 0}",
        "th,td{border:1px solid #767676;padding:0.4rem 0.5rem;text-align:left;vertical-align:top}",
        "th{background:#f0f0f0}",
        ".høy{color:#8b0000;font-weight:600}.middels{color:#6b4e00}.info{color:#333}",
        "a{color:#0645ad}a:focus,a:hover{outline:2px solid #0645ad}",
        ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff}",
        "</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#innhold">Hopp til innholdet</a>',
        "<header>",
        f"<h1>Avviksrapport for oppgaven «{e(assignment)}»</h1>",
        f"<p>Laget {e(fmt_time(now))}. Rapporten er for kursleder og inneholder personopplysninger. "
        "Ikke del den videre, og slett den når kurset er ferdig.</p>",
        "</header>",
        '<main id="innhold">',
    ]
    if not items:
        parts.append("<p>Ingen avvik funnet.</p>")
    else:
        parts += ["<h2>Oversikt</h2>",
                  f"<p>{len(items)} avvik hos {len(by_student)} deltaker(e).</p>",
                  "<table>", "<caption>Antall avvik etter type</caption>",
                  '<thead><tr><th scope="col">Avvik</th><th scope="col">Alvorlighet</th>'
                  '<th scope="col">Antall</th></tr></thead>', "<tbody>"]
        for kind in sorted(counts, key=lambda k: (SEVERITY_ORDER.get(KINDS.get(k, ("", "middels"))[1], 9), k)):
            title, sev = KINDS.get(kind, (kind, "middels"))
            parts.append(f'<tr><td>{e(title)}</td><td class="{e(sev)}">{e(sev)}</td><td>{counts[kind]}</td></tr>')
        parts += ["</tbody>", "</table>", "<h2>Per deltaker</h2>", "<nav aria-label=\"Deltakere\"><ul>"]
        anchors = {}
        for i, student in enumerate(by_student):
            anchors[student] = f"d{i}"
            parts.append(f'<li><a href="#d{i}">{e(student)}</a> ({len(by_student[student])})</li>')
        parts.append("</ul></nav>")
        for student, rows in by_student.items():
            navn, enhet = info.get(student, ("", ""))
            label = student + (f" – {navn}" if navn else "") + (f" ({enhet})" if enhet else "")
            parts += [f'<section aria-labelledby="{anchors[student]}">',
                      f'<h3 id="{anchors[student]}">{e(label)}</h3>',
                      "<table>", f"<caption>Avvik for {e(student)}</caption>",
                      '<thead><tr><th scope="col">Avvik</th><th scope="col">Alvorlighet</th>'
                      '<th scope="col">Celle</th><th scope="col">Beskrivelse</th>'
                      '<th scope="col">Hva verktøyet gjorde</th><th scope="col">Fil</th></tr></thead>',
                      "<tbody>"]
            for a in rows:
                parts.append(
                    f"<tr><td>{e(a.title)}</td><td class=\"{e(a.severity)}\">{e(a.severity)}</td>"
                    f"<td>{e(a.cell)}</td><td>{e(a.description)}</td><td>{e(a.action)}</td>"
                    f"<td>{e(a.file)}</td></tr>")
            parts += ["</tbody>", "</table>", "</section>"]
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
