"""Collect submissions: from the nbgrader exchange, or from a folder or zip file.

Every collected file is first copied byte for byte into the archive
``arkiv/<assignment>/<id>/<timestamp>/`` with a ``SHA256SUMS`` file, and the
copy is checked against the original's hash (:mod:`grading.archive`). Originals are never changed or
deleted. Unknown learners and files that can't be matched are archived under
``arkiv/<assignment>/_ukjente/`` and written to the collection log
``arkiv/<assignment>/innsamling.jsonl``; the anomaly report lists them.

Accepted names in a folder or zip (``<id>`` must be in the roster):

* ``<id>.ipynb``                 (assignments with one notebook)
* ``<id>_<assignment>.ipynb``    (also ``<id>-<assignment>.ipynb``)
* ``<id>/<assignment>/<notebook>.ipynb``  (and ``<id>/<notebook>.ipynb``)
"""
from __future__ import annotations

import datetime as dt
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tqdm import tqdm

from grading.archive import archive_bytes, log_event, nbgrader_timestamp, safe_name, sha256_bytes, utc
from grading.paths import ASSIGNMENTS, Course, layout

MAX_FILE_BYTES = 50 * 1024 * 1024
UNKNOWN_DIR = "_ukjente"


@dataclass
class Collected:
    student: str
    notebook: str
    source: str           # where it came from (path, or zip:member)
    archive: Path
    sha256: str
    timestamp: dt.datetime
    used: bool            # copied into submitted/ (False: an older or duplicate version)


@dataclass
class CollectResult:
    assignment: str
    collected: list[Collected] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return sorted({c.student for c in self.collected if c.used})

    def summary(self) -> str:
        used = len([c for c in self.collected if c.used])
        if used or self.collected:
            text = (f"Samlet inn {used} notatbok(er) fra {len(self.students)} deltaker(e) for "
                    f"«{self.assignment}». Alle filene er arkivert med SHA-256.")
        else:
            text = f"Ingen notatbøker samlet inn for «{self.assignment}»."
        for ev in self.events:
            if ev["kind"] == "info":
                text += "\n" + ev["message"]
        problems = [e for e in self.events if e["kind"] not in ("annen_oppgave", "info")]
        if problems:
            text += f" {len(problems)} avvik (se avviksrapporten):"
            for ev in problems:
                text += f"\n  – {ev['message']}"
        return text


