"""Building blocks shared by the chapter exercises.

Logic for a *classification exercise* (place each case in one category and
get feedback per case), as plain functions over frozen dataclasses:
:class:`Resultat`, :func:`er_besvart`, :func:`vurder_besvarte`,
:class:`Tekster` and :func:`oppsummer`.

Thin view pieces built on them:

* :class:`Visning`: a ``VBox`` that copies traits into its controls without
  the controls' callbacks echoing back;
* :class:`Svarvisning`: one control per case, kept in step with a ``Dict``
  trait of answers (case id → chosen value);
* :class:`Klassifiseringsoppgave`: the whole dropdown-per-case exercise, with
  feedback per case, a score and «Start på nytt»;
* small factories for the controls several chapters share.

The chapter modules keep their own cases, texts and public names; only the
shared mechanics live here.
"""
from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import ipywidgets as W
import traitlets as T

from fellesregler.sprak import oversetter
from widgets._common import InputError, Oversatt, feedback_html, oppgavetekst_html

_ = oversetter("widgets")

__all__ = [
    "ETIKETT_STIL",
    "HEL_BREDDE",
    "Klassifiseringsoppgave",
    "Oppgave",
    "Resultat",
    "Svarvisning",
    "Tekster",
    "Visning",
    "Vurdert",
    "avkrysning",
    "avkrysset",
    "er_besvart",
    "knapp",
    "nedtrekk",
    "oppsummer",
    "start_paa_nytt",
    "svarnedtrekk",
    "vurder_besvarte",
]


# ---------------------------------------------------------------------------
# Logic: a classification exercise
# ---------------------------------------------------------------------------


class Oppgave(Protocol):
    """A case to classify: a key (`nokkel`) and the text the learner reads."""

    @property
    def nokkel(self) -> str: ...

    @property
    def tekst(self) -> str: ...


class Vurdert(Protocol):
    """Feedback on one answer: whether it is right, and the explanation."""

    @property
    def riktig(self) -> bool: ...

    @property
    def tekst(self) -> str: ...


V = TypeVar("V", bound=Vurdert)


@dataclass(frozen=True)
class Resultat(Generic[V]):
    """All answers judged so far, in the order of the cases, out of ``antall`` cases.

    Chapters subclass it to give the result its own name and docstring.
    """

    vurderinger: tuple[V, ...]
    antall: int

    @property
    def besvart(self) -> int:
        return len(self.vurderinger)

    @property
    def riktige(self) -> int:
        return sum(v.riktig for v in self.vurderinger)

    @property
    def ferdig(self) -> bool:
        return self.besvart == self.antall


def er_besvart(svar: object) -> bool:
    """Whether an answer counts: ``None`` and ``""`` mean «not answered yet».

    >>> er_besvart("vane"), er_besvart(""), er_besvart(None)
    (True, False, False)
    """
    return svar not in (None, "")


def vurder_besvarte(
    svar: Mapping[str, str | None],
    oppgaver: Iterable[Oppgave],
    finn: Callable[[str], object],
    vurder: Callable[[str, str], V],
) -> tuple[V, ...]:
    """Judge every answered case, in the order of ``oppgaver``.

    Every id in ``svar`` is checked with ``finn`` first, so an unknown case
    raises :class:`InputError` even when its answer is empty. Empty answers
    (see :func:`er_besvart`) are then skipped; ``vurder(case_id, answer)``
    judges the rest and raises for an unknown category.
    """
    for oppgave_id in svar:
        finn(oppgave_id)
    return tuple(vurder(o.nokkel, svar[o.nokkel]) for o in oppgaver if er_besvart(svar.get(o.nokkel)))


@dataclass(frozen=True)
class Tekster(Oversatt):
    """The words of one exercise's score message, in Norwegian.

    ``ingen`` is the whole message before any answer; it may use ``{antall}``.
    While answering, the message reads «Du har {gjort} … av … {ting}.». When
    all cases are answered, ``alle_riktige`` or ``noen_feil`` follows the score,
    then ``til_slutt`` (if any).
    """

    _tekstfelt = frozenset({"ingen", "gjort", "ting", "alle_riktige", "noen_feil", "til_slutt"})

    ingen: str
    gjort: str
    ting: str
    alle_riktige: str
    noen_feil: str
    til_slutt: str = ""


def oppsummer(resultat: Resultat[Any], tekster: Tekster) -> tuple[str, str]:
    """Return the score message and its feedback kind (``info`` while answering, ``ok`` when done)."""
    if resultat.besvart == 0:
        return tekster.ingen.format(antall=resultat.antall), "info"
    if not resultat.ferdig:
        return (
            _(
                "Du har {gjort} {besvart} av {antall} {ting}. "
                "{riktige} er riktige så langt."
            ).format(
                gjort=tekster.gjort,
                besvart=resultat.besvart,
                antall=resultat.antall,
                ting=tekster.ting,
                riktige=resultat.riktige,
            ),
            "info",
        )
    vurdering = tekster.alle_riktige if resultat.riktige == resultat.antall else tekster.noen_feil
    deler = [_(
        "Ferdig! Du har {riktige} av {antall} riktige."
    ).format(riktige=resultat.riktige, antall=resultat.antall), vurdering, tekster.til_slutt]
    return " ".join(d for d in deler if d), "ok"


