"""The archive of original submissions and the collection log.

Every collected file is copied byte for byte into ``arkiv/<assignment>/<id>/<timestamp>/``,
read-only, with a ``SHA256SUMS`` file and a ``KILDE.txt`` naming where it came from; the copy is
checked against the original's hash. :func:`verify_archive` checks them all again. Events of a
collection (unknown learners, files that can't be matched, …) go to the collection log
``arkiv/<assignment>/innsamling.jsonl`` (:func:`log_event`, :func:`read_collect_log`), which the
anomaly report lists. :mod:`grading.collect` decides what is collected; this module only stores it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from pathlib import Path, PurePosixPath

from grading.paths import Course, layout

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC datetime (naive values are taken as local time)."""
    if value.tzinfo is None:
        value = value.astimezone()  # local time zone of the machine
    return value.astimezone(dt.timezone.utc)


def nbgrader_timestamp(value: dt.datetime) -> str:
    return utc(value).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def _stamp_dir(value: dt.datetime) -> str:
    return utc(value).strftime("%Y%m%dT%H%M%S.%fZ")


def safe_name(text: str) -> str:
    """A file-system safe version of an untrusted name (for the unknown archive)."""
    cleaned = _UNSAFE.sub("_", text.lower()).strip("._-")
    return (cleaned or "uten-navn")[:80]


_UNSAFE_FILE = re.compile(r"[^\w.-]+")
MAX_NAME_BYTES = 100


def archive_name(filename: str) -> str:
    """A safe, short file name for the archive (the original name is kept in KILDE.txt and the log).

    Letters (æøå too), digits, ``.``, ``_`` and ``-`` are kept; a name longer than
    :data:`MAX_NAME_BYTES` bytes is cut and gets a short hash of the original, so
    two long names stay apart.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem, suffix = os.path.splitext(name)
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix or "."):
        stem, suffix = name, ""
    stem = _UNSAFE_FILE.sub("_", stem).strip("._-") or "uten-navn"
    if len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        short = stem.encode("utf-8")[: MAX_NAME_BYTES - 30].decode("utf-8", "ignore").rstrip("._-")
        stem = f"{short}-{sha256_bytes(filename.encode('utf-8', 'surrogateescape'))[:10]}"
    return stem + suffix


def archive_bytes(course_dir: Course, assignment: str, student: str, filename: str,
                  data: bytes, timestamp: dt.datetime, source: str) -> tuple[Path, str]:
    """Store ``data`` read-only in the archive, verify it, and return (path, sha256).

    Idempotent: the same bytes at the same timestamp are stored once.
    """
    lay = layout(course_dir)
    digest = sha256_bytes(data)
    folder = lay.archive_dir(assignment, student) / _stamp_dir(timestamp)
    folder.mkdir(parents=True, exist_ok=True)
    name = archive_name(filename)
    target = folder / name
    if target.exists():
        if sha256_file(target) == digest:
            return target, digest
        stem, suffix = os.path.splitext(name)
        n = 2
        while (folder / f"{stem}.{n}{suffix}").exists():
            if sha256_file(folder / f"{stem}.{n}{suffix}") == digest:
                return folder / f"{stem}.{n}{suffix}", digest
            n += 1
        target = folder / f"{stem}.{n}{suffix}"
    tmp = folder / f".{target.name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if sha256_file(tmp) != digest:  # pragma: no cover - disk trouble
        tmp.unlink()
        raise OSError(f"Arkivkopien av {filename} ble ikke lik originalen.")
    os.replace(tmp, target)
    os.chmod(target, stat.S_IRUSR | stat.S_IRGRP)
    with open(folder / "SHA256SUMS", "a", encoding="utf-8") as fh:
        fh.write(f"{digest}  {target.name}\n")
    with open(folder / "KILDE.txt", "a", encoding="utf-8") as fh:
        fh.write(f"{target.name}\t{source}\t{nbgrader_timestamp(timestamp)}\n")
    return target, digest


def log_event(course_dir: Course, assignment: str, event: dict) -> None:
    """Add one event to the collection log (``arkiv/<assignment>/innsamling.jsonl``)."""
    path = layout(course_dir).collect_log(assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    event = dict(event, logged=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(event, ensure_ascii=False) + "\n")


def read_collect_log(course_dir: Course, assignment: str) -> list[dict]:
    """The events of the collection log, oldest first (a damaged line is skipped)."""
    path = layout(course_dir).collect_log(assignment)
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


def verify_archive(course_dir: Course, assignment: str) -> list[str]:
    """Check every archived file against its SHA256SUMS. Returns the problems (empty = all fine)."""
    lay = layout(course_dir)
    problems = []
    for sums in sorted((lay.arkiv / assignment).rglob("SHA256SUMS")):
        for line in sums.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            path = sums.parent / name
            if not path.exists():
                problems.append(f"Mangler: {path.relative_to(lay.root)}")
            elif sha256_file(path) != digest:
                problems.append(f"Endret: {path.relative_to(lay.root)}")
    return problems
