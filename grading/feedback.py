"""Tilbakemelding til deltakerne (feedback HTML), safe to send to learners.

:func:`generate_feedback` runs nbgrader's ``GenerateFeedback`` converter
(in this process, through its Python API) with three changes to nbgrader's
defaults:

* ``ClearHiddenTests`` is added to the preprocessors, so hidden tests are not
  shown. Before it runs, :class:`SkjulteTesterUtdata` replaces the outputs of
  cells with hidden tests by a one-line result, because a traceback would
  otherwise show the hidden test code anyway.
* The page is rendered by :class:`KursTilbakemelding` with our own template
  (``grading/templates/feedback_side.html.j2``): in the assignment's målform
  (``vage-nn``: nynorsk, ``lang="nn"``, see :mod:`grading.malform`),
  headings, a score table with ``scope`` headers, no scripts, no MathJax, no
  CDN, no web fonts. nbgrader's own template loads MathJax 2.7.7 from a CDN
  and renders raw HTML in learners' markdown answers (a ``<script>`` in an
  answer would run in the learner's browser).
* Every file is post-processed by :func:`harden_html` as a last guard.

formgrader's «Generate feedback» button runs nbgrader with the course's
``nbgrader_config.py`` only. To make it produce the same safe pages, add::

    from pathlib import Path
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades", "grading.feedback.SkjulteTesterUtdata",
        "nbgrader.preprocessors.ClearHiddenTests", "grading.feedback.KursTilbakemelding"]
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [
        str(Path(__file__).resolve().parents[1] / "grading" / "templates")]

Learner text is never trusted: markdown is rendered with raw HTML escaped
(``<script>`` is shown as text), images are only allowed as inline ``data:``
images, and HTML outputs of code cells go through an allowlist sanitiser.
The sanitiser, safe markdown, :func:`harden_html` and
:func:`find_external_resources` live in :mod:`fellesregler.sanitise`.
"""
from __future__ import annotations

import base64
import logging
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from fellesregler.formatering import COURSE_NAME, poeng
from fellesregler.sanitise import harden_html_file, plain_text, safe_markdown, sanitize_html
from fellesregler.sprak import aktivt, med_sprak, oversetter
from grading.malform import DOMENE_SIDER, malform_for_oppgave, sidemaler
from grading.paths import TEMPLATES, Course, layout

#: The learner's page is in the målform of the assignment (vage-nn: nynorsk); texts in «retting».
_ = oversetter(DOMENE_SIDER)

log = logging.getLogger(__name__)

# Named like nbgrader's own template on purpose: formgrader's «Generate feedback»
# forces HTMLExporter.template_name = "feedback", so with our template folder as
# the only extra_template_basedirs (see feedback_config) it picks ours.
NBCONVERT_TEMPLATE = "feedback"
PYGMENTS_STYLE = "a11y-light"  # accessible-pygments: WCAG AA contrast on a light background


class FeedbackError(RuntimeError):
    """Feedback could not be generated; the message is Norwegian and says what to do.

    ``written`` holds the files that were made anyway (for the other learners)
    and ``failed`` the learner ids that failed.
    """

    def __init__(self, message: str, written: list[Path] | None = None,
                 failed: list[str] | None = None):
        super().__init__(message)
        self.written = list(written or [])
        self.failed = list(failed or [])


# ---------------------------------------------------------------------------
# nbconvert preprocessors used inside nbgrader's GenerateFeedback
# ---------------------------------------------------------------------------
def _nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _sprak_for(resources) -> str:
    """The målform of the learner's page: that of the assignment (``vage-nn``: nynorsk)."""
    return malform_for_oppgave(str((resources.get("nbgrader") or {}).get("assignment", "")))


