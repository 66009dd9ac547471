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
from grading.paths import ASSIGNMENTS, ENV_COURSE_DIR, CourseLayout, default_course_dir, layout

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
def _check_assignment(name: str) -> str:
    if name not in ASSIGNMENTS:
        raise UserError(f"Ukjent oppgave «{name}». Velg blant: {', '.join(ASSIGNMENTS)}.")
    return name


class UserError(Exception):
    """An error the course leader can fix; printed without a traceback."""


def _out(text: str) -> None:
    print(text, flush=True)


def _parse_time(text: str):
    from fellesregler.formatering import parse_local

    try:
        return parse_local(text)
    except ValueError as exc:
        raise UserError(str(exc))


def _init(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.release import init_course

    res = init_course(course.root, generate=not args.uten_deltakerversjon, progress=progress)
    _out(res.summary())
    return 0


def _roster(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.roster import import_roster, load_roster, parse_roster

    if not (args.handling == "importer" and args.sjekk) and not course.root.is_dir():
        raise UserError(f"Fant ikke kursmappen {course.root}. Sjekk --kurs, eller kjør "
                        "«kursleder init» først.")
    if args.handling == "importer":
        if args.sjekk:
            try:
                data = args.fil.read_bytes()
            except OSError as exc:
                raise UserError(f"Kan ikke lese {args.fil}: {exc.strerror}.")
            learners = parse_roster(data, args.tegnsett)
            units = sorted({ln.enhet for ln in learners})
            _out(f"Filen er i orden: {len(learners)} deltakere i {len(units)} enheter. Ingenting er importert.")
            return 0
        res = import_roster(course.root, args.fil, encoding=args.tegnsett,
                            names_in_gradebook=not args.uten_navn)
        _out(res.summary())
        return 0
    df = load_roster(course.root)
    if df.empty:
        _out("Deltakerlisten er tom. Importer med «kursleder deltakere importer FIL».")
    else:
        _out(df.to_string(index=False))
        _out(f"\n{len(df)} deltakere. " + ", ".join(
            f"{u}: {n}" for u, n in df["enhet"].value_counts().sort_index().items()))
    return 0


def _deadline(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from fellesregler.formatering import oslo_tid
    from grading.release import get_duedate, set_duedate

    a = _check_assignment(args.oppgave)
    if args.fjern:
        set_duedate(course.root, a, None)
        _out(f"Fristen for «{a}» er fjernet.")
    elif args.tidspunkt:
        due = _parse_time(args.tidspunkt)
        set_duedate(course.root, a, due)
        _out(f"Fristen for «{a}» er {oslo_tid(get_duedate(course.root, a))}.")
    else:
        due = get_duedate(course.root, a)
        _out(f"Fristen for «{a}» er {oslo_tid(due)}." if due else f"«{a}» har ingen frist.")
    return 0


def _generate(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from tqdm import tqdm

    from grading.release import generate_assignment

    names = [_check_assignment(a) for a in (args.oppgave or ASSIGNMENTS)]
    for a in tqdm(names, desc="Lager deltakerversjoner", unit="oppgave", disable=not progress):
        try:
            generate_assignment(course.root, a)
        except FileNotFoundError as exc:
            raise UserError(str(exc))
    _out("Deltakerversjon laget for: " + ", ".join(names) + ".")
    return 0


def _release(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.release import generate_assignment, release_exchange, release_package

    a = _check_assignment(args.oppgave)
    try:
        generate_assignment(course.root, a)
    except FileNotFoundError as exc:
        raise UserError(str(exc))
    if not args.ikke_utveksling:
        where = release_exchange(course.root, a, args.utveksling)
        _out(f"«{a}» er delt ut i utvekslingen: {where}")
    if args.pakke:
        try:
            where = release_package(course.root, a, args.pakke, args.ut)
        except ValueError as exc:
            raise UserError(str(exc))
        _out(f"«{a}» er lagt klar som {'zip-fil' if args.pakke == 'zip' else 'mappe'}: {where}")
    if args.ikke_utveksling and not args.pakke:
        _out("Ingenting delt ut: bruk --zip eller --mappe sammen med --ikke-utveksling.")
    return 0


def _collect(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.collect import collect_exchange, collect_folder

    a = _check_assignment(args.oppgave)
    when = _parse_time(args.tidspunkt) if args.tidspunkt else None
    if args.fra:
        try:
            res = collect_folder(course.root, a, args.fra, when=when, progress=progress)
        except (FileNotFoundError, ValueError) as exc:
            raise UserError(str(exc))
    else:
        res = collect_exchange(course.root, a, args.utveksling, progress=progress)
    _out(res.summary())
    return 0


def _grade(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.autograde import grade_assignment

    a = _check_assignment(args.oppgave)
    run_ = grade_assignment(course.root, a, args.deltaker, workers=args.prosesser, progress=progress)
    _out(run_.summary())
    return 0


def _anomalies(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.anomalies import scan, write_report

    a = _check_assignment(args.oppgave)
    found = scan(course.root, a)
    paths = write_report(course.root, a, found)
    _out(f"{len(found)} avvik. Rapport: {paths['html']} (og {paths['csv'].name})")
    return 0


def _feedback(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.feedback import FeedbackError, generate_feedback as feedback

    a = _check_assignment(args.oppgave)
    try:
        paths = feedback(course.root, a, args.deltaker)
    except FeedbackError as exc:
        raise UserError(str(exc))
    _out(f"Laget {len(paths)} tilbakemelding(er) for «{a}» i {course.feedback}.")
    return 0


def _reports(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.reports import write_reports

    if args.min_gruppe is not None and args.min_gruppe < 1:
        raise UserError("--min-gruppe må være minst 1.")
    out = args.ut or course.rapporter
    paths = write_reports(course.root, out, min_group=args.min_gruppe)
    _out("Rapporter:\n" + "\n".join(f"  {name}: {path}" for name, path in paths.items()))
    return 0


def _certificates(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.certificates import make_certificates as make

    date = _parse_time(args.dato).date() if args.dato else None
    out = args.ut or (course.rapporter / "kursbevis")
    paths = make(course.root, out, date=date)
    _out(f"Laget {len(paths)} kursbevis i {out}.")
    if paths.warning:
        _out(paths.warning)
    return 0


def _guide(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.guide import GuideError, write_guide

    a = _check_assignment(args.oppgave)
    out = args.ut or (course.rapporter / "veiledning")
    try:
        paths = write_guide(course.root, a, out)
    except (GuideError, FileNotFoundError) as exc:
        raise UserError(str(exc))
    _out("Vurderingsveiledning:\n" + "\n".join(f"  {p}" for p in paths))
    return 0


def _overview_command(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    return _overview(course)


#: Every command and the function that runs it: (course layout, parsed arguments, show progress) -> exit code.
COMMANDS = {
    "init": _init,
    "deltakere": _roster,
    "frist": _deadline,
    "lag": _generate,
    "del-ut": _release,
    "samle-inn": _collect,
    "rett": _grade,
    "avvik": _anomalies,
    "tilbakemelding": _feedback,
    "rapporter": _reports,
    "kursbevis": _certificates,
    "veiledning": _guide,
    "oversikt": _overview_command,
}
#: Commands that may run before «kursleder init» has made the gradebook.
_NO_GRADEBOOK_NEEDED = ("init", "deltakere")


def run(args: argparse.Namespace) -> int:
    """Run one parsed command: the course layout is built here, once, and handed to the command."""
    course = layout(args.kurs or default_course_dir())
    k = args.kommando
    if not (k == "deltakere" and args.handling == "importer" and args.sjekk):
        from grading._nbgrader import check_gradebook

        # Before anything opens it: nbgrader would try to write its tables into a damaged file.
        check_gradebook(course.root)
    if k not in _NO_GRADEBOOK_NEEDED and not course.gradebook.exists():
        raise UserError(f"Fant ingen karakterbok i {course.root}. Kjør «kursleder init» først.")
    command = COMMANDS.get(k)
    if command is None:  # pragma: no cover - argparse allows only the commands above
        raise UserError(f"Ukjent kommando «{k}».")
    return command(course, args, not args.stille)


def _overview(course: CourseLayout) -> int:
    from fellesregler.formatering import oslo_tid
    from grading._nbgrader import gradebook
    from grading.autograde import submitted_students
    from grading.roster import load_roster

    roster = load_roster(course.root)
    _out(f"Kursmappe: {course.root}")
    _out(f"Deltakere: {len(roster)} i {roster['enhet'].nunique() if len(roster) else 0} enheter")
    with gradebook(course.root) as gb:
        rows = {a.name: a for a in gb.assignments}
        for name in ASSIGNMENTS:
            a = rows.get(name)
            due = oslo_tid(a.duedate) if a is not None and a.duedate else "ingen frist"
            shared = (any(course.exchange.glob(f"*/outbound/{name}")) or (course.utdeling / f"{name}.zip").exists()
                      or (course.utdeling / name).is_dir())
            released = "utdelt" if shared else ("laget" if course.release_dir(name).exists() else "ikke laget")
            n_sub = len(submitted_students(course.root, name))
            graded = len([p for p in course.autograded.glob(f"*/{name}") if p.is_dir()]) \
                if course.autograded.exists() else 0
            _out(f"  {name:<22} {released:<11} {due:<22} innlevert: {n_sub:<4} rettet: {graded}")
    return 0


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
    from grading.roster import RosterError

    try:
        return run(args)
    except RosterError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (UserError, NbgraderError, GradebookDamaged) as exc:
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
