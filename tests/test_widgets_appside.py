"""The live pages of the chapter widgets (apps/widgets/*.ipynb, widgets/appside.py): the heading, the
line under it and the page's title follow the målform the URL asks for, as the widgets do."""
from __future__ import annotations

import re

import ipywidgets as w
import pytest
from live_notebook import run_live_notebook

from fellesregler import sprak
from fellesregler.escaping import esc
from widgets.appside import KURSNAVN, SIDER, overskrift_html, sidetitler, vis_side
from widgets.egenvurdering.sprakvalg import MAL_TEKSTER, mal_tekster

NN = sprak.oversettelse("widgets", "nn")


def test_every_widget_notebook_has_its_page_texts(root):
    assert sorted(p.stem for p in (root / "apps" / "widgets").glob("*.ipynb")) == sorted(SIDER)


@pytest.mark.parametrize("side", sorted(SIDER))
def test_each_notebook_is_thin_clean_and_shows_widgets_under_its_heading(root, side):
    vist = run_live_notebook(root, side)
    assert vist and all(isinstance(widget, w.DOMWidget) for widget in vist)


@pytest.mark.parametrize("side", sorted(SIDER))
def test_the_heading_is_one_h1_in_the_malform_in_force(side):
    s = SIDER[side]
    bokmal = overskrift_html(side)
    with sprak.med_sprak("nn"):
        nynorsk = overskrift_html(side)
    assert bokmal == f"<h1>{esc(s.overskrift)}</h1><p>{esc(s.ingress)}</p>"
    assert nynorsk == f"<h1>{esc(NN.gettext(s.overskrift))}</h1><p>{esc(NN.gettext(s.ingress))}</p>"
    assert NN.gettext(s.ingress) != s.ingress  # translated (some headings are the same in both forms)
    for html in (bokmal, nynorsk):
        assert len(re.findall(r"<h1\b", html)) == 1 and "<h2" not in html


def test_the_malform_is_chosen_before_anything_is_built():
    """The heading and every widget are built in the målform of the URL, not in bokmål first."""
    sett: list[str] = []

    def lag():
        sett.append(sprak.aktivt())
        return w.Button(description="x")

    try:
        side = vis_side("lede", lag, lag, query="sprak=nn")
    finally:
        sprak.bruk(sprak.STANDARD)
    assert sett == ["nn", "nn"]
    topp, *vist = side.children
    assert "<h1>Å leie: når skal kven vere med?</h1>" in topp.value
    assert [b.description for b in vist] == ["x", "x"]
    bokmal = vis_side("lede", query="sprak=nb").children[0].value
    assert "<h1>Å lede: når skal hvem involveres?</h1>" in bokmal


def test_the_voila_template_titles_each_page_in_both_malformer():
    """The template sets <title> from these (``tittel_<notebook>``), in the målform of the URL."""
    tekster = mal_tekster()
    assert sidetitler("nb")["vage"] == "Å våge: hvem bestemmer, og er forsøket trygt? – Nyskapende arbeidsgivere"
    for side, s in SIDER.items():
        assert f"tittel_{side}" not in MAL_TEKSTER  # no page's title hides an app's
        assert tekster["nb"][f"tittel_{side}"] == f"{s.overskrift} – {KURSNAVN}"
        assert tekster["nn"][f"tittel_{side}"] == f"{NN.gettext(s.overskrift)} – {KURSNAVN}"
    assert tekster["nn"]["tittel_vage"] == "Å våge: kven bestemmer, og er forsøket trygt? – Nyskapende arbeidsgivere"
