"""The completion rule (fullføringsregelen), read from ``data/fullforing.yaml``.

The rule lives once, as data. Every caller imports it from here: the
completion status in :mod:`grading.reports`, the kursbevis
(:mod:`grading.certificates`) and «Min side» (:mod:`grading.progress`).

* :func:`is_completed`: one assignment is completed when it is submitted,
  fully graded (no answer waiting for manual grading) and scored more than
  ``poeng_over`` points.
* :func:`required_assignments`: the assignments that must be completed for
  the kursbevis (``oppgaver: alle`` means every assignment of the course).
* :func:`rule_text`: the rule in plain bokmål, for the pages and the PDFs.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fellesregler.sprak import oversetter
from grading.paths import REPO_ROOT

#: The rule's wording is shown on «Min side» in the learner's målform (gettext domain ``hub``).
_ = oversetter("hub")

RULE_FILE = REPO_ROOT / "data" / "fullforing.yaml"


class RuleError(ValueError):
    """``data/fullforing.yaml`` is not a valid rule (Norwegian message)."""


@dataclass(frozen=True)
class CompletionRule:
    assignments: tuple[str, ...] | None  # None: every assignment of the course
    points_above: float = 0.0
    chapters: dict[str, str] = field(default_factory=dict)

    def required(self, course_assignments: list[str] | tuple[str, ...]) -> list[str]:
        """The assignments a learner must complete, in the course's order."""
        if self.assignments is None:
            return list(course_assignments)
        wanted = set(self.assignments)
        ordered = [a for a in course_assignments if a in wanted]
        return ordered + [a for a in self.assignments if a not in ordered]

    def chapter_of(self, assignment: str) -> str:
        """The book chapter (file stem) an assignment belongs to."""
        return self.chapters.get(assignment, assignment)


def parse_rule(data: object) -> CompletionRule:
    if not isinstance(data, dict):
        raise RuleError("Fullføringsregelen (data/fullforing.yaml) må være en liste med nøkler.")
    raw = data.get("oppgaver", "alle")
    if raw == "alle":
        assignments = None
    elif isinstance(raw, list) and raw and all(isinstance(a, str) and a for a in raw):
        assignments = tuple(raw)
    else:
        raise RuleError("«oppgaver» i data/fullforing.yaml må være «alle» eller en liste med "
                        "oppgavenavn.")
    above = data.get("poeng_over", 0)
    if isinstance(above, bool) or not isinstance(above, (int, float)) or above < 0:
        raise RuleError("«poeng_over» i data/fullforing.yaml må være et tall som er 0 eller større.")
    chapters = data.get("kapittel") or {}
    if not isinstance(chapters, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in chapters.items()):
        raise RuleError("«kapittel» i data/fullforing.yaml må koble oppgavenavn til kapittelnavn.")
    return CompletionRule(assignments, float(above), dict(chapters))


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> CompletionRule:
    with open(path, encoding="utf-8") as fh:
        return parse_rule(yaml.safe_load(fh))


def load_rule(path: Path | str = RULE_FILE) -> CompletionRule:
    """The rule in ``path`` (cached until the file changes)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime_ns)


def is_completed(submitted: bool, needs_manual_grade: bool, score: float | None,
                 rule: CompletionRule | None = None) -> bool:
    """The one completion rule: submitted, fully graded, and more than ``poeng_over`` points."""
    if not submitted or needs_manual_grade or score is None:
        return False
    rule = rule or load_rule()
    try:
        value = float(score)
    except (TypeError, ValueError):
        return False
    return not math.isnan(value) and value > rule.points_above


def required_assignments(course_assignments: list[str] | tuple[str, ...],
                         rule: CompletionRule | None = None) -> list[str]:
    return (rule or load_rule()).required(course_assignments)


def _points(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def rule_text(course_assignments: list[str] | tuple[str, ...], titles: dict[str, str] | None = None,
              rule: CompletionRule | None = None) -> str:
    """The rule in plain language, e.g. «Du får kursbevis når alle de 7 refleksjonsoppgavene …».

    In the målform in force (:func:`fellesregler.sprak.med_sprak`; bokmål by default); `titles` are
    shown as given.
    """
    rule = rule or load_rule()
    required = rule.required(course_assignments)
    points = _("mer enn {poeng} poeng").format(poeng="0" if rule.points_above == 0 else _points(rule.points_above))
    if rule.assignments is None or len(required) == len(course_assignments):
        which = _("alle de {n} refleksjonsoppgavene").format(n=len(required))
    else:
        names = [f"«{(titles or {}).get(a, a)}»" for a in required]
        which = (_("refleksjonsoppgavene {navn} og {siste}").format(navn=", ".join(names[:-1]), siste=names[-1])
                 if len(names) > 1 else _("refleksjonsoppgaven {navn}").format(navn=names[0]))
    return (_("Du får kursbevis når {hvilke} er levert og ferdig vurdert, med {poeng} på hver.").format(
        hvilke=which, poeng=points) + " " + _("Du må også stå i deltakerlisten."))
