"""Tests for widgets._oppgave and the shared HTML helpers in widgets._common."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import FrozenInstanceError

import pytest
import traitlets as T

from widgets._common import InputError, finn, oppgavetekst_html, rad_html, tabell_html
from widgets._oppgave import (
    Klassifiseringsoppgave,
    Resultat,
    Svarvisning,
    Tekster,
    Visning,
    avkrysning,
    avkrysset,
    er_besvart,
    knapp,
    nedtrekk,
    oppsummer,
    vurder_besvarte,
)

# -- a toy exercise: is the number even or odd? ------------------------------------


Tall = namedtuple("Tall", "nokkel tekst riktig")
Svar = namedtuple("Svar", "tall_id riktig tekst")

TALL = (Tall("to", "2", "partall"), Tall("tre", "3", "oddetall"), Tall("fire", "<4>", "partall"))
KATEGORIER = {"partall": "Partall", "oddetall": "Oddetall"}
INDEKS = {t.nokkel: t for t in TALL}


def finn_tall(tall_id: str) -> Tall:
    return finn(INDEKS, tall_id, f"Ukjent tall: «{tall_id}».")


def vurder_tall(tall_id: str, kategori: str) -> Svar:
    t = finn_tall(tall_id)
    finn(KATEGORIER, kategori, f"Ukjent kategori: «{kategori}».")
    return Svar(t.nokkel, kategori == t.riktig, "Riktig." if kategori == t.riktig else "Feil.")


def vurder_alle(svar) -> Resultat[Svar]:
    return Resultat(vurder_besvarte(svar, TALL, finn_tall, vurder_tall), len(TALL))


TEKSTER = Tekster(
    ingen="Ingen svar. Det er {antall} tall.",
    gjort="sortert",
    ting="tall",
    alle_riktige="Bra.",
    noen_feil="Prøv igjen.",
    til_slutt="Slutt.",
)


# -- logic -------------------------------------------------------------------------


def test_result_counts_and_is_frozen():
    r = vurder_alle({"to": "partall", "tre": "partall"})
    assert [v.tall_id for v in r.vurderinger] == ["to", "tre"]
    assert (r.besvart, r.riktige, r.ferdig) == (2, 1, False)
    with pytest.raises(FrozenInstanceError):
        r.antall = 9


def test_judge_all_follows_case_order_and_skips_empty_answers():
    r = vurder_alle({"fire": "partall", "to": "", "tre": None})
    assert [v.tall_id for v in r.vurderinger] == ["fire"]
    assert not er_besvart("") and not er_besvart(None) and er_besvart("partall")


def test_judge_all_rejects_unknown_case_even_with_empty_answer():
    with pytest.raises(InputError, match="Ukjent tall"):
        vurder_alle({"fem": ""})
    with pytest.raises(InputError, match="Ukjent kategori"):
        vurder_alle({"to": "primtall"})


@pytest.mark.parametrize(
    ("svar", "forventet"),
    [
        ({}, ("Ingen svar. Det er 3 tall.", "info")),
        ({"to": "partall"}, ("Du har sortert 1 av 3 tall. 1 er riktige så langt.", "info")),
        (
            {"to": "partall", "tre": "oddetall", "fire": "partall"},
            ("Ferdig! Du har 3 av 3 riktige. Bra. Slutt.", "ok"),
        ),
        (
            {"to": "oddetall", "tre": "oddetall", "fire": "partall"},
            ("Ferdig! Du har 2 av 3 riktige. Prøv igjen. Slutt.", "ok"),
        ),
    ],
)
def test_summary_message(svar, forventet):
    assert oppsummer(vurder_alle(svar), TEKSTER) == forventet


def test_summary_without_closing_words():
    tekster = Tekster("x", "sortert", "tall", "Bra.", "Prøv igjen.")
    r = vurder_alle({"to": "partall", "tre": "oddetall", "fire": "partall"})
    assert oppsummer(r, tekster) == ("Ferdig! Du har 3 av 3 riktige. Bra.", "ok")


def test_finn_gives_the_message_for_missing_and_unhashable_keys():
    assert finn(INDEKS, "to", "nei") is TALL[0]
    for nokkel in ("fem", None, ["to"]):
        with pytest.raises(InputError, match="^nei$"):
            finn(INDEKS, nokkel, "nei")


def test_html_helpers_escape_text():
    assert oppgavetekst_html("Sak 1", "<b>") == "<p><strong>Sak 1.</strong> &lt;b&gt;</p>"
    assert rad_html("A&B", "x", "<y>") == "<tr><th scope='row'>A&amp;B</th><td>x</td><td>&lt;y&gt;</td></tr>"
    html = tabell_html("Tittel <1>", ("Kol", "Kol 2"), "<tr></tr>")
    assert html == (
        "<table class='table kurs-tabell'><caption>Tittel &lt;1&gt;</caption><thead><tr>"
        "<th scope='col'>Kol</th><th scope='col'>Kol 2</th></tr></thead><tbody><tr></tr></tbody></table>"
    )
    assert tabell_html("T", (), "", klasse="kurs-tabell").startswith("<table class='kurs-tabell'>")


# -- views -------------------------------------------------------------------------


class TallOppgave(Klassifiseringsoppgave):
    def __init__(self, **kwargs):
        super().__init__(
            intro="<p>Sorter tallene.</p>",
            oppgaver=TALL,
            valg=[("Velg …", "")] + [(navn, k) for k, navn in KATEGORIER.items()],
            etikett="Type for tall {nr}:",
            overskrift="Tall {nr}",
            bredde={"width": "20em"},
            gyldige=KATEGORIER,
            vurder=vurder_alle,
            oppsummer=lambda r: oppsummer(r, TEKSTER),
            vurdering_id=lambda v: v.tall_id,
            **kwargs,
        )


def test_classification_view_builds_rows_and_a_first_result():
    o = TallOppgave()
    assert "kurs-widget" in o._dom_classes
    assert [v.description for v in o._velgere.values()] == ["Type for tall 1:", "Type for tall 2:", "Type for tall 3:"]
    assert o.children[3].children[0].value == "<p><strong>Tall 3.</strong> &lt;4&gt;</p>"
    assert "Ingen svar" in o._poengboks.value and o.poeng == 0
    assert o._nullstill.description == "Start på nytt"


def test_classification_view_control_trait_and_reset():
    o = TallOppgave()
    o._velgere["tre"].value = "partall"
    assert o.svar == {"tre": "partall"} and "kurs-feil" in o._svarbokser["tre"].value
    o.svar = {"to": "partall", "tre": "oddetall", "fire": "partall"}
    assert o._velgere["tre"].value == "oddetall" and o.poeng == 3 and o.ferdig
    o._nullstill.click()
    assert o.svar == {} and o._velgere["to"].value == "" and o._svarbokser["to"].value == ""


def test_classification_view_shows_bad_answer_and_keeps_control():
    o = TallOppgave(svar={"to": "partall"})
    assert o._velgere["to"].value == "partall" and o.poeng == 1
    o.svar = {"to": "<primtall>"}
    assert "kurs-feil" in o._poengboks.value and "<primtall>" not in o._poengboks.value
    assert o._velgere["to"].value == "partall"


def test_answer_view_with_toggle_buttons_and_other_trait_name():
    import ipywidgets as W

    class Sjekk(Svarvisning):
        valgt = T.Dict()
        _svar_trait = "valgt"
        _tomt = None

        def __init__(self, **kwargs):
            self.knapper = {t.nokkel: W.ToggleButtons(options=["ja", "nei"], value=None) for t in TALL}
            self._koble_svarkontroller(self.knapper, {"ja", "nei"})
            self.visninger = 0
            super().__init__(list(self.knapper.values()), **kwargs)

        def _update_visning(self) -> None:
            self.visninger += 1

    s = Sjekk()
    assert s.visninger == 1
    s.knapper["to"].value = "ja"
    assert s.valgt == {"to": "ja"} and s.visninger == 2
    s.valgt = {"tre": "nei"}
    assert s.knapper["to"].value is None and s.knapper["tre"].value == "nei"
    s._on_nullstill()
    assert s.valgt == {} and s.knapper["tre"].value is None


def test_shared_controls_and_sync_guard():
    import ipywidgets as W

    class Kart(Visning):
        valgte = T.List(T.Unicode())

        def __init__(self):
            self.bokser = avkrysning([("a", "A"), ("b", "B")], width="auto")
            super().__init__(list(self.bokser.values()))
            kopier = self._kopier_til("valgte", lambda _change: avkrysset(self.bokser))
            for boks in self.bokser.values():
                boks.observe(kopier, names="value")

    k = Kart()
    assert [b.description for b in k.bokser.values()] == ["A", "B"]
    assert all(b.layout.width == "auto" and not b.indent for b in k.bokser.values())
    k.bokser["b"].value = True
    assert k.valgte == ["b"]
    with k._synkroniserer():
        k.bokser["a"].value = True
    assert k.valgte == ["b"] and not k._synker

    velg = nedtrekk([("En", "1")], "Velg (oppdiktet):")
    assert isinstance(velg, W.Dropdown) and velg.layout.max_width == "44em"
    assert velg.style.description_width == "initial"
    assert knapp("Sjekk", "check").layout.width == "max-content"


def test_docstring_examples_run():
    import doctest

    import widgets._oppgave as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
