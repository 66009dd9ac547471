"""The employee's self-assessment app, shown by Voila (apps/egenvurdering.ipynb).

The app is a view: scoring lives in `scoring`, storage in `store`, and
rendering in `views`. This module holds the start screen and the questionnaire; the profile
screen is the mixin in `profile_screen`. Every control has a visible Norwegian label, and the
whole flow works from the keyboard.
"""
from __future__ import annotations

import uuid

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle
from traitlets import Unicode, observe

from fellesregler.sprak import N_, oversetter, oversetter_n

from .._common import InputError, esc, feedback_html
from ._storeview import StoreView
from .profile_screen import ProfileScreen, button
from .instrument import Instrument, load_instrument
from .codes import normalise_key
from .errors import StorageError
from .store import Store

_ = oversetter("egenvurdering")
_n = oversetter_n("egenvurdering")

NOT_ANSWERED = ""
DONT_KNOW = "vet_ikke"


def answer_options(instrument: Instrument) -> list[tuple[str, str]]:
    opts = [(_("Velg et svar"), NOT_ANSWERED)]
    opts += [(f"{value} – {_(label)}", str(value)) for value, label in sorted(instrument.scale.items())]
    opts.append((_(instrument.dont_know).capitalize(), DONT_KNOW))
    return opts


def to_answers(raw: dict[str, str]) -> dict[str, int | None]:
    """Form values → answers for scoring: «vet ikke» is None, unanswered items are left out."""
    out: dict[str, int | None] = {}
    for item_id, value in raw.items():
        if value == NOT_ANSWERED:
            continue
        out[item_id] = None if value == DONT_KNOW else int(value)
    return out


