"""The comm bridge of the live widgets (_ext/kurs_live.py), run under CPython.

In the browser, Pyodide runs the same module; here a recording function stands in
for the page's side, so the messages the page gets can be checked exactly.
The browser tests (test_pyodide_widgets.py) drive the whole path in Chromium.
"""
from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path

import comm
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import kurs_live  # noqa: E402

from tools import build_wheels  # noqa: E402


@pytest.fixture()
def page_messages(monkeypatch):
    """Start the bridge with a recorder; put ipywidgets' own comm factory back afterwards."""
    monkeypatch.setattr(comm, "create_comm", comm.create_comm)
    monkeypatch.setattr(kurs_live, "_namespace", {"__name__": "__main__"})
    sent: list[tuple[str, str, dict]] = []
    kurs_live.start(lambda kind, comm_id, text: sent.append((kind, comm_id, json.loads(text))))
    return sent


def test_cells_run_in_order_and_report_the_widget_of_each(page_messages):
    cells = [[1, "from widgets.vage import HandlingsromOppgave"], [3, "HandlingsromOppgave()"], [4, "x = 1"]]
    results = json.loads(kurs_live.run_cells(cells))
    assert [r["index"] for r in results] == [3]
    top = results[0]["model_id"]
    opened = {comm_id: msg for kind, comm_id, msg in page_messages if kind == "comm_open"}
    assert top in opened
    assert opened[top]["target_name"] == "jupyter.widget"
    assert opened[top]["data"]["state"]["_model_name"] == "VBoxModel"
    assert opened[top]["metadata"]["version"].startswith("2.")


def test_an_answer_from_the_page_runs_the_python_callback(page_messages):
    from widgets.vage import NIVAER, SAKER, vurder

    kurs_live.run_cells([[0, "from widgets.vage import HandlingsromOppgave\nHandlingsromOppgave()"]])
    dropdown = next(msg for kind, cid, msg in page_messages
                    if kind == "comm_open" and msg["data"]["state"].get("description") == "Nivå for sak 1:")
    dropdown_id = next(cid for kind, cid, msg in page_messages if msg is dropdown)
    page_messages.clear()
    kurs_live.deliver(dropdown_id, json.dumps({"data": {"method": "update", "state": {"index": 1},
                                                        "buffer_paths": []}}), "svar-1")
    updates = [msg for kind, _, msg in page_messages if kind == "comm_msg"]
    expected = vurder(SAKER[0].nokkel, NIVAER[0].nokkel).tekst
    assert any(expected.split(".")[0] in json.dumps(m["data"], ensure_ascii=False) for m in updates)
    assert all(m.get("parent") == "svar-1" for m in updates)  # the page matches echoes to its change


def test_a_failing_cell_is_reported_and_the_rest_still_run(page_messages):
    results = json.loads(kurs_live.run_cells([[0, "1/0"], [1, "import ipywidgets\nipywidgets.Button(description='Ok')"]]))
    assert results[0]["index"] == 0 and results[0]["feil"].startswith("ZeroDivisionError")
    assert results[1]["index"] == 1 and "model_id" in results[1]


def test_widgets_wheel_holds_the_tree_and_the_bridge(tmp_path):
    path = build_wheels.build_widgets_wheel(tmp_path)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        record = z.read(next(n for n in names if n.endswith("RECORD"))).decode()
    assert "kurs_live.py" in names and "widgets/vage.py" in names
    assert "widgets/voila_server.py" not in names
    assert all(n in record for n in names)
    assert build_wheels.build_widgets_wheel(tmp_path) == path  # same code, same name
    assert list(tmp_path.glob("*.whl")) == [path]


def test_pure_wheels_follow_constraints():
    pins = build_wheels.pinned()
    assert set(pins) == {"comm", "traitlets", "ipywidgets"}
    import ipywidgets
    import traitlets

    assert pins["ipywidgets"] == ipywidgets.__version__
    assert pins["traitlets"] == traitlets.__version__
    assert pins["comm"] == comm.__version__


