"""JupyterHub for «Nyskapende arbeidsgivere»: one address for the book, the apps, JupyterLab and formgrader.

Started by `make hub` (hub/kurshub/run.py) as root. Settings come from the
environment (see hub/kurshub/settings.py); the login is chosen with
KURS_HUB_AUTH: `native` (default: NativeAuthenticator limited to the roster)
or `oidc` (OpenID Connect; hub/oidc.py provides `configure(c)`).

Layout of one hub:
- /hub/ ............ login, home, approval of new accounts (our bokmål templates)
- /user/<id>/lab ... each learner's own JupyterLab, as their own Unix user
- /services/boka/ .. the book
- /services/apper/ . the self-assessment and team apps and live widgets (Voila, behind the login)
- /services/retting/ formgrader and a terminal for `kursleder`, as the shared grader
                     account; only the group `kursledere` can open it
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from kurshub import config as kurs_config  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets)
kurs_config.configure(c)
