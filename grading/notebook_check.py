"""Anomalies in one submitted notebook, compared cell by cell with the released version.

nbgrader's own checksum warning fires on every test cell with hidden tests (the release strips
them), so it says nothing. Here each submitted cell is compared with the RELEASED version of the
same cell, matched by nbgrader grade id, or by nbformat cell id when the nbgrader metadata is gone.
The kinds found are listed in :mod:`grading.anomalies`.
"""
from __future__ import annotations

import json

from grading.cells import cell_source as _source, graded_copy, nbgrader_meta as _nbg
from grading.findings import Anomaly
from grading.paths import Course, layout


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


def load_released(course_dir: Course, assignment: str) -> dict[str, dict]:
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
