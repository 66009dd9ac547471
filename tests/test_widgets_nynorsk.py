"""The chapter widgets in nynorsk: what a learner sees comes from the catalog locale/nn/LC_MESSAGES/widgets.po.

Each test builds the feedback for a few answers in nynorsk (``sprak.med_sprak("nn")``) and compares
it with the catalog's translation of the bokmål templates and content, filled in the same way. The
bokmål texts are read from the code (outside the block), never written here, and each test checks
that the nynorsk feedback differs from the bokmål. That every marked text is translated and in step
is tests/test_i18n.py's staleness check (``locale/domener.yaml`` lists the domain ``widgets``).
"""
from __future__ import annotations

import json

import pytest

from fellesregler import sprak
from fellesregler.escaping import esc
from fellesregler.formatering import tall
from tools import i18n
from widgets import fremtid, kommune, laere, lede, mobilisere, prosess, samhandle, vage
from widgets._common import InputError

NN = sprak.oversettelse("widgets", "nn")


def nn(tekst: str) -> str:
    """The catalog's nynorsk for a bokmål text; fails if the catalog has none."""
    oversatt = NN.gettext(tekst)
    assert oversatt != tekst or tekst.isdigit(), f"Ingen nynorsk i widgets.po for «{tekst}»"
    return oversatt


def nn_eller_lik(tekst: str) -> str:
    """The catalog's nynorsk, where the word may be the same in both forms («Samskaping»)."""
    return NN.gettext(tekst)


def test_the_widgets_domain_is_extracted_and_has_a_catalog():
    assert i18n.code_domains()["widgets"] == {"python": ["widgets/*.py"]}
    assert (i18n.ROOT / "locale" / "nn" / "LC_MESSAGES" / "widgets.po").is_file()


# -- vage ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("riktig", [True, False])
def test_vage_feedback_on_a_case(riktig):
    sak = vage.SAKER[0]
    niva = vage.finn_niva(sak.riktig) if riktig else next(n for n in vage.NIVAER if n.nokkel != sak.riktig)
    fasit = vage.finn_niva(sak.riktig)
    bokmal = vage.vurder(sak.nokkel, niva.nokkel).tekst
    with sprak.med_sprak("nn"):
        nynorsk = vage.vurder(sak.nokkel, niva.nokkel).tekst
    endre = nn("Hvem kan endre det? {fasit_hvem_kan_endre}").format(fasit_hvem_kan_endre=nn(fasit.hvem_kan_endre))
    if riktig:
        expected = nn("Riktig: {fasit_navn}. {sak_forklaring} {endre}").format(
            fasit_navn=nn_eller_lik(fasit.navn).lower(), sak_forklaring=nn(sak.forklaring), endre=endre)
    else:
        expected = nn("Ikke helt. Du valgte {valgt_navn}, men dette er {fasit_navn}. {sak_forklaring} {endre}").format(
            valgt_navn=nn_eller_lik(niva.navn).lower(), fasit_navn=nn_eller_lik(fasit.navn).lower(),
            sak_forklaring=nn(sak.forklaring), endre=endre)
    assert nynorsk == expected and nynorsk != bokmal


def test_vage_view_in_nynorsk_shows_the_catalogs_words():
    sak = vage.SAKER[-1]
    with sprak.med_sprak("nn"):
        oppgave = vage.HandlingsromOppgave()
        oppgave.svar = {sak.nokkel: sak.riktig}
        feedback = oppgave._svarbokser[sak.nokkel].value
        valg = oppgave._velgere[sak.nokkel].options
        sjekk = vage.ForsoksSjekk()
        sjekk.svar = {"innbyggere": "nei"}
    assert esc(nn(sak.forklaring)) in feedback and esc(sak.forklaring) not in feedback
    assert valg[0] == (nn("Velg nivå …"), "")
    assert esc(nn("Forsøket er ikke trygt nok ennå. Se rådene under før dere starter.")) in sjekk._resultat.value
    assert (nn("Vet ikke"), "vet_ikke") in sjekk._knapper["innbyggere"].options


def test_vage_score_message_in_nynorsk():
    svar = {vage.SAKER[0].nokkel: vage.SAKER[0].riktig}
    with sprak.med_sprak("nn"):
        tekst, _kind = vage.oppsummer(vage.vurder_alle(svar))
    expected = nn("Du har {gjort} {besvart} av {antall} {ting}. {riktige} er riktige så langt.").format(
        gjort=nn_eller_lik("plassert"), besvart=1, antall=len(vage.SAKER), ting=nn_eller_lik("saker"), riktige=1)
    assert tekst == expected and tekst != vage.oppsummer(vage.vurder_alle(svar))[0]


