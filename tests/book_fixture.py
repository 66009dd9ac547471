"""Build the whole course book strictly, both editions, once per test session, into _build/.

The fixture `built_book` in conftest.py calls `build_book()`; the browser tests
and the build tests share its result. `toc_pages()` lists every page in
_toc.yml order, so tests cover each page the book publishes.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import threading
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@dataclass(frozen=True)
class BookBuild:
    returncode: int
    output: str
    html: Path
    seconds: float


def toc_pages(root: Path = ROOT) -> list[str]:
    """Docnames (for example "chapters/vage") of every page in _toc.yml, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                pages.append(str(Path(entry["file"]).with_suffix("")))
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [str(Path(p).with_suffix("")) if p.endswith((".md", ".ipynb")) else p for p in pages]


def build_book(root: Path = ROOT, timeout: int = 1800) -> BookBuild:
    """Build both editions as `make book` does (tools/book.py: bokmål with `jupyter-book build . -W
    -n --keep-going` into _build/html, nynorsk with `tools/i18n.py build` into _build/html/nn).
    Never raises on failure."""
    start = time.perf_counter()
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, str(root / "tools" / "book.py")], cwd=root, capture_output=True,
                          text=True, timeout=timeout, env=env)
    return BookBuild(proc.returncode, proc.stdout + proc.stderr, root / "_build" / "html",
                     time.perf_counter() - start)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve_static(directory: Path):
    """Serve a folder with a plain static server on 127.0.0.1 (free port); yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
