"""The team view, shown by Voila (apps/team.ipynb).

A course leader creates a group code; employees who choose to add their
answers to it. The view shows only aggregates, and only when at least
``min_group`` (5) people have answered: the rule is enforced in the store,
and this view only shows what the store returns.

«Lag gruppekode» makes one group per click session (the store is idempotent
on a submission id that changes only when the name does) and shows two codes:
the group code, for the team, and the admin code («lederkode»), for whoever
made the group. The store keeps only a hash of the admin code, so the view
keeps the first result of the click session and shows it again on a second
click. «Lukk gruppen» closes a group for new members once the team has
answered, so nobody can add made-up respondents afterwards (see the notes in
``store``); it needs the admin code, so a member cannot close the group.
"""
from __future__ import annotations

import base64
import tempfile
import uuid
from pathlib import Path

import ipywidgets as w
from traitlets import Unicode

from fellesregler.personvern import for_faa_tekst
from fellesregler.sprak import N_, oversetter

from .._common import FEEDBACK_KINDS, InputError, esc, feedback_html, tall
from . import views
from ._storeview import StoreView
from .instrument import Instrument, load_instrument
from .scoring import DimensionScore
from .errors import StorageError, TooFewRespondents
from .models import GroupSummary, LeaderComparison, NewGroup
from .store import Store


_ = oversetter("egenvurdering")


def status_html(closed: bool) -> str:
    """Whether a group is open or closed for new members."""
    if closed:
        head, text = _("Gruppen er lukket."), _("Ingen nye kan legge svarene sine til i den.")
    else:
        head, text = _("Gruppen er åpen."), _("Nye kan fortsatt legge svarene sine til. "
                                              "Lukk gruppen når hele teamet har svart.")
    return f"<p class='kurs-gruppestatus'><strong>{head}</strong> {text}</p>"


def new_group_html(group: NewGroup) -> str:
    """The two codes of a group just made: the group code to share, the admin code to keep (or why it is gone)."""
    share = ("<p><strong>" + _("Gruppekode: {code}").format(code=esc(group.code)) + "</strong><br>"
             + _("Del gruppekoden med teamet. De legger den inn i egenvurderingsappen.") + "</p>")
    if group.admin_code is None:  # the group was made earlier, and its admin code was shown then
        keep = ("<p><strong>" + _("Lederkoden ble vist da gruppen ble laget, og kan ikke vises igjen.")
                + "</strong> " + _("Uten lederkoden kan du ikke lukke gruppen. Har du den ikke, lager du en ny "
                                   "gruppe med et nytt navn.") + "</p>")
    else:
        keep = ("<p><strong>" + _("Lederkode: {code}").format(code=esc(group.admin_code)) + "</strong><br>"
                + _("Behold lederkoden selv, og ikke del den. Du trenger den for å lukke gruppen. Skriv den ned "
                    "nå: den kan ikke vises igjen.") + "</p>")
    return (f"<div class='{FEEDBACK_KINDS['ok']}' role='status'><p>" + _("Gruppen er laget.") + f"</p>{share}{keep}"
            "<p>" + _("Skal du lage en gruppe til, skriver du et nytt navn.") + "</p></div>")


