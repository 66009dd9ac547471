"""Small helpers around nbgrader: config, gradebook access, running its CLI."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from grading.paths import Course, layout

DEFAULT_COURSE_ID = "nyskapende-arbeidsgivere"


def ensure_venv_on_path() -> None:
    """nbgrader's Gradebook runs ``alembic`` (and we run ``nbgrader``) from PATH.

    When the venv's python is called directly (``.venv/bin/python -m grading.cli``)
    its ``bin`` folder is not on PATH, and a new gradebook would be left half made.
    """
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in parts if p])


ensure_venv_on_path()


def load_config(course_dir: Course):
    """Load ``nbgrader_config.py`` of the course folder as a traitlets Config."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    lay = layout(course_dir)
    if not lay.config.exists():
        return Config()
    return PyFileConfigLoader(lay.config.name, path=str(lay.root)).load_config()


def course_id(course_dir: Course) -> str:
    cfg = load_config(course_dir)
    value = cfg.get("CourseDirectory", {}).get("course_id")
    return value if isinstance(value, str) and value else DEFAULT_COURSE_ID


def read_timestamp(path: Path):
    """The time in an nbgrader ``timestamp.txt`` (aware, UTC), or None if missing or unreadable."""
    from nbgrader.utils import parse_utc

    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8").strip()
        return parse_utc(text) if text else None
    except Exception:  # unreadable timestamp: treat as unknown
        return None


#: Seconds to wait for a gradebook locked by another program (e.g. Formgrader) before
#: giving up with «database is locked» (SQLite's default is only 5).
GRADEBOOK_LOCK_WAIT_S = 30


#: First bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"

#: Words in SQLite's messages for a file that is damaged (not locked, not missing).
_DAMAGE_WORDS = ("file is not a database", "malformed", "not a database", "file is encrypted")


class GradebookDamaged(RuntimeError):
    """``gradebook.db`` exists but is not a readable SQLite database (damaged, not locked).

    The message says, in Norwegian, what is wrong and what to do. Nothing in
    the toolkit deletes, moves or writes to the damaged file.
    """

    def __init__(self, path: Path | str, detail: str):
        self.path = Path(path)
        self.detail = detail
        super().__init__(
            f"Karakterboken ({self.path}) er skadet og kan ikke leses: {detail}. "
            "Filen er ikke endret eller slettet.\n"
            "Slik gjør du:\n"
            "  1. Ta en kopi av filen slik den er nå, og behold den.\n"
            "  2. Legg tilbake den siste sikkerhetskopien av gradebook.db på samme sted "
            "(spør IT-avdelingen om du ikke vet hvor den er).\n"
            "  3. Kjør kommandoen på nytt.\n"
            "Ikke slett filen og ikke kjør «kursleder init» for å lage en ny: da mister du poeng og "
            "vurderinger. Innleveringene ligger trygt i mappene arkiv/ og submitted/.")


def is_damage_error(exc: BaseException | None) -> bool:
    """True for SQLite's «file is not a database» / «database disk image is malformed».

    Follows the chain of causes (SQLAlchemy wraps sqlite3's error). A locked
    database is not damage.
    """
    import sqlite3

    for _ in range(10):
        if exc is None:
            return False
        if isinstance(exc, sqlite3.DatabaseError) and any(w in str(exc).lower() for w in _DAMAGE_WORDS):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


#: Files (gradebook and its WAL) as they were when the last check found them sound, per gradebook path.
_CHECKED_SOUND: dict[Path, tuple] = {}


def _file_signature(path: Path) -> tuple:
    """What changes when a file is written: inode, size and modification time, for the file and its WAL."""
    sig = []
    for f in (path, path.with_name(path.name + "-wal")):
        try:
            st = f.stat()
        except OSError:
            sig.append(None)
        else:
            sig.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(sig)


def check_gradebook(course_dir: Course) -> None:
    """Raise :class:`GradebookDamaged` if the course's ``gradebook.db`` is damaged.

    A command opens the gradebook several times; the full check runs again only
    when the file (or its WAL) has been written since it last passed.

    A missing file is fine (``kursleder init`` makes it). The check only reads:
    it looks at the file header and runs SQLite's ``PRAGMA quick_check`` on a
    read-only connection, so a damaged file is never changed (nbgrader would
    otherwise try to create its tables in it). A locked gradebook raises
    SQLite's own «database is locked» error after the usual wait; any other
    problem opening it is left to the normal path.
    """
    import sqlite3

    path = layout(course_dir).gradebook
    try:
        if not path.is_file():
            return
        signature = _file_signature(path)
        if _CHECKED_SOUND.get(path) == signature:
            return
        size = signature[0][1]
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return
    if size == 0:
        raise GradebookDamaged(path, "filen er tom (0 byte)")
    if head != SQLITE_HEADER:
        raise GradebookDamaged(path, "filen er ikke en database (innholdet er overskrevet eller ødelagt)")
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=GRADEBOOK_LOCK_WAIT_S)
    except sqlite3.Error:
        return
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_damage_error(exc):
            raise GradebookDamaged(path, "databasen er ødelagt, for eksempel avkuttet ved en "
                                         "avbrutt kopiering eller full disk") from exc
        if "locked" in str(exc):
            raise
        return
    finally:
        conn.close()
    if rows != [("ok",)]:
        raise GradebookDamaged(path, "databasen er ødelagt (SQLite fant feil i filen)")
    _CHECKED_SOUND[path] = signature


