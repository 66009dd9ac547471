"""nbgrader configuration for the course «Nyskapende arbeidsgivere».

Used by the nbgrader CLI, by formgrader in JupyterLab (`make start` runs it
from this folder) and by the course leader's toolkit `kursleder`.

Generated folders (release/, submitted/, autograded/, feedback/, exchange/,
arkiv/, utdeling/, rapporter/), gradebook.db and deltakere.csv are outputs or
personal data and are never committed.

Anonymous grading: nbgrader 0.9 has no configuration option to hide learner
names. Formgrader's «Manual Grading» list shows «Submission #n» with names
hidden by default (a per-page eye toggle reveals them), but «Manage Students»
and the gradebook always show the id and the names stored in the gradebook.
To grade blind, import the roster with `kursleder deltakere importer
--uten-navn`: names then stay only in our own roster table, and formgrader
shows the ids only.
"""
import os

c = get_config()  # noqa: F821 (provided by traitlets)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "nyskapende-arbeidsgivere"
# Absolute paths, so that nbgrader works from any working directory.
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The exchange (shared server: learners fetch and submit in JupyterLab).
# Override with the environment variable KURSLEDER_EXCHANGE, e.g. a folder
# every learner can write to on a shared JupyterHub.
c.Exchange.root = os.environ.get("KURSLEDER_EXCHANGE") or os.path.join(HERE, "exchange")
c.Exchange.path_includes_course = False

# Every released notebook starts with the course header (course and privacy note).
if os.path.exists(os.path.join(HERE, "source", "header.ipynb")):
    c.IncludeHeaderFooter.header = os.path.join(HERE, "source", "header.ipynb")

# Release without hidden tests, keep locked cells read-only.
c.ClearSolutions.code_stub = {"python": "# SKRIV SVARET DITT HER\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "SKRIV SVARET DITT HER"
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Autograde: restore tampered cells safely. Our preprocessors put nbgrader
# metadata back on cells that lost it (matched by cell id against the released
# notebook), and put deleted grade cells back without nbgrader's KeyError
# when the deleted cell follows a locked non-grade cell.
c.Execute.timeout = 60
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = (
    "Denne cellen (id: {cell_id}) manglet i innleveringen. "
    "Den er lagt tilbake ved rettingen.\n\n"
)
try:
    import grading
    import grading._nbgrader  # noqa: F401  (installed with the project)
except ImportError:  # pragma: no cover - project not installed
    pass
else:
    c.Autograde.sanitize_preprocessors = [
        "nbgrader.preprocessors.ClearOutput",
        "grading._nbgrader.ResolveDuplicates",
        "nbgrader.preprocessors.OverwriteKernelspec",
        "grading._nbgrader.RestoreMetadata",
        "grading._nbgrader.SafeOverwriteCells",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    # Learner code runs only inside the sandbox (bubblewrap): no course files, no network,
    # limits on time, memory and output. See grading/sandbox.py and docs/drift.md.
    c.Autograde.autograde_preprocessors = [
        "grading.sandbox.SandboxedExecute",
        "nbgrader.preprocessors.IgnorePattern",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]

    # A nynorsk assignment (``vage-nn``, made from the bokmål source and locale/nn, see
    # grading/malform.py) gets the course header in nynorsk (source/header-nn.ipynb).
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import IncludeHeaderFooter

    from grading.malform import MalformTopptekst

    c.GenerateAssignment.preprocessors = [
        MalformTopptekst if p is IncludeHeaderFooter else p
        for p in GenerateAssignment.class_traits()["preprocessors"].default()]

    # Feedback (also from formgrader's «Generate feedback» button): hidden tests and
    # their output removed, learner HTML escaped, no MathJax or other CDN, in bokmål.
    # grading.feedback.generate_feedback uses the same chain.
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "grading.feedback.SkjulteTesterUtdata",
        "nbgrader.preprocessors.ClearHiddenTests",
        "grading.feedback.KursTilbakemelding",
    ]
    # No HTMLExporter.template_name here: formgrader's grading view needs its own «formgrade»
    # template (from its folder, listed second), and «Generate feedback» sets «feedback» itself,
    # which our folder (listed first) provides.
    import nbgrader

    c.HTMLExporter.extra_template_basedirs = [
        os.path.join(os.path.dirname(grading.__file__), "templates"),
        os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
    ]

# Formgrader in JupyterLab: show times in Norwegian time.
c.NbGraderAPI.timezone = "Europe/Oslo"
c.NbGraderAPI.timestamp_format = "%d.%m.%Y %H:%M %Z"
c.FormgradeExtension.debug = False
