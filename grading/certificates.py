"""Kursbevis (course certificates) as PDF, made with fpdf2.

Who gets one: a learner who has **completed every assignment of the
course**. "Completed" is the rule in :func:`grading.reports.is_completed`:
the submission is in the gradebook, nothing in it waits for manual grading,
and it scored more than 0 points. The course's assignments are those of
:func:`grading.reports.course_assignments` (gradebook plus source folders),
so a module that has not been released yet also blocks certificates.

Each PDF carries the learner's name, the course name «Nyskapende
arbeidsgivere», the list of modules (assignment titles) and the date. It uses
DejaVu Sans from matplotlib's bundled fonts (so æ, ø and å work), sets the
document title, subject, author, language (``nb``) and shows the title in the
viewer, and tags the heading in the structure tree and outline.

File names are ``kursbevis-<id>-<navn>.pdf`` with only a–z, 0–9 and ``-``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from grading.paths import layout

COURSE_NAME = "Nyskapende arbeidsgivere"


def safe_filename_part(text: str, max_len: int = 40) -> str:
    """ASCII slug: 'Åse Ødegård-Ærø' -> 'ase-odegard-aero'."""
    text = str(text).lower()
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_len].strip("-") or "deltaker"


def certificate_filename(learner_id: str, name: str) -> str:
    return f"kursbevis-{safe_filename_part(learner_id)}-{safe_filename_part(name)}.pdf"


def module_title(title: str) -> str:
    """'Å våge – refleksjonsoppgave' -> 'Å våge' (the module, not the exercise)."""
    short = re.sub(r"\s+[–—-]\s+[^–—-]*oppgave\s*$", "", title, flags=re.I).strip()
    return short or title


def eligible_learners(course_dir: Path | str) -> tuple[list[dict], list[str]]:
    """Learners who completed every assignment, and the course's assignment titles.

    Returns ``([{"id", "navn"}…], [title…])``. No assignments means no one.
    """
    from grading.reports import collect_results

    results = collect_results(Path(course_dir))
    if results.empty:
        return [], []
    titles = [module_title(t) for t in dict.fromkeys(results["title"])]
    done = results.groupby("id", sort=False)["completed"].all()
    names = results.drop_duplicates("id").set_index("id")["navn"]
    learners = [{"id": str(i), "navn": str(names[i])} for i, ok in done.items() if ok]
    return learners, titles


def render_certificate(path: Path, name: str, modules: list[str], date: dt.date,
                       issuer: str | None = None) -> Path:
    """Write one kursbevis PDF."""
    from fpdf import TextStyle
    from fpdf.enums import Align, XPos, YPos

    from grading.guide import new_pdf
    from grading.reports import norwegian_date

    pdf = new_pdf(f"Kursbevis – {name} – {COURSE_NAME}", f"Kursbevis for {name}",
                  author=issuer or COURSE_NAME)
    pdf.set_keywords(f"kursbevis, {COURSE_NAME}")
    pdf.set_creation_date(dt.datetime.combine(date, dt.time(12, 0), tzinfo=dt.timezone.utc))
    pdf.set_section_title_styles(
        TextStyle(font_family="DejaVu", font_style="B", font_size_pt=30, color=(31, 78, 121),
                  l_margin=Align.C, t_margin=0, b_margin=6),
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    # Frame: a dark blue band at the top and a thin line at the bottom.
    pdf.set_fill_color(31, 78, 121)
    pdf.rect(0, 0, pdf.w, 12, style="F")
    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(0.6)
    pdf.line(22, pdf.h - 18, pdf.w - 22, pdf.h - 18)

    pdf.set_y(38)
    pdf.start_section("Kursbevis", level=0)
    pdf.set_text_color(26, 26, 26)
    pdf.set_font("DejaVu", size=13)
    pdf.ln(4)
    pdf.cell(0, 8, "Dette bekrefter at", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    size = 26 if len(name) <= 30 else 20 if len(name) <= 45 else 16
    pdf.set_font("DejaVu", style="B", size=size)
    pdf.multi_cell(0, size * 0.5, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("DejaVu", size=13)
    pdf.cell(0, 8, "har fullført kurset", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("DejaVu", style="B", size=20)
    pdf.cell(0, 11, f"«{COURSE_NAME}»", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=11)
    pdf.cell(0, 7, "et kurs i arbeidsgiverpolitikk for kommuner og fylkeskommuner",
             align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(10)
    pdf.set_font("DejaVu", style="B", size=12)
    pdf.cell(0, 7, "Kurset har disse modulene:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=12)
    for i, title in enumerate(modules, start=1):
        pdf.set_x(pdf.l_margin + 4)
        pdf.multi_cell(pdf.epw - 4, 7, f"{i}. {title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(max(pdf.get_y() + 14, pdf.h - 70))
    pdf.set_font("DejaVu", size=12)
    pdf.cell(0, 7, f"Dato: {norwegian_date(date)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if issuer:
        pdf.cell(0, 7, f"Utstedt av: {issuer}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(max(4.0, min(16.0, (pdf.h - 28) - pdf.get_y())))  # keep clear of the footer
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 75, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font("DejaVu", size=10)
    pdf.cell(0, 6, "Kursleder", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.h - 16)
    pdf.set_font("DejaVu", size=8)
    pdf.set_text_color(74, 74, 74)
    pdf.cell(0, 5, f"{COURSE_NAME} – kursbevis", align="C")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_certificates(course_dir: Path, out_dir: Path, date: dt.date | None = None, *,
                      issuer: str | None = None, progress: bool = False) -> list[Path]:
    """Write a kursbevis for every learner who completed every assignment.

    Returns the written PDF paths (sorted by file name). Learners who miss
    any assignment get none; see the module docstring for the rule.
    """
    from tqdm import tqdm

    date = date or dt.date.today()
    out_dir = Path(out_dir)
    lay = layout(course_dir)
    learners, modules = eligible_learners(lay.root)
    written: list[Path] = []
    for learner in tqdm(learners, desc="Kursbevis", unit="bevis", disable=not progress):
        target = out_dir / certificate_filename(learner["id"], learner["navn"])
        written.append(render_certificate(target, learner["navn"], modules, date, issuer))
    return sorted(written)