class EgenvurderingApp(ProfileScreen, StoreView, w.VBox):
    """Self-assessment: answer the items, see the profile, write an action plan, retake later.

    Parameters
    ----------
    store : Store, optional
        Where answers are kept; by default the database in ``EGENVURDERING_DB_URL``. If that
        database cannot be used (a bad URL, a folder that cannot be made), the app still starts and
        says so in Norwegian on the start screen; every later action tries the database again, and
        nothing typed in the form is lost.
    instrument : Instrument, optional
        The instrument; by default the one in ``data/egenvurdering.yaml``.

    Examples
    --------
    >>> app = EgenvurderingApp()  # doctest: +SKIP
    >>> app                       # doctest: +SKIP
    """

    key = Unicode("", help="The employee's pseudonymous code. Empty until one is created or entered.")
    screen = Unicode("start", help="Which screen is shown: start, skjema, profil or slettet.")

    _store_trouble = (N_("Svar kan ikke lagres akkurat nå."),
                      N_("Du kan likevel fylle ut skjemaet. Svarene står i skjemaet så lenge siden er åpen, "
                         "og du kan prøve å lagre igjen."))

    def __init__(self, store: Store | None = None, instrument: Instrument | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kurs-app")
        self.instrument = instrument or load_instrument()
        self._store = store
        self.dimensions = list(self.instrument.dimensions)
        self._page = 0
        self._submission_id = uuid.uuid4().hex
        self.selects: dict[str, w.Dropdown] = {}
        self._form: w.VBox | None = None
        self._profile: w.VBox | None = None
        # Only the start screen is built now; the rest is built when first shown, so the
        # browser has few widget models to load before the app is usable.
        self._build_start()
        self.children = [self._start]
        self._check_store()


    # ----- start screen -------------------------------------------------
    def _build_start(self) -> None:
        ins = self.instrument
        self.start_intro = w.HTML(
            "<h1>" + _("Egenvurdering: Nyskapende arbeidsgivere") + "</h1><p>"
            + _("Du svarer på {items} påstander om arbeidsplassen din. Det tar 10–15 minutter. "
                "Resultatet er en profil over {dimensions} dimensjoner, ikke en karakter.").format(
                items=len(ins.items), dimensions=len(ins.dimensions))
            + "</p><h2>" + _("Før du starter: dette lagrer vi") + "</h2>"
            f"<div class='kurs-personvern'>{esc(_(ins.privacy_text))}</div>")
        self.consent = w.Checkbox(value=False, description=_("Jeg har lest hva som lagres, og vil fortsette"),
                                  indent=False)
        self.new_button = button(_("Start med en ny kode"), "primary")
        self.code_input = w.Text(continuous_update=False, description=_("Har du en kode fra før? Skriv den her"), placeholder="XXXX-XXXX-XXXX",
                                 style={"description_width": "initial"})
        self.fetch_button = button(_("Hent svarene mine"))
        self.start_message = w.HTML()
        self.store_message = w.HTML()
        self.new_button.on_click(self._on_new)
        self.fetch_button.on_click(self._on_fetch)
        self._start = w.VBox([self.start_intro, self.store_message, self.consent, self.new_button,
                              w.HTML("<h2>" + _("Fortsett med en kode du har") + "</h2>"),
                              self.code_input, self.fetch_button, self.start_message])

    def _need_consent(self) -> bool:
        if not self.consent.value:
            self.start_message.value = feedback_html(
                _("Kryss av for at du har lest hva som lagres. Da kan du starte."), "feil")
            return True
        return False

    def _on_new(self, _event=None) -> None:
        if self._need_consent():
            return
        self.key = Store.new_key()  # needs no database: nothing is stored until the first save
        self._reset_form()
        self.screen = "skjema"

    def _on_fetch(self, _event=None) -> None:
        if self._need_consent():
            return
        code = self.code_input.value.strip().upper()
        if not code:
            self.start_message.value = feedback_html(_("Skriv inn koden din først."), "feil")
            return
        try:
            self.store.responses(code)
        except StorageError as err:
            self.start_message.value = feedback_html(str(err), "feil")
            return
        self.store_message.value = ""  # the database works (again)
        self.key = normalise_key(code)  # shown as XXXX-XXXX-XXXX, however it was typed
        self.screen = "profil"

    # ----- questionnaire ------------------------------------------------
    def _build_form(self) -> None:
        # Shared style and layout: two widget models for all 39 dropdowns instead of 78.
        self._select_style = DescriptionStyle(description_width="initial")
        self._select_layout = w.Layout()
        self.form_header = w.HTML()
        self.prev_button = button(_("Forrige"))
        self.next_button = button(_("Neste"), "primary")
        self.save_button = button(_("Lagre og se profilen"), "success")
        self.form_message = w.HTML()
        self.progress = w.HTML()
        self.prev_button.on_click(lambda _: self._go(self._page - 1))
        self.next_button.on_click(lambda _: self._go(self._page + 1))
        self.save_button.on_click(self._on_save)
        self._form_items = w.VBox()
        self._form = w.VBox([self.form_header, self._form_items, self.progress,
                             w.HBox([self.prev_button, self.next_button, self.save_button]), self.form_message])

    def select_for(self, item_id: str) -> w.Dropdown:
        """The dropdown of one statement, made on first use and then kept.

        One dropdown per statement: a late value from the browser can never land on
        another statement.
        """
        dd = self.selects.get(item_id)
        if dd is None:
            item = next(i for i in self.instrument.items if i.id == item_id)
            dd = w.Dropdown(options=answer_options(self.instrument), value=NOT_ANSWERED, description=_(item.text),
                            style=self._select_style, layout=self._select_layout)
            dd.add_class("kurs-item")
            dd.observe(self._update_count, names="value")
            self.selects[item_id] = dd
        return dd

    def _reset_form(self) -> None:
        if self._form is None:
            self._build_form()
        for dd in self.selects.values():
            dd.value = NOT_ANSWERED
        self._submission_id = uuid.uuid4().hex
        self._page = 0
        self.form_message.value = ""
        self._show_page()

    def raw_answers(self) -> dict[str, str]:
        """The form as it stands: item id → chosen option value."""
        return {item.id: (self.selects[item.id].value if item.id in self.selects else NOT_ANSWERED)
                for item in self.instrument.items}

    def _page_selects(self) -> list[w.Dropdown]:
        return [self.select_for(item.id) for item in self.dimensions[self._page].items]

    def _go(self, page: int) -> None:
        self._page = max(0, min(page, len(self.dimensions) - 1))
        self._show_page()
        self._page_selects()[0].focus()  # keyboard users continue at the first statement

    def _update_count(self, _event=None) -> None:
        answered = sum(1 for v in self.raw_answers().values() if v != NOT_ANSWERED)
        self.progress.value = "<p>" + _("Du har svart på {answered} av {total} påstander.").format(
            answered=answered, total=len(self.instrument.items)) + "</p>"

    def _show_page(self) -> None:
        dim = self.dimensions[self._page]
        n = len(self.dimensions)
        self._form_items.children = self._page_selects()
        self._update_count()
        self.form_header.value = (
            "<p class='kurs-kode'>" + _("Koden din er {code}. Skriv den ned. "
                                        "Uten koden finner verken du eller andre svarene igjen.").format(
                code=f"<strong>{esc(self.key)}</strong>") + "</p>"
            "<h2>" + _("Del {part} av {parts}").format(part=self._page + 1, parts=n)
            + f": {esc(dim.id)} {esc(_(dim.name))}</h2>"
            f"<p>{esc(_(dim.text))}</p><p>" + _("Hvor enig er du i påstandene?") + "</p>")
        self.prev_button.disabled = self._page == 0
        last = self._page == n - 1
        self.next_button.layout.display = "none" if last else None
        self.save_button.layout.display = None if last else "none"

    def _on_save(self, _event=None) -> None:
        self.save_button.disabled = True
        try:
            answers = to_answers(self.raw_answers())
            self.store.save_response(self.key, answers, self._submission_id)
        except (StorageError, InputError) as err:
            self.form_message.value = feedback_html(
                f"{err} " + _("Svarene dine står fortsatt i skjemaet."), "feil", _("Ikke lagret."))
            return
        finally:
            self.save_button.disabled = False
        self.store_message.value = ""  # the database works (again)
        self.screen = "profil"

    # ----- navigation ---------------------------------------------------
    @observe("screen")
    def _update_screen(self, change_) -> None:
        screen = change_["new"]
        if screen == "skjema":
            if self._form is None:
                self._build_form()
            self._show_page()
            self.children = [self._form]
            self._page_selects()[0].focus()
        elif screen == "profil":
            self._show_profile()
            self.confirm_button.layout.display = "none"
            self.delete_message.value = ""
            self.children = [self._profile]
        elif screen == "slettet":
            self.start_message.value = feedback_html(
                _("Alt som var lagret med koden din, er slettet. Du kan starte på nytt med en ny kode."), "ok")
            self.code_input.value = ""
            self.children = [self._start]
        else:
            self.children = [self._start]