def test_widgets_wheel_holds_the_shared_rules_they_import_and_needs_no_server_library(tmp_path):
    """widgets/ imports fellesregler (escaping, number format): the wheel must carry those modules,
    and the widgets must import from the wheel alone with PyYAML, pandas and the sanitisers blocked,
    as in Pyodide, where none of them is installed."""
    import subprocess

    path = build_wheels.build_widgets_wheel(tmp_path / "wheel")
    site = tmp_path / "site"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        z.extractall(site)
    assert {"fellesregler/__init__.py", "fellesregler/escaping.py", "fellesregler/formatering.py"} <= names
    assert "fellesregler/sanitise.py" not in names and "fellesregler/personvern.py" not in names
    shipped = {n[:-3].replace("/", ".").removesuffix(".__init__") for n in names
               if n.endswith(".py") and n.split("/")[0] in ("widgets", "fellesregler")}
    imported = set()
    for f in (ROOT / "widgets").glob("*.py"):
        imported |= set(re.findall(r"^\s*from (fellesregler\.\w+) import", f.read_text(encoding="utf-8"), re.M))
    assert imported and imported <= shipped
    code = (
        "import importlib, sys\n"
        "for blocked in ('yaml', 'pandas', 'bleach', 'mistune', 'bs4', 'jinja2', 'sqlalchemy'):\n"
        "    sys.modules[blocked] = None\n"
        f"for name in {sorted(shipped)!r}:\n"
        "    module = importlib.import_module(name)\n"
        f"    assert module.__file__.startswith({str(site)!r}), module.__file__\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def test_widgets_wheel_carries_package_data_such_as_message_catalogues(tmp_path):
    """Translations of the widgets (gettext .mo files) must reach Pyodide; the sources
    of the catalogues, caches and server-only subpackages must not."""
    root = tmp_path / "tre"
    files = {
        "widgets/__init__.py": "", "widgets/vage.py": "X = 1\n",
        "widgets/locale/nn/LC_MESSAGES/widgets.mo": "mo", "widgets/locale/nn/LC_MESSAGES/widgets.po": "po",
        "widgets/data/saker.json": "{}", "widgets/__pycache__/vage.cpython-314.pyc": "pyc",
        "widgets/egenvurdering/__init__.py": "", "widgets/egenvurdering/schema.json": "{}",
        **{f"fellesregler/{name}": "" for name in build_wheels.SHARED_IN_BROWSER},
        "fellesregler/locale/nn/LC_MESSAGES/fellesregler.mo": "mo",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    path = build_wheels.build_widgets_wheel(tmp_path / "ut", root, ROOT / "_ext" / "kurs_live.py")
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert z.read("widgets/locale/nn/LC_MESSAGES/widgets.mo") == b"mo"
    assert {"widgets/data/saker.json", "fellesregler/locale/nn/LC_MESSAGES/fellesregler.mo"} <= names
    assert not any(n.endswith((".po", ".pyc")) or "egenvurdering" in n for n in names)


def test_prepare_imports_every_shipped_module_and_holds_no_page_reference(monkeypatch):
    """What the worker's memory snapshot holds: ipywidgets and all our modules, imported
    before the page hands Python its send function (which a snapshot cannot keep)."""
    monkeypatch.setattr(kurs_live, "_send", None)
    done = kurs_live.prepare()
    shipped = {n[:-3].replace("/", ".") for n in build_wheels.widgets_sources()
               if n.endswith(".py") and "/" in n and not n.endswith("__init__.py")}
    assert shipped <= set(done)
    assert {"ipywidgets", "comm", "IPython"} <= set(sys.modules)
    assert kurs_live._send is None


def test_widgets_wheel_carries_the_compiled_code_catalogues(tmp_path):
    """locale/<lang>/LC_MESSAGES/<domain>.po of each domain in locale/domener.yaml reaches
    Pyodide as fellesregler/locale/<lang>/LC_MESSAGES/<domain>.mo (where sprak.py looks)."""
    import gettext
    import io

    root = tmp_path / "tre"
    po = root / "locale" / "nn" / "LC_MESSAGES" / "oppgaver.po"
    po.parent.mkdir(parents=True)
    (root / "locale" / "domener.yaml").write_text("oppgaver:\n  python: [widgets/*.py]\n", encoding="utf-8")
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Riktig!"\nmsgstr "Rett!"\n\n#, fuzzy\nmsgid "Nesten."\nmsgstr "Nesten, kanskje."\n',
                  encoding="utf-8")
    files = build_wheels.code_catalogues(root)
    assert list(files) == ["fellesregler/locale/nn/LC_MESSAGES/oppgaver.mo"]
    catalogue = gettext.GNUTranslations(io.BytesIO(files["fellesregler/locale/nn/LC_MESSAGES/oppgaver.mo"]))
    assert catalogue.gettext("Riktig!") == "Rett!"
    assert catalogue.gettext("Nesten.") == "Nesten."  # fuzzy: shown in bokmål, as in a checkout


def test_cells_run_in_the_page_language(page_messages):
    from fellesregler import sprak

    try:
        kurs_live.run_cells([[0, "x = 1"]], "nn")
        assert sprak.aktivt() == "nn"
        kurs_live.run_cells([[0, "x = 1"]], "nb")
        assert sprak.aktivt() == "nb"
    finally:
        sprak.bruk(sprak.STANDARD)