def distribution_table(summary: GroupSummary, instrument: Instrument) -> str:
    """Per dimension: respondents, mean index, level, and how many are in each band."""
    bands = [b.name for b in instrument.bands]
    head = ("<th scope='col'>" + _("Dimensjon") + "</th><th scope='col'>" + _("Antall svar")
            + "</th><th scope='col'>" + _("Snitt (0–100)") + "</th><th scope='col'>" + _("Nivå") + "</th>"
            + "".join("<th scope='col'>" + _("Antall i «{band}»").format(band=esc(_(b))) + "</th>" for b in bands))
    rows = []
    for d in summary.dimensions:
        if d.suppressed:
            cells = f"<td colspan='{3 + len(bands)}'>{for_faa_tekst(instrument.min_group).capitalize()}</td>"
        else:
            cells = (f"<td>{d.n}</td><td>{tall(d.mean_index or 0)}</td><td>{esc(_(d.band))}</td>"
                     + "".join(f"<td>{d.band_counts.get(b, 0)}</td>" for b in bands))
        rows.append(f"<tr><th scope='row'>{esc(d.dimension)} {esc(_(d.name))}</th>{cells}</tr>")
    caption = _("Fordeling i teamet «{name}» ({n} har svart)").format(name=esc(summary.name), n=summary.respondents)
    return (f"<table class='kurs-tabell'><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def as_scores(summary: GroupSummary) -> list[DimensionScore]:
    """The team's mean profile in the shape the radar chart takes."""
    return [DimensionScore(d.dimension, d.name, d.n or 0, None, d.mean_index, d.band) for d in summary.dimensions]


def comparison_table(cmp: LeaderComparison) -> str:
    rows = []
    for r in cmp.rows:
        diff = views.fmt_change(r.difference)
        rows.append(f"<tr><th scope='row'>{esc(r.dimension)} {esc(_(r.name))}</th><td>{views.fmt_index(r.leader_index)}"
                    f"</td><td>{views.fmt_index(r.team_index)}</td><td>{diff}</td></tr>")
    caption = _("Din egen profil mot resten av teamet ({n} andre har svart)").format(n=cmp.team_respondents)
    return (f"<table class='kurs-tabell'><caption>{caption}</caption><thead><tr><th scope='col'>"
            + _("Dimensjon") + "</th><th scope='col'>" + _("Deg") + "</th><th scope='col'>" + _("Teamet")
            + "</th><th scope='col'>" + _("Forskjell") + "</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


class TeamApp(StoreView, w.VBox):
    """Create a group code, see a team's aggregate profile when at least 5 have answered, close a group.

    If the database cannot be used (a bad URL, a folder that cannot be made), the view still starts
    and says so in Norwegian; every later action tries the database again, and typed text stays.

    Examples
    --------
    >>> TeamApp()  # doctest: +SKIP
    """

    group_code = Unicode("", help="The group code shown, once valid.")

    _store_trouble = (N_("Teamvisningen virker ikke akkurat nå."),
                      N_("Prøv igjen senere. Det du skriver i feltene, blir stående så lenge siden er åpen."))

    def __init__(self, store: Store | None = None, instrument: Instrument | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kurs-app")
        self.instrument = instrument or load_instrument()
        self._store = store
        minimum = self.instrument.min_group
        self.intro = w.HTML(
            "<h1>" + _("Teamvisning: egenvurdering") + "</h1><p>"
            + _("Her ser du et teams samlede profil. Du ser aldri enkeltsvar, og ingenting vises før minst "
                "{minimum} personer har lagt svarene sine til i gruppen.").format(minimum=minimum) + "</p>")
        self.store_message = w.HTML()
        self.name_input = w.Text(continuous_update=False, description=_("Navn på teamet"),
                                 placeholder=_("for eksempel Team hjemmetjenesten"),
                                 style={"description_width": "initial"})
        self.create_button = w.Button(description=_("Lag gruppekode"), button_style="primary",
                                      tooltip=_("Lag gruppekode"), layout=w.Layout(width="auto"))
        self.create_message = w.HTML()
        # One click session, one group: a new id only when the name changes (see _on_create).
        self._create_id = uuid.uuid4().hex
        self._created: NewGroup | None = None  # what the store returned first in this click session
        self.name_input.observe(self._new_create_session, names="value")
        self.code_input = w.Text(continuous_update=False, description=_("Gruppekode"), placeholder="XXXX-XXXX",
                                 style={"description_width": "initial"})
        self.leader_input = w.Text(continuous_update=False, description=_("Din egen kode (valgfritt, for å sammenligne deg med teamet)"),
                                   style={"description_width": "initial"}, layout=w.Layout(width="100%"))
        self.leader_join = w.Checkbox(value=False, indent=False,
                                      description=_("Jeg er leder for teamet og vil se min profil mot teamets"))
        self.show_button = w.Button(description=_("Vis teamet"), button_style="primary", tooltip=_("Vis teamet"),
                                    layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self._status_code = ""  # the group whose status is shown
        self.result = w.HTML()
        self.close_button = w.Button(description=_("Lukk gruppen"), tooltip=_("Lukk gruppen"),
                                     layout=w.Layout(width="auto"))
        self.confirm_close_button = w.Button(description=_("Ja, lukk gruppen for nye svar"), button_style="danger",
                                             tooltip=_("Ja, lukk gruppen for nye svar"), layout=w.Layout(width="auto"))
        self.confirm_close_button.layout.display = "none"
        self.admin_input = w.Text(continuous_update=False, description=_("Lederkode"), placeholder="XXXX-XXXX-XXXX",
                                  style={"description_width": "initial"})
        self.close_message = w.HTML()
        self._closing = ""
        self._closing_admin = ""
        self.create_button.on_click(self._on_create)
        self.show_button.on_click(self._on_show)
        self.close_button.on_click(self._on_close)
        self.confirm_close_button.on_click(self._on_confirm_close)
        self.children = [
            self.intro, self.store_message,
            w.HTML("<h2>" + _("Lag en gruppekode") + "</h2><p>"
                   + _("Gruppen lages av den som leder prosessen, for eksempel kurslederen eller lederen for "
                       "teamet. Du får to koder. Gruppekoden deler du med teamet. De som vil, legger den inn i "
                       "egenvurderingsappen. Lederkoden beholder du selv. Du trenger den for å lukke gruppen.")
                   + "</p>"),
            self.name_input, self.create_button, self.create_message,
            w.HTML("<h2>" + _("Se teamets profil") + "</h2><p>"
                   + _("Alle som har gruppekoden, kan se teamets samlede tall.") + "</p>"),
            self.code_input, self.leader_input, self.leader_join, self.show_button, self.status, self.result,
            w.HTML("<h2>" + _("Lukk gruppen når teamet har svart") + "</h2><p>"
                   + _("Når gruppen er lukket, kan ingen nye legge svarene sine til i den. Det hindrer at noen "
                       "legger inn oppdiktede svar for å finne ut hva én person har svart. De som alt er med, "
                       "telles fortsatt med sitt siste svar. Lukk gruppen når så mange har svart som det er "
                       "personer i teamet. Det gjelder gruppen med koden i feltet «Gruppekode» over. Bare den "
                       "som laget gruppen, kan lukke den: skriv lederkoden du fikk da gruppen ble laget. Det "
                       "kan ikke angres.") + "</p>"),
            self.admin_input, self.close_button, self.confirm_close_button, self.close_message,
        ]
        self._check_store()


    def _new_create_session(self, _event=None) -> None:
        self._create_id = uuid.uuid4().hex
        self._created = None

    def _on_create(self, _event=None) -> None:
        """Make a group. A second click before the name changes shows the same group (idempotent in the store).

        The store returns the admin code only when it makes the group, so the view keeps that first
        result for the click session and shows the admin code again on a second click.
        """
        self.create_button.disabled = True
        try:
            group = self.store.create_group(self.name_input.value, submission_id=self._create_id)
        except (StorageError, InputError) as err:
            self.create_message.value = feedback_html(str(err), "feil")
            return
        finally:
            self.create_button.disabled = False
        if group.admin_code is None and self._created is not None and self._created.code == group.code:
            group = self._created
        self._created = group
        self.store_message.value = ""  # the database works (again)
        self.create_message.value = new_group_html(group)
        self.code_input.value = group.code
        if group.admin_code is not None:
            self.admin_input.value = group.admin_code

    def _on_show(self, _event=None) -> None:
        self.status.value, self._status_code = "", ""
        try:
            code = self.store.validate_group_code(self.code_input.value)
            self._update_status(code)
            summary = self.store.group_summary(code)
        except (StorageError, InputError) as err:
            self.group_code = ""
            self.result.value = feedback_html(str(err), "info" if isinstance(err, TooFewRespondents) else "feil")
            return
        self.group_code = code
        parts = ["<h2>" + _("Teamet «{name}»").format(name=esc(summary.name)) + "</h2>"]
        team_scores = as_scores(summary)
        own = None
        if self.leader_input.value.strip():
            try:
                if self.leader_join.value:
                    self.store.join_group(self.leader_input.value, code, role="leder")
                own = self.store.leader_vs_team(code, self.leader_input.value)
            except (StorageError, InputError) as err:
                parts.append(feedback_html(_("Sammenligningen kan ikke vises: {error}").format(error=err), "info"))
        if own is not None:
            mine = [DimensionScore(r.dimension, r.name, 0, None, r.leader_index, r.leader_band) for r in own.rows]
            parts.append(views.radar_svg(mine, team_scores, labels=(_("Deg"), _("Resten av teamet"))))
            parts.append(comparison_table(own))
        else:
            parts.append(views.radar_svg(team_scores, labels=(_("Teamet"), "")))
        parts.append(distribution_table(summary, self.instrument))
        parts.append(self._export_links(code))
        self.result.value = "".join(parts)

    def _update_status(self, code: str) -> None:
        """Whether the group is open or closed for new members (raises StorageError like the other calls)."""
        self.status.value = status_html(self.store.group_closed(code))
        self._status_code = code

    def _on_close(self, _event=None) -> None:
        self._closing = ""
        admin_code = self.admin_input.value
        try:
            code = self.store.validate_group_code(self.code_input.value)
            closed = self.store.group_closed(code)
            if not closed:
                self.store.check_admin_code(code, admin_code)  # say it now, not after «Er du sikker?»
        except (StorageError, InputError) as err:
            self.confirm_close_button.layout.display = "none"
            self.close_message.value = feedback_html(str(err), "feil")
            return
        if closed:
            self.confirm_close_button.layout.display = "none"
            self.close_message.value = feedback_html(_("Gruppen {code} er allerede lukket.").format(code=code), "info")
            return
        # The confirmation closes the group it names, with the code checked, even if the fields change.
        self._closing, self._closing_admin = code, admin_code
        self.confirm_close_button.layout.display = None
        self.close_message.value = feedback_html(
            _("Er du sikker? Etter dette kan ingen nye legge svarene sine til i gruppen {code}.").format(code=code),
            "info")

    def _on_confirm_close(self, _event=None) -> None:
        code = self._closing
        if not code:
            self.confirm_close_button.layout.display = "none"
            return
        self.confirm_close_button.disabled = True
        try:
            self.store.close_group(code, self._closing_admin)
        except (StorageError, InputError) as err:
            self.close_message.value = feedback_html(f"{err} " + _("Gruppen er ikke lukket ennå."), "feil")
            return
        finally:
            self.confirm_close_button.disabled = False
        self._closing, self._closing_admin = "", ""
        self.confirm_close_button.layout.display = "none"
        self.close_message.value = feedback_html(
            _("Gruppen {code} er lukket. Ingen nye kan legge svarene sine til i den.").format(code=code), "ok")
        if self._status_code == code:  # the team shown is the one just closed
            self.status.value = status_html(True)

    def _export_links(self, code: str) -> str:
        """Aggregates only, produced by the store's export (which enforces the 5-rule)."""
        links = []
        try:
            with tempfile.TemporaryDirectory() as tmp:
                for suffix, mime, label in ((".csv", "text/csv", _("Last ned samlede tall (CSV)")),
                                            (".xlsx",
                                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                             _("Last ned samlede tall (Excel)"))):
                    path = self.store.export_group(code, Path(tmp) / f"team{suffix}")
                    data = base64.b64encode(path.read_bytes()).decode("ascii")
                    links.append(f"<li><a download='team-{esc(code)}{suffix}' href='data:{mime};base64,{data}'>"
                                 f"{esc(label)}</a></li>")
        except (StorageError, OSError) as err:
            msg = str(err) if isinstance(err, StorageError) else _("Filene kunne ikke lages akkurat nå.")
            return ("<h3>" + _("Last ned") + "</h3>"
                    + feedback_html(f"{msg} " + _("Prøv «Vis teamet» igjen om litt."), "info"))
        return "<h3>" + _("Last ned") + "</h3><ul>" + "".join(links) + "</ul>"
