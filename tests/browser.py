"""Shared Playwright helpers: Debian's Chromium, external-request counting, axe-core.

Never run `playwright install`: it downloads a browser. We drive /usr/bin/chromium.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
AXE_JS = ROOT / "_vendor_static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    """Start headless Debian Chromium. Fails loudly if it is not installed."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Fant ikke /usr/bin/chromium. Kjør `make test`, som installerer den.")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@dataclass
class RequestLog:
    """Every request a page makes; `external` are those leaving the machine."""

    all: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.all.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
            return
        if parsed.scheme == "file":
            return
        if parsed.hostname not in LOCAL_HOSTS:
            self.external.append(url)


def watch_requests(page) -> RequestLog:
    """Record every request and WebSocket a page opens."""
    log = RequestLog()
    page.on("request", lambda req: log.record(req.url))
    page.on("websocket", lambda ws: log.record(ws.url.replace("ws", "http", 1)))
    return log


def run_axe(page, context: str | None = None) -> list[dict]:
    """Run axe-core with the WCAG 2.1 A/AA tags; return the violations."""
    if not AXE_JS.exists():
        raise RuntimeError("Fant ikke axe-core. Kjør `make vendor`.")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    target = json.dumps(context) if context else "document"
    return page.evaluate(
        f"""async () => {{
            const r = await axe.run({target}, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}}}});
            return r.violations.map(v => ({{id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}}));
        }}"""
    )


def format_violations(violations: list[dict]) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)