def test_an_input_error_is_in_nynorsk():
    with sprak.med_sprak("nn"), pytest.raises(InputError) as feil:
        vage.vurder_alle({"finnes-ikke": "lov"})
    assert str(feil.value) == nn("Ukjent sak: «{sak_id}».").format(sak_id="finnes-ikke")


# -- laere ----------------------------------------------------------------------------------------


def test_laere_feedback_and_loop_in_nynorsk():
    s = laere.SITUASJONER[0]
    f = laere.finn_faktor(s.riktig)
    bokmal = laere.vurder_faktor(s.nokkel, s.riktig).tekst
    feil_rekkefolge = ["evaluere", "prove"]
    merknader = laere.vurder_sloyfe(feil_rekkefolge).merknader
    with sprak.med_sprak("nn"):
        nynorsk = laere.vurder_faktor(s.nokkel, s.riktig).tekst
        sloyfe = laere.vurder_sloyfe(feil_rekkefolge)
    expected = nn("Riktig. {s_hvorfor} {fasit_navn} betyr {fasit_beskrivelse}.").format(
        s_hvorfor=nn(s.hvorfor), fasit_navn=nn_eller_lik(f.navn), fasit_beskrivelse=nn(f.beskrivelse))
    assert nynorsk == expected and nynorsk != bokmal
    assert merknader and sloyfe.merknader == tuple(nn(m) for m in merknader)


# -- lede -----------------------------------------------------------------------------------------


def test_lede_timeline_feedback_in_nynorsk():
    aktivitet = next(a for a in lede.AKTIVITETER if "beslutning" in a.faser)
    plassering = {aktivitet.nokkel: "beslutning"}
    bokmal = lede.vurder_tidslinje(plassering).plasseringer[0].tekst
    with sprak.med_sprak("nn"):
        nynorsk = lede.vurder_tidslinje(plassering).plasseringer[0].tekst
        visning = lede.InvolveringsTidslinje()
    assert nynorsk == nn("Riktig. {aktivitet_forklaring}").format(aktivitet_forklaring=nn(aktivitet.forklaring))
    assert nynorsk != bokmal
    assert visning._velgere[lede.AKTIVITETER[0].nokkel].options[0] == (nn("Velg fase …"), "")


# -- kommune --------------------------------------------------------------------------------------


@pytest.mark.parametrize("antall_riktige", [1, 2])
def test_kommune_summary_uses_the_plural_of_the_catalog(antall_riktige):
    riktige = [p for p in kommune.PRAKSISER][:antall_riktige]
    svar = {p.nokkel: p.modell for p in riktige}
    bokmal = kommune.oppsummer(svar).tekst()
    with sprak.med_sprak("nn"):
        nynorsk = kommune.oppsummer(svar).tekst()
    forms = [NN.ngettext("Du har svart på {besvart} av {totalt}, og {riktige} er riktig.",
                         "Du har svart på {besvart} av {totalt}, og {riktige} er riktige.", n) for n in (1, 2)]
    start = forms[0 if antall_riktige == 1 else 1].format(besvart=antall_riktige, totalt=len(kommune.PRAKSISER),
                                                          riktige=antall_riktige)
    assert nynorsk.startswith(start) and not bokmal.startswith(start)
    assert forms[0] != forms[1]


def test_kommune_view_in_nynorsk():
    with sprak.med_sprak("nn"):
        ovelse = kommune.KommuneSortering()
        forste = kommune.PRAKSISER[0]
        feedback = ovelse._tilbakemeldinger[forste.nokkel].value
    assert esc(nn("Riktig.")) in feedback
    assert esc(nn(forste.forklaring)) in feedback and esc(forste.forklaring) not in feedback


# -- mobilisere -----------------------------------------------------------------------------------


def test_mobilisere_type_and_resource_map_in_nynorsk():
    e = mobilisere.EKSEMPLER[0]
    t = next(t for t in mobilisere.TYPER.values() if t.nokkel != e.riktig)
    fasit = mobilisere.TYPER[e.riktig]
    bokmal = mobilisere.vurder_type(e.nokkel, t.nokkel).melding
    with sprak.med_sprak("nn"):
        nynorsk = mobilisere.vurder_type(e.nokkel, t.nokkel).melding
        kart = mobilisere.kartlegg_ressurser(mobilisere.UTFORDRINGER[0].nokkel, [])
    expected = nn("Du valgte {t_navn}. Kjennetegn på den typen: {t_kjennetegn} Vi foreslår heller {fasit_navn}. "
                  "{e_forklaring}").format(t_navn=nn_eller_lik(t.navn).lower(), t_kjennetegn=nn(t.kjennetegn),
                                           fasit_navn=nn_eller_lik(fasit.navn).lower(), e_forklaring=nn(e.forklaring))
    assert nynorsk == expected and nynorsk != bokmal
    assert kart.melding == nn("Kryss av for minst én ressurs for å lage et ressurskart.")


