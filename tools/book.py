"""Build the course book, both editions, strictly: what `make book` runs.

Bokmål is `jupyter-book build . -W -n --keep-going` into _build/html; each
translated edition (today nynorsk) is `tools/i18n.py build --lang nn` into
_build/html/nn. The editions share no build state: each has its own doctrees
and its own execution cache (the nynorsk code cells run with KURS_SPRAK=nn),
and the Pyodide bytecode they share is made under a lock
(tools/build_wheels.py). So on a machine with two cores or more they are built
at the same time, each in its own process; each edition's messages are printed
in one piece when it is done, bokmål first.

Both processes defer an import that no build uses (tools/fast_imports.py).

Usage: .venv/bin/python tools/book.py [--edition nb|nn ...] [--serial]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the repository's packages
    sys.path.insert(0, str(ROOT))

#: Every edition, the source (bokmål) first; the translated ones are tools/i18n.py's LANGUAGES.
EDITIONS = ("nb", "nn")
#: What `make book` has always run for bokmål.
JUPYTER_BOOK_ARGS = ["build", ".", "-W", "-n", "--keep-going"]


def command(edition: str, root: Path = ROOT) -> list[str]:
    """The command that builds one edition (run it in `root`)."""
    if edition == "nb":
        return [sys.executable, str(root / "tools" / "book.py"), "_bokmal"]
    return [sys.executable, str(root / "tools" / "i18n.py"), "build", "--lang", edition]


def parallel_default() -> bool:
    return (os.cpu_count() or 1) >= 2


def build(editions: tuple[str, ...] = EDITIONS, root: Path = ROOT, parallel: bool | None = None) -> int:
    """Build the editions, printing their messages; 0 if every one was built."""
    parallel = parallel_default() if parallel is None else parallel
    failed = []
    if not parallel or len(editions) < 2:
        for edition in editions:
            sys.stdout.flush()
            if subprocess.run(command(edition, root), cwd=root, check=False).returncode != 0:
                failed.append(edition)
    else:
        print(f"Bygger utgavene {', '.join(editions)} samtidig; meldingene kommer når hver er ferdig.",
              flush=True)
        start = time.perf_counter()
        jobs = []
        for edition in editions:
            log = tempfile.TemporaryFile()
            jobs.append((edition, subprocess.Popen(command(edition, root), cwd=root, stdout=log,
                                                   stderr=subprocess.STDOUT), log))
        for edition, proc, log in jobs:
            code = proc.wait()
            log.seek(0)
            sys.stdout.flush()
            sys.stdout.buffer.write(log.read())
            log.close()
            print(f"Utgaven «{edition}» ferdig etter {time.perf_counter() - start:.1f} s "
                  f"({'feil' if code else 'ok'}).", flush=True)
            if code:
                failed.append(edition)
    if failed:
        print(f"Byggingen feilet for: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def _build_bokmal() -> int:
    """`jupyter-book build . -W -n --keep-going`, in this process, with the import deferred."""
    from tools.fast_imports import defer_rfc3987_syntax

    defer_rfc3987_syntax()
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book(JUPYTER_BOOK_ARGS, prog_name="jupyter-book")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_bokmal"]:  # internal: the bokmål edition in this process (see command)
        return _build_bokmal()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition", action="append", choices=EDITIONS,
                        help="bygg bare denne utgaven (kan gjentas); standard er alle")
    parser.add_argument("--serial", action="store_true", help="bygg utgavene etter hverandre")
    args = parser.parse_args(argv)
    editions = tuple(e for e in EDITIONS if e in (args.edition or EDITIONS))
    return build(editions, parallel=False if args.serial else None)


if __name__ == "__main__":
    sys.exit(main())
