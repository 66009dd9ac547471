"""Tagged PDF (PDF/UA-1) from our HTML templates, with WeasyPrint.

WeasyPrint (PyPI; it draws text with Pango from Debian) writes the document's
structure tree (H1, H2, P, L, Table …) from the HTML, the language from
``<html lang="nb">``, and the title, author, subject (``<meta
name="description">``) and keywords from the head. With the ``pdf/ua-1``
variant it also marks the document as tagged, shows the title in the viewer,
and adds the XMP metadata PDF/UA asks for.

The font is DejaVu Sans from matplotlib's bundled fonts (æ, ø and å; nothing
downloaded, no Debian font package needed). Only ``file:`` URLs inside the
package and inline ``data:`` URLs are fetched: any other URL in a template
raises instead of reaching out.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

PDF_VARIANT = "pdf/ua-1"


def font_css() -> str:
    """``@font-face`` rules for DejaVu Sans (regular, bold, italic) from matplotlib's files."""
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = (("DejaVuSans.ttf", "normal", "normal"), ("DejaVuSans-Bold.ttf", "bold", "normal"),
             ("DejaVuSans-Oblique.ttf", "normal", "italic"),
             ("DejaVuSans-BoldOblique.ttf", "bold", "italic"))
    rules = []
    for name, weight, style in faces:
        path = base / name
        if not path.exists():
            raise FileNotFoundError(
                f"Fant ikke skriften {path}. Den følger med matplotlib; installer matplotlib på nytt.")
        rules.append(f'@font-face {{ font-family: "Kurs"; src: url("{path.as_uri()}"); '
                     f"font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(rules)


def _local_only(url: str, timeout: int = 10, ssl_context=None):
    from weasyprint import default_url_fetcher

    if not (url.startswith("file:") or url.startswith("data:")):
        raise ValueError(f"PDF-en prøvde å hente {url}. Bare lokale filer er lov.")
    return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)


def write_pdf(html: str, path: Path, *, created: dt.datetime | None = None) -> Path:
    """Render ``html`` to a tagged PDF/UA file at ``path`` (folders are made)."""
    from weasyprint import HTML

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = HTML(string=html, base_url=str(Path(__file__).parent), url_fetcher=_local_only).render(
        pdf_variant=PDF_VARIANT)
    if created is not None:
        stamp = created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        doc.metadata.created = stamp
        doc.metadata.modified = stamp
    tmp = path.with_name(f".{path.name}.tmp")
    doc.write_pdf(str(tmp), pdf_variant=PDF_VARIANT)
    tmp.replace(path)
    return path
