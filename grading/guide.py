"""Rettehjelp (grading guide): one printable guide per assignment.

The guide is read from the SOURCE notebooks ``source/<assignment>/*.ipynb``
(the instructor versions, never the released ones). A manually graded
question is a cell with ``nbgrader.grade`` and ``nbgrader.solution`` (a
written or free-code answer) or an ``nbgrader.task`` cell. For each we
collect:

* the prompt: the nearest markdown cell above that is not itself an answer
  (normally the locked prompt cell); a task cell is its own prompt;
* the points (``nbgrader.points``);
* the rubric ``metadata.kurs.rubrikk`` with the levels ``full``, ``delvis``
  and ``ingen``; without it, the rubric written inside the solution block as
  bullets «**Full uttelling (4 poeng):** …», «**Delvis uttelling (1–3
  poeng):** …», «**Ingen uttelling (0 poeng):** …» (after a line
  «**Vurderingsveiledning …**»);
* the model answer ``metadata.kurs.modellsvar``, or else the text in the
  solution block (between ``BEGIN SOLUTION`` and ``END SOLUTION``) before the
  rubric, without its «**Modellsvar**» label.

Missing pieces never stop the guide: they are shown in a warning box on the
question («Mangler: …») and logged. ``strict=True`` raises
:class:`GuideError` instead, for checks in CI.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from fellesregler.formatering import COURSE_NAME, poeng
from grading.paths import ASSIGNMENTS, TEMPLATES, Course, layout

log = logging.getLogger(__name__)

LEVELS = (("full", "Full uttelling"), ("delvis", "Delvis uttelling"), ("ingen", "Ingen uttelling"))

#: Used only when a source notebook has no title of its own.
FALLBACK_TITLES = {
    "vage": "Å våge",
    "lede": "Å lede",
    "laere": "Å lære",
    "mobilisere": "Å mobilisere",
    "samhandle": "Å samhandle",
    "arbeidsgiverpolitikk": "Arbeidsgiverpolitikk",
    "handlingsplan": "Handlingsplan",
}


class GuideError(ValueError):
    """The guide cannot be made (or, with ``strict=True``, is incomplete). Norwegian message."""


@dataclass
class Question:
    """One manually graded question of an assignment."""

    number: int
    notebook: str
    grade_id: str
    title: str
    points: float | None
    prompt: str
    model_answer: str
    rubric: dict[str, str]
    cell_type: str
    missing: list[str] = field(default_factory=list)
    level_points: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Reading the source notebooks
# ---------------------------------------------------------------------------
def _source_notebooks(course_dir: Course, assignment: str) -> list[Path]:
    lay = layout(course_dir)
    folder = lay.source_dir(assignment)
    if not folder.is_dir():
        raise GuideError(
            f"Fant ikke kildemappen for oppgaven «{assignment}» ({folder}). "
            "Sjekk navnet på oppgaven, eller legg kildenotatboka i source/<oppgave>/.")
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        raise GuideError(f"Kildemappen {folder} har ingen notatbøker (.ipynb).")
    return notebooks


def _read_nb(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GuideError(f"Kan ikke lese kildenotatboka {path.name}: {exc}.") from exc


def _src(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _first_heading(text: str) -> str | None:
    from fellesregler.sanitise import plain_text

    for line in text.splitlines():
        m = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m and m.group(1).strip():
            return plain_text(m.group(1))
    return None


def assignment_title(course_dir: Course, assignment: str) -> str:
    """Title of an assignment: ``metadata.kurs.tittel`` of its first source
    notebook, else that notebook's first heading, else a built-in title, else the id."""
    lay = layout(course_dir)
    folder = lay.source_dir(assignment)
    if folder.is_dir():
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            title = ((nb.get("metadata") or {}).get("kurs") or {}).get("tittel")
            if isinstance(title, str) and title.strip():
                return title.strip()
            for cell in nb.get("cells", []):
                if cell.get("cell_type") == "markdown":
                    heading = _first_heading(_src(cell))
                    if heading:
                        return heading
            break
    return FALLBACK_TITLES.get(assignment, assignment)


def _solution_text(source: str, begin: str, end: str) -> str:
    lines = source.splitlines()
    out, inside = [], False
    for line in lines:
        if begin in line:
            inside = True
            continue
        if end in line:
            inside = False
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


_RUBRIC_START = re.compile(r"^\s*(\*\*|__)?\s*(vurderingsveiledning|rubrikk|vurderingskriterier)\b",
                           re.I)
_RUBRIC_ITEM = re.compile(
    r"^\s*[-*+]\s+(?:\*\*|__)?\s*(full|delvis|ingen)\s+uttelling\s*(?:\(([^)]*)\))?\s*:?\s*"
    r"(?:\*\*|__)?\s*:?\s*(.*)$", re.I)
