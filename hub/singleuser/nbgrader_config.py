"""nbgrader for a learner's JupyterLab on the hub: the «Assignments» tab fetches and submits
through the shared filesystem exchange (folder in $KURSLEDER_EXCHANGE, set by the hub)."""
import os

c = get_config()  # noqa: F821 (provided by traitlets)
c.CourseDirectory.course_id = "nyskapende-arbeidsgivere"
c.Exchange.root = os.environ["KURSLEDER_EXCHANGE"]
c.Exchange.path_includes_course = False
# Submissions carry the hub name (the roster id), not the Unix name (prefix + id).
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]


# «Min side» may test whether ~/<oppgave> exists: the hub's spawner gives its account search
# (x) on the home and an inherited «nothing» entry on everything in it (POSIX ACLs, see
# kurshub.spawner.let_see_fetched). nbgrader's submit copies files with their ACLs, so that
# entry would follow the notebook into the exchange and lock the course leaders out of it.
# The copy in the exchange gets nbgrader's own permissions only.
from nbgrader.exchange.default.submit import ExchangeSubmit  # noqa: E402


class SubmitWithoutHomeAcl(ExchangeSubmit):
    """nbgrader's submit; the copy it makes loses the ACLs it had in the learner's home."""

    @staticmethod
    def drop_acls(top):
        for folder, _dirs, files in os.walk(top):
            for path in [folder] + [os.path.join(folder, f) for f in files]:
                for attr in ("system.posix_acl_access", "system.posix_acl_default"):
                    try:
                        os.removexattr(path, attr, follow_symlinks=False)
                    except OSError:  # none there, or no ACLs on this file system
                        pass

    def do_copy(self, src, dest, *args, **kwargs):
        super().do_copy(src, dest, *args, **kwargs)
        self.drop_acls(dest)


c.ExchangeFactory.submit = SubmitWithoutHomeAcl