@contextlib.contextmanager
def gradebook(course_dir: Course) -> Iterator["Gradebook"]:  # noqa: F821
    from nbgrader.api import Gradebook

    lay = layout(course_dir)
    check_gradebook(lay)
    url = f"{lay.db_url}?timeout={GRADEBOOK_LOCK_WAIT_S}"
    with Gradebook(url, course_id=course_id(lay)) as gb:
        yield gb


def nbgrader_api(course_dir: Course, *, lock_timeout: int | None = None, quiet: bool = True):
    """nbgrader's Python API (``NbGraderAPI``) for the course folder, with its config."""
    import logging

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    lay = layout(course_dir)
    config = load_config(lay)
    config.CourseDirectory.root = str(lay.root)
    url = config.CourseDirectory.get("db_url") if "db_url" in config.CourseDirectory else lay.db_url
    if lock_timeout:
        url = f"{url}{'&' if '?' in url else '?'}timeout={lock_timeout}"
    config.CourseDirectory.db_url = url
    if quiet:
        config.NbGraderAPI.log_level = logging.WARNING
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def api_call(result: dict, what: tuple[str, ...]) -> dict:
    """Raise :class:`NbgraderError` for a failed NbGraderAPI call (its captured log as output)."""
    if not result.get("success"):
        raise NbgraderError(what, 1, (result.get("log") or "") + "\n" + (result.get("error") or ""))
    return result


def nbgrader_cmd() -> list[str]:
    """The nbgrader command of this interpreter's environment."""
    exe = Path(sys.executable).with_name("nbgrader")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "nbgrader"]


