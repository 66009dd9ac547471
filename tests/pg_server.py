"""A throwaway PostgreSQL server for tests: Debian's binaries, a temporary data folder, a Unix socket.

`make test` installs Debian's `postgresql` package when it is missing. The
server listens on no TCP port, only on a socket in its own folder, and is
removed when the tests end.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"Fant ikke PostgreSQL-programmet {name}. Kjør `make test`, som installerer postgresql.")
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def postgres_server():
    """Yield an SQLAlchemy URL of a fresh, empty PostgreSQL database."""
    base = Path(tempfile.mkdtemp(prefix="kurs-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    log = base / "server.log"
    subprocess.run(_as_postgres([pg_bin("initdb"), "-D", str(data), "-U", "kurs", "--auth=trust",
                                 "--encoding=UTF8", "--locale=C"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run(_as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start",
                                 "-o", f"-c listen_addresses='' -c unix_socket_directories={sock} -c fsync=off"]),
                   check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgresql+psycopg://kurs@/postgres?host={sock}"
    finally:
        subprocess.run(_as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)