def _shown(text: str, limit: int = 160) -> str:
    """An untrusted name, cut for a message (the whole name is in the log's «file» field)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------
# Reading a folder or a zip
# --------------------------------------------------------------------------
@dataclass
class _Item:
    parts: tuple[str, ...]   # path parts relative to the source root
    source: str
    mtime: dt.datetime
    size: int
    read: callable


def _iter_folder(root: Path):
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(p.startswith(".") or p == "__MACOSX" for p in rel.parts):
            continue
        if path.is_symlink():
            yield ("symlink", rel.parts, str(path))
            continue
        if not path.is_file():
            continue
        st = path.stat()
        yield _Item(rel.parts, str(path), dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc),
                    st.st_size, path.read_bytes)


def _iter_zip(zf: zipfile.ZipFile, label: str):
    from fellesregler.formatering import oslo_tz

    for info in sorted(zf.infolist(), key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = info.filename.replace("\\", "/")
        parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "/"))
        if ".." in parts:
            yield ("skip", parts, f"{label}:{name}",
                   "har «..» i stien (kunne ha havnet utenfor mappen), og er ikke pakket ut")
            continue
        if not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        if info.flag_bits & 0x1:
            yield ("skip", parts, f"{label}:{name}",
                   "er kryptert (passordbeskyttet) og kan ikke leses. Be deltakeren levere uten passord")
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            yield ("symlink", parts, f"{label}:{name}")
            continue
        # Zip files store local time without a zone: the learners' time, Europe/Oslo
        # (not the time zone of the machine that collects).
        mtime = dt.datetime(*info.date_time, tzinfo=oslo_tz()).astimezone(dt.timezone.utc)
        yield _Item(parts, f"{label}:{name}", mtime, info.file_size,
                    lambda info=info: zf.read(info))


def _known_notebooks(course_dir: Course, assignment: str) -> list[str]:
    lay = layout(course_dir)
    for base in (lay.release_dir(assignment), lay.source_dir(assignment)):
        names = sorted(p.stem for p in base.glob("*.ipynb"))
        if names:
            return names
    return [assignment]


def match(parts: tuple[str, ...], assignment: str, notebooks: list[str],
          other_assignments: set[str]) -> tuple[str, str | None, str]:
    """Match a path to (student, notebook, status). status: ok | other | nonotebook."""
    name = parts[-1]
    stem = name[: -len(".ipynb")]
    if len(parts) >= 3 and parts[-2] == assignment:
        return parts[-3], stem, "ok"
    if len(parts) >= 3 and parts[-2] in other_assignments:
        return parts[-3], stem, "other"
    if len(parts) >= 2 and stem in notebooks and parts[-2] not in (assignment,):
        # <id>/<notebook>.ipynb
        return parts[-2], stem, "ok"
    for sep in ("_", "-"):
        if stem.endswith(sep + assignment) and len(stem) > len(assignment) + 1:
            return stem[: -len(assignment) - 1], (notebooks[0] if len(notebooks) == 1 else None), "ok"
        for other in other_assignments:
            if stem.endswith(sep + other) and len(stem) > len(other) + 1:
                return stem[: -len(other) - 1], None, "other"
    return stem, (notebooks[0] if len(notebooks) == 1 else None), "ok"


def collect_folder(course_dir: Course, assignment: str, source: Path | str, *,
                   when: dt.datetime | None = None, progress: bool = True) -> CollectResult:
    """Collect returned notebooks from a folder or a zip file, matched to the roster.

    ``when`` is the submission time for all files; by default each file's
    modification time (for a zip: the time stored in the zip).
    """
    from grading.roster import load_roster

    lay = layout(course_dir)
    source = Path(source)
    roster = set(load_roster(lay)["id"].tolist())
    notebooks = _known_notebooks(lay, assignment)
    from grading.malform import utgaver

    others = set(utgaver(ASSIGNMENTS)) - {assignment}  # x_vage-nn.ipynb belongs to vage-nn
    result = CollectResult(assignment)

    def event(kind, message, *, student="", file="", sha="", action=""):
        ev = {"kind": kind, "student": student, "file": file, "sha256": sha, "message": message,
              "action": action, "assignment": assignment}
        result.events.append(ev)
        log_event(lay, assignment, ev)

    if not source.exists():
        raise FileNotFoundError(f"Fant ikke {source}.")
    zf = None
    if source.is_dir():
        items = list(_iter_folder(source))
    elif zipfile.is_zipfile(source):
        zf = zipfile.ZipFile(source)
        items = list(_iter_zip(zf, source.name))
    else:
        raise ValueError(f"{source} er verken en mappe eller en zip-fil.")

    candidates: dict[tuple[str, str], list[tuple[_Item, bytes, dt.datetime, str]]] = {}

    def collect_item(item) -> None:
        if isinstance(item, tuple) and item[0] == "symlink":
            event("ukjent_fil", f"«{_shown(item[2])}» er en snarvei (symlink) og er ikke samlet inn.",
                  file=item[2])
            return
        if isinstance(item, tuple):  # a member that is not unpacked, with the reason
            event("ukjent_fil", f"«{_shown(item[2])}» {item[3]}.", file=item[2],
                  action="Filen er ikke samlet inn. Den er nevnt her og i innsamlingsloggen.")
            return
        shown = _shown("/".join(item.parts))
        original = "/".join(item.parts)
        if not item.parts[-1].lower().endswith(".ipynb"):
            if item.parts[-1] not in ("timestamp.txt",):
                event("ukjent_fil", f"«{shown}» er ikke en notatbok (.ipynb) og er ikke samlet inn.",
                      file=original)
            return
        if item.size > MAX_FILE_BYTES:
            event("ukjent_fil", f"«{shown}» er større enn {MAX_FILE_BYTES // 2**20} MB og er ikke samlet inn.",
                  file=original)
            return
        try:
            data = item.read()
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
            event("ukjent_fil", f"«{shown}» kan ikke leses (skadet eller ukjent format: {_shown(str(exc), 200)}) "
                  "og er ikke samlet inn.", file=original)
            return
        digest = sha256_bytes(data)
        ts = utc(when) if when else item.mtime
        student, notebook, status = match(item.parts, assignment, notebooks, others)
        if status == "other":
            event("annen_oppgave", f"«{shown}» ser ut til å høre til en annen oppgave og er hoppet over.",
                  student=student, file=original, sha=digest)
            return
        if student not in roster:
            folder_id = safe_name(student)
            path, _ = archive_bytes(lay, assignment, f"{UNKNOWN_DIR}/{folder_id}", item.parts[-1],
                                    data, ts, item.source)
            event("ukjent_deltaker",
                  f"Filen «{shown}» kan ikke knyttes til noen i deltakerlisten (id «{_shown(student, 80)}»).",
                  student=student, file=original, sha=digest,
                  action=f"Filen er arkivert i {path.relative_to(lay.root)}, men ikke rettet.")
            return
        if notebook is None:
            path, _ = archive_bytes(lay, assignment, student, item.parts[-1], data, ts, item.source)
            event("ukjent_notatbok",
                  f"Kan ikke avgjøre hvilken notatbok «{shown}» er (oppgaven har flere notatbøker).",
                  student=student, file=original, sha=digest,
                  action=f"Filen er arkivert i {path.relative_to(lay.root)}, men ikke rettet.")
            return
        if notebook not in notebooks:
            event("ukjent_notatbok", f"«{shown}»: notatboken «{_shown(notebook, 80)}» hører ikke til oppgaven.",
                  student=student, file=original, sha=digest, action="Filen er arkivert, men ikke rettet.")
            archive_bytes(lay, assignment, student, item.parts[-1], data, ts, item.source)
            return
        candidates.setdefault((student, notebook), []).append((item, data, ts, digest))

    def archive_candidate(student: str, notebook: str, versions: list) -> None:
        versions.sort(key=lambda v: v[2])
        if len(versions) > 1 and len({v[3] for v in versions}) > 1:
            event("flere_filer",
                  f"{student} har {len(versions)} ulike filer for «{notebook}.ipynb» "
                  f"({', '.join(_shown('/'.join(v[0].parts)) for v in versions)}). Den nyeste er brukt.",
                  student=student, file="/".join(versions[-1][0].parts),
                  action="Alle versjonene er arkivert.")
        archived = []
        for item, data, ts, digest in versions:
            path, _ = archive_bytes(lay, assignment, student, f"{notebook}.ipynb", data, ts,
                                    item.source)
            archived.append(path)
        item, data, ts, digest = versions[-1]
        used = _install(lay, assignment, student, notebook, data, ts)
        if not used:
            event("eldre_innlevering",
                  f"{student}: «{_shown('/'.join(item.parts))}» er eldre enn innleveringen som er samlet inn "
                  "fra før, og er ikke brukt.", student=student, file="/".join(item.parts), sha=digest,
                  action="Filen er arkivert.")
        for (it, _d, t, dg), path in zip(versions, archived):
            result.collected.append(Collected(student, notebook, it.source, path, dg, t,
                                              used and it is item))
            log_event(lay, assignment, {"kind": "samlet_inn", "student": student,
                                             "file": "/".join(it.parts), "sha256": dg,
                                             "archive": str(path.relative_to(lay.root)),
                                             "timestamp": nbgrader_timestamp(t),
                                             "used": used and it is item})

    try:
        for item in tqdm(items, desc=f"Leser innleveringer til «{assignment}»", unit="fil",
                         disable=not progress):
            try:
                collect_item(item)
            except Exception as exc:  # one bad member never stops the collection
                where = item[2] if isinstance(item, tuple) else item.source
                event("ukjent_fil", f"«{_shown(where)}» kunne ikke samles inn ({type(exc).__name__}: "
                      f"{_shown(str(exc), 200)}). De andre filene er samlet inn som vanlig.", file=where,
                      action="Filen er ikke arkivert eller rettet. Be deltakeren levere den på nytt.")
        for (student, notebook), versions in tqdm(sorted(candidates.items()), desc="Arkiverer",
                                                  unit="notatbok", disable=not progress):
            try:
                archive_candidate(student, notebook, versions)
            except Exception as exc:
                event("ukjent_fil", f"{student}: «{notebook}.ipynb» kunne ikke arkiveres "
                      f"({type(exc).__name__}: {_shown(str(exc), 200)}).", student=student,
                      file=versions[-1][0].source,
                      action="Innleveringen er ikke samlet inn. Originalen er ikke endret.")
    finally:
        if zf is not None:
            zf.close()
    return result


def _install(course_dir: Course, assignment: str, student: str, notebook: str, data: bytes,
             ts: dt.datetime) -> bool:
    """Put a submission into submitted/<id>/<assignment>/ unless a newer one is there."""
    from grading._nbgrader import read_timestamp

    lay = layout(course_dir)
    dest = lay.submitted_dir(student, assignment)
    existing = read_timestamp(dest / "timestamp.txt")
    if existing is not None:
        ex = existing if existing.tzinfo else existing.replace(tzinfo=dt.timezone.utc)
        if ex > ts:
            return False
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"{notebook}.ipynb"
    if target.exists():
        # A submission put here by other means (e.g. a manual `nbgrader collect`) may not be in
        # the archive yet: keep it before it is replaced (a no-op if it is archived already).
        when = existing or dt.datetime.fromtimestamp(target.stat().st_mtime, dt.timezone.utc)
        archive_bytes(lay, assignment, student, target.name, target.read_bytes(),
                      when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc),
                      f"submitted:{target.relative_to(lay.root)}")
        os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
    tmp = dest / f".{notebook}.ipynb.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    (dest / "timestamp.txt").write_text(nbgrader_timestamp(ts) + "\n")
    return True


# --------------------------------------------------------------------------
# The nbgrader exchange
# --------------------------------------------------------------------------
def collect_exchange(course_dir: Course, assignment: str, exchange: Path | str | None = None, *,
                     progress: bool = True) -> CollectResult:
    """``nbgrader collect --update`` from the exchange, then archive what was collected."""
    from grading._nbgrader import run_nbgrader
    from grading._nbgrader import read_timestamp
    from grading.roster import load_roster

    from grading._nbgrader import course_id, load_config
    from grading.hub_unix import hub_prefix

    lay = layout(course_dir)
    if exchange:
        root = Path(exchange).resolve()
    else:
        configured = load_config(lay).get("Exchange", {}).get("root")
        root = Path(configured) if isinstance(configured, str) and configured else lay.exchange
    result = CollectResult(assignment)
    inbound = root / course_id(lay) / "inbound"
    found = sorted(inbound.glob(f"*+{assignment}+*"))
    if not found:
        result.events.append({"kind": "info", "student": "", "file": str(inbound), "sha256": "",
                              "message": f"Ingen innleveringer av «{assignment}» i utvekslingen ({inbound}).",
                              "action": "", "assignment": assignment})
        return result
    prefix = hub_prefix()
    if prefix is None:  # one machine, one user: every submission is the course leader's own copy
        run_nbgrader(lay, "collect", assignment, "--update", f"--Exchange.root={root}")
    else:
        _collect_checked(lay, assignment, found, prefix, result)
    roster = set(load_roster(lay)["id"].tolist())
    dirs = sorted(p for p in lay.submitted.glob(f"*/{assignment}") if p.is_dir()) \
        if lay.submitted.exists() else []
    for sdir in tqdm(dirs, desc=f"Arkiverer «{assignment}»", unit="deltaker", disable=not progress):
        student = sdir.parent.name
        ts = read_timestamp(sdir / "timestamp.txt") or dt.datetime.now(dt.timezone.utc)
        ts = ts if ts.tzinfo else ts.replace(tzinfo=dt.timezone.utc)
        for nb in sorted(sdir.glob("*.ipynb")):
            data = nb.read_bytes()
            path, digest = archive_bytes(lay, assignment, student, nb.name, data, ts,
                                         f"exchange:{student}")
            result.collected.append(Collected(student, nb.stem, str(nb), path, digest, ts, True))
            log_event(lay, assignment, {"kind": "samlet_inn", "student": student,
                                             "file": str(nb.relative_to(lay.root)), "sha256": digest,
                                             "archive": str(path.relative_to(lay.root)),
                                             "timestamp": nbgrader_timestamp(ts), "used": True})
        if roster and student not in roster:
            ev = {"kind": "ukjent_deltaker", "student": student, "file": str(sdir.relative_to(lay.root)),
                  "sha256": "", "assignment": assignment,
                  "message": f"«{student}» har levert gjennom utvekslingen, men står ikke i deltakerlisten.",
                  "action": "Innleveringen er arkivert, men ikke rettet."}
            result.events.append(ev)
            log_event(lay, assignment, ev)
    return result


def _collect_checked(course_dir: Course, assignment: str, folders: list[Path], prefix: str,
                     result: CollectResult) -> None:
    """On the hub: ``nbgrader collect --update`` of the folders made by the learner they name.

    Each folder is checked (:func:`grading.hub_unix.not_made_by`) and copied, symlinks kept as
    links, into a private view of the exchange; nbgrader collects from that view, so a file put
    in a folder after the check never reaches the course. A refused folder is reported and stays
    in the exchange as it is; the others are collected.
    """
    import shutil
    import tempfile

    from grading._nbgrader import course_id, run_nbgrader
    from grading.hub_unix import not_made_by

    lay = layout(course_dir)
    view = Path(tempfile.mkdtemp(prefix="kurs-innsamling-"))
    try:
        inbound = view / course_id(lay) / "inbound"
        inbound.mkdir(parents=True)
        accepted = 0
        for folder in folders:
            student = folder.name.rsplit("+", 3)[0]  # nbgrader's own split (ids may hold «+»)
            why = not_made_by(folder, student, prefix)
            if why is None:
                try:
                    shutil.copytree(folder, inbound / folder.name, symlinks=True)
                    if any(os.path.islink(os.path.join(r, n)) for r, ds, fs in os.walk(inbound / folder.name)
                           for n in ds + fs):
                        why = "en snarvei (symlink) kom til etter kontrollen"
                except (OSError, shutil.Error) as exc:
                    why = f"mappen kan ikke kopieres ({_shown(str(exc), 200)})"
            if why is None:
                accepted += 1
                continue
            shutil.rmtree(inbound / folder.name, ignore_errors=True)  # the copy in the view only
            ev = {"kind": "annen_eier", "student": student, "file": str(folder), "sha256": "",
                  "assignment": assignment,
                  "message": (f"«{_shown(folder.name)}» er levert av en annen bruker enn "
                              f"{_shown(student, 80)} ({why}). Den er ikke samlet inn."),
                  "action": "Mappen ligger urørt i utvekslingen. Finn ut hvem som leverte den."}
            result.events.append(ev)
            log_event(lay, assignment, ev)
        if accepted:
            run_nbgrader(lay, "collect", assignment, "--update", f"--Exchange.root={view}")
    finally:
        shutil.rmtree(view)