def run_nbgrader(course_dir: Course, *args: str, check: bool = True,
                 capture: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` inside the course folder (which holds the config)."""
    lay = layout(course_dir)
    full_env = dict(os.environ)
    full_env.setdefault("PYTHONWARNINGS", "ignore")
    if env:
        full_env.update(env)
    proc = subprocess.run(
        nbgrader_cmd() + list(args), cwd=lay.root, env=full_env, text=True,
        stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None,
    )
    if check and proc.returncode != 0:
        raise NbgraderError(args, proc.returncode, proc.stdout or "")
    return proc


class NbgraderError(RuntimeError):
    def __init__(self, args, code: int, output: str):
        self.args_ = args
        self.code = code
        self.output = output
        tail = "\n".join(output.strip().splitlines()[-15:])
        super().__init__(f"nbgrader {' '.join(args)} feilet (kode {code}).\n{tail}")


# --------------------------------------------------------------------------
# Autograde preprocessors (configured in exercises/nbgrader_config.py)
# --------------------------------------------------------------------------
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells  # noqa: E402


def _release_notebook_for(pp, resources) -> "NotebookNode | None":  # noqa: F821
    """Load the released version of the notebook being autograded, if found."""
    import nbformat
    from nbgrader.coursedir import CourseDirectory

    try:
        coursedir = CourseDirectory(config=pp.config)
        nbg = resources["nbgrader"]
        path = Path(coursedir.format_path(coursedir.release_directory, ".", nbg["assignment"])) / (
            nbg["notebook"] + ".ipynb")
        if not path.exists():
            return None
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # never break grading because of this helper
        pp.log.warning("Fant ikke utdelt versjon av notatboken: %s", exc)
        return None


class ResolveDuplicates(NbGraderPreprocessor):
    """Replaces nbgrader's ``DeduplicateIds``: one graded copy per grade id, and no empty metadata.

    ``DeduplicateIds`` keeps the last copy and leaves ``nbgrader: {}`` on the
    others, which ``CheckCellMetadata`` then rejects (``SchemaTooOldError``), so
    a learner who copied a cell got 0 automatic points. Here the graded copy is
    chosen by :func:`grading.cells.graded_copy` (nbgrader's last copy, or
    the last answered one when the last is the released stub); the other
    copies lose their nbgrader metadata entirely and become ordinary cells, and
    an unanswered code copy becomes a raw cell so it cannot undo the answer.
    """

    def preprocess(self, nb, resources):
        from grading.cells import cell_source as _source_text, graded_copy

        release = _release_notebook_for(self, resources)
        released = {} if release is None else {
            c.metadata["nbgrader"]["grade_id"]: c for c in release.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
        copies: dict[str, list[int]] = {}
        for i, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if isinstance(meta, dict) and not meta:
                del cell.metadata["nbgrader"]  # empty metadata: an ordinary cell
            elif isinstance(meta, dict) and meta.get("grade_id"):
                copies.setdefault(meta["grade_id"], []).append(i)
        for gid, idx in copies.items():
            if len(idx) < 2:
                continue
            rel = released.get(gid)
            keep = idx[graded_copy([nb.cells[i] for i in idx], rel)]
            self.log.warning("Cell with id '%s' exists %d times; grading copy at position %d",
                             gid, len(idx), keep)
            stub = _source_text(rel) if rel is not None else None
            for i in idx:
                if i == keep:
                    continue
                cell = nb.cells[i]
                del cell.metadata["nbgrader"]
                if cell.cell_type == "code" and stub is not None and _source_text(cell).strip() == stub.strip():
                    nb.cells[i] = _as_raw(cell)
        return nb, resources


def _as_raw(cell):
    from nbformat.v4 import new_raw_cell

    raw = new_raw_cell(cell.source, metadata=_copy(cell.metadata))
    if cell.get("id"):
        raw["id"] = cell["id"]
    return raw


class RestoreMetadata(NbGraderPreprocessor):
    """Put nbgrader metadata back on cells that lost it.

    A submitted cell without ``metadata.nbgrader`` whose nbformat cell id
    matches a cell of the released notebook gets that cell's nbgrader
    metadata (and its ``editable``/``deletable`` flags) back, so nbgrader can
    grade it instead of leaving everything for manual grading. The anomaly
    report flags every such notebook.
    """

    def preprocess(self, nb, resources):
        release = _release_notebook_for(self, resources)
        if release is None:
            return nb, resources
        by_id = {c.get("id"): c for c in release.cells
                 if c.get("id") and "nbgrader" in c.get("metadata", {})}
        restored = 0
        present = {c.metadata["nbgrader"].get("grade_id") for c in nb.cells
                   if isinstance(c.get("metadata", {}).get("nbgrader"), dict)}
        for cell in nb.cells:
            if "nbgrader" in cell.get("metadata", {}):
                continue
            ref = by_id.get(cell.get("id"))
            if ref is None or ref.cell_type != cell.cell_type:
                continue
            if ref.metadata["nbgrader"].get("grade_id") in present:
                continue  # an extra copy of a cell that is graded elsewhere (ResolveDuplicates)
            present.add(ref.metadata["nbgrader"].get("grade_id"))
            cell.metadata["nbgrader"] = _copy(ref.metadata["nbgrader"])
            for key in ("editable", "deletable"):
                if key in ref.metadata:
                    cell.metadata[key] = ref.metadata[key]
            restored += 1
        if restored:
            self.log.warning("Restored nbgrader metadata on %d cell(s) by cell id", restored)
        return nb, resources


def _copy(node):
    import copy

    return copy.deepcopy(node)


class SafeOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, with a robust ``add_missing_cells``.

    nbgrader 0.9.6 crashes with ``KeyError`` when a deleted grade cell follows
    a locked non-grade cell, and when a cell kept nbgrader metadata without a
    grade id. Here a missing grade cell goes right after the nearest earlier
    released cell still present in the submission (any cell with a grade id).
    """

    def _source_order(self, resources) -> list[str]:
        release = _release_notebook_for(self, resources)
        if release is not None:
            return [c.metadata["nbgrader"]["grade_id"] for c in release.cells
                    if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")]
        return []

    @staticmethod
    def _present_ids(nb) -> list[str | None]:
        return [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = {cell.name: cell for cell in source_nb.source_cells}
        order = [name for name in self._source_order(resources) if name in source_cells]
        order += [name for name in source_cells if name not in order]
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}

        for pos, name in enumerate(order):
            if name not in grade_cells or name in self._present_ids(nb):
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            new_cell = self.missing_cell_transform(
                source_cells[name], grade_cells[name].max_score, is_solution=name in solution_ids)
            present = self._present_ids(nb)
            insert_at = 0
            for prev in reversed(order[:pos]):
                if prev in present:
                    insert_at = present.index(prev) + 1
                    break
            nb.cells.insert(insert_at, new_cell)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = {cell.name: cell for cell in source_nb.source_cells}
        present = set(self._present_ids(nb))
        for task_cell in source_nb.task_cells:
            if task_cell.name not in present and task_cell.name in source_cells:
                nb.cells.append(self.missing_cell_transform(
                    source_cells[task_cell.name], task_cell.max_score, is_task=True))
        return nb, resources
