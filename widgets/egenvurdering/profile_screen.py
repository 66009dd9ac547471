"""The profile screen of the self-assessment app: the profile, the action plan, downloads, joining
a team, retaking and deleting.

A mixin of :class:`widgets.egenvurdering.app.EgenvurderingApp`, which supplies ``key``, ``screen``,
``store``, ``instrument`` and the form's ``_reset_form``; the screen is built when first shown.
"""
from __future__ import annotations

import ipywidgets as w

from fellesregler.escaping import download_link
from fellesregler.sprak import oversetter, oversetter_n

from .._common import InputError, esc, feedback_html
from . import views
from .errors import StorageError
from .scoring import change, weakest

_ = oversetter("egenvurdering")
_n = oversetter_n("egenvurdering")


def button(label: str, style: str = "") -> w.Button:
    """A button sized to its label, with the label as its tooltip."""
    b = w.Button(description=label, button_style=style, tooltip=label)
    b.layout.width = "auto"
    return b


class ProfileScreen:
    """The screen after saving or fetching answers (``screen == "profil"``)."""

    _profile: w.VBox | None = None

    def _build_profile(self) -> None:
        self.profile_html = w.HTML()
        self.plan_area = w.Textarea(continuous_update=False, description=_("Handlingsplanen din"), rows=12,
                                    style={"description_width": "initial"}, layout=w.Layout(width="100%"))
        self.plan_button = button(_("Lagre handlingsplanen"), "primary")
        self.plan_message = w.HTML()
        self.downloads = w.HTML()
        self.group_input = w.Text(continuous_update=False, description=_("Gruppekode fra kurslederen"), placeholder="XXXX-XXXX",
                                  style={"description_width": "initial"})
        self.group_button = button(_("Legg svarene mine til i teamet"))
        self.group_message = w.HTML()
        self.retake_button = button(_("Ta vurderingen på nytt"))
        self.delete_button = button(_("Slett mine svar"), "danger")
        self.confirm_button = button(_("Ja, slett alt som er lagret med koden min"), "danger")
        self.confirm_button.layout.display = "none"
        self.delete_message = w.HTML()
        self.plan_button.on_click(self._on_save_plan)
        self.group_button.on_click(self._on_join)
        self.retake_button.on_click(self._on_retake)
        self.delete_button.on_click(self._on_delete)
        self.confirm_button.on_click(self._on_confirm_delete)
        self._profile = w.VBox([
            self.profile_html,
            w.HTML("<h2>" + _("Handlingsplan") + "</h2><p>"
                   + _("Skriv hva du vil gjøre med de svakeste dimensjonene. Planen lagres med koden din.")
                   + "</p>"),
            self.plan_area, self.plan_button, self.plan_message,
            w.HTML("<h2>" + _("Last ned") + "</h2>"), self.downloads,
            w.HTML("<h2>" + _("Bidra til teamets bilde") + "</h2><p>"
                   + _("Vil du, kan du legge svarene dine til i en gruppe. Alle som har gruppekoden, ser bare "
                       "samlede tall, og bare når minst {minimum} har svart.").format(
                       minimum=self.instrument.min_group) + "</p>"),
            self.group_input, self.group_button, self.group_message,
            w.HTML("<h2>" + _("Senere") + "</h2>"), self.retake_button,
            w.HTML("<h2>" + _("Slett") + "</h2><p>"
                   + _("Du kan slette alt som er lagret med koden din, når som helst.") + "</p>"),
            self.delete_button, self.confirm_button, self.delete_message,
        ])

    def _show_profile(self) -> None:
        if self._profile is None:
            self._build_profile()
        try:
            history = self.store.responses(self.key)
            plan = self.store.latest_plan(self.key)
        except StorageError as err:
            self.profile_html.value = feedback_html(str(err), "feil")
            return
        latest = history[-1]
        scores = latest.scores
        diff = change(history[-2].scores, scores) if len(history) > 1 else None
        low = weakest(scores, 2)
        when = latest.created.strftime("%d.%m.%Y kl. %H.%M")
        intro = ("<h1>" + _("Profilen din") + "</h1><p class='kurs-kode'>"
                 + _("Koden din er {code}.").format(code=f"<strong>{esc(self.key)}</strong>") + "</p><p>"
                 + _("Sist lagret {when} (UTC).").format(when=esc(when)) + " "
                 + _n("Du har tatt vurderingen {n} gang.", "Du har tatt vurderingen {n} ganger.",
                      len(history)).format(n=len(history)) + "</p>")
        if diff is not None:
            intro += "<p>" + _("Kolonnen «Endring siden sist» viser forskjellen fra forrige gang.") + "</p>"
        self.profile_html.value = (intro + views.radar_svg(scores) + views.profile_table(scores, diff)
                                   + views.weakest_links(low, self.instrument))
        self.plan_area.value = plan if plan else views.plan_template(low)
        self._update_downloads(scores, low, plan, latest.created)

    def _update_downloads(self, scores, low, plan, created) -> None:
        html_report = views.report_html(scores, self.instrument, low, plan, created)
        self.downloads.value = (
            "<ul><li>" + download_link(html_report, "egenvurdering.html", "text/html",
                                             _("Last ned profil og plan (HTML, kan skrives ut som PDF)"))
            + "</li><li>" + download_link(views.scores_csv(scores, created), "egenvurdering.csv",
                                                "text/csv", _("Last ned tallene (CSV)")) + "</li></ul>")

    def _on_save_plan(self, _event=None) -> None:
        self.plan_button.disabled = True
        try:
            self.store.save_plan(self.key, self.plan_area.value)
        except InputError as err:  # StorageError, or an empty or too long plan
            self.plan_message.value = feedback_html(f"{err} " + _("Teksten står fortsatt i feltet."), "feil",
                                                    _("Ikke lagret."))
            return
        finally:
            self.plan_button.disabled = False
        self.plan_message.value = feedback_html(_("Handlingsplanen er lagret."), "ok")
        try:
            latest = self.store.latest_response(self.key)
        except StorageError:
            return  # the plan is saved; the download links are brought up to date next time
        low = weakest(latest.scores, 2)
        self._update_downloads(latest.scores, low, self.plan_area.value, latest.created)

    def _on_join(self, _event=None) -> None:
        try:
            code = self.store.validate_group_code(self.group_input.value)
            self.store.join_group(self.key, code)
        except StorageError as err:
            self.group_message.value = feedback_html(str(err), "feil")
            return
        self.group_message.value = feedback_html(_("Svarene dine er lagt til i gruppen {code}.").format(code=code), "ok")

    def _on_retake(self, _event=None) -> None:
        self._reset_form()
        self.screen = "skjema"

    def _on_delete(self, _event=None) -> None:
        self.confirm_button.layout.display = None
        self.delete_message.value = feedback_html(
            _("Er du sikker? Alle svar, planen og gruppemedlemskap med denne koden slettes for godt."), "info")

    def _on_confirm_delete(self, _event=None) -> None:
        try:
            self.store.delete_key(self.key)
        except StorageError as err:
            self.delete_message.value = feedback_html(f"{err} " + _("Ingenting er slettet ennå."), "feil")
            return
        self.key = ""
        self.screen = "slettet"
