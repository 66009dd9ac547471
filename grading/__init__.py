"""Kursleders verktøy for «Nyskapende arbeidsgivere» (the course leader's toolkit).

Modules: :mod:`grading.paths` (course folder layout), :mod:`grading.roster`
(deltakerliste), :mod:`grading.release`, :mod:`grading.collect`,
:mod:`grading.autograde`, :mod:`grading.anomalies`, and the CLI
:mod:`grading.cli` (``kursleder``).
"""
from grading.paths import ASSIGNMENTS, CourseLayout, default_course_dir, layout

__all__ = ["ASSIGNMENTS", "CourseLayout", "default_course_dir", "layout"]
