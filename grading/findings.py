"""What an anomaly (avvik) is: its kinds with their Norwegian titles and severities, one finding,
and the helpers every part of the anomaly report shares.

:mod:`grading.notebook_check` finds anomalies in one notebook, :mod:`grading.anomalies` in a whole
assignment, and :mod:`grading.anomaly_report` writes them for the course leader.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

# kind -> (Norwegian title, severity)
KINDS: dict[str, tuple[str, str]] = {
    "ugyldig_notatbok": ("Ugyldig notatbok", "høy"),
    "retting_feilet": ("Rettingen feilet", "høy"),
    "ukjent_deltaker": ("Ukjent deltaker", "høy"),
    "annen_eier": ("Levert av en annen bruker", "høy"),
    "slettet_testcelle": ("Slettet testcelle", "høy"),
    "endret_testcelle": ("Endret testcelle", "høy"),
    "slettet_svarcelle": ("Slettet svarcelle", "høy"),
    "endret_last_celle": ("Endret låst celle", "middels"),
    "slettet_last_celle": ("Slettet låst celle", "middels"),
    "endret_celletype": ("Endret celletype", "middels"),
    "endret_poeng": ("Endret poeng i metadata", "høy"),
    "manglende_metadata": ("Fjernet metadata", "høy"),
    "dobbel_celle": ("Dobbel celle", "middels"),
    "sandkasse": ("Koden prøvde å gå ut av sandkassen", "høy"),
    "sandkasse_grense": ("Koden nådde en grense i sandkassen", "middels"),
    "for_sen": ("Levert for sent", "middels"),
    "flere_filer": ("Flere filer for samme notatbok", "middels"),
    "ukjent_fil": ("Fil som ikke kunne knyttes til en deltaker", "middels"),
    "ukjent_notatbok": ("Ukjent notatbok", "middels"),
    "eldre_innlevering": ("Eldre innlevering enn den som er samlet inn", "info"),
    "annen_oppgave": ("Fil for en annen oppgave", "info"),
    "ubesvart": ("Ubesvart oppgave", "info"),
    "ikke_levert": ("Ikke levert", "info"),
}
SEVERITY_ORDER = {"høy": 0, "middels": 1, "info": 2}


@dataclass
class Anomaly:
    student: str          # learner id (for unknown learners: the id or file name found)
    assignment: str
    kind: str
    description: str      # Norwegian, plain language
    action: str = ""      # what the toolkit did about it
    cell: str = ""        # nbgrader grade id, if any
    file: str = ""

    @property
    def title(self) -> str:
        return KINDS.get(self.kind, (self.kind, "middels"))[0]

    @property
    def severity(self) -> str:
        return KINDS.get(self.kind, (self.kind, "middels"))[1]

    def key(self) -> tuple:
        return (self.student, self.assignment, self.kind, self.cell, self.file)


def dedupe(items: list[Anomaly]) -> list[Anomaly]:
    seen, out = set(), []
    for a in items:
        if a.key() not in seen:
            seen.add(a.key())
            out.append(a)
    return out


def to_records(items: list[Anomaly]) -> list[dict]:
    return [dict(asdict(a), title=a.title, severity=a.severity) for a in items]
