"""``kursleder``: the course leader's command line tool (help texts in Norwegian).

Run ``kursleder --hjelp`` or ``kursleder <kommando> -h``.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from pathlib import Path

from fellesregler.personvern import regel
from grading.commands import COMMANDS, NO_GRADEBOOK_NEEDED, UserError
from grading.paths import ASSIGNMENTS, ENV_COURSE_DIR, default_course_dir, layout

PROG = "kursleder"

DESCRIPTION = """\
Kursleders verktøy for kurset «Nyskapende arbeidsgivere».

Vanlig rekkefølge:
  kursleder init
  kursleder deltakere importer ansatte.csv
  kursleder frist vage "01.12.2026 23:59"
  kursleder del-ut vage --zip
  kursleder samle-inn vage --fra innleveringer.zip
  kursleder rett vage
  (vurder tekstsvarene i Formgrader i JupyterLab)
  kursleder tilbakemelding vage
  kursleder rapporter
  kursleder kursbevis
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="bruk: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Norwegian standard texts."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):  # noqa: D401
        message = (message.replace("the following arguments are required", "disse må være med")
                   .replace("invalid choice", "ugyldig valg")
                   .replace("unrecognized arguments", "ukjente argumenter")
                   .replace("expected one argument", "mangler en verdi")
                   .replace("choose from", "velg blant"))
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil: {message}\n")


def _fmt_help(parser: argparse.ArgumentParser) -> None:
    parser._positionals.title = "argumenter"
    parser._optionals.title = "valg"


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--hjelp", action="help", help="vis denne hjelpeteksten og avslutt")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=DESCRIPTION, add_help=False)
    _fmt_help(p)
    _add_help(p)
    p.add_argument("--kurs", type=Path, default=None, metavar="MAPPE",
                   help=f"kursmappen (standard: ${ENV_COURSE_DIR} eller exercises/ i prosjektet)")
    p.add_argument("--stille", action="store_true", help="ingen fremdriftsindikatorer, bare feil og sammendrag")
    sub = p.add_subparsers(dest="kommando", metavar="KOMMANDO", parser_class=_Parser)
    sub.required = True

    def cmd(name, help_, **kw):
        sp = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".",
                            add_help=False, **kw)
        _fmt_help(sp)
        _add_help(sp)
        sp.add_argument("--stille", action="store_true", default=argparse.SUPPRESS,
                        help="ingen fremdriftsindikatorer")
        return sp

    def assignment_arg(sp, nargs=None):
        sp.add_argument("oppgave", nargs=nargs, metavar="OPPGAVE",
                        help="oppgavens navn: " + ", ".join(ASSIGNMENTS))

    sp = cmd("init", "gjør kursmappen klar (trygt å kjøre flere ganger)")
    sp.add_argument("--uten-deltakerversjon", action="store_true",
                    help="ikke lag deltakerversjonene (release/) av oppgavene")

    sp = cmd("deltakere", "deltakerlisten: importer fra HR-fil eller vis")
    dsub = sp.add_subparsers(dest="handling", metavar="HANDLING", parser_class=_Parser)
    dsub.required = True
    imp = dsub.add_parser("importer", add_help=False,
                          help="importer deltakere fra en CSV-fil (alt eller ingenting)",
                          description=("Importer deltakere fra en CSV-fil fra HR-systemet.\n\n"
                                       "Kolonner: id, navn, epost og enhet (eller avdeling).\n"
                                       "Skilletegn: semikolon, komma eller tabulator. Tegnsett: UTF-8.\n"
                                       "id: små bokstaver a-z, sifre og . _ - (for eksempel ola.nordmann).\n"
                                       "Ved feil blir ingenting importert, og alle feilene vises med linjenummer."))
    _fmt_help(imp)
    _add_help(imp)
    imp.add_argument("fil", type=Path, metavar="FIL", help="CSV-filen")
    imp.add_argument("--tegnsett", default=None, metavar="TEGNSETT",
                     help="tegnsettet til filen hvis den ikke er UTF-8, for eksempel latin-1")
    imp.add_argument("--sjekk", action="store_true", help="bare kontroller filen, ikke importer")
    imp.add_argument("--uten-navn", action="store_true",
                     help="ikke legg navn og e-post i karakterboken (anonym vurdering i Formgrader)")
    vis = dsub.add_parser("vis", add_help=False, help="vis deltakerlisten", description="Vis deltakerlisten.")
    _fmt_help(vis)
    _add_help(vis)

    sp = cmd("frist", "sett eller fjern fristen for en oppgave")
    assignment_arg(sp)
    sp.add_argument("tidspunkt", metavar="TIDSPUNKT", nargs="?",
                    help="norsk tid, for eksempel \"01.12.2026 23:59\" eller 2026-12-01T23:59; utelat for å vise")
    sp.add_argument("--fjern", action="store_true", help="fjern fristen")

    sp = cmd("lag", "lag deltakerversjonen av oppgavene (nbgrader generate_assignment)")
    assignment_arg(sp, nargs="*")

    sp = cmd("del-ut", "del ut en oppgave: gjennom utvekslingen og/eller som zip eller mappe")
    assignment_arg(sp)
    sp.add_argument("--utveksling", type=Path, metavar="MAPPE", default=None,
                    help="utvekslingsmappen (standard: $KURSLEDER_EXCHANGE eller exercises/exchange)")
    sp.add_argument("--ikke-utveksling", action="store_true",
                    help="ikke del ut gjennom nbgrader-utvekslingen")
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--zip", action="store_const", dest="pakke", const="zip",
                     help="lag også en zip-fil i utdeling/ for virksomheter uten felles server")
    fmt.add_argument("--mappe", action="store_const", dest="pakke", const="mappe",
                     help="lag også en mappe i utdeling/")
    sp.add_argument("--ut", type=Path, metavar="MAPPE", default=None, help="hvor zip-filen eller mappen skal ligge")

    sp = cmd("samle-inn", "samle inn innleveringer fra utvekslingen, en mappe eller en zip-fil")
    assignment_arg(sp)
    sp.add_argument("--fra", type=Path, metavar="MAPPE_ELLER_ZIP", default=None,
                    help="mappe eller zip-fil med innleverte notatbøker (uten denne: utvekslingen)")
    sp.add_argument("--utveksling", type=Path, metavar="MAPPE", default=None, help="utvekslingsmappen")
    sp.add_argument("--tidspunkt", metavar="TIDSPUNKT", default=None,
                    help="innleveringstidspunkt for alle filene (standard: filenes endringstid)")

    sp = cmd("rett", "rett innleveringene automatisk (parallelt) og lag avviksrapport")
    assignment_arg(sp)
    sp.add_argument("--deltaker", action="append", metavar="ID", default=None,
                    help="rett bare denne deltakeren (kan gjentas)")
    sp.add_argument("--prosesser", type=int, default=None, metavar="N",
                    help="antall parallelle prosesser (standard: antall kjerner + 1)")

    sp = cmd("avvik", "lag avviksrapporten på nytt uten å rette")
    assignment_arg(sp)

    sp = cmd("tilbakemelding", "lag tilbakemeldinger (HTML) til deltakerne")
    assignment_arg(sp)
    sp.add_argument("--deltaker", action="append", metavar="ID", default=None,
                    help="bare denne deltakeren (kan gjentas)")

    sp = cmd("rapporter", "lag resultatrapporter (CSV, Excel og diagram) per enhet")
    sp.add_argument("--ut", type=Path, metavar="MAPPE", default=None, help="mappe for rapportene")
    sp.add_argument("--min-gruppe", type=int, default=None, metavar="N",
                    help=f"minste gruppe som vises samlet (standard {regel().minimum})")

    sp = cmd("kursbevis", "lag kursbevis (PDF) for dem som har fullført")
    sp.add_argument("--ut", type=Path, metavar="MAPPE", default=None, help="mappe for kursbevisene")
    sp.add_argument("--dato", default=None, metavar="DATO", help="dato på kursbeviset (standard: i dag)")

    sp = cmd("veiledning", "lag vurderingsveiledning for en oppgave")
    assignment_arg(sp)
    sp.add_argument("--ut", type=Path, metavar="MAPPE", default=None, help="mappe for veiledningen")

    cmd("oversikt", "vis status for kurset: oppgaver, frister, deltakere og innleveringer")
    return p


