"""The team view, shown by Voila (apps/team.ipynb).

A course leader creates a group code; employees who choose to add their
answers to it. The view shows only aggregates, and only when at least
``min_group`` (5) people have answered: the rule is enforced in the store,
and this view only shows what the store returns.
"""
from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import ipywidgets as w
from traitlets import Unicode

from .._common import InputError, esc, feedback_html, tall
from . import views
from .instrument import Instrument, load_instrument
from .scoring import DimensionScore
from .store import GroupSummary, LeaderComparison, StorageError, Store, TooFewRespondents


def distribution_table(summary: GroupSummary, instrument: Instrument) -> str:
    """Per dimension: respondents, mean index, level, and how many are in each band."""
    bands = [b.name for b in instrument.bands]
    head = ("<th scope='col'>Område</th><th scope='col'>Antall svar</th><th scope='col'>Snitt (0–100)</th>"
            "<th scope='col'>Nivå</th>" + "".join(f"<th scope='col'>Antall i «{esc(b)}»</th>" for b in bands))
    rows = []
    for d in summary.dimensions:
        if d.suppressed:
            cells = "<td colspan='{}'>For få svar til å vise tall</td>".format(3 + len(bands))
        else:
            cells = (f"<td>{d.n}</td><td>{tall(d.mean_index or 0)}</td><td>{esc(d.band)}</td>"
                     + "".join(f"<td>{d.band_counts.get(b, 0)}</td>" for b in bands))
        rows.append(f"<tr><th scope='row'>{esc(d.dimension)} {esc(d.name)}</th>{cells}</tr>")
    return (f"<table class='kurs-tabell'><caption>Fordeling i teamet «{esc(summary.name)}» "
            f"({summary.respondents} har svart)</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def as_scores(summary: GroupSummary) -> list[DimensionScore]:
    """The team's mean profile in the shape the radar chart takes."""
    return [DimensionScore(d.dimension, d.name, d.n or 0, None, d.mean_index, d.band) for d in summary.dimensions]


def comparison_table(cmp: LeaderComparison) -> str:
    rows = []
    for r in cmp.rows:
        diff = views.fmt_change(r.difference)
        rows.append(f"<tr><th scope='row'>{esc(r.dimension)} {esc(r.name)}</th><td>{views.fmt_index(r.leader_index)}"
                    f"</td><td>{views.fmt_index(r.team_index)}</td><td>{diff}</td></tr>")
    return ("<table class='kurs-tabell'><caption>Din egen profil mot resten av teamet "
            f"({cmp.team_respondents} andre har svart)</caption><thead><tr><th scope='col'>Område</th>"
            "<th scope='col'>Deg</th><th scope='col'>Teamet</th><th scope='col'>Forskjell</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


class TeamApp(w.VBox):
    """Create a group code, and see a team's aggregate profile when at least 5 have answered.

    Examples
    --------
    >>> TeamApp()  # doctest: +SKIP
    """

    group_code = Unicode("", help="The group code shown, once valid.")

    def __init__(self, store: Store | None = None, instrument: Instrument | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kurs-app")
        self.instrument = instrument or load_instrument()
        self.store = store or Store()
        minimum = self.instrument.min_group
        self.intro = w.HTML(
            "<h1>Teamvisning: egenvurdering</h1>"
            f"<p>Her ser du et teams samlede profil. Du ser aldri enkeltsvar, og ingenting vises før minst "
            f"{minimum} personer har lagt svarene sine til i gruppen.</p>")
        self.name_input = w.Text(continuous_update=False, description="Navn på teamet", placeholder="for eksempel Team hjemmetjenesten",
                                 style={"description_width": "initial"})
        self.create_button = w.Button(description="Lag gruppekode", button_style="primary",
                                      tooltip="Lag gruppekode", layout=w.Layout(width="auto"))
        self.create_message = w.HTML()
        self.code_input = w.Text(continuous_update=False, description="Gruppekode", placeholder="XXXX-XXXX",
                                 style={"description_width": "initial"})
        self.leader_input = w.Text(continuous_update=False, description="Din egen kode (valgfritt, for å sammenligne deg med teamet)",
                                   style={"description_width": "initial"}, layout=w.Layout(width="100%"))
        self.leader_join = w.Checkbox(value=False, indent=False,
                                      description="Jeg er leder for teamet og vil se min profil mot teamets")
        self.show_button = w.Button(description="Vis teamet", button_style="primary", tooltip="Vis teamet",
                                    layout=w.Layout(width="auto"))
        self.result = w.HTML()
        self.create_button.on_click(self._on_create)
        self.show_button.on_click(self._on_show)
        self.children = [
            self.intro,
            w.HTML("<h2>For kursledere: lag en gruppekode</h2><p>Del koden med teamet. "
                   "De som vil, legger den inn i egenvurderingsappen.</p>"),
            self.name_input, self.create_button, self.create_message,
            w.HTML("<h2>Se teamets profil</h2>"),
            self.code_input, self.leader_input, self.leader_join, self.show_button, self.result,
        ]

    def _on_create(self, _=None) -> None:
        try:
            code = self.store.create_group(self.name_input.value)
        except (StorageError, InputError) as err:
            self.create_message.value = feedback_html(str(err), "feil")
            return
        self.create_message.value = feedback_html(
            f"Gruppekoden er {code}. Del den med teamet. Den vises ikke igjen her, så skriv den ned.", "ok")
        self.code_input.value = code

    def _on_show(self, _=None) -> None:
        try:
            code = self.store.validate_group_code(self.code_input.value)
            summary = self.store.group_summary(code)
        except (StorageError, InputError) as err:
            self.group_code = ""
            self.result.value = feedback_html(str(err), "info" if isinstance(err, TooFewRespondents) else "feil")
            return
        self.group_code = code
        parts = [f"<h2>Teamet «{esc(summary.name)}»</h2>"]
        team_scores = as_scores(summary)
        own = None
        if self.leader_input.value.strip():
            try:
                if self.leader_join.value:
                    self.store.join_group(self.leader_input.value, code, role="leder")
                own = self.store.leader_vs_team(code, self.leader_input.value)
            except (StorageError, InputError) as err:
                parts.append(feedback_html(f"Sammenligningen kan ikke vises: {err}", "info"))
        if own is not None:
            mine = [DimensionScore(r.dimension, r.name, 0, None, r.leader_index, r.leader_band) for r in own.rows]
            parts.append(views.radar_svg(mine, team_scores, labels=("Deg", "Resten av teamet")))
            parts.append(comparison_table(own))
        else:
            parts.append(views.radar_svg(team_scores, labels=("Teamet", "")))
        parts.append(distribution_table(summary, self.instrument))
        parts.append(self._export_links(code))
        self.result.value = "".join(parts)

    def _export_links(self, code: str) -> str:
        """Aggregates only, produced by the store's export (which enforces the 5-rule)."""
        links = []
        try:
            with tempfile.TemporaryDirectory() as tmp:
                for suffix, mime, label in ((".csv", "text/csv", "Last ned samlede tall (CSV)"),
                                            (".xlsx",
                                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                             "Last ned samlede tall (Excel)")):
                    path = self.store.export_group(code, Path(tmp) / f"team{suffix}")
                    data = base64.b64encode(path.read_bytes()).decode("ascii")
                    links.append(f"<li><a download='team-{esc(code)}{suffix}' href='data:{mime};base64,{data}'>"
                                 f"{esc(label)}</a></li>")
        except (StorageError, OSError) as err:
            msg = str(err) if isinstance(err, StorageError) else "Filene kunne ikke lages akkurat nå."
            return "<h3>Last ned</h3>" + feedback_html(f"{msg} Prøv «Vis teamet» igjen om litt.", "info")
        return "<h3>Last ned</h3><ul>" + "".join(links) + "</ul>"