class SkjulteTesterUtdata(Preprocessor):
    """Before ``ClearHiddenTests``: replace outputs of cells with hidden tests.

    A failing hidden test would otherwise show its own code in the traceback.
    The learner sees only whether the test passed, the error type and the
    error message the author wrote.
    """

    enabled = Bool(True).tag(config=True)
    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            cell.metadata["kurs_skjult_test"] = True
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                err = errors[0]
                detail = f"{err.get('ename', 'Feil')}: {err.get('evalue', '')}".rstrip(": ")
                with med_sprak(_sprak_for(resources)):
                    text = _("Testen feilet ({detaljer}). Detaljene fra skjulte tester vises ikke."
                             ).format(detaljer=detail)
            else:
                with med_sprak(_sprak_for(resources)):
                    text = _("Testen besto.")
            from nbformat.v4 import new_output

            cell.outputs = [new_output("stream", name="stdout", text=text)]
        return cell, resources


def _highlight(source: str, language: str = "python") -> Markup:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language or "python")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    return Markup(highlight(source or " ", lexer, HtmlFormatter(cssclass="highlight")))


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    try:
        return HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs(".highlight")
    except Exception:  # style package missing: fall back to pygments' default
        return HtmlFormatter().get_style_defs(".highlight")


def _render_output(output) -> Markup:
    from nbconvert.filters.ansi import ansi2html

    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        cls = "utdata feilstrom" if output.get("name") == "stderr" else "utdata"
        return Markup('<pre class="{}">{}</pre>').format(cls, Markup(ansi2html(text)))
    if kind == "error":
        tb = "\n".join(output.get("traceback", [])) or f"{output.get('ename')}: {output.get('evalue')}"
        return Markup('<pre class="utdata feilstrom">{}</pre>').format(Markup(ansi2html(tb)))
    data = output.get("data", {})
    if "text/html" in data:
        value = data["text/html"]
        value = "".join(value) if isinstance(value, list) else value
        return Markup('<div class="utdata-html">{}</div>').format(Markup(sanitize_html(value)))
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            b64 = data[mime]
            b64 = "".join(b64) if isinstance(b64, list) else b64
            b64 = re.sub(r"\s+", "", b64)
            try:
                base64.b64decode(b64, validate=True)
            except ValueError:
                break
            return Markup('<img class="figur" src="data:{};base64,{}" alt="{}">').format(
                mime, b64, _("Figur laget av koden"))
    if "text/markdown" in data:
        value = data["text/markdown"]
        value = "".join(value) if isinstance(value, list) else value
        return Markup('<div class="utdata-html">{}</div>').format(safe_markdown(value, heading_offset=2))
    if "text/plain" in data:
        value = data["text/plain"]
        value = "".join(value) if isinstance(value, list) else value
        return Markup('<pre class="utdata">{}</pre>').format(Markup(ansi2html(value)))
    return Markup('<p class="utdata merknad">{}</p>').format(
        _("(Dette innholdet kan ikke vises i tilbakemeldingen.)"))


def _heading_of(source: str) -> str | None:
    for line in (source or "").splitlines():
        m = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m and m.group(1).strip():
            return plain_text(m.group(1))
    return None