# --------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    """Run one parsed command: the course layout is built here, once, and handed to the command."""
    course = layout(args.kurs or default_course_dir())
    k = args.kommando
    if not (k == "deltakere" and args.handling == "importer" and args.sjekk):
        from grading._nbgrader import check_gradebook

        # Before anything opens it: nbgrader would try to write its tables into a damaged file.
        check_gradebook(course)
    if k not in NO_GRADEBOOK_NEEDED and not course.gradebook.exists():
        raise UserError(f"Fant ingen karakterbok i {course.root}. Kjør «kursleder init» først.")
    command = COMMANDS.get(k)
    if command is None:  # pragma: no cover - argparse allows only the commands above
        raise UserError(f"Ukjent kommando «{k}».")
    return command(course, args, not args.stille)


LOCKED_MESSAGE = ("Karakterboken (gradebook.db) er låst av et annet program, for eksempel Formgrader "
                  "eller en annen kursleder-kommando. Vent litt, eller lukk det andre programmet, "
                  "og prøv igjen.")


def _is_locked(exc: BaseException) -> bool:
    """True for SQLite's «database is locked» (sqlite3 or SQLAlchemy's wrapper)."""
    import sqlite3

    for _ in range(10):  # follow the chain of causes
        if exc is None:
            return False
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def _damaged_message(args: argparse.Namespace) -> str:
    from grading._nbgrader import GradebookDamaged

    path = layout(getattr(args, "kurs", None) or default_course_dir()).gradebook
    return str(GradebookDamaged(path, "databasen er ødelagt"))


def main(argv: list[str] | None = None) -> int:
    warnings.simplefilter("ignore")  # SQLAlchemy 2.1 SAWarnings from nbgrader's models
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "stille"):
        args.stille = False
    from grading._nbgrader import GradebookDamaged, NbgraderError, is_damage_error
    from grading.roster_csv import RosterError
    from grading.sandbox_command import SandboxUnavailable

    try:
        return run(args)
    except RosterError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (UserError, NbgraderError, GradebookDamaged, SandboxUnavailable) as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped to e.g. `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if is_damage_error(exc):  # damage found where the check before could not see it
            print(f"Feil: {_damaged_message(args)}", file=sys.stderr)
            return 1
        if not _is_locked(exc):
            raise
        print(f"Feil: {LOCKED_MESSAGE}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
