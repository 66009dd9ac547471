"""The comm bridge that lets the book's widgets run in the reader's browser (Pyodide).

It ships in the ``kurs_widgets`` wheel (tools/build_wheels.py) next to ``widgets/``
and is driven by ``book_static/kurs-live.js``:

1. ``start(send)`` makes ipywidgets' comms talk to the page: every comm message
   Python publishes (open, update, close) is handed to ``send(kind, comm_id,
   json_text)``, and the page gives it to ``@jupyter-widgets/html-manager``;
2. ``run_cells(cells)`` runs a chapter's code cells in order in one namespace, as
   the book build ran them, and returns the model id of each cell's widget;
3. ``deliver(comm_id, json_text)`` hands a message from the page (a reader's
   answer) to the widget's comm, so the same Python callbacks run as in Voila.

ipywidgets imports a few names from IPython. IPython itself (with jedi and
pygments) is a large download and slow to start, and none of its machinery is
used here, so ``start`` installs small stand-ins for exactly those names.
Nothing here runs on the book-build machine; the module is plain Python so
that it can also be tested under CPython.
"""
from __future__ import annotations

import ast
import json
import sys
import types
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["deliver", "prepare", "run_cells", "start"]

Send = Callable[[str, str, str], Any]
_send: Send | None = None
_namespace: dict[str, Any] = {"__name__": "__main__"}
_displayed: list[Any] = []
#: The id of the page message being handled, sent back as the parent of Python's replies
#: (ipywidgets' front end matches an «echo_update» to the change that caused it).
_parent: str | None = None


def _display(*objs: Any, **_kwargs: Any) -> None:
    """IPython's display(): remember the widgets a cell shows."""
    _displayed.extend(objs)


def _install_ipython_stand_ins() -> None:
    if "IPython" in sys.modules:
        return
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: None  # type: ignore[attr-defined]
    ipython.display = _display  # type: ignore[attr-defined]
    display = types.ModuleType("IPython.display")
    display.display = _display  # type: ignore[attr-defined]
    display.clear_output = lambda *a, **k: None  # type: ignore[attr-defined]
    core = types.ModuleType("IPython.core")
    shell = types.ModuleType("IPython.core.interactiveshell")

    class InteractiveShell:  # only named by ipywidgets' Output widget
        @classmethod
        def initialized(cls) -> bool:
            return False

    shell.InteractiveShell = InteractiveShell  # type: ignore[attr-defined]
    ipython.core = core  # type: ignore[attr-defined]
    core.interactiveshell = shell  # type: ignore[attr-defined]
    sys.modules.update({"IPython": ipython, "IPython.display": display,
                        "IPython.core": core, "IPython.core.interactiveshell": shell})


#: Packages whose modules ``prepare`` imports ahead of the cells (those the wheel ships).
PREPARED_PACKAGES = ("fellesregler", "widgets")


def prepare() -> list[str]:
    """Import ipywidgets and every module of our packages, before any cell runs.

    The page calls this while Python starts (before the reader's click, if the widget
    was near the view), and the worker keeps a memory snapshot of Python taken right
    after it, so a second chapter restores an interpreter that has everything imported.
    It therefore holds no reference to the page: that is made later, in ``start``.
    The modules must not choose anything page-specific (such as the page's language)
    when they are imported. Returns the names of the modules imported, for the tests.
    """
    import importlib
    import pkgutil

    _install_ipython_stand_ins()
    import comm  # noqa: F401
    import ipywidgets  # noqa: F401

    done = []
    for name in PREPARED_PACKAGES:
        try:
            package = importlib.import_module(name)
        except ImportError:
            continue
        done.append(name)
        for info in pkgutil.iter_modules(package.__path__, prefix=f"{name}."):
            if info.ispkg:
                continue  # only what the wheel ships (tools/build_wheels.py): plain modules
            try:
                importlib.import_module(info.name)
            except ImportError:
                continue  # a server-side module; a cell that needs it reports the error itself
            done.append(info.name)
    return done


def start(send: Send) -> None:
    """Route ipywidgets' comms to ``send(kind, comm_id, json_text)``."""
    global _send
    _send = send
    _install_ipython_stand_ins()
    import comm
    from comm.base_comm import BaseComm

    class PageComm(BaseComm):
        def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                        buffers: Any = None, **keys: Any) -> None:
            if buffers:
                raise ValueError("Binære data i en oppgave støttes ikke i nettleseren.")
            message = {"data": data or {}, "metadata": metadata or {}}
            message.update({k: v for k, v in keys.items() if v is not None})
            if _parent is not None:
                message["parent"] = _parent
            if _send is not None:
                _send(msg_type, self.comm_id, json.dumps(message))

    comm.create_comm = PageComm  # type: ignore[assignment]


def run_cell(source: str, namespace: dict[str, Any]) -> Any:
    """Run one cell like a notebook does; return the widget it shows, or None.

    The value of a last expression is the cell's output, and so is a widget passed
    to ``display()``. The tests run chapters through this same function in CPython.
    """
    from ipywidgets import Widget

    _displayed.clear()
    tree = ast.parse(source, mode="exec")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<celle>", "exec"), namespace)
    value = None
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<celle>", "eval"), namespace)
    shown = [w for w in [*_displayed, value] if isinstance(w, Widget)]
    return shown[-1] if shown else None


def use_language(lang: str | None) -> str | None:
    """Make the page's language (``<html lang>``: nb or nn) the målform of this Python
    (``fellesregler.sprak.bruk``), before the cells make their widgets. Returns the
    målform in force, or None where the tree has no ``fellesregler.sprak``."""
    try:
        from fellesregler import sprak
    except ImportError:
        return None
    return sprak.bruk(lang)


def run_cells(cells: Iterable[Any], lang: str | None = None) -> str:
    """Run ``[[index, source], …]`` in order; return JSON ``[{index, model_id | feil}]``.

    ``lang`` is the page's language (see ``use_language``). A cell that fails is reported
    with a Norwegian message, and the page keeps its saved widget for that cell; the
    other cells still run.
    """
    if lang:
        use_language(lang)
    out = []
    for index, source in cells:
        try:
            widget = run_cell(str(source), _namespace)
        except Exception as exc:  # the page shows the saved widget and this message
            out.append({"index": int(index), "feil": f"{type(exc).__name__}: {exc}"})
            continue
        if widget is not None:
            out.append({"index": int(index), "model_id": widget.model_id})
    return json.dumps(out)


def deliver(comm_id: str, json_text: str, msg_id: str | None = None) -> None:
    """A comm message from the page: hand it to the comm's Python callbacks."""
    global _parent
    import comm

    target = comm.get_comm_manager().get_comm(comm_id)
    if target is None:
        return
    message = json.loads(json_text)
    _parent = msg_id
    try:
        target.handle_msg({"content": {"comm_id": comm_id, "data": message.get("data", {})},
                           "metadata": message.get("metadata", {}), "buffers": [],
                           "header": {"msg_id": msg_id}})
    finally:
        _parent = None
