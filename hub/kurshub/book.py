"""The book as a hub service: the built HTML under /services/boka/ (public, like the published book).

The book's links to live widgets point at `make start`'s Voila (``kurs_live_base``);
on the hub the same apps are at /services/apper/voila/render, so HTML pages get
that one base URL replaced as they are served.

Run by the hub: ``python -m kurshub.book HTML_DIR`` with JUPYTERHUB_SERVICE_URL
and JUPYTERHUB_SERVICE_PREFIX set by JupyterHub.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from tornado import web

LIVE_BASE_BOOK = "http://127.0.0.1:8866/voila/render"


class BookHandler(web.StaticFileHandler):
    _live_base = "/services/apper/voila/render"

    @classmethod
    def get_content(cls, abspath, start=None, end=None):
        content = super().get_content(abspath, start, end)
        if abspath.endswith(".html") and start is None and end is None:
            data = b"".join(content) if not isinstance(content, bytes) else content
            return data.replace(LIVE_BASE_BOOK.encode(), cls._live_base.encode())
        return content

    def get_content_size(self):
        if self.absolute_path.endswith(".html"):
            return len(self.get_content(self.absolute_path))
        return super().get_content_size()

    def set_extra_headers(self, path):
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")


def make_app(html: Path, prefix: str, live_base: str) -> web.Application:
    BookHandler._live_base = live_base
    return web.Application([
        (prefix.rstrip("/"), web.RedirectHandler, {"url": prefix}),
        (prefix + "(.*)", BookHandler, {"path": str(html), "default_filename": "index.html"}),
    ])


async def main() -> None:
    html = Path(sys.argv[1])
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/boka/")
    live = os.environ.get("KURS_LIVE_BASE", "/services/apper/voila/render")
    app = make_app(html, prefix, live)
    app.listen(url.port, address=url.hostname or "127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