def _anchor(grade_id: str, used: set[str]) -> str:
    base = "del-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", grade_id or "").strip("-") or "x")
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def build_cells(nb) -> tuple[list[dict], list[dict]]:
    """Turn a (feedback-preprocessed) notebook into render data: (cells, graded parts)."""
    cells: list[dict] = []
    parts: list[dict] = []
    used: set[str] = set()
    last_prompt: str | None = None
    counters = {"svar": 0, "test": 0}
    language = (nb.metadata.get("kernelspec", {}) or {}).get("language", "python")
    for cell in nb.cells:
        meta = _nbg(cell)
        is_solution, is_grade, is_task = bool(meta.get("solution")), bool(meta.get("grade")), \
            bool(meta.get("task"))
        item: dict[str, Any] = {"kind": "tekst"}
        if cell.cell_type == "markdown":
            body = safe_markdown(cell.source, cell.get("attachments"), heading_offset=2)
            if is_task:
                item = {"kind": "oppgave", "etikett": _("Oppgave"), "body": body}
            elif is_solution or is_grade:
                item = {"kind": "svar", "etikett": _("Ditt svar"), "body": body}
            else:
                item = {"kind": "tekst", "body": body}
                last_prompt = _heading_of(cell.source) or last_prompt
        elif cell.cell_type == "code":
            item = {
                "kind": "kode",
                "code": _highlight(cell.source, language),
                "outputs": [_render_output(o) for o in cell.get("outputs", [])],
            }
            if is_solution:
                item.update(kind="kodesvar", etikett=_("Din kode"))
            elif is_grade:
                item.update(kind="test", etikett=_("Automatisk test"))
        else:
            continue  # raw cells are not shown
        if is_solution or is_grade or is_task:
            grade_id = str(meta.get("grade_id", ""))
            item["anchor"] = _anchor(grade_id, used)
            if is_grade or is_task:
                key = "test" if item["kind"] == "test" else "svar"
                counters[key] += 1
                fallback = (_("Automatisk test {nummer}") if key == "test"
                            else _("Svar {nummer}")).format(nummer=counters[key])
                label = last_prompt or fallback
                if key == "test" and last_prompt:
                    label = _("{del_} (automatisk test)").format(del_=last_prompt)
                item["poeng"], item["maks"] = meta.get("score"), meta.get("points")
                item["poeng_tekst"] = poeng(item["poeng"])
                item["maks_tekst"] = poeng(item["maks"])
                parts.append({"label": label, "anchor": item["anchor"], "poeng": item["poeng_tekst"],
                              "maks": item["maks_tekst"]})
                item["tittel"] = label
            comment = meta.get("comment")
            if (is_solution or is_task) and comment and str(comment).strip():
                item["kommentar"] = safe_markdown(str(comment), heading_offset=3)
        cells.append(item)
    return cells, parts


def render_feedback_page(nb, nbgrader_info: dict, assignment_title: str | None = None) -> str:
    """Render the whole feedback page (our template, autoescaped), in the målform in force."""
    cells, parts = build_cells(nb)
    notebook = str(nbgrader_info.get("notebook", ""))
    assignment = str(nbgrader_info.get("assignment", ""))
    late = float(nbgrader_info.get("late_penalty") or 0)
    return sidemaler(TEMPLATES).get_template("feedback_side.html.j2").render(
        sprak=aktivt(),
        kurs=COURSE_NAME,
        tittel=assignment_title or assignment,
        notatbok=notebook,
        poeng=poeng(nbgrader_info.get("score")),
        maks=poeng(nbgrader_info.get("max_score")),
        trekk=poeng(late) if late > 0 else None,
        deler=parts,
        celler=cells,
        pygments_css=Markup(_pygments_css()),
    )


class KursTilbakemelding(Preprocessor):
    """Last preprocessor: renders the page into ``resources['kurs_side']``.

    Our nbconvert template (``templates/feedback``) only prints that
    string, so all escaping happens in our own autoescaped Jinja environment.
    """

    enabled = Bool(True).tag(config=True)
    oppgavetittel = Unicode("", help="Title of the assignment shown to the learner").tag(config=True)

    def preprocess(self, nb, resources):
        info = dict(resources.get("nbgrader", {}))
        title = self.oppgavetittel or None
        if title is None:  # e.g. run from formgrader: the locked intro heading
            first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
            title = _heading_of(first.source) if first is not None else None
        with med_sprak(_sprak_for(resources)):
            resources["kurs_side"] = render_feedback_page(nb, info, title)
        return nb, resources


