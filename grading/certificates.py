"""Kursbevis (course certificates) as PDF, made with fpdf2.

Who gets one: a learner who has **completed every assignment of the
course**. "Completed" is the rule in :func:`grading.reports.is_completed`:
the submission is in the gradebook, nothing in it waits for manual grading,
and it scored more than 0 points. The course's assignments are those of
:func:`grading.reports.course_assignments` (gradebook plus source folders),
so a module that has not been released yet also blocks certificates.

Only learners in the roster (deltakerlisten, :mod:`grading.roster`) get a
kursbevis. Someone who is in the gradebook but not in the roster (a test
user, a learner removed from the HR file, a mistyped id) gets none, even with
everything completed. Such learners are not dropped silently: they are in
``not_in_roster`` of the result, in a :class:`NotInRosterWarning`, and in the
output of ``kursleder kursbevis``.

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
import warnings
from pathlib import Path

from fellesregler.formatering import COURSE_NAME
from grading.paths import layout



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


class NotInRosterWarning(UserWarning):
    """Learners completed the course but are not in the roster, so got no kursbevis."""


def not_in_roster_text(learners: list[dict], roster_empty: bool = False) -> str:
    """Norwegian warning about completers who got no kursbevis (empty text for none)."""
    if not learners:
        return ""
    who = ", ".join(f"{ln['id']} ({ln['navn']})" if ln["navn"] != ln["id"] else ln["id"]
                    for ln in learners)
    text = (f"ADVARSEL: {len(learners)} deltaker(e) har fullført alle oppgavene, men står ikke i "
            f"deltakerlisten og har ikke fått kursbevis: {who}.")
    if roster_empty:
        text += " Deltakerlisten er tom."
    return text + (" Kursbevis lages bare for deltakere i deltakerlisten. Sjekk id-en mot HR-filen. "
                   "Skal de ha kursbevis, legg dem inn med «kursleder deltakere importer FIL» og kjør "
                   "«kursleder kursbevis» på nytt.")


def sort_learners(course_dir: Path | str) -> tuple[list[dict], list[dict], list[str], bool]:
    """Who completed every assignment, split by the roster.

    Returns ``(in_roster, not_in_roster, titles, roster_empty)``; each learner
    is ``{"id", "navn"}``. No assignments means no one.
    """
    from grading.reports import collect_results
    from grading.roster import load_roster

    roster = load_roster(course_dir)
    known = set(roster["id"].astype(str))
    results = collect_results(Path(course_dir), roster=roster)
    if results.empty:
        return [], [], [], roster.empty
    titles = [module_title(t) for t in dict.fromkeys(results["title"])]
    done = results.groupby("id", sort=False)["completed"].all()
    names = results.drop_duplicates("id").set_index("id")["navn"]
    completers = [{"id": str(i), "navn": str(names[i])} for i, ok in done.items() if ok]
    inside = [ln for ln in completers if ln["id"] in known]
    outside = sorted((ln for ln in completers if ln["id"] not in known), key=lambda ln: ln["id"])
    return inside, outside, titles, roster.empty


def eligible_learners(course_dir: Path | str) -> tuple[list[dict], list[str]]:
    """Learners in the roster who completed every assignment, and the course's assignment titles.

    Returns ``([{"id", "navn"}…], [title…])``. No assignments means no one.
    """
    inside, _outside, titles, _empty = sort_learners(course_dir)
    return inside, titles


class Certificates(list):
    """The written PDF paths (a plain list), plus who got none because they are not in the roster."""

    def __init__(self, paths=(), not_in_roster: list[dict] | None = None, roster_empty: bool = False):
        super().__init__(paths)
        self.not_in_roster = list(not_in_roster or [])
        self.roster_empty = roster_empty

    @property
    def warning(self) -> str:
        """Norwegian warning text ("" when everyone who completed is in the roster)."""
        return not_in_roster_text(self.not_in_roster, self.roster_empty)


def render_certificate(path: Path, name: str, modules: list[str], date: dt.date,
                       issuer: str | None = None) -> Path:
    """Write one kursbevis PDF."""
    from fpdf import TextStyle
    from fpdf.enums import Align, XPos, YPos

    from grading.guide import new_pdf
    from fellesregler.formatering import norsk_dato as norwegian_date

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
                      issuer: str | None = None, progress: bool = False) -> Certificates:
    """Write a kursbevis for every learner in the roster who completed every assignment.

    Returns the written PDF paths (sorted by file name) as a :class:`Certificates`
    list. Learners who miss any assignment get none; see the module docstring
    for the rule. Learners who completed everything but are not in the roster
    get none either: they are in ``.not_in_roster`` and a
    :class:`NotInRosterWarning` is issued.
    """
    from tqdm import tqdm

    date = date or dt.date.today()
    out_dir = Path(out_dir)
    lay = layout(course_dir)
    learners, outside, modules, roster_empty = sort_learners(lay.root)
    written: list[Path] = []
    for learner in tqdm(learners, desc="Kursbevis", unit="bevis", disable=not progress):
        target = out_dir / certificate_filename(learner["id"], learner["navn"])
        written.append(render_certificate(target, learner["navn"], modules, date, issuer))
    result = Certificates(sorted(written), outside, roster_empty)
    if result.warning:
        warnings.warn(NotInRosterWarning(result.warning), stacklevel=2)
    return result