_MODEL_LABEL = re.compile(r"^\s*(\*\*|__)?\s*modellsvar\s*:?\s*(\*\*|__)?\s*:?\s*$", re.I)


def split_solution(text: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """Split a solution block into (model answer, rubric, points per level).

    Understands the authors' inline format: the model answer (optionally under
    a «**Modellsvar**» line), then «**Vurderingsveiledning …**» and one bullet
    per level, «- **Full uttelling (4 poeng):** …».
    """
    lines = text.splitlines()
    model_lines: list[str] = []
    rubric: dict[str, str] = {}
    points: dict[str, str] = {}
    current: str | None = None
    in_rubric = False
    for line in lines:
        item = _RUBRIC_ITEM.match(line)
        if item:
            in_rubric = True
            current = item.group(1).lower()
            rubric[current] = item.group(3).strip()
            if item.group(2):
                points[current] = re.sub(r"\s*poeng\s*$", "", item.group(2).strip(), flags=re.I)
            continue
        if _RUBRIC_START.match(line):
            in_rubric, current = True, None
            continue
        if in_rubric:
            if current and line.strip() and (line.startswith((" ", "\t"))):
                rubric[current] += " " + line.strip()
            elif not line.strip():
                current = None
            continue
        if not model_lines and _MODEL_LABEL.match(line):
            continue
        model_lines.append(line)
    return "\n".join(model_lines).strip(), rubric, points


def _delimiters(course_dir: Course) -> tuple[str, str]:
    from grading._nbgrader import load_config

    cfg = load_config(course_dir).get("ClearSolutions", {})
    return (cfg.get("begin_solution_delimeter", "BEGIN SOLUTION"),
            cfg.get("end_solution_delimeter", "END SOLUTION"))


def read_questions(course_dir: Course, assignment: str) -> list[Question]:
    """All manually graded questions of ``assignment``, in notebook order."""
    lay = layout(course_dir)
    begin, end = _delimiters(lay)
    questions: list[Question] = []
    for path in _source_notebooks(lay, assignment):
        nb = _read_nb(path)
        cells = nb.get("cells", [])
        for idx, cell in enumerate(cells):
            meta = cell.get("metadata") or {}
            nbg = meta.get("nbgrader") or {}
            manual = (nbg.get("grade") and nbg.get("solution")) or nbg.get("task")
            if not manual:
                continue
            kurs = meta.get("kurs") if isinstance(meta.get("kurs"), dict) else {}
            missing: list[str] = []
            grade_id = str(nbg.get("grade_id") or f"celle-{idx + 1}")
            # Prompt
            if nbg.get("task"):
                prompt = _src(cell)
            else:
                prompt = ""
                for prev in reversed(cells[:idx]):
                    pnbg = (prev.get("metadata") or {}).get("nbgrader") or {}
                    if prev.get("cell_type") == "markdown" and not pnbg.get("solution") \
                            and not pnbg.get("grade"):
                        prompt = _src(prev)
                        break
                    if pnbg.get("solution") or pnbg.get("grade"):
                        break  # the previous answer: no prompt of our own
            if not prompt.strip():
                missing.append("oppgavetekst (en låst tekstcelle rett over svarcellen)")
            # Points
            points = nbg.get("points")
            try:
                points = float(points) if points is not None else None
            except (TypeError, ValueError):
                points = None
            if points is None:
                missing.append("poeng (nbgrader «points»)")
            # Rubric and model answer: metadata.kurs first, else the solution block
            solution = "" if nbg.get("task") else _solution_text(_src(cell), begin, end)
            inline_model, inline_rubric, level_points = split_solution(solution)
            raw_rubric = kurs.get("rubrikk")
            rubric: dict[str, str] = {}
            source_rubric = raw_rubric if isinstance(raw_rubric, dict) else inline_rubric
            if not source_rubric:
                missing.append("rubrikk (metadata.kurs.rubrikk med full, delvis og ingen)")
            else:
                for key, label in LEVELS:
                    value = source_rubric.get(key)
                    if isinstance(value, str) and value.strip():
                        rubric[key] = value.strip()
                    else:
                        missing.append(f"rubrikk for «{label.lower()}» (rubrikk.{key})")
            if isinstance(raw_rubric, dict):
                level_points = {}
            model = kurs.get("modellsvar")
            model = model.strip() if isinstance(model, str) else ""
            if not model:
                model = inline_model
            if not model:
                missing.append("modellsvar (metadata.kurs.modellsvar)")
            title = _first_heading(prompt) or f"Spørsmål {len(questions) + 1}"
            q = Question(len(questions) + 1, path.stem, grade_id, title, points, prompt, model,
                         rubric, str(cell.get("cell_type", "")), missing, level_points)
            if missing:
                log.warning("Rettehjelp for «%s», %s (%s): mangler %s.", assignment, q.title,
                            grade_id, "; ".join(missing))
            questions.append(q)
    return questions


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def _level_points(q: Question) -> dict[str, str]:
    if q.points is None:
        default = {"full": "?", "delvis": "?", "ingen": "0"}
    else:
        default = {
            "full": poeng(q.points),
            "delvis": f"mellom 0 og {poeng(q.points)}" if q.points > 0 else "–",
            "ingen": "0",
        }
    return {**default, **{k: v for k, v in q.level_points.items() if v}}


def _strip_prompt_heading(prompt: str) -> str:
    """The question heading is shown as the section heading; drop it from the body."""
    lines = prompt.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            if re.match(r"^\s{0,3}#{1,6}\s+", line):
                return "\n".join(lines[i + 1:]).strip()
            break
    return prompt.strip()


def render_guide_html(course_dir: Course, assignment: str, questions: list[Question]) -> str:
    from markupsafe import Markup

    from fellesregler.sanitise import jinja_env, safe_markdown

    items = []
    for q in questions:
        points = _level_points(q)
        items.append({
            "q": q,
            "poeng": poeng(q.points) if q.points is not None else "ukjent",
            "oppgavetekst": safe_markdown(_strip_prompt_heading(q.prompt), heading_offset=3),
            "modellsvar": safe_markdown(q.model_answer, heading_offset=3) if q.model_answer else None,
            "nivaer": [{"navn": label, "poeng": points[key],
                        "tekst": safe_markdown(q.rubric[key]) if key in q.rubric else None}
                       for key, label in LEVELS],
        })
    total = sum(q.points or 0 for q in questions)
    return jinja_env(TEMPLATES).get_template("guide.html.j2").render(
        kurs=COURSE_NAME,
        oppgave=assignment,
        tittel=assignment_title(course_dir, assignment),
        sporsmal=items,
        sum_poeng=poeng(total),
        mangler=sum(1 for q in questions if q.missing),
        Markup=Markup,
    )


def render_guide_pdf(course_dir: Course, assignment: str, questions: list[Question],
                     path: Path) -> Path:
    """The guide as a tagged PDF/UA file, rendered from the same HTML as the web version."""
    from grading.pdf import font_css, write_pdf

    html = render_guide_html(course_dir, assignment, questions)
    # Same page, printed: our font (æøå) and the PDF's description; the print CSS does the rest.
    html = html.replace("</style>", f"{font_css()}\nbody {{ font-family: \"Kurs\", sans-serif; }}\n"
                                    "</style>", 1)
    html = html.replace("</title>", "</title>\n<meta name=\"description\" content=\"Rettehjelp "
                                    f"for oppgaven {assignment}\">\n<meta name=\"author\" "
                                    f"content=\"{COURSE_NAME}\">", 1)
    return write_pdf(html, path)


def _plain(text: str | None) -> str:
    from fellesregler.sanitise import plain_text

    return plain_text(text) if text else ""


def _safe_name(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9_-]+", "-", text).strip("-") or "oppgave"


def write_guide(course_dir: Course, assignment: str, out_dir: Path, *,
                strict: bool = False, pdf: bool = True) -> list[Path]:
    """Write ``rettehjelp-<assignment>.html`` (print CSS) and ``.pdf`` to ``out_dir``.

    Returns the written paths (HTML first). Missing rubrics or model answers
    are flagged in the guide; with ``strict=True`` they raise :class:`GuideError`.
    """
    from fellesregler.sanitise import harden_html

    questions = read_questions(course_dir, assignment)
    incomplete = [q for q in questions if q.missing]
    if strict and incomplete:
        raise GuideError(
            f"Rettehjelpen for «{assignment}» er ufullstendig:\n" + "\n".join(
                f"  – {q.notebook}, {q.title} ({q.grade_id}): mangler {'; '.join(q.missing)}"
                for q in incomplete))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"rettehjelp-{_safe_name(assignment)}"
    html_path = out_dir / f"{stem}.html"
    title = assignment_title(course_dir, assignment)
    html_path.write_text(harden_html(render_guide_html(course_dir, assignment, questions),
                                     f"Rettehjelp: {title}"), encoding="utf-8")
    written = [html_path]
    if pdf:
        written.append(render_guide_pdf(course_dir, assignment, questions, out_dir / f"{stem}.pdf"))
    return written


__all__ = ["GuideError", "Question", "assignment_title", "read_questions", "write_guide",
           "ASSIGNMENTS"]
