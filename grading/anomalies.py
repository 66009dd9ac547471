"""Anomaly detection and the anomaly report (avviksrapport) for the course leader.

nbgrader's own checksum warning fires on every test cell with hidden tests
(the release strips them), so it says nothing. Here each submitted cell is
compared with the RELEASED version of the same cell, matched by nbgrader
grade id, or by nbformat cell id when the nbgrader metadata is gone.

Findings:

* ``ugyldig_notatbok``   not JSON, or not a valid notebook (nbformat)
* ``slettet_testcelle``  an autograded test cell is missing
* ``slettet_svarcelle``  an answer cell is missing
* ``slettet_last_celle`` a locked text/code cell is missing
* ``endret_testcelle``   a test cell's source differs from the release
* ``endret_last_celle``  a locked cell's source differs from the release
* ``endret_celletype``   a cell changed between code and text
* ``endret_poeng``       a cell's points in the metadata were changed
* ``manglende_metadata`` nbgrader metadata stripped from cells
* ``dobbel_celle``       the same grade id appears more than once
* ``ubesvart``           an answer cell still equals the release stub
* ``ukjent_deltaker``    a submission from someone not in the roster
* ``for_sen``            submitted after the due date
* ``retting_feilet``     nbgrader could not grade the submission
* ``sandkasse``          learner code tried something the sandbox stops (files, network, …)
* ``sandkasse_grense``   learner code reached a sandbox limit (time, memory, output)
* ``ikke_levert``        a learner in the roster has no submission
* plus the events of the collection log (``ukjent_fil``, ``flere_filer``, …)

The report is HTML (escaped, ``lang="nb"``, no external resources) and CSV,
one section per learner.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from fellesregler.escaping import csv_safe
from fellesregler.formatering import oslo_tid as fmt_time
from grading.cells import cell_source as _source, graded_copy, nbgrader_meta as _nbg
from grading.paths import layout

# kind -> (Norwegian title, severity)
KINDS: dict[str, tuple[str, str]] = {
    "ugyldig_notatbok": ("Ugyldig notatbok", "høy"),
    "retting_feilet": ("Rettingen feilet", "høy"),
    "ukjent_deltaker": ("Ukjent deltaker", "høy"),
    "slettet_testcelle": ("Slettet testcelle", "høy"),
    "endret_testcelle": ("Endret testcelle", "høy"),
    "slettet_svarcelle": ("Slettet svarcelle", "høy"),
    "endret_last_celle": ("Endret låst celle", "middels"),
    "slettet_last_celle": ("Slettet låst celle", "middels"),
    "endret_celletype": ("Endret celletype", "middels"),
    "endret_poeng": ("Endret poeng i metadata", "høy"),
    "manglende_metadata": ("Fjernet metadata", "høy"),
    "dobbel_celle": ("Dobbel celle", "middels"),
    "sandkasse": ("Koden prøvde å gå ut av sandkassen", "høy"),
    "sandkasse_grense": ("Koden nådde en grense i sandkassen", "middels"),
    "for_sen": ("Levert for sent", "middels"),
    "flere_filer": ("Flere filer for samme notatbok", "middels"),
    "ukjent_fil": ("Fil som ikke kunne knyttes til en deltaker", "middels"),
    "ukjent_notatbok": ("Ukjent notatbok", "middels"),
    "eldre_innlevering": ("Eldre innlevering enn den som er samlet inn", "info"),
    "annen_oppgave": ("Fil for en annen oppgave", "info"),
    "ubesvart": ("Ubesvart oppgave", "info"),
    "ikke_levert": ("Ikke levert", "info"),
}
SEVERITY_ORDER = {"høy": 0, "middels": 1, "info": 2}


@dataclass
class Anomaly:
    student: str          # learner id (for unknown learners: the id or file name found)
    assignment: str
    kind: str
    description: str      # Norwegian, plain language
    action: str = ""      # what the toolkit did about it
    cell: str = ""        # nbgrader grade id, if any
    file: str = ""

    @property
    def title(self) -> str:
        return KINDS.get(self.kind, (self.kind, "middels"))[0]

    @property
    def severity(self) -> str:
        return KINDS.get(self.kind, (self.kind, "middels"))[1]

    def key(self) -> tuple:
        return (self.student, self.assignment, self.kind, self.cell, self.file)


# --------------------------------------------------------------------------
# Notebook inspection
# --------------------------------------------------------------------------
def _role(meta: dict) -> str:
    """'test', 'manual' (graded answer), 'answer', 'task', 'locked' or ''."""
    if meta.get("task"):
        return "task"
    if meta.get("grade") and meta.get("solution"):
        return "manual"
    if meta.get("grade"):
        return "test"
    if meta.get("solution"):
        return "answer"
    if meta.get("locked"):
        return "locked"
    return ""


def load_released(course_dir: Path | str, assignment: str) -> dict[str, dict]:
    """Released notebooks of an assignment: notebook name -> notebook JSON (dict)."""
    lay = layout(course_dir)
    out = {}
    for path in sorted(lay.release_dir(assignment).glob("*.ipynb")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def inspect_notebook(data: bytes, released: dict, *, student: str = "", assignment: str = "",
                     file: str = "") -> list[Anomaly]:
    """Compare one submitted notebook (raw bytes) with its released version."""
    import nbformat

    found: list[Anomaly] = []

    def add(kind, description, action="", cell=""):
        found.append(Anomaly(student, assignment, kind, description, action, cell, file))

    try:
        text = data.decode("utf-8")
        json.loads(text)
    except UnicodeDecodeError:
        add("ugyldig_notatbok", "Filen er ikke tekst i UTF-8, så den kan ikke leses som en notatbok.",
            "Innleveringen kan ikke rettes automatisk. Originalen er tatt vare på i arkivet.")
        return found
    except json.JSONDecodeError as exc:
        add("ugyldig_notatbok",
            f"Filen er ikke gyldig JSON (feil på linje {exc.lineno}, tegn {exc.colno}). "
            "Den kan være avkuttet eller redigert utenfor Jupyter.",
            "Innleveringen kan ikke rettes automatisk og får 0 poeng til den er rettet for hånd. "
            "Originalen er tatt vare på i arkivet.")
        return found
    try:
        node = nbformat.reads(text, as_version=4)
        nbformat.validate(node)
    except Exception as exc:  # nbformat raises several kinds
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        add("ugyldig_notatbok", f"Filen er JSON, men ikke en gyldig notatbok (nbformat: {msg}).",
            "Innleveringen kan ikke rettes automatisk. Originalen er tatt vare på i arkivet.")
        return found

    rel_cells = [c for c in released.get("cells", []) if _nbg(c).get("grade_id")]
    rel_by_gid = {_nbg(c)["grade_id"]: c for c in rel_cells}
    rel_by_cellid = {c.get("id"): c for c in rel_cells if c.get("id")}
    sub_cells = node.get("cells", [])

    copies: dict[str, list[dict]] = {}
    for c in sub_cells:
        gid = _nbg(c).get("grade_id")
        if gid:
            copies.setdefault(gid, []).append(c)
    dup = {gid for gid, cs in copies.items() if len(cs) > 1}
    chosen = {gid: graded_copy(cs, rel_by_gid.get(gid)) for gid, cs in copies.items()}
    by_gid = {gid: cs[chosen[gid]] for gid, cs in copies.items()}
    # cells that lost their nbgrader metadata, matched by nbformat cell id
    stripped: dict[str, dict] = {}
    for c in sub_cells:
        if not _nbg(c) and c.get("id") in rel_by_cellid:
            gid = _nbg(rel_by_cellid[c["id"]])["grade_id"]
            if gid not in by_gid:
                stripped[gid] = c
    # The whole notebook lost its nbgrader metadata (no cell has any left): one
    # notebook-level finding covers it; the released cells that could not be
    # matched are named there instead of one «slettet …» finding per cell.
    whole = bool(rel_cells) and bool(sub_cells) and not any(_nbg(c) for c in sub_cells)
    unmatched = [gid for gid in rel_by_gid if gid not in stripped] if whole else []
    if rel_cells and (stripped or not by_gid):
        why = "for eksempel ved kopiering til en ny notatbok eller med et annet redigeringsverktøy."
        if whole:
            description = f"nbgrader-metadata er fjernet fra hele notatboken, {why}"
            if unmatched and stripped:
                description += (f" {len(unmatched)} av {len(rel_cells)} celler kunne ikke kobles til "
                                "oppgaven: " + ", ".join(f"«{g}»" for g in unmatched) + ".")
        else:
            lost = len(stripped) if by_gid or stripped else len(rel_cells)
            description = f"nbgrader-metadata er fjernet fra {lost} celle(r), {why}"
        if stripped and not unmatched:
            action = ("Metadataene er lagt tilbake fra den utdelte versjonen (ut fra celle-id) før "
                      "rettingen. Kontroller resultatet.")
        elif stripped:
            action = ("Metadataene er lagt tilbake der cellen kunne kobles til oppgaven (ut fra celle-id). "
                      "Test- og svarceller som ikke kunne kobles, er lagt tilbake fra oppgaven, og "
                      "deltakerens egne celler der blir ikke rettet automatisk. Se gjennom innleveringen "
                      "og vurder for hånd. Originalen er tatt vare på i arkivet.")
        else:
            action = ("Cellene kunne ikke kobles til oppgaven. Alt må rettes for hånd; "
                      "originalen er tatt vare på i arkivet.")
        add("manglende_metadata", description, action)
    for gid in sorted(dup):
        n, k = len(copies[gid]), chosen[gid] + 1
        cell_id = copies[gid][chosen[gid]].get("id")
        which = "den siste" if k == n else f"nr. {k} (den siste som er besvart; de senere er lik utdelt mal)"
        add("dobbel_celle",
            f"Cellen «{gid}» finnes {n} ganger i innleveringen. Kopien som er rettet, er {which} av {n}"
            + (f" (celle-id «{cell_id}»)." if cell_id else "."),
            "nbgrader retter bare én kopi: den siste, eller den siste som er besvart når den siste er "
            "lik utdelt mal. De andre kopiene kjøres som vanlige celler uten poeng (ubesvarte kopier "
            "kjøres ikke). Sjekk at det er riktig svar som er rettet.", gid)

    for gid, rel in rel_by_gid.items():
        meta = _nbg(rel)
        role = _role(meta)
        sub = by_gid.get(gid) or stripped.get(gid)
        if sub is None and whole:
            continue  # named in the notebook-level «Fjernet metadata» finding above
        if sub is None:
            if role == "test":
                add("slettet_testcelle", f"Testcellen «{gid}» er slettet.",
                    "Cellen er lagt tilbake fra oppgaven før rettingen, og testene er kjørt.", gid)
            elif role in ("manual", "task"):
                add("slettet_svarcelle", f"Svarcellen «{gid}» (rettes for hånd) er slettet.",
                    "Cellen er lagt tilbake tom før rettingen og gir 0 poeng til den er vurdert.", gid)
            elif role == "answer":
                add("slettet_svarcelle", f"Svarcellen «{gid}» er slettet.",
                    "Cellen er ikke lagt tilbake; testene som bruker svaret, feiler.", gid)
            elif role == "locked":
                add("slettet_last_celle", f"Den låste cellen «{gid}» er slettet.",
                    "Cellen gir ikke poeng og er ikke lagt tilbake.", gid)
            continue
        if sub.get("cell_type") != rel.get("cell_type"):
            add("endret_celletype",
                f"Cellen «{gid}» er endret fra {rel.get('cell_type')} til {sub.get('cell_type')}.",
                "Celletypen er satt tilbake før rettingen.", gid)
        sub_meta = _nbg(sub)
        if meta.get("grade") and sub_meta and sub_meta.get("points") is not None:
            try:
                changed = float(sub_meta.get("points")) != float(meta.get("points", 0))
            except (TypeError, ValueError):
                changed = True
            if changed:
                add("endret_poeng",
                    f"Poengene for «{gid}» er endret fra {meta.get('points')} til {sub_meta.get('points')}.",
                    "Poengene fra oppgaven er brukt ved rettingen.", gid)
        same = _source(sub) == _source(rel)
        if role == "test" and not same:
            add("endret_testcelle", f"Testcellen «{gid}» er endret.",
                "Cellen er satt tilbake til oppgavens versjon før rettingen.", gid)
        elif role in ("locked", "task") and not same:
            add("endret_last_celle", f"Den låste cellen «{gid}» er endret.",
                "Cellen er satt tilbake til oppgavens versjon før rettingen.", gid)
        elif role in ("answer", "manual") and same:
            add("ubesvart", f"Svarcellen «{gid}» er ikke besvart (lik utdelt mal).",
                "Ubesvarte celler gir 0 poeng.", gid)
    return found


# --------------------------------------------------------------------------
# Course-level scan
# --------------------------------------------------------------------------
def _duedate(course_dir: Path, assignment: str) -> dt.datetime | None:
    from nbgrader.api import MissingEntry

    from grading._nbgrader import gradebook

    lay = layout(course_dir)
    if not lay.gradebook.exists():
        return None
    with gradebook(course_dir) as gb:
        try:
            return gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None


def _fmt_delay(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} t {minutes} min"
    return f"{hours // 24} døgn"


def read_collect_log(course_dir: Path | str, assignment: str) -> list[dict]:
    path = layout(course_dir).arkiv / assignment / "innsamling.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


def scan(course_dir: Path | str, assignment: str, students: list[str] | None = None,
         autograde_failures: dict[str, str] | None = None) -> list[Anomaly]:
    """All anomalies of an assignment in the course folder.

    Looks at ``submitted/*/<assignment>/`` (compared with ``release/``), the
    roster, the due date, the collection log and, if given, autograde failures.
    """
    from grading._nbgrader import read_timestamp
    from grading.roster import load_roster

    lay = layout(course_dir)
    released = load_released(lay.root, assignment)
    roster = load_roster(lay.root)
    known = set(roster["id"].tolist())
    due = _duedate(lay.root, assignment)
    found: list[Anomaly] = []
    submitted: set[str] = set()

    subdirs = sorted(p for p in lay.submitted.glob(f"*/{assignment}") if p.is_dir()) \
        if lay.submitted.exists() else []
    for sdir in subdirs:
        student = sdir.parent.name
        if students is not None and student not in students:
            continue
        submitted.add(student)
        if known and student not in known:
            found.append(Anomaly(student, assignment, "ukjent_deltaker",
                                 f"«{student}» har levert, men står ikke i deltakerlisten.",
                                 "Innleveringen er ikke rettet. Legg deltakeren inn i listen og rett på nytt, "
                                 "eller se bort fra den.", file=str(sdir.relative_to(lay.root))))
            continue
        for name, rel in released.items():
            path = sdir / f"{name}.ipynb"
            rel_file = str(path.relative_to(lay.root))
            if not path.exists():
                found.append(Anomaly(student, assignment, "ikke_levert",
                                     f"Notatboken «{name}.ipynb» mangler i innleveringen.",
                                     "Notatboken gir 0 poeng.", file=rel_file))
                continue
            found += inspect_notebook(path.read_bytes(), rel, student=student, assignment=assignment,
                                      file=rel_file)
        for extra in sorted(sdir.glob("*.ipynb")):
            if extra.stem not in released:
                found.append(Anomaly(student, assignment, "ukjent_notatbok",
                                     f"Notatboken «{extra.name}» hører ikke til oppgaven.",
                                     "Den er ikke rettet.", file=str(extra.relative_to(lay.root))))
        ts = read_timestamp(sdir / "timestamp.txt")
        if due is not None and ts is not None:
            ts_naive = ts.replace(tzinfo=None) if ts.tzinfo else ts
            late = (ts_naive - due).total_seconds()
            if late > 0:
                found.append(Anomaly(student, assignment, "for_sen",
                                     f"Levert {fmt_time(ts_naive)}, {_fmt_delay(late)} etter fristen "
                                     f"{fmt_time(due)}.",
                                     "Innleveringen er rettet som vanlig. Vurder selv om den skal godtas."))

    found += sandbox_findings(lay.root, assignment, students)

    for student, error in (autograde_failures or {}).items():
        found.append(Anomaly(student, assignment, "retting_feilet",
                             "nbgrader kunne ikke rette innleveringen" + (f": {error}" if error else "."),
                             "Innleveringen står med 0 poeng i karakterboken til den er rettet for hånd."))

    # the collection log: unknown learners and files from folder/zip collection
    seen = set()
    for ev in read_collect_log(lay.root, assignment):
        kind = ev.get("kind")
        if kind not in KINDS or kind in ("for_sen",):
            continue
        who = ev.get("student") or ""
        if students is not None and who and who not in students and kind != "ukjent_deltaker":
            continue
        key = (kind, who, ev.get("sha256"), ev.get("file"))
        if key in seen:
            continue
        seen.add(key)
        if kind == "ukjent_deltaker" and who in submitted:
            continue  # already reported from the submitted folder
        found.append(Anomaly(who or "(ukjent)", assignment, kind, ev.get("message", ""),
                             ev.get("action", ""), file=ev.get("file", "")))

    if known and students is None:
        for student in sorted(known - submitted):
            found.append(Anomaly(student, assignment, "ikke_levert",
                                 "Ingen innlevering er samlet inn.", ""))
    return dedupe(found)