# -- samhandle ------------------------------------------------------------------------------------


def test_samhandle_feedback_in_nynorsk():
    s = samhandle.SAKER[0]
    with sprak.med_sprak("nn"):
        v = samhandle.vurder_samhandling(s.nokkel, s.arena, sorted(s.ma))
        kort = samhandle.oppsummering(v)
    bokmal = samhandle.vurder_samhandling(s.nokkel, s.arena, sorted(s.ma))
    assert v.meldinger[0] == nn("Arenaen passer: {arenaer_navn}.").format(
        arenaer_navn=nn_eller_lik(samhandle.ARENAER[s.arena].navn).lower())
    assert v.meldinger[-1] == nn(s.forklaring) != bokmal.meldinger[-1]
    assert kort == nn("Arenaen og partene passer med forslaget vårt.")


# -- prosess --------------------------------------------------------------------------------------


def test_prosess_warnings_in_nynorsk():
    plan = prosess.endre_fase(prosess.standardplan(), "innsikt", med=False)
    bokmal = prosess.varsler(plan)
    with sprak.med_sprak("nn"):
        nynorsk = prosess.varsler(plan)
    fase = prosess.FASER[1]
    expected = nn("Fasen «{fase_navn}» er tatt ut. {fase_uten_fasen}").format(
        fase_navn=nn_eller_lik(fase.navn), fase_uten_fasen=nn(fase.uten_fasen))
    assert expected in nynorsk and expected not in bokmal


# -- fremtid --------------------------------------------------------------------------------------


def test_fremtid_explanation_and_errors_in_nynorsk():
    f = fremtid.framskriv(fremtid.Kommunetall(1000, 20, 70, 60))
    bokmal = fremtid.forklaring(f)
    with sprak.med_sprak("nn"):
        nynorsk = fremtid.forklaring(f)
        with pytest.raises(InputError) as feil:
            fremtid.lag_kommunetall("", "20", "70", "60")
        ovelse = fremtid.Fremtidsovelse()
    assert nynorsk[-1] == nn(
        "I {maal_aar} trenger kommunen om lag {slutt_behov} årsverk, men har om lag {slutt_bemanning}. Det mangler "
        "{f_gap} årsverk, eller {f_gap_prosent} prosent av behovet."
    ).format(maal_aar=fremtid.MAAL_AAR, slutt_behov=tall(f.slutt.behov), slutt_bemanning=tall(f.slutt.bemanning),
             f_gap=tall(f.gap), f_gap_prosent=tall(f.gap_prosent))
    assert nynorsk[-1] != bokmal[-1]
    assert str(feil.value) == nn("Feltet «{navn}» er tomt. Skriv inn et tall.").format(navn=nn_eller_lik("Årsverk i dag"))
    assert ovelse._eksempelknapp.description == nn("Bruk eksempeltallene")


# -- the book -------------------------------------------------------------------------------------


def _i_json(tekst: str) -> str:
    """A text as it stands in a page's saved widget state (JSON, non-ASCII escaped)."""
    return json.dumps(tekst)[1:-1]


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("side, tekst", [("chapters/vage", "Velg nivå …"), ("chapters/lede", "Velg fase …"),
                                         ("chapters/fremtidsbildet", "Bruk eksempeltallene")])
def test_the_nynorsk_book_shows_the_widgets_saved_state_in_nynorsk(built_book, side, tekst):
    """The nynorsk build runs the chapters' code cells in nynorsk (KURS_SPRAK, _ext/kurs.py)."""
    assert built_book.returncode == 0, built_book.output[-3000:]
    bokmal = (built_book.html / f"{side}.html").read_text(encoding="utf-8")
    nynorsk = (built_book.html / "nn" / f"{side}.html").read_text(encoding="utf-8")
    assert _i_json(tekst) in bokmal and _i_json(nn(tekst)) not in bokmal
    assert _i_json(nn(tekst)) in nynorsk and _i_json(tekst) not in nynorsk


@pytest.mark.parametrize("query, forventet", [("sprak=nn", "nn"), ("", "nb"), ("sprak=tysk", "nb")])
def test_a_voila_kernel_takes_the_malform_from_the_url(monkeypatch, query, forventet):
    """What the widget notebooks call first (apps/widgets/*.ipynb): Voila's QUERY_STRING decides."""
    from widgets import sprak_fra_voila

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", query)
    try:
        assert sprak_fra_voila() == forventet == sprak.aktivt()
    finally:
        sprak.bruk(sprak.STANDARD)
