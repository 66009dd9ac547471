"""The sandbox also works when the grader is not root (the hub's shared grader account).

As root (CI) the test makes a throw-away Unix user ``ks-sbx-<pid>`` and runs the
very same bwrap command line as that user; as an ordinary user it runs it as
itself. The command is the kernel's sandbox from grading/sandbox_command.py, with
Debian's own python3 (any user can read it) and a check script in place of
the kernel.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

CHECK = r'''
import json, os, socket, sys
out = {"uid": os.getuid(), "cwd": os.getcwd(), "files": sorted(os.listdir(".")),
       "root": sorted(os.listdir("/")), "env": sorted(os.environ)}
out["course_visible"] = os.path.exists(sys.argv[1])
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2)
    out["net"] = "connected"
except OSError as exc:
    out["net"] = type(exc).__name__
try:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    out["fork"] = "forked"
except OSError as exc:
    out["fork"] = exc.errno
open("skrevet.txt", "w").write("ok")
print(json.dumps(out))
'''


@pytest.fixture()
def grader_user():
    """(uid, gid) of a non-root user: a throw-away ks- user as root, else oneself."""
    if os.getuid() != 0:
        yield os.getuid(), os.getgid()
        return
    name = f"ks-sbx-{os.getpid()}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                   check=True, capture_output=True)
    try:
        entry = pwd.getpwnam(name)
        yield entry.pw_uid, entry.pw_gid
    finally:
        subprocess.run(["userdel", name], check=False, capture_output=True)


def test_sandbox_runs_as_a_non_root_grader(grader_user):
    from grading.sandbox_command import seccomp_program, sandbox_argv

    uid, gid = grader_user
    python = shutil.which("python3", path="/usr/bin:/bin")
    assert python, "Debian's python3 is needed (the Makefile's PYTHON)"
    base = Path(tempfile.mkdtemp(prefix="ks-sbx-", dir="/tmp"))
    try:
        course = base / "kurs"
        (course / "submitted" / "d001" / "vage").mkdir(parents=True)
        (course / "deltakere.csv").write_text("id,navn,epost\nd002,Kari,kari@k.no\n")
        work = course / "autograded" / "d001" / "vage"
        work.mkdir(parents=True)
        (work / "vage.ipynb").write_text("{}")
        kernel_dir = base / "k"
        kernel_dir.mkdir()
        (kernel_dir / "seccomp.bpf").write_bytes(seccomp_program())
        for p in [base, *base.rglob("*")]:
            os.chown(p, uid, gid)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        boot = ("import shutil, os; shutil.copytree('/innlevering', '/arbeid', dirs_exist_ok=True); "
                "os.chdir('/arbeid'); exec(" + repr(CHECK) + ")")
        cmd = (["/bin/sh", "-c", 'exec 9<"$1" && shift && exec "$@"', "sandkasse",
                str(kernel_dir / "seccomp.bpf")]
               + sandbox_argv(str(work), str(kernel_dir), python=python)
               + [python, "-I", "-c", boot, str(course), str(port)])
        env = dict(os.environ, JUPYTERHUB_API_TOKEN="hemmelig-token")

        def as_grader():
            if os.getuid() == 0:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)

        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env,
                              preexec_fn=as_grader, cwd="/")
        listener.close()
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        assert out["uid"] == 1000 and out["cwd"] == "/arbeid"
        assert out["files"] == ["vage.ipynb"]
        assert out["course_visible"] is False
        assert "kurs" not in out["root"] and "work" not in out["root"]
        assert out["net"] in ("ConnectionRefusedError", "OSError")   # its own empty loopback
        assert out["fork"] == 11                                      # EAGAIN from the seccomp filter
        assert "JUPYTERHUB_API_TOKEN" not in out["env"]
        assert not (work / "skrevet.txt").exists()                    # nothing written kept
    finally:
        shutil.rmtree(base, ignore_errors=True)
