"""nbgrader configuration for the course «Nyskapende arbeidsgivere».

Generated folders (release/, submitted/, autograded/, feedback/) and
gradebook.db are outputs and are never committed.
"""
c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = "nyskapende-arbeidsgivere"
c.CourseDirectory.root = "."
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Release without hidden tests, keep locked cells read-only.
c.ClearSolutions.code_stub = {"python": "# SKRIV SVARET DITT HER\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "SKRIV SVARET DITT HER"
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
