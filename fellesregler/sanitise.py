"""HTML safety for learners' text and the pages the toolkit writes (bleach, mistune, Beautiful Soup, Jinja).

Learner text is never trusted: markdown is rendered with raw HTML escaped (``<script>`` is shown as
text), images are only allowed as inline ``data:`` images, and HTML outputs of code cells go through
an allowlist sanitiser (:func:`sanitize_html`). :func:`harden_html` is the last guard over every
whole document, :func:`find_external_resources` what the tests check every HTML file with, and
:func:`jinja_env` the one autoescaping template environment.

Used by ``grading/`` only; the widgets escape with :mod:`fellesregler.escaping` (standard library).
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Iterable

import bleach
import mistune
from markupsafe import Markup

__all__ = [
    "find_external_resources",
    "harden_html",
    "harden_html_file",
    "jinja_env",
    "plain_text",
    "safe_markdown",
    "sanitize_html",
]

_DATA_IMAGE_RE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$", re.I)



# ---------------------------------------------------------------------------
# Safe rendering of untrusted text
# ---------------------------------------------------------------------------
_MD_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "del",
    "code", "pre", "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span",
}
_HTML_OUTPUT_TAGS = _MD_TAGS | {"h1", "div", "b", "i", "u", "sub", "sup", "caption", "tfoot",
                                "dl", "dt", "dd", "small", "abbr", "colgroup", "col"}


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name in {"title"}:
        return True
    if tag == "a" and name == "href":
        v = value.strip().lower()
        return v.startswith(("http://", "https://", "mailto:", "#"))
    if tag == "img" and name == "src":
        return bool(_DATA_IMAGE_RE.match(value.strip()))
    if tag == "img" and name == "alt":
        return True
    if tag in {"th", "td"} and name in {"scope", "colspan", "rowspan"}:
        return True
    if tag == "span" and name == "class":
        return value in {"bilde-mangler"}
    if tag == "ol" and name == "start":
        return value.isdigit()
    return False


def sanitize_html(fragment: str, tags: Iterable[str] = _HTML_OUTPUT_TAGS) -> str:
    """Allowlist-sanitise an HTML fragment. Disallowed tags are escaped, so they show as text."""
    cleaned = bleach.clean(
        fragment,
        tags=set(tags),
        attributes=_allowed_attribute,
        protocols={"http", "https", "mailto", "data"},
        strip=False,
        strip_comments=True,
    )
    if "<img" not in cleaned:
        return cleaned
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(cleaned, "html.parser")
    for img in soup.find_all("img"):
        alt = (img.get("alt") or "").strip()
        if not img.get("src"):
            span = soup.new_tag("span", attrs={"class": "bilde-mangler"})
            span.string = f"[Bilde: {alt or 'uten beskrivelse'}]"
            img.replace_with(span)
        elif not alt:
            img["alt"] = "Bilde uten beskrivelse"
    return str(soup)


class _SafeRenderer(mistune.HTMLRenderer):
    """mistune renderer: raw HTML escaped, headings shifted, only inline data images."""

    def __init__(self, heading_offset: int = 0, attachments: dict | None = None):
        super().__init__(escape=True)
        self._offset = heading_offset
        self._attachments = attachments or {}

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        level = max(2, min(6, level + self._offset))
        return f"<h{level}>{text}</h{level}>\n"

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if not url.strip().lower().startswith(("http://", "https://", "mailto:", "#")):
            return text  # javascript:, data:, file: …: show the text, no link
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        alt = text or "bilde uten beskrivelse"
        src = None
        if url.startswith("attachment:"):
            bundle = self._attachments.get(url[len("attachment:"):], {})
            for mime in ("image/png", "image/jpeg", "image/gif", "image/webp"):
                if mime in bundle:
                    data = bundle[mime]
                    data = "".join(data) if isinstance(data, list) else data
                    src = f"data:{mime};base64,{data}"
                    break
        elif _DATA_IMAGE_RE.match(url):
            src = url
        if src and _DATA_IMAGE_RE.match(src):
            return f'<img src="{html.escape(src, quote=True)}" alt="{alt}">'
        # External or unknown images are never loaded: show the description instead.
        return f'<span class="bilde-mangler">[Bilde: {alt}]</span>'


def safe_markdown(source: str, attachments: dict | None = None, heading_offset: int = 0) -> Markup:
    """Render untrusted markdown to safe HTML.

    Raw HTML is escaped (``<script>`` shows as the text ``<script>``), links
    keep only http(s)/mailto/# targets, images only inline ``data:`` images,
    and headings are shifted by ``heading_offset`` (never above ``h2``).
    """
    md = mistune.create_markdown(
        renderer=_SafeRenderer(heading_offset, attachments),
        plugins=["strikethrough", "table"],
    )
    rendered = md(source or "")
    return Markup(sanitize_html(rendered, _MD_TAGS))


def plain_text(source: str) -> str:
    """Markdown to plain text (for titles and PDF fallbacks)."""
    from bs4 import BeautifulSoup

    rendered = mistune.create_markdown(escape=True)(source or "")
    return BeautifulSoup(rendered, "html.parser").get_text(" ").strip()


# ---------------------------------------------------------------------------
# Whole-document guard and checker
# ---------------------------------------------------------------------------
_URL_ATTRS = ("src", "href", "xlink:href", "srcset", "poster", "background", "action",
              "formaction", "data", "ping", "lowsrc", "dynsrc", "longdesc", "cite", "manifest",
              "codebase", "archive", "profile", "icon")
_DROP_TAGS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
              "link", "form", "noscript", "portal", "template")
_REMOTE_RE = re.compile(r"^\s*(https?:|ftps?:|//|\\\\)", re.I)
_BAD_SCHEME_RE = re.compile(r"^\s*(javascript|vbscript|livescript):", re.I)
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_IMPORT_RE = re.compile(r"@import[^;]*;?", re.I)


def _css_is_remote(css: str) -> list[str]:
    hits = [m.group(0) for m in _CSS_IMPORT_RE.finditer(css)]
    hits += [m.group(0) for m in _CSS_URL_RE.finditer(css)
             if not m.group(2).strip().lower().startswith(("data:", "#"))]
    return hits


def find_external_resources(document: str) -> list[str]:
    """List everything in an HTML document that would make the browser fetch something.

    Counts scripts (any ``<script src>``), stylesheets and other ``<link>``,
    images, frames, media, ``@import``/``url()`` in CSS, and ``on*`` handlers
    or ``javascript:`` URLs. Plain navigation links (``<a href>``) are not
    resource loads and are not listed. An empty list means the page is
    self-contained.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(document, "html.parser")
    found: list[str] = []
    for el in soup.find_all(True):
        for attr, value in list(el.attrs.items()):
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                found.append(f"<{el.name} {attr}=…>")
            elif attr.lower() in _URL_ATTRS:
                if _BAD_SCHEME_RE.match(value):
                    found.append(f"<{el.name} {attr}={value[:60]}>")
                elif el.name == "a" and attr == "href":
                    continue
                elif value.strip() and not value.strip().lower().startswith(("data:", "#")):
                    found.append(f"<{el.name} {attr}={value[:80]}>")
            elif attr.lower() == "style":
                found += [f"<{el.name} style: {h[:60]}>" for h in _css_is_remote(value)]
        if el.name == "style":
            found += [f"<style>: {h[:80]}" for h in _css_is_remote(el.get_text())]
        if el.name == "meta" and str(el.get("http-equiv", "")).lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    return found


