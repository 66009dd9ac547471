"""Målform in grading: the nynorsk assignments, and the language of the pages a learner gets.

**Assignments.** Each chapter's assignment exists in bokmål (``vage``, the source in
``source/vage/``) and in nynorsk (``vage-nn``). The nynorsk source is *made*, never edited:
:func:`lag_nynorske_kilder` writes ``source/<id>-nn/<notebook>.ipynb`` and
``source/header-nn.ipynb`` from the bokmål sources and the catalog
``locale/nn/LC_MESSAGES/oppgaver.po`` (:mod:`grading.oppgavetekst` says what a message is), at
course preparation (``kursleder init``, ``make course``, the hub's prepare). The cells, cell ids,
grade ids, points and tests are the bokmål ones, so both are graded the same way. A learner
fetches the one in her målform (the nynorsk book's «Refleksjon» names ``vage-nn``).

:func:`kapitteloppgave` is THE mapping from an assignment to the chapter's assignment
(``vage-nn`` → ``vage``): completion, reports and «Min side» count a submission of ``vage-nn``
as one of ``vage``. :func:`malform_for_oppgave` gives its målform.

**Pages.** The feedback page is in the målform of the assignment it is about (its text is the
notebook's). The kursbevis is in the learner's målform from the roster (the optional column
``målform`` in the roster file, default bokmål; :func:`grading.roster.malform_of`). Both are
rendered inside :func:`fellesregler.sprak.med_sprak`, with the texts of the gettext domain
``retting`` (:func:`sidemaler`), and carry ``lang="nn"`` (a PDF's ``Lang``).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.preprocessors import IncludeHeaderFooter

from fellesregler.sprak import STANDARD, gyldig, oversetter, oversetter_n, oversettelse
from grading.oppgavetekst import LAGET_PA, oversett_notatbok
from grading.paths import ASSIGNMENTS, layout

__all__ = ["DOMENE_OPPGAVER", "DOMENE_SIDER", "MalformTopptekst", "er_generert_kilde", "kapitteloppgave",
           "lag_nynorske_kilder", "malform_for_oppgave", "oppgave_i", "sidemaler", "topptekst", "utgaver"]

#: The gettext domain of the assignments' learner-facing text (the notebooks).
DOMENE_OPPGAVER = "oppgaver"
#: The gettext domain of the pages grading writes for a learner (feedback, kursbevis).
DOMENE_SIDER = "retting"
#: The other målformer an assignment is made in, and the suffix of its name.
_SUFFIKS = {"nn": "-nn"}
HEADER = "header.ipynb"


def oppgave_i(kapittel: str, sprak: str) -> str:
    """The chapter's assignment in a målform: ``("vage", "nn")`` → ``"vage-nn"``."""
    sprak = gyldig(sprak)
    return kapittel if sprak == STANDARD else kapittel + _SUFFIKS[sprak]


def _split(assignment: str) -> tuple[str, str]:
    for sprak, suffix in _SUFFIKS.items():
        if assignment.endswith(suffix) and len(assignment) > len(suffix):
            return assignment[: -len(suffix)], sprak
    return assignment, STANDARD


def kapitteloppgave(assignment: str) -> str:
    """The chapter's assignment an assignment belongs to: ``vage-nn`` → ``vage``, ``vage`` → ``vage``."""
    return _split(assignment)[0]


def malform_for_oppgave(assignment: str) -> str:
    """``nn`` for a nynorsk assignment, ``nb`` otherwise."""
    return _split(assignment)[1]


def utgaver(assignments: tuple[str, ...] = ASSIGNMENTS) -> tuple[str, ...]:
    """Every assignment the course has: each chapter's, then the same in nynorsk."""
    return tuple(assignments) + tuple(oppgave_i(a, s) for s in _SUFFIKS for a in assignments)


def topptekst(sprak: str) -> str:
    """The file name of the course header in a målform (``header.ipynb``, ``header-nn.ipynb``)."""
    sprak = gyldig(sprak)
    return HEADER if sprak == STANDARD else f"header{_SUFFIKS[sprak]}.ipynb"


def er_generert_kilde(path: Path) -> bool:
    """Whether a notebook under ``source/`` is made from the catalog (not a bokmål source)."""
    path = Path(path)
    if path.name in {topptekst(s) for s in _SUFFIKS}:
        return True
    return malform_for_oppgave(path.parent.name) != STANDARD


# ---------------------------------------------------------------------------
# Making the nynorsk sources
# ---------------------------------------------------------------------------
def _write_if_changed(nb, target: Path) -> bool:
    text = nbformat.writes(nb) + "\n"
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False  # unchanged: keeps the release «up to date» for init_course
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return True


def _made(nb, gettext, sprak: str):
    made = oversett_notatbok(nb, gettext)
    made.metadata[LAGET_PA] = sprak  # made from the catalog: `make i18n` does not extract it
    return made


def lag_nynorske_kilder(course_dir: Path | str | None = None,
                        assignments: tuple[str, ...] = ASSIGNMENTS) -> list[str]:
    """Write the nynorsk sources from the bokmål ones; return the assignments whose source changed.

    An untranslated (or fuzzy) message stays in bokmål, as the book does: `make i18n` and the
    staleness test name it. Only notebooks whose text changed are written.
    """
    lay = layout(course_dir)
    changed: list[str] = []
    for sprak in _SUFFIKS:
        gettext = oversettelse(DOMENE_OPPGAVER, sprak).gettext
        header = lay.source / HEADER
        if header.is_file():
            nb = nbformat.read(str(header), as_version=4)
            _write_if_changed(_made(nb, gettext, sprak), lay.source / topptekst(sprak))
        for name in assignments:
            for src in sorted(lay.source_dir(name).glob("*.ipynb")):
                nb = nbformat.read(str(src), as_version=4)
                target = lay.source_dir(oppgave_i(name, sprak)) / src.name
                if _write_if_changed(_made(nb, gettext, sprak), target):
                    changed.append(oppgave_i(name, sprak))
    return list(dict.fromkeys(changed))


class MalformTopptekst(IncludeHeaderFooter):
    """nbgrader's header preprocessor, with the header in the assignment's målform.

    ``IncludeHeaderFooter.header`` names the bokmål header; a nynorsk assignment gets
    ``header-nn.ipynb`` from the same folder when it exists. Used in ``nbgrader_config.py``.
    """

    def preprocess(self, nb, resources):
        bokmal = self.header
        sprak = malform_for_oppgave(str((resources.get("nbgrader") or {}).get("assignment", "")))
        if bokmal and sprak != STANDARD:
            candidate = Path(bokmal).with_name(topptekst(sprak))
            if candidate.is_file():
                self.header = str(candidate)
        try:
            return super().preprocess(nb, resources)
        finally:
            self.header = bokmal


# ---------------------------------------------------------------------------
# Pages in the learner's målform
# ---------------------------------------------------------------------------
_ = oversetter(DOMENE_SIDER)
_n = oversetter_n(DOMENE_SIDER)


def sidemaler(templates: Path | str):
    """Our autoescaped template environment, with ``{% trans %}`` and ``_()`` of the ``retting``
    domain (in the målform in force when a page is rendered: wrap it in ``med_sprak``)."""
    from fellesregler.sanitise import jinja_env

    env = jinja_env(templates)
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_, _n, newstyle=True)
    return env