# ---------------------------------------------------------------------------
# Running nbgrader
# ---------------------------------------------------------------------------
def feedback_config(course_dir: Course, assignment: str | None = None):
    """The traitlets Config for nbgrader's GenerateFeedback used by :func:`generate_feedback`.

    It can also be merged into ``nbgrader_config.py`` so that formgrader's
    «Generate feedback» button produces the same safe pages.
    """
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades
    from traitlets.config import Config

    from grading._nbgrader import load_config

    lay = layout(course_dir)
    base = load_config(lay)
    begin = base.get("ClearHiddenTests", {}).get("begin_test_delimeter", "BEGIN HIDDEN TESTS")
    c = Config()
    c.CourseDirectory.root = str(lay.root)
    c.CourseDirectory.db_url = lay.db_url
    c.GenerateFeedback.preprocessors = [GetGrades, SkjulteTesterUtdata, ClearHiddenTests,
                                        KursTilbakemelding]
    c.SkjulteTesterUtdata.begin_test_delimeter = begin
    c.HTMLExporter.template_name = NBCONVERT_TEMPLATE
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    if assignment:
        from grading.guide import assignment_title

        c.KursTilbakemelding.oppgavetittel = assignment_title(lay, assignment)
    return c


def _autograded_students(course_dir: Course, assignment: str) -> list[str]:
    lay = layout(course_dir)
    if not lay.autograded.exists():
        return []
    return sorted(p.name for p in lay.autograded.iterdir()
                  if (p / assignment).is_dir() and any((p / assignment).glob("*.ipynb")))


def generate_feedback(course_dir: Course, assignment: str,
                      students: list[str] | None = None, *, progress: bool = False) -> list[Path]:
    """Generate safe feedback HTML for ``assignment``; return the written files.

    ``students`` limits the run to these learner ids (default: every learner
    with an autograded submission). Files go to
    ``feedback/<id>/<assignment>/<notebook>.html``. Raises
    :class:`FeedbackError` (Norwegian message) when nothing can be generated,
    or, after doing all the others, when some learners failed.
    """
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from tqdm import tqdm

    from grading._nbgrader import load_config

    lay = layout(course_dir)
    available = _autograded_students(lay, assignment)
    if students is None:
        wanted = available
    else:
        wanted = list(dict.fromkeys(students))
        missing = [s for s in wanted if s not in available]
        if missing:
            raise FeedbackError(
                f"Fant ingen rettet innlevering av «{assignment}» for: {', '.join(missing)}. "
                "Kjør retting (autograde) først, eller sjekk deltaker-id.")
    if not wanted:
        raise FeedbackError(
            f"Ingen rettede innleveringer av «{assignment}» ennå. Kjør retting (autograde) først.")

    cfg = load_config(lay)
    cfg.merge(feedback_config(lay, assignment))
    written: list[Path] = []
    failures: dict[str, str] = {}
    for student in tqdm(wanted, desc="Tilbakemeldinger", unit="deltaker", disable=not progress):
        coursedir = CourseDirectory(config=cfg)
        coursedir.assignment_id = assignment
        coursedir.student_id = student
        converter = GenerateFeedback(coursedir=coursedir, config=cfg)
        converter.force = True
        result = capture_log(converter)
        out_dir = lay.feedback_dir(student, assignment)
        targets = [out_dir / (src.stem + ".html")
                   for src in sorted(lay.autograded_dir(student, assignment).glob("*.ipynb"))]
        if not result.get("success") or not all(t.exists() for t in targets):
            detail = (result.get("log") or "") + (result.get("error") or "")
            failures[student] = "\n".join(detail.strip().splitlines()[-8:]) or "ingen fil skrevet"
            continue
        for target in targets:
            harden_html_file(target)
            written.append(target)
    if failures:
        lines = "\n".join(f"  – {s}: {why}" for s, why in failures.items())
        raise FeedbackError(
            f"Tilbakemeldingen på «{assignment}» kunne ikke lages for {len(failures)} deltaker(e). "
            f"De andre ({len(written)} filer) er laget.\n{lines}",
            written=written, failed=list(failures))
    return written
