"""nbgrader for a learner's JupyterLab on the hub: the «Assignments» tab fetches and submits
through the shared filesystem exchange (folder in $KURSLEDER_EXCHANGE, set by the hub)."""
import os

c = get_config()  # noqa: F821 (provided by traitlets)
c.CourseDirectory.course_id = "nyskapende-arbeidsgivere"
c.Exchange.root = os.environ["KURSLEDER_EXCHANGE"]
c.Exchange.path_includes_course = False
