"""The live page of a chapter widget (``apps/widgets/<side>.ipynb``): checked thin and clean, then run.

Used by each widget's ``test_live_notebook…`` and by ``tests/test_widgets_appside.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as w

from widgets.appside import overskrift_html


def run_live_notebook(root: Path, side: str) -> list:
    """Check that the notebook is one clean code cell (imports from ``widgets``, then one call of
    :func:`widgets.appside.vis_side` for this page), run it, and return the widgets it shows under
    the page's heading."""
    nb = json.loads((root / "apps" / "widgets" / f"{side}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "title" not in nb["metadata"]  # the title follows the målform: widgets.appside.sidetitler
    # No markdown cell: it is rendered before the kernel knows ?sprak=, so it could not follow it.
    assert [c["cell_type"] for c in nb["cells"]] == ["code"]
    celle = nb["cells"][0]
    assert celle["outputs"] == [] and celle["execution_count"] is None
    *forut, siste = "".join(celle["source"]).strip().splitlines()
    assert all(linje.startswith("from widgets.") for linje in forut if linje), forut
    assert siste.startswith(f'vis_side("{side}", '), siste
    navnerom: dict = {}
    exec("\n".join(forut), navnerom)
    side_widget = eval(siste, navnerom)
    assert isinstance(side_widget, w.VBox)
    topp, *vist = side_widget.children
    assert isinstance(topp, w.HTML) and topp.value == overskrift_html(side)
    return vist