def harden_html(document: str, title: str | None = None) -> str:
    """Make an HTML document self-contained and inert; ``lang`` is ``nb`` unless it is ``nn``.

    Removes scripts, frames, objects, ``<link>``, ``<base>``, forms, event
    handler attributes, ``javascript:`` URLs, remote images/media and remote
    ``url()``/``@import`` in CSS. A removed image is replaced by its alt text.
    Our own templates produce none of these; this is a last guard (for
    example for files written by nbgrader's own template through formgrader).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(document, "html.parser")
    for el in soup.find_all(list(_DROP_TAGS)):
        el.decompose()
    for el in soup.find_all("meta"):
        if str(el.get("http-equiv", "")).lower() == "refresh":
            el.decompose()
    for el in soup.find_all(True):
        for attr in list(el.attrs):
            value = el.attrs[attr]
            value = " ".join(value) if isinstance(value, list) else str(value)
            low = attr.lower()
            if low.startswith("on"):
                del el.attrs[attr]
            elif low in _URL_ATTRS:
                if _BAD_SCHEME_RE.match(value):
                    del el.attrs[attr]
                elif el.name == "a" and low == "href":
                    continue
                elif value.strip() and not value.strip().lower().startswith(("data:", "#")):
                    del el.attrs[attr]
            elif low == "style" and _css_is_remote(value):
                del el.attrs[attr]
        if el.name in ("img", "image", "video", "audio", "source", "track", "picture", "input") \
                and not el.get("src") and not el.get("href") and not el.get("xlink:href"):
            alt = el.get("alt") or "bilde"
            el.replace_with(soup.new_string(f"[{alt}]"))
    for el in soup.find_all("style"):
        css = el.string or el.get_text()
        if _css_is_remote(css):
            css = _CSS_IMPORT_RE.sub("", css)
            css = _CSS_URL_RE.sub(lambda m: m.group(0) if m.group(2).strip().lower().startswith(
                ("data:", "#")) else "none", css)
            el.string = css
    root = soup.find("html")
    if root is not None:
        from fellesregler.sprak import SPRAK, STANDARD

        # Our pages say their målform (a nynorsk feedback page: nn); anything else becomes bokmål.
        if root.get("lang") not in SPRAK:
            root["lang"] = STANDARD
        head = soup.find("head")
        if head is None:
            head = soup.new_tag("head")
            root.insert(0, head)
        if head.find("meta", charset=True) is None:
            head.insert(0, soup.new_tag("meta", charset="utf-8"))
        if head.find("title") is None or not head.find("title").get_text(strip=True):
            tag = head.find("title") or soup.new_tag("title")
            tag.string = title or "Tilbakemelding"
            head.append(tag)
    out = str(soup)
    if not out.lstrip().lower().startswith("<!doctype"):
        out = "<!DOCTYPE html>\n" + out
    return out


def harden_html_file(path: Path | str, title: str | None = None) -> Path:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    mode = path.stat().st_mode
    path.chmod(mode | 0o200)  # nbgrader may have written it read-only
    path.write_text(harden_html(text, title), encoding="utf-8")
    path.chmod(mode)
    return path


def jinja_env(templates: Path | str):
    """The template environment for our pages: autoescaped, strict about missing values."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
