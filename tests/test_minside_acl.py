"""«Hentet» on the hub: the spawner's ACLs let the account of «Min side» see that ``~/<oppgave>``
exists, and nothing more (kurshub.spawner.let_see_fetched). Real Unix users (prefix ``km-``),
a real file system with POSIX ACLs, Debian's setfacl; everything is removed afterwards.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HUB_PY = ROOT / ".venv-hub" / "bin" / "python"  # the learners' Python on the hub
sys.path.insert(0, str(ROOT / "hub"))

from kurshub.spawner import ensure_unix_user, let_see_fetched, remove_unix_user  # noqa: E402

pytestmark = [pytest.mark.hub]

SYSTEM_PYTHON = "/usr/bin/python3"  # readable by every user (a Python under /root is not)
PROBE = r"""
import json, os, sys
home = sys.argv[1]
out = {}
for what, fn in (("finnes", lambda: os.path.isdir(os.path.join(home, "vage"))),
                 ("finnes_ikke", lambda: os.path.isdir(os.path.join(home, "lede"))),
                 ("liste", lambda: os.listdir(home)),
                 ("liste_vage", lambda: os.listdir(os.path.join(home, "vage"))),
                 ("lese_hentet", lambda: open(os.path.join(home, "vage", "vage.ipynb")).read()),
                 ("lese_gammel", lambda: open(os.path.join(home, "gammel.txt")).read()),
                 ("lage", lambda: open(os.path.join(home, "inntrenger.txt"), "x"))):
    try:
        value = fn()
        out[what] = value if isinstance(value, bool) else "TILLATT"
    except OSError as exc:
        out[what] = type(exc).__name__
print(json.dumps(out))
"""


def _as(user: str, *argv: str) -> subprocess.CompletedProcess:
    from jupyterhub.spawner import set_user_setuid

    return subprocess.run(list(argv), preexec_fn=set_user_setuid(user, chdir=False), cwd="/",
                          capture_output=True, text=True, check=True)


@pytest.fixture()
def homes():
    if os.geteuid() != 0:
        raise RuntimeError("Testen må kjøres som root (den lager Unix-brukere). CI kjører som root.")
    tag = secrets.token_hex(2)
    root = Path(tempfile.mkdtemp(prefix="km-hjem-"))
    os.chmod(root, 0o711)  # as the hub's homes folder (kurshub.prepare)
    names = {k: f"km-{tag}-{k}" for k in ("leser", "anna", "bjorn")}
    try:
        yield root, names
    finally:
        for name in names.values():
            remove_unix_user(name)
        shutil.rmtree(root, ignore_errors=True)


def test_the_service_sees_that_a_fetched_folder_exists_and_nothing_else(homes):
    root, n = homes
    ensure_unix_user(n["leser"], root / n["leser"], system=True)
    anna = ensure_unix_user(n["anna"], root / n["anna"])
    ensure_unix_user(n["bjorn"], root / n["bjorn"])
    home = Path(anna.pw_dir)
    # A file from before the ACLs (e.g. a hub that ran without them), readable by others.
    _as(n["anna"], SYSTEM_PYTHON, "-c", f"import os; open('{home}/gammel.txt', 'w').write('x'); "
                                         f"os.chmod('{home}/gammel.txt', 0o644)")
    assert let_see_fetched(n["anna"], home, n["leser"])
    os.chmod(home, 0o700)  # what ensure_unix_user does on every start: the ACL mask is cleared …
    assert let_see_fetched(n["anna"], home, n["leser"])  # … and set again
    # What nbgrader's «Fetch» does: copy the exchange's files with their 0755/0644 modes.
    outbound = root / "utveksling" / "vage"
    outbound.mkdir(parents=True)
    (outbound / "vage.ipynb").write_text(json.dumps({"svar": "Annas utkast"}))
    os.chmod(root / "utveksling", 0o755)
    os.chmod(outbound, 0o755)
    os.chmod(outbound / "vage.ipynb", 0o644)
    _as(n["anna"], SYSTEM_PYTHON, "-c", f"import shutil; shutil.copytree('{outbound}', '{home}/vage')")
    assert os.stat(home / "vage" / "vage.ipynb").st_mode & 0o044 == 0o044  # others may read, by mode

    seen = json.loads(_as(n["leser"], SYSTEM_PYTHON, "-c", PROBE, str(home)).stdout)
    assert seen == {"finnes": True, "finnes_ikke": False, "liste": "PermissionError",
                    "liste_vage": "PermissionError", "lese_hentet": "PermissionError",
                    "lese_gammel": "PermissionError", "lage": "PermissionError"}
    # Another learner gets nothing at all, not even whether the folder exists.
    other = json.loads(_as(n["bjorn"], SYSTEM_PYTHON, "-c", PROBE, str(home)).stdout)
    assert other["finnes"] is False and all(v == "PermissionError" for k, v in other.items()
                                             if k not in ("finnes", "finnes_ikke"))

    # «Submit» copies ~/vage into the exchange. nbgrader's plain copy would carry the home's
    # «nothing for the service account» entry along (locking the course leaders out of the
    # submission); the hub's submit drops the ACLs on the copy.
    inbox = root / "utveksling" / "inbound"
    inbox.mkdir()
    os.chmod(inbox, 0o1733)  # as nbgrader's exchange: others may write, not list
    copy = inbox / "anna+vage+1"
    _as(n["anna"], SYSTEM_PYTHON, "-c", f"import shutil; shutil.copytree('{home}/vage', '{copy}')")
    assert "PermissionError" in _as(n["leser"], SYSTEM_PYTHON, "-c", READ, str(copy / "vage.ipynb")).stdout
    shutil.rmtree(copy)
    submit = SUBMIT.format(config=ROOT / "hub" / "singleuser" / "nbgrader_config.py", src=home / "vage", dest=copy)
    _as(n["anna"], str(HUB_PY), "-c", submit)
    assert _as(n["leser"], SYSTEM_PYTHON, "-c", READ, str(copy / "vage.ipynb")).stdout.strip() == "Annas utkast"


READ = r"""
import json, sys
try:
    print(json.load(open(sys.argv[1]))["svar"])
except OSError as exc:
    print(type(exc).__name__)
"""
# The copy nbgrader's submit makes (shutil.copytree with metadata), then the hub's submit class.
SUBMIT = r"""
import os, shutil
os.environ.update(KURSLEDER_EXCHANGE="/nowhere", JUPYTERHUB_USER="anna")
from traitlets.config.loader import PyFileConfigLoader
config = PyFileConfigLoader("{config}").load_config()
shutil.copytree("{src}", "{dest}")
config.ExchangeFactory.submit.drop_acls("{dest}")
"""