# ---------------------------------------------------------------------------
# Controls shared by several views
# ---------------------------------------------------------------------------

#: Show a control's label in full, however long.
ETIKETT_STIL = {"description_width": "initial"}
#: As wide as the text column, and no wider than a comfortable line.
HEL_BREDDE = {"width": "100%", "max_width": "44em"}


def nedtrekk(valg: Sequence[tuple[str, str]], beskrivelse: str) -> W.Dropdown:
    """A dropdown that chooses what the view shows (an example, a case, a phase)."""
    return W.Dropdown(options=valg, description=beskrivelse, style=ETIKETT_STIL, layout=HEL_BREDDE)


def svarnedtrekk(
    oppgaver: Iterable[Oppgave],
    valg: Sequence[tuple[str, str]],
    etikett: str,
    bredde: Mapping[str, str],
) -> dict[str, W.Dropdown]:
    """One dropdown per case, empty at first, labelled ``etikett.format(nr=…)`` from 1.

    ``valg`` starts with the empty choice (``("Velg … …", "")``).
    """
    return {
        o.nokkel: W.Dropdown(
            options=valg,
            value="",
            description=etikett.format(nr=nr),
            style=ETIKETT_STIL,
            layout=W.Layout(**bredde),
        )
        for nr, o in enumerate(oppgaver, start=1)
    }


def avkrysning(valg: Iterable[tuple[str, str]], **layout: str) -> dict[str, W.Checkbox]:
    """One unticked checkbox per ``(key, label)``, label right after the box."""
    return {
        nokkel: W.Checkbox(
            value=False, description=navn, indent=False, **({"layout": W.Layout(**layout)} if layout else {})
        )
        for nokkel, navn in valg
    }


def avkrysset(bokser: Mapping[str, W.Checkbox]) -> list[str]:
    """The keys of the ticked checkboxes, in their order."""
    return [nokkel for nokkel, boks in bokser.items() if boks.value]


def knapp(beskrivelse: str, ikon: str) -> W.Button:
    """A button with an icon, as wide as its label."""
    return W.Button(description=beskrivelse, icon=ikon, layout={"width": "max-content"})


def start_paa_nytt(tooltip: str) -> W.Button:
    """The «Start på nytt» button that clears the learner's answers."""
    return W.Button(description=_("Start på nytt"), tooltip=tooltip)


# ---------------------------------------------------------------------------
# View bases
# ---------------------------------------------------------------------------


class Visning(W.VBox):
    """A view that sets its own controls from its traits.

    While it does (inside :meth:`_synkroniserer`), ``_synker`` is true, so the
    controls' callbacks do not copy the values back into the traits.
    """

    #: True while the view copies a trait into its controls, so their callbacks do not echo back.
    _synker = False

    @contextmanager
    def _synkroniserer(self) -> Iterator[None]:
        self._synker = True
        try:
            yield
        finally:
            self._synker = False

    def _kopier_til(
        self, trait: str, verdi: Callable[[dict[str, Any]], object] | None = None
    ) -> Callable[[dict[str, Any]], None]:
        """Return a control callback that sets ``trait`` (not while the view syncs).

        The new value is the control's (``change["new"]``) unless ``verdi`` computes it.
        """

        def kopier(change: dict[str, Any]) -> None:
            if not self._synker:
                setattr(self, trait, change["new"] if verdi is None else verdi(change))

        return kopier


