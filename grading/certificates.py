"""Kursbevis (course certificates) as tagged PDF/UA, rendered from HTML with WeasyPrint.

Who gets one: a learner who has **completed every assignment the
completion rule asks for** (``data/fullforing.yaml``, read by
:mod:`grading.completion`; today: every assignment of the course). "Completed"
is :func:`grading.completion.is_completed`: the submission is in the
gradebook, nothing in it waits for manual grading, and it scored more than
``poeng_over`` (0) points. «Min side» shows the kursbevis by the same rule.
The course's assignments are those of
:func:`grading.reports.course_assignments` (gradebook plus source folders),
so a module that has not been released yet also blocks certificates.

Only learners in the roster (deltakerlisten, :mod:`grading.roster`) get a
kursbevis. Someone who is in the gradebook but not in the roster (a test
user, a learner removed from the HR file, a mistyped id) gets none, even with
everything completed. Such learners are not dropped silently: they are in
``not_in_roster`` of the result, in a :class:`NotInRosterWarning`, and in the
output of ``kursleder kursbevis``.

Each PDF carries the learner's name, the course name «Nyskapende
arbeidsgivere», the list of modules (assignment titles) and the date. It is
rendered from ``templates/kursbevis.html.j2`` by :func:`grading.pdf.write_pdf`:
PDF/UA-1 with a structure tree (H1, H2, P, L), the language (``nb``, or ``nn`` for a
learner whose målform in the roster is nynorsk: the whole kursbevis, module titles
included, is then in nynorsk, see :mod:`grading.malform`), title,
subject and author, the title shown in the viewer, and DejaVu Sans from
matplotlib's bundled fonts (so æ, ø and å work).

File names are ``kursbevis-<id>-<navn>.pdf`` with only a–z, 0–9 and ``-``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from pathlib import Path

from fellesregler.formatering import COURSE_NAME
from fellesregler.sprak import aktivt, med_sprak, oversettelse
from grading.malform import DOMENE_OPPGAVER, sidemaler
from grading.paths import TEMPLATES, Course, layout


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
    """'Å våge – refleksjonsoppgave' -> 'Å våge' (the module, not the exercise; also «-oppgåve»)."""
    short = re.sub(r"\s+[–—-]\s+[^–—-]*oppg[aå]ve\s*$", "", title, flags=re.I).strip()
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


def sort_learners(course_dir: Course) -> tuple[list[dict], list[dict], list[str], bool]:
    """Who completed every assignment, split by the roster.

    Returns ``(in_roster, not_in_roster, titles, roster_empty)``; each learner
    is ``{"id", "navn"}`` (in the roster also ``"malform"``), and the titles are the assignments' full
    titles in bokmål (:func:`module_titles` makes the kursbevis' list). No
    assignments means no one.
    """
    from grading.reports import collect_results
    from grading.roster import load_roster, malform_of

    roster = load_roster(course_dir)
    known = set(roster["id"].astype(str))
    results = collect_results(course_dir, roster=roster)
    if results.empty:
        return [], [], [], roster.empty
    titles = list(dict.fromkeys(results["title"]))
    from grading.completion import required_assignments

    required = required_assignments(list(dict.fromkeys(results["assignment"])))
    if not set(required) <= set(results["assignment"]):
        return [], [], titles, roster.empty  # the rule names an assignment the course lacks
    wanted = results[results["assignment"].isin(required)]
    done = wanted.groupby("id", sort=False)["completed"].all()
    names = results.drop_duplicates("id").set_index("id")["navn"]
    completers = [{"id": str(i), "navn": str(names[i])} for i, ok in done.items() if ok]
    inside = [{**ln, "malform": malform_of(roster, ln["id"])} for ln in completers if ln["id"] in known]
    outside = sorted((ln for ln in completers if ln["id"] not in known), key=lambda ln: ln["id"])
    return inside, outside, titles, roster.empty


def eligible_learners(course_dir: Course) -> tuple[list[dict], list[str]]:
    """Learners in the roster who completed every assignment, and the course's assignment titles.

    Returns ``([{"id", "navn"}…], [title…])``. No assignments means no one.
    """
    inside, _outside, titles, _empty = sort_learners(course_dir)
    return inside, module_titles(titles)


def module_titles(titles: list[str], sprak: str | None = None) -> list[str]:
    """The kursbevis' list of modules from the assignments' titles, in `sprak` (default: in force).

    A title is the heading of the bokmål notebook; in nynorsk it is that heading's entry in the
    assignments' catalog (``oppgaver``), the same text as the nynorsk assignment's heading.
    """
    gettext = oversettelse(DOMENE_OPPGAVER, sprak or aktivt()).gettext
    return [module_title(gettext(t)) for t in titles]


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
                       issuer: str | None = None, *, sprak: str | None = None) -> Path:
    """Write one kursbevis as a tagged PDF/UA file (template ``kursbevis.html.j2``).

    `sprak`: the learner's målform (``nn``: nynorsk text and PDF language); default the one in
    force. `modules` are given in that målform (:func:`module_titles`).
    """
    from fellesregler.formatering import norsk_dato as norwegian_date
    from grading.pdf import font_css, write_pdf

    with med_sprak(sprak or aktivt()) as lang:
        html = sidemaler(TEMPLATES).get_template("kursbevis.html.j2").render(
            sprak=lang, kurs=COURSE_NAME, navn=name, moduler=modules, dato=norwegian_date(date),
            utsteder=issuer or COURSE_NAME, utsteder_vist=issuer,
            navnestorrelse=26 if len(name) <= 30 else 20 if len(name) <= 45 else 16,
            skrift=font_css())
    return write_pdf(html, path, created=dt.datetime.combine(date, dt.time(12, 0),
                                                             tzinfo=dt.timezone.utc))


def make_certificates(course_dir: Course, out_dir: Path, date: dt.date | None = None, *,
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
    learners, outside, titles, roster_empty = sort_learners(lay)
    written: list[Path] = []
    for learner in tqdm(learners, desc="Kursbevis", unit="bevis", disable=not progress):
        target = out_dir / certificate_filename(learner["id"], learner["navn"])
        sprak = learner["malform"]  # the learner's målform from the roster
        written.append(render_certificate(target, learner["navn"], module_titles(titles, sprak), date, issuer,
                                          sprak=sprak))
    result = Certificates(sorted(written), outside, roster_empty)
    if result.warning:
        warnings.warn(NotInRosterWarning(result.warning), stacklevel=2)
    return result
