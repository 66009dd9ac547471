"""Sandbox (sandkasse) for every kernel that runs learner code while grading.

nbgrader runs a submitted notebook in a kernel started as the user who runs
``kursleder rett``. Here that kernel is started inside ``bubblewrap``
(``bwrap``, Debian package ``bubblewrap``), the unprivileged sandbox used by
Flatpak. It works as root and as an ordinary user (the hub's grader account),
with no daemon and no setuid helper. See docs/drift.md, «Sandkasse for retting».

Inside the sandbox:

* the file system holds only the read-only system (``/usr``), the Python
  installation, a private ``/tmp`` and ``/arbeid``: a size-limited in-memory
  copy of this one submission's working folder (made from a read-only view of
  it). The course folder, gradebook, roster, other submissions, home folders
  and the project are not there at all; nothing written inside survives;
* new user, PID, network, IPC and UTS namespaces: no network, not even
  loopback to the hub or Voila (the grader talks to the kernel over ZeroMQ's
  ``ipc`` transport: Unix sockets in a private folder shared with the sandbox);
* an empty environment (no ``JUPYTERHUB_API_TOKEN`` or other secrets);
* a seccomp filter that refuses new processes (``fork``, ``vfork``, ``clone``
  without ``CLONE_THREAD``), so a fork bomb stops at once; threads still work;
* limits: address space (memory), file size, open files, CPU time, wall time
  per notebook (:class:`SandboxedExecute`) and the bytes of output the grader
  keeps.

Inside the kernel a Python audit hook notes what the learner's code tried
(files outside its folder, sockets, new processes, secret environment
variables). The trusted side reads that note after the kernel has stopped and
writes it to ``rapporter/sandkasse-<oppgave>.jsonl``; the anomaly report
turns it into Norwegian findings. The note is only a report: the sandbox,
not the hook, is what stops the attempt.

This module holds the kernel manager and nbgrader's executor. The command, the limits and the
availability check are in :mod:`grading.sandbox_command`; the log and its Norwegian wording in
:mod:`grading.sandbox_log`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, default

from grading.sandbox_command import (EVENTS_FILE, MAX_EVENTS_BYTES, NOTEBOOK_SECONDS, OUTPUT_BYTES,
                                     SandboxUnavailable, check_available, enabled, kernel_command, short_tmp)
from grading.sandbox_log import EVENT_TEXT, write_record


# --------------------------------------------------------------------------
# The kernel manager and the executor nbgrader uses
# --------------------------------------------------------------------------
class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel inside :func:`kernel_command` and talks to it over ZeroMQ ``ipc``."""

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("cache_ports")
    def _default_cache_ports(self):
        return False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.kernel_dir = tempfile.mkdtemp(prefix="sandkasse-", dir=short_tmp())
        os.chmod(self.kernel_dir, 0o700)
        self.connection_file = os.path.join(self.kernel_dir, "k.json")
        self.ip = os.path.join(self.kernel_dir, "k")
        self.sandbox_source: str | None = None
        self.sandbox_events: list[dict] = []

    async def _async_pre_start_kernel(self, **kw):
        self.sandbox_source = kw.get("cwd")
        kw["cwd"] = self.kernel_dir
        kw["stdout"] = subprocess.DEVNULL
        kw["stderr"] = subprocess.DEVNULL
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        try:  # keep what follows «-m ipykernel_launcher»: -f <connection file> and extra arguments
            rest = cmd[cmd.index("ipykernel_launcher") + 1:]
        except ValueError:
            raise SandboxUnavailable("Sandkassen kan bare kjøre Python-kjernen (ipykernel).") from None
        return kernel_command(self.sandbox_source, self.kernel_dir, rest)

    def read_events(self) -> list[dict]:
        path = os.path.join(self.kernel_dir, EVENTS_FILE)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return self.sandbox_events
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_EVENTS_BYTES)
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(ev, dict) and ev.get("kind") in EVENT_TEXT and ev not in self.sandbox_events:
                self.sandbox_events.append({"kind": ev["kind"], "detail": str(ev.get("detail", ""))[:200]})
        return self.sandbox_events

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        self.read_events()
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.kernel_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with every kernel in the sandbox and limits per notebook."""

    notebook_timeout = Integer(NOTEBOOK_SECONDS, help="Wall time for one whole notebook (s).").tag(config=True)
    max_output_bytes = Integer(OUTPUT_BYTES, help="Output kept from one notebook (bytes).").tag(config=True)
    raise_on_iopub_timeout = Bool(False).tag(config=True)

    def __init__(self, *args, **kwargs):
        if enabled():
            check_available()
            kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._deadline = None
        self._output_bytes = 0
        self._limits: set[str] = set()
        self._managers: list = []

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        self._managers.append(km)
        return km

    def _cell_timeout(self, cell) -> int:
        remaining = max(1, int(self._deadline - time.monotonic()) + 1)
        return min(self.timeout, remaining) if self.timeout and self.timeout > 0 else remaining

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._output_bytes = 0
        self._limits = set()
        self._managers = []
        self.timeout_func = self._cell_timeout
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            self._record(nb, resources or {})

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and cell.source.strip() and time.monotonic() >= self._deadline:
            self._limits.add("tid")
            from nbformat import NotebookNode

            cell.outputs = [NotebookNode(output_type="error", ename="NotebookTimeout", evalue="",
                                         traceback=["Tidsgrensen for notatboken er nådd; cellen er ikke kjørt."])]
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        self._output_bytes += size
        if self._output_bytes > self.max_output_bytes:
            if "utdata" not in self._limits:
                self._limits.add("utdata")
                from nbformat import NotebookNode

                outs.append(NotebookNode(output_type="stream", name="stderr",
                                         text="\n[Utdata er kuttet: grensen for notatboken er nådd.]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _record(self, nb, resources: dict) -> None:
        """Write what happened in the sandbox for this notebook to rapporter/sandkasse-<a>.jsonl."""
        events: list[dict] = []
        for km in self._managers:
            if isinstance(km, SandboxKernelManager):
                events += [e for e in km.read_events() if e not in events]
        for cell in getattr(nb, "cells", []):
            for out in cell.get("outputs", []) or []:
                if out.get("output_type") == "error" and out.get("ename") == "MemoryError":
                    self._limits.add("minne")
                if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                    if time.monotonic() >= self._deadline - 1:
                        self._limits.add("tid")
        events += [{"kind": k, "detail": ""} for k in sorted(self._limits)]
        nbg = resources.get("nbgrader") or {}
        student, assignment = nbg.get("student"), nbg.get("assignment")
        if not (student and assignment):
            return
        record = {"student": student, "assignment": assignment, "notebook": nbg.get("notebook", ""),
                  "sandbox": enabled(), "events": events,
                  "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        write_record(self._course_root(), record)

    def _course_root(self) -> Path:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=self.config).root)