class Svarvisning(Visning):
    """A course widget with one control per case, kept in step with a ``Dict`` trait of answers.

    The subclass declares the trait (named by ``_svar_trait``), hands its
    controls to :meth:`_koble_svarkontroller`, builds its children and then
    calls ``super().__init__(children, **kwargs)``. It shows the result in
    ``_update_visning``. When the answers change, :meth:`_update_svar` sets
    the controls and shows the result again; a subclass may override it.
    """

    #: Name of the Dict trait that holds the answers (case id → chosen value).
    _svar_trait: ClassVar[str] = "svar"
    #: A control's value when its case has no answer.
    _tomt: ClassVar[str | None] = ""

    def __init__(self, children: Sequence[W.Widget], **kwargs: Any):
        # Observe before the traits get their first values from ``kwargs``.
        self.observe(self._update_svar, names=self._svar_trait)
        super().__init__(children, **kwargs)
        self.add_class("kurs-widget")
        # A starting result, so the static book shows something from the saved state.
        self._update_visning()

    def _update_svar(self, _change=None) -> None:
        self._update_svarkontroller()
        self._update_visning()

    def _update_visning(self) -> None:
        raise NotImplementedError

    def _nullstillknapp(self, tooltip: str) -> W.Button:
        """A «Start på nytt» button that clears all answers."""
        knapp = start_paa_nytt(tooltip)
        knapp.on_click(self._on_nullstill)
        return knapp

    def _on_nullstill(self, _button=None) -> None:
        setattr(self, self._svar_trait, {})

    def _koble_svarkontroller(self, kontroller: Mapping[str, W.ValueWidget], gyldige: Container[Any]) -> None:
        """Let a change in a control set the answer of its case.

        ``gyldige`` are the values a control can show; an answer outside them
        is left to the logic to report, and its control is not changed.
        """
        self._svarkontroller = kontroller
        self._gyldige_svar = gyldige
        for kontroll in kontroller.values():
            kontroll.observe(self._on_svarkontroll, names="value")

    def _on_svarkontroll(self, change: dict[str, Any]) -> None:
        if self._synker:
            return
        for oppgave_id, kontroll in self._svarkontroller.items():
            if kontroll is change["owner"]:
                svar = getattr(self, self._svar_trait)
                setattr(self, self._svar_trait, {**svar, oppgave_id: change["new"]})

    def _update_svarkontroller(self) -> None:
        svar = getattr(self, self._svar_trait)
        with self._synkroniserer():
            for oppgave_id, kontroll in self._svarkontroller.items():
                verdi = svar.get(oppgave_id) or self._tomt
                if (verdi == self._tomt or verdi in self._gyldige_svar) and kontroll.value != verdi:
                    kontroll.value = verdi


class Klassifiseringsoppgave(Svarvisning):
    """Place each case in a category with a dropdown, and get feedback at once.

    Each case shows its text, its dropdown and its feedback; under them come
    the score and «Start på nytt». The chapter gives the cases and the logic:

    Parameters
    ----------
    intro : str
        HTML shown above the cases.
    oppgaver : sequence of cases
        The cases, in the order shown (each with ``nokkel`` and ``tekst``).
    valg : list of (label, value)
        The dropdown's options, the empty choice first.
    etikett, overskrift : str
        Dropdown label and heading of case ``{nr}`` (counted from 1).
    bredde : mapping
        Layout of the dropdowns.
    gyldige : container
        The category ids a dropdown can show.
    vurder : callable
        Judges all answers (``svar`` → :class:`Resultat`); raises :class:`InputError`.
    oppsummer : callable
        Returns the score message and its kind for a result.
    vurdering_id : callable
        The case id of one judged answer.
    """

    svar = T.Dict(help="Valgt kategori-id per oppgave-id. Tom streng betyr ikke besvart.")
    poeng = T.Int(0, help="Antall oppgaver med riktig svar.")
    ferdig = T.Bool(False, help="Sann når alle oppgavene er besvart.")

    def __init__(
        self,
        *,
        intro: str,
        oppgaver: Sequence[Oppgave],
        valg: Sequence[tuple[str, str]],
        etikett: str,
        overskrift: str,
        bredde: Mapping[str, str],
        gyldige: Container[str],
        vurder: Callable[[Mapping[str, str]], Resultat[Any]],
        oppsummer: Callable[[Any], tuple[str, str]],
        vurdering_id: Callable[[Any], str],
        **kwargs: Any,
    ):
        self._vurder = vurder
        self._oppsummer = oppsummer
        self._vurdering_id = vurdering_id
        self._intro = W.HTML(intro)
        self._velgere = svarnedtrekk(oppgaver, valg, etikett, bredde)
        self._svarbokser = {o.nokkel: W.HTML() for o in oppgaver}
        rader = [
            W.VBox(
                [
                    W.HTML(oppgavetekst_html(overskrift.format(nr=nr), o.tekst)),
                    self._velgere[o.nokkel],
                    self._svarbokser[o.nokkel],
                ]
            )
            for nr, o in enumerate(oppgaver, start=1)
        ]
        self._koble_svarkontroller(self._velgere, gyldige)
        self._poengboks = W.HTML()
        self._nullstill = self._nullstillknapp(_("Fjern alle svarene"))
        super().__init__([self._intro, *rader, self._poengboks, self._nullstill], **kwargs)

    def _update_visning(self) -> None:
        try:
            resultat = self._vurder(self.svar)
        except InputError as feil:
            self._poengboks.value = feedback_html(str(feil), "feil")
            return
        per_oppgave = {self._vurdering_id(v): v for v in resultat.vurderinger}
        for oppgave_id, boks in self._svarbokser.items():
            v = per_oppgave.get(oppgave_id)
            boks.value = "" if v is None else feedback_html(v.tekst, "ok" if v.riktig else "feil")
        tekst, kind = self._oppsummer(resultat)
        self._poengboks.value = feedback_html(tekst, kind, title=_("Poeng:"))
        self.poeng = resultat.riktige
        self.ferdig = resultat.ferdig