def sandbox_findings(course_dir: Path, assignment: str, students: list[str] | None = None) -> list[Anomaly]:
    """Findings from the sandbox log of the last autograde (``rapporter/sandkasse-<a>.jsonl``)."""
    from grading.sandbox import EVENT_TEXT, LIMIT_KINDS, read_records

    found = []
    for (student, notebook), rec in sorted(read_records(course_dir, assignment).items()):
        if students is not None and student not in students:
            continue
        events = [e for e in rec.get("events", []) if isinstance(e, dict) and e.get("kind") in EVENT_TEXT]
        tried = [e for e in events if e["kind"] not in LIMIT_KINDS]
        limits = [e for e in events if e["kind"] in LIMIT_KINDS]
        where = f"notatboken «{notebook}.ipynb»" if notebook else "innleveringen"
        if tried:
            kinds = list(dict.fromkeys(e["kind"] for e in tried))
            details = [e["detail"] for e in tried if e.get("detail")][:5]
            found.append(Anomaly(
                student, assignment, "sandkasse",
                f"Koden i {where} " + "; ".join(EVENT_TEXT[k] for k in kinds) + "."
                + (" Det gjaldt: " + ", ".join(f"«{d}»" for d in details) + "." if details else ""),
                "Sandkassen stoppet forsøket: koden kunne ikke se eller endre kursmappen, karakterboken, "
                "deltakerlisten, andre innleveringer eller nettverket. Resten er rettet som vanlig. "
                "Snakk gjerne med deltakeren.", file=notebook))
        if limits:
            found.append(Anomaly(
                student, assignment, "sandkasse_grense",
                f"Koden i {where} " + "; ".join(EVENT_TEXT[e["kind"]] for e in limits) + ".",
                "Cellene som ble ferdige, er rettet som vanlig. Se over poengene for hånd.", file=notebook))
    return found


def dedupe(items: list[Anomaly]) -> list[Anomaly]:
    seen, out = set(), []
    for a in items:
        if a.key() not in seen:
            seen.add(a.key())
            out.append(a)
    return out


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
CSV_COLUMNS = ["deltaker", "navn", "enhet", "oppgave", "type", "avvik", "alvorlighet", "celle",
               "beskrivelse", "tiltak", "fil"]


def _sorted(items: list[Anomaly]) -> list[Anomaly]:
    return sorted(items, key=lambda a: (a.student, SEVERITY_ORDER.get(a.severity, 9), a.kind, a.cell))


def write_report(course_dir: Path | str, assignment: str, anomalies: list[Anomaly],
                 out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write ``avvik-<assignment>.html`` and ``.csv``; returns {'html': …, 'csv': …}."""
    from grading.roster import load_roster

    lay = layout(course_dir)
    out = Path(out_dir) if out_dir else lay.rapporter
    out.mkdir(parents=True, exist_ok=True)
    roster = load_roster(lay.root)
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


def to_records(items: list[Anomaly]) -> list[dict]:
    return [dict(asdict(a), title=a.title, severity=a.severity) for a in items]
