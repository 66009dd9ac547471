"""The commands of ``kursleder``: one function per command, called by :func:`grading.cli.run`.

Each takes the course layout (built once, in the CLI), the parsed arguments and whether to show
progress, and returns the exit code. A problem the course leader can fix is a :class:`UserError`.
"""
from __future__ import annotations

import argparse

from grading.paths import ASSIGNMENTS, CourseLayout

__all__ = ["COMMANDS", "NO_GRADEBOOK_NEEDED", "UserError"]


def _check_assignment(name: str) -> str:
    from grading.malform import kapitteloppgave

    if kapitteloppgave(name) not in ASSIGNMENTS:  # vage-nn: the nynorsk vage
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

    res = init_course(course, generate=not args.uten_deltakerversjon, progress=progress)
    _out(res.summary())
    return 0


def _roster(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.roster import import_roster, load_roster
    from grading.roster_csv import parse_roster

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
        res = import_roster(course, args.fil, encoding=args.tegnsett,
                            names_in_gradebook=not args.uten_navn)
        _out(res.summary())
        from grading.hub_sync import HubSyncError, sync_from_env

        try:  # on the hub: users and the group `deltakere` follow the file
            synced = sync_from_env(res.added + res.updated + res.unchanged)
        except HubSyncError as exc:
            raise UserError(f"Deltakerlisten er importert, men huben ble ikke oppdatert: {exc}")
        if synced:
            _out(synced.summary())
        return 0
    df = load_roster(course)
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

    from grading.malform import kapitteloppgave, utgaver

    a = _check_assignment(args.oppgave)
    # A chapter's deadline holds for both its editions (vage and vage-nn): one course, one deadline.
    editions = utgaver((a,)) if kapitteloppgave(a) == a else (a,)
    both = " og ".join(f"«{e}»" for e in editions)
    if args.fjern:
        for e in editions:
            set_duedate(course, e, None)
        _out(f"Fristen for {both} er fjernet.")
    elif args.tidspunkt:
        due = _parse_time(args.tidspunkt)
        for e in editions:
            set_duedate(course, e, due)
        _out(f"Fristen for {both} er {oslo_tid(get_duedate(course, a))}.")
    else:
        due = get_duedate(course, a)
        _out(f"Fristen for «{a}» er {oslo_tid(due)}." if due else f"«{a}» har ingen frist.")
    return 0


def _generate(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from tqdm import tqdm

    from grading.release import generate_assignment

    names = [_check_assignment(a) for a in (args.oppgave or ASSIGNMENTS)]
    for a in tqdm(names, desc="Lager deltakerversjoner", unit="oppgave", disable=not progress):
        try:
            generate_assignment(course, a)
        except FileNotFoundError as exc:
            raise UserError(str(exc))
    _out("Deltakerversjon laget for: " + ", ".join(names) + ".")
    return 0


def _release(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.release import generate_assignment, release_exchange, release_package

    a = _check_assignment(args.oppgave)
    try:
        generate_assignment(course, a)
    except FileNotFoundError as exc:
        raise UserError(str(exc))
    if not args.ikke_utveksling:
        where = release_exchange(course, a, args.utveksling)
        _out(f"«{a}» er delt ut i utvekslingen: {where}")
    if args.pakke:
        try:
            where = release_package(course, a, args.pakke, args.ut)
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
            res = collect_folder(course, a, args.fra, when=when, progress=progress)
        except (FileNotFoundError, ValueError) as exc:
            raise UserError(str(exc))
    else:
        res = collect_exchange(course, a, args.utveksling, progress=progress)
    _out(res.summary())
    return 0


def _grade(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.autograde import grade_assignment

    a = _check_assignment(args.oppgave)
    run_ = grade_assignment(course, a, args.deltaker, workers=args.prosesser, progress=progress)
    _out(run_.summary())
    return 0


def _anomalies(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.anomalies import scan
    from grading.anomaly_report import write_report

    a = _check_assignment(args.oppgave)
    found = scan(course, a)
    paths = write_report(course, a, found)
    _out(f"{len(found)} avvik. Rapport: {paths['html']} (og {paths['csv'].name})")
    return 0


def _feedback(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.feedback import FeedbackError, generate_feedback as feedback

    a = _check_assignment(args.oppgave)
    try:
        paths = feedback(course, a, args.deltaker)
    except FeedbackError as exc:
        raise UserError(str(exc))
    _out(f"Laget {len(paths)} tilbakemelding(er) for «{a}» i {course.feedback}.")
    return 0


def _reports(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.report_files import write_reports

    if args.min_gruppe is not None and args.min_gruppe < 1:
        raise UserError("--min-gruppe må være minst 1.")
    out = args.ut or course.rapporter
    paths = write_reports(course, out, min_group=args.min_gruppe)
    _out("Rapporter:\n" + "\n".join(f"  {name}: {path}" for name, path in paths.items()))
    return 0


def _certificates(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.certificates import make_certificates as make

    date = _parse_time(args.dato).date() if args.dato else None
    out = args.ut or (course.rapporter / "kursbevis")
    paths = make(course, out, date=date)
    _out(f"Laget {len(paths)} kursbevis i {out}.")
    if paths.warning:
        _out(paths.warning)
    return 0


def _guide(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from grading.guide import GuideError, write_guide

    a = _check_assignment(args.oppgave)
    out = args.ut or (course.rapporter / "veiledning")
    try:
        paths = write_guide(course, a, out)
    except (GuideError, FileNotFoundError) as exc:
        raise UserError(str(exc))
    _out("Vurderingsveiledning:\n" + "\n".join(f"  {p}" for p in paths))
    return 0


def _overview(course: CourseLayout, args: argparse.Namespace, progress: bool) -> int:
    from fellesregler.formatering import oslo_tid
    from grading._nbgrader import gradebook
    from grading.autograde import submitted_students
    from grading.roster import load_roster

    roster = load_roster(course)
    _out(f"Kursmappe: {course.root}")
    _out(f"Deltakere: {len(roster)} i {roster['enhet'].nunique() if len(roster) else 0} enheter")
    with gradebook(course) as gb:
        rows = {a.name: a for a in gb.assignments}
        for name in ASSIGNMENTS:
            a = rows.get(name)
            due = oslo_tid(a.duedate) if a is not None and a.duedate else "ingen frist"
            shared = (any(course.exchange.glob(f"*/outbound/{name}")) or (course.utdeling / f"{name}.zip").exists()
                      or (course.utdeling / name).is_dir())
            released = "utdelt" if shared else ("laget" if course.release_dir(name).exists() else "ikke laget")
            n_sub = len(submitted_students(course, name))
            graded = len([p for p in course.autograded.glob(f"*/{name}") if p.is_dir()]) \
                if course.autograded.exists() else 0
            _out(f"  {name:<22} {released:<11} {due:<22} innlevert: {n_sub:<4} rettet: {graded}")
    return 0


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
    "oversikt": _overview,
}
#: Commands that may run before «kursleder init» has made the gradebook.
NO_GRADEBOOK_NEEDED = ("init", "deltakere")
