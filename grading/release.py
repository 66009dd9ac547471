"""Course setup, assignment generation and release (exchange, zip or folder)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from grading._nbgrader import NbgraderError, api_call, gradebook, nbgrader_api, run_nbgrader
from fellesregler.formatering import oslo_tid
from grading.paths import ASSIGNMENTS, Course, layout

README = """Oppgave: {assignment}
=====================================

Slik gjør du oppgaven uten felles Jupyter-server:

1. Åpne notatboken {notebooks} i JupyterLab eller Jupyter Notebook.
2. Svar i cellene der det står «SKRIV SVARET DITT HER». Ikke endre eller
   slett de andre cellene; de blir satt tilbake ved rettingen.
3. Lagre notatboken (Ctrl+S).
4. Gi filen navnet <din-id>_{assignment}.ipynb, for eksempel
   ola.nordmann_{assignment}.ipynb, og send den til kursleder slik kursleder
   har bedt om.
{due}
Svarene dine er personopplysninger. Kursleder bruker dem bare i kurset.
"""


def to_utc_naive(value: dt.datetime) -> dt.datetime:
    """nbgrader stores UTC times without a time zone."""
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


# --------------------------------------------------------------------------
# Init
# --------------------------------------------------------------------------
@dataclass
class InitResult:
    created_dirs: list[str] = field(default_factory=list)
    added_assignments: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    missing_source: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = ["Kursmappen er klar."]
        if self.created_dirs:
            lines.append("Nye mapper: " + ", ".join(self.created_dirs) + ".")
        if self.added_assignments:
            lines.append("Nye oppgaver i karakterboken: " + ", ".join(self.added_assignments) + ".")
        if self.generated:
            lines.append("Laget deltakerversjon av: " + ", ".join(self.generated) + ".")
        if self.up_to_date:
            lines.append("Allerede oppdatert: " + ", ".join(self.up_to_date) + ".")
        if self.missing_source:
            lines.append("Mangler kildenotatbok (hoppet over): " + ", ".join(self.missing_source) + ".")
        for name, err in self.failed.items():
            lines.append(f"ADVARSEL: «{name}» kunne ikke lages: {err}")
        return "\n".join(lines)


def _release_is_current(course_dir: Course, assignment: str) -> bool:
    lay = layout(course_dir)
    src = [p for p in lay.source_dir(assignment).rglob("*") if p.is_file()
           and ".ipynb_checkpoints" not in p.parts]
    from grading.malform import malform_for_oppgave, topptekst

    header = lay.source / topptekst(malform_for_oppgave(assignment))
    src += [p for p in (lay.config, header) if p.exists()]
    rel = [p for p in lay.release_dir(assignment).rglob("*") if p.is_file()]
    if not src or not rel:
        return False
    return max(p.stat().st_mtime for p in src) <= min(p.stat().st_mtime for p in rel)


def init_course(course_dir: Course | None = None, *, generate: bool = True,
                progress: bool = True) -> InitResult:
    """Idempotent setup: folders, gradebook with the seven assignments, roster table, releases."""
    from grading.malform import lag_nynorske_kilder, utgaver
    from grading.roster import add_missing_columns, metadata as roster_metadata

    lay = layout(course_dir)
    result = InitResult()
    for path in (lay.root, lay.source, lay.exchange, lay.arkiv, lay.rapporter, lay.utdeling):
        if not path.exists():
            path.mkdir(parents=True)
            result.created_dirs.append(str(path.relative_to(lay.root.parent)))
    lag_nynorske_kilder(lay.root)  # source/<id>-nn from the bokmål sources and locale/nn (oppgaver.po)
    with gradebook(lay) as gb:
        existing = {a.name for a in gb.assignments}
        for name in utgaver(ASSIGNMENTS):
            if name not in existing:
                gb.update_or_create_assignment(name)
                result.added_assignments.append(name)
        roster_metadata.create_all(bind=gb.engine)
        add_missing_columns(gb.engine)
    if generate:
        todo = []
        for name in utgaver(ASSIGNMENTS):
            if not any(lay.source_dir(name).glob("*.ipynb")):
                result.missing_source.append(name)
            elif _release_is_current(lay, name):
                result.up_to_date.append(name)
            else:
                todo.append(name)
        for name in tqdm(todo, desc="Lager deltakerversjoner", unit="oppgave", disable=not progress or not todo):
            try:
                generate_assignment(lay, name)
                result.generated.append(name)
            except NbgraderError as exc:
                result.failed[name] = _short(exc.output)
    return result


def _short(output: str) -> str:
    lines = [ln for ln in output.strip().splitlines() if "ERROR" in ln or "Error" in ln]
    return (lines[-1] if lines else output.strip().splitlines()[-1] if output.strip() else "").strip()[:300]


# --------------------------------------------------------------------------
# Assignments
# --------------------------------------------------------------------------
def set_duedate(course_dir: Course, assignment: str, due: dt.datetime | None) -> None:
    with gradebook(course_dir) as gb:
        gb.update_or_create_assignment(assignment, duedate=to_utc_naive(due) if due else None)


def get_duedate(course_dir: Course, assignment: str) -> dt.datetime | None:
    from nbgrader.api import MissingEntry

    with gradebook(course_dir) as gb:
        try:
            return gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None


def generate_assignment(course_dir: Course, assignment: str, *, force: bool = True) -> Path:
    """``nbgrader generate_assignment``: makes ``release/<assignment>/``."""
    from grading.malform import kapitteloppgave, lag_nynorske_kilder, malform_for_oppgave

    lay = layout(course_dir)
    if malform_for_oppgave(assignment) != "nb":  # vage-nn: made from source/vage and locale/nn
        lag_nynorske_kilder(lay.root, (kapitteloppgave(assignment),))
    if not any(lay.source_dir(assignment).glob("*.ipynb")):
        raise FileNotFoundError(f"Fant ingen notatbok i {lay.source_dir(assignment)}.")
    with gradebook(lay) as gb:  # keeps the due date if already set
        gb.update_or_create_assignment(assignment)
    # nbgrader's own GenerateAssignment, in this process (no new Python per assignment)
    api_call(nbgrader_api(lay).generate_assignment(assignment, force=force),
             ("generate_assignment", assignment))
    return lay.release_dir(assignment)


def release_exchange(course_dir: Course, assignment: str, exchange: Path | str | None = None
                     ) -> Path:
    """``nbgrader release_assignment`` into the exchange (default ``exercises/exchange``)."""
    lay = layout(course_dir)
    root = Path(exchange).resolve() if exchange else None
    if root is None:
        env = os.environ.get("KURSLEDER_EXCHANGE")
        root = Path(env).resolve() if env else lay.exchange
    root.mkdir(parents=True, exist_ok=True)
    if not lay.release_dir(assignment).exists():
        generate_assignment(lay, assignment)
    run_nbgrader(lay, "release_assignment", assignment, "--force", f"--Exchange.root={root}")
    from grading._nbgrader import course_id

    return root / course_id(lay) / "outbound" / assignment


def release_package(course_dir: Course, assignment: str, fmt: str = "zip",
                    out_dir: Path | str | None = None) -> Path:
    """Copy the released assignment to ``utdeling/`` as a zip file or a folder, with instructions."""
    lay = layout(course_dir)
    src = lay.release_dir(assignment)
    if not src.exists():
        generate_assignment(lay, assignment)
    out = Path(out_dir) if out_dir else lay.utdeling
    out.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(p.name for p in src.glob("*.ipynb"))
    due = get_duedate(lay, assignment)
    due_text = ""
    if due is not None:

        due_text = f"\nFrist: {oslo_tid(due)}.\n"
    readme = README.format(assignment=assignment, notebooks=", ".join(notebooks), due=due_text)
    files = [p for p in sorted(src.rglob("*")) if p.is_file() and ".ipynb_checkpoints" not in p.parts]
    if fmt == "zip":
        target = out / f"{assignment}.zip"
        tmp = out / f".{assignment}.zip.tmp"
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{assignment}/LESMEG.txt", readme)
            for p in files:
                zf.write(p, f"{assignment}/{p.relative_to(src).as_posix()}")
        os.replace(tmp, target)
        return target
    if fmt in ("mappe", "folder"):
        target = out / assignment
        if target.exists():
            # Only replace a folder made here before (it has LESMEG.txt). Never delete anything
            # else, e.g. source/<assignment> when --ut points at the wrong folder.
            if target.is_symlink() or not target.is_dir() or not (target / "LESMEG.txt").is_file():
                raise ValueError(f"{target} finnes fra før og er ikke en utdelingsmappe fra dette "
                                 "verktøyet. Ingenting er slettet. Velg en annen mappe med --ut.")
            shutil.rmtree(target)
        shutil.copytree(src, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for p in target.rglob("*"):
            if p.is_file():
                os.chmod(p, 0o644)
        (target / "LESMEG.txt").write_text(readme, encoding="utf-8")
        return target
    raise ValueError(f"Ukjent format «{fmt}» (bruk zip eller mappe).")
