"""Kursleders verktøy for «Nyskapende arbeidsgivere» (the course leader's toolkit).

Modules: :mod:`grading.paths` (course folder layout: :func:`layout` is the one constructor of a
:class:`CourseLayout`), :mod:`grading.roster` (deltakerliste), :mod:`grading.release`,
:mod:`grading.collect` and :mod:`grading.archive`, :mod:`grading.autograde` with the sandbox
(:mod:`grading.sandbox`), :mod:`grading.anomalies` and its report, and the CLI :mod:`grading.cli`
(``kursleder``). CONTRIBUTING.md has the full table and the direction of the imports.
"""
from grading.paths import ASSIGNMENTS, CourseLayout, default_course_dir, layout

__all__ = ["ASSIGNMENTS", "CourseLayout", "default_course_dir", "layout"]
