"""«Min side» and «Kursoversikt»: a JupyterHub service (tornado, hub login through OAuth).

Routes under the service prefix (``/services/minside/``):

==============================================  =====================================================
``/``                                           «Min side» of the logged-in learner
``/deltaker/<id>``                              «Min side» of ``<id>``: that learner or a course leader
``/tilbakemelding/<id>/<oppgave>/<fil>.html``   the feedback page: that learner or a course leader
``/kursbevis/<id>.pdf``                         the kursbevis (tagged PDF) once the rule is met
``/kursoversikt``                               course leaders only (hub group ``kursledere``)
``/rapporter/<fil>``                            the reports (CSV, Excel, HTML): course leaders only
==============================================  =====================================================

Everyone else gets 403 and a Norwegian page. «Min side» is in bokmål or nynorsk
(:mod:`minside.sprak`). The data comes from
:mod:`grading.progress` and :mod:`grading.progress_overview` (the gradebook, the course folder and the exchange,
through the ``grading`` package). Nothing about the self-assessment is read
or stored here: the page only links to the app, which stays pseudonymous.

Settings (environment, set by :func:`hub.minside.config.configure`):
``KURSLEDER_KURSMAPPE`` (course folder), ``KURSLEDER_HENTET_MAL`` (optional,
see :mod:`grading.progress_snapshot`), ``MINSIDE_FORMGRADER_URL``,
``MINSIDE_EGENVURDERING_URL``, ``MINSIDE_BOK_URL``, ``MINSIDE_GODKJENN_URL`` (the hub's
approval of new accounts, for course leaders), ``MINSIDE_UNIX_PREFIKS`` (for ``{unix}``
in ``KURSLEDER_HENTET_MAL``, see :mod:`hub.minside.config`); JupyterHub sets
``JUPYTERHUB_SERVICE_PREFIX``, ``JUPYTERHUB_SERVICE_URL`` and the API token.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import logging
import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import jinja2
from tornado import web

from fellesregler.sprak import N_, STANDARD, med_sprak, velg
from minside import sprak as malform
from minside.sprak import _
from tornado.ioloop import IOLoop

from grading import progress as pg
from grading.progress_overview import course_overview
from grading.completion import load_rule
from grading.paths import CourseLayout, default_course_dir, layout

log = logging.getLogger("minside")

HERE = Path(__file__).resolve().parent
KURSLEDERE = "kursledere"
COURSE_NAME = "Nyskapende arbeidsgivere"  # shown through _() on the learner's pages
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.html$")
REPORT_FILES = {
    "resultater.csv": ("resultater_csv", "text/csv; charset=utf-8"),
    "per-deltaker.csv": ("deltakere_csv", "text/csv; charset=utf-8"),
    "per-enhet.csv": ("enheter_csv", "text/csv; charset=utf-8"),
    "resultater.xlsx": ("excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "fullforing.html": ("html", "text/html; charset=utf-8"),
}
#: Seconds a computed «Kursoversikt» (and the report files) may be shown before it is read again.
OVERVIEW_MAX_AGE_S = 30

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'self'; base-uri 'none'")

MESSAGES = {
    403: (N_("Ingen tilgang"), N_("Du har ikke tilgang til denne siden. «Kursoversikt» er bare for "
                                  "kursledere, og hver deltaker ser bare sine egne oppgaver.")),
    404: (N_("Fant ikke siden"), N_("Vi fant ikke det du lette etter. Gå tilbake til «Min side».")),
    500: (N_("Noe gikk galt"), N_("Siden kunne ikke vises akkurat nå. Prøv igjen om litt. Hvis det "
                                  "skjer igjen, si fra til kursleder.")),
}
DAMAGED = N_("Oversikten kan ikke vises fordi karakterboken er skadet. Kursleder har fått "
             "beskjed i loggen. Ingen innleveringer er borte.")


@dataclass
class Settings:
    course: CourseLayout
    prefix: str = "/services/minside/"
    fetched_template: str | Callable[[str, str], str] | None = None
    formgrader_url: str = "/services/retting/formgrader"
    egenvurdering_url: str = "/services/apper/voila/render/egenvurdering.ipynb"
    book_url: str = "/services/boka/"
    lab_url: str = "/hub/user-redirect/lab"
    hub_home_url: str = "/hub/home"
    approve_url: str | None = None
    now: object = None  # a callable returning UTC-naive now (tests); None: the clock


@dataclass
class State:
    settings: Settings
    env: jinja2.Environment
    learner_pool: concurrent.futures.ThreadPoolExecutor
    leader_pool: concurrent.futures.ThreadPoolExecutor
    learner_reader: pg.Reader
    leader_reader: pg.Reader
    overview: tuple[float, object] | None = None
    refreshing: bool = False
    reports: tuple[float, dict] | None = None
    report_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="minside-")))

    def now(self) -> dt.datetime | None:
        return self.settings.now() if self.settings.now else None


# ---------------------------------------------------------------------------
# Formatting for the templates
# ---------------------------------------------------------------------------
def fmt_time(value: dt.datetime | None) -> str:
    from fellesregler.formatering import oslo_tid as oslo

    return oslo(value) if value else ""


def fmt_points(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fmt_pct(value) -> str:
    return "" if value is None else f"{float(value):.1f}".replace(".", ",") + "\u00a0%"


def make_env() -> jinja2.Environment:
    from grading.feedback import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(HERE / "templates"), str(TEMPLATES)]),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(tid=fmt_time, poeng=fmt_points, prosent=fmt_pct)
    malform.install(env)
    return env


# ---------------------------------------------------------------------------
# Work done off the event loop (one thread per reader: a Gradebook session is not shared)
# ---------------------------------------------------------------------------
def render_min_side(state: State, student: str, viewer: dict, leader: bool,
                    query: str = "", kapsel: str | None = None) -> str:
    """«Min side» of `student` as `viewer` sees it (in the målform :func:`min_side` chooses)."""
    return min_side(state, student, viewer, leader, query, kapsel)[0]


def min_side(state: State, student: str, viewer: dict, leader: bool,
             query: str = "", kapsel: str | None = None) -> tuple[str, str]:
    """The page, and its målform (:mod:`minside.sprak`: URL, cookie, roster, bokmål)."""
    s = state.settings
    with state.learner_reader() as gb:
        snap = pg.read_snapshot(s.course, [student], fetched_template=s.fetched_template,
                                now=state.now(), gb=gb)
    sprak, _valgt = velg(query, kapsel, (snap.learners.get(student) or {}).get("malform"))
    with med_sprak(sprak):
        p = pg.learner_progress(snap, student)  # its texts (next step, rule, titles) in this målform
        items = {i.assignment: i for i in p.items}
        parts = pg.programme_i(pg.programme(tuple(items)), sprak)
        html = state.env.get_template("minside.html.j2").render(
            kurs=_(COURSE_NAME), s=s, p=p, parts=parts, items=items,
            own=student == viewer["name"], leader=leader, viewer=viewer["name"],
            base=s.prefix, states=pg, bok=malform.utgave(s.book_url, sprak),
            egenvurdering=malform.utgave(s.egenvurdering_url, sprak, som_query=True), **malform.ns(sprak, query))
    return html, sprak


def compute_overview(state: State, force: bool = False):
    """The overview: read afresh when forced or older than OVERVIEW_MAX_AGE_S.

    An old overview is still shown (with the time it was read) while a fresh
    one is read in the background, so a course leader never waits for the
    whole course to be read again; «Les tallene på nytt nå» forces it.
    """
    cached = state.overview
    if cached and not force:
        if time.monotonic() - cached[0] >= OVERVIEW_MAX_AGE_S and not state.refreshing:
            state.refreshing = True
            state.leader_pool.submit(_refresh, state)
        return cached[1], cached[0]
    return _read_overview(state)


def _refresh(state: State) -> None:
    try:
        _read_overview(state)
    except Exception:  # shown on the next request that reads afresh
        log.exception("Kursoversikten kunne ikke leses på nytt")
    finally:
        state.refreshing = False


def _read_overview(state: State):
    with state.leader_reader() as gb:
        ov = course_overview(state.settings.course, now=state.now(), gb=gb)
    state.overview = (time.monotonic(), ov)
    return ov, state.overview[0]


def render_kursoversikt(state: State, force: bool = False) -> str:
    ov, at = compute_overview(state, force)
    age = time.monotonic() - at
    read_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=age)
    return state.env.get_template("kursoversikt.html.j2").render(
        kurs=COURSE_NAME, s=state.settings, ov=ov, base=state.settings.prefix, sprak=STANDARD, sprakbytte=[],
        lest=fmt_time(read_at), maks_alder=OVERVIEW_MAX_AGE_S, rapporter=list(REPORT_FILES),
        poeng_over=fmt_points(load_rule().points_above))


def make_reports(state: State) -> dict:
    from grading.report_files import write_reports

    cached = state.reports
    if cached and time.monotonic() - cached[0] < OVERVIEW_MAX_AGE_S:
        return cached[1]
    out = state.report_dir / str(time.monotonic_ns())
    paths = write_reports(state.settings.course.root, out)
    if cached:  # personal data: keep only the newest set (the folder is the service's own, 0700)
        shutil.rmtree(Path(cached[1]["html"]).parent, ignore_errors=True)
    state.reports = (time.monotonic(), paths)
    return paths


def make_certificate(state: State, student: str) -> tuple[str, bytes] | None:
    from grading.certificates import certificate_filename, module_titles, render_certificate

    s = state.settings
    with state.learner_reader() as gb:
        p = pg.progress_of(s.course, student, fetched_template=s.fetched_template,
                           now=state.now(), gb=gb)
    if not p.earned:
        return None
    # In the learner's målform from the roster (nynorsk titles and text for a nynorsk learner).
    modules = module_titles([i.title for i in p.items if i.required], p.malform)
    with tempfile.TemporaryDirectory(prefix="kursbevis-") as tmp:
        path = render_certificate(Path(tmp) / "kursbevis.pdf", p.navn, modules, dt.date.today(),
                                  sprak=p.malform)
        return certificate_filename(p.id, p.navn), path.read_bytes()


# ---------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------
from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated  # noqa: E402


class Page(HubOAuthenticated, web.RequestHandler):
    def initialize(self, state: State) -> None:
        self.state = state

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")

    @property
    def is_leader(self) -> bool:
        return KURSLEDERE in (self.current_user or {}).get("groups", [])

    def may_see(self, student: str) -> bool:
        return student == self.current_user["name"] or self.is_leader

    async def off_loop(self, pool, fn, *args):
        return await IOLoop.current().run_in_executor(pool, fn, *args)

    def write_error(self, status_code: int, **kwargs) -> None:
        title, text = MESSAGES.get(status_code, MESSAGES[500])
        if status_code >= 500 and "exc_info" in kwargs:
            exc = kwargs["exc_info"][1]
            from grading._nbgrader import GradebookDamaged

            if isinstance(exc, GradebookDamaged):
                text = DAMAGED
                log.error("Karakterboken er skadet: %s", exc)
        query, kapsel = malform.valg(self)
        sprak = velg(query, kapsel)[0]
        self.set_header("Content-Type", "text/html; charset=utf-8")
        with med_sprak(sprak):
            self.finish(self.state.env.get_template("feil.html.j2").render(
                kurs=_(COURSE_NAME), tittel=_(title), tekst=_(text), kode=status_code, base=self.state.settings.prefix,
                **malform.ns(sprak, query)))


class MinSide(Page):
    @web.authenticated
    async def get(self, student: str | None = None) -> None:
        student = student or self.current_user["name"]
        if not ID_RE.match(student) or not self.may_see(student):
            raise web.HTTPError(403)
        html, sprak = await self.off_loop(self.state.learner_pool, min_side, self.state, student,
                                          self.current_user, self.is_leader, *malform.valg(self))
        if student == self.current_user["name"]:
            malform.husk(self, sprak)
        self.finish(html)


class Feedback(Page):
    @web.authenticated
    async def get(self, student: str, assignment: str, filename: str) -> None:
        if not self.may_see(student):
            raise web.HTTPError(403)
        from grading.malform import kapitteloppgave
        from grading.paths import ASSIGNMENTS

        # vage or vage-nn: the feedback of either edition of a chapter's assignment
        if kapitteloppgave(assignment) not in ASSIGNMENTS or not FILE_RE.match(filename):
            raise web.HTTPError(404)
        path = self.state.settings.course.feedback_dir(student, assignment) / filename
        if not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(path.read_bytes())


class Certificate(Page):
    @web.authenticated
    async def get(self, student: str) -> None:
        if not self.may_see(student):
            raise web.HTTPError(403)
        made = await self.off_loop(self.state.learner_pool, make_certificate, self.state, student)
        if made is None:
            raise web.HTTPError(404)
        name, data = made
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.finish(data)


class Kursoversikt(Page):
    @web.authenticated
    async def get(self) -> None:
        if not self.is_leader:
            raise web.HTTPError(403)
        force = self.get_argument("oppdater", "") == "1"
        html = await self.off_loop(self.state.leader_pool, render_kursoversikt, self.state, force)
        self.finish(html)


class Report(Page):
    @web.authenticated
    async def get(self, filename: str) -> None:
        if not self.is_leader:
            raise web.HTTPError(403)
        if filename not in REPORT_FILES:
            raise web.HTTPError(404)
        key, mime = REPORT_FILES[filename]
        paths = await self.off_loop(self.state.leader_pool, make_reports, self.state)
        self.set_header("Content-Type", mime)
        if not filename.endswith(".html"):
            self.set_header("Content-Disposition", f'attachment; filename="{filename}"')
        self.finish(Path(paths[key]).read_bytes())


def make_app(settings: Settings, *, warm: bool = False, **tornado_settings) -> web.Application:
    from jupyterhub.services.auth import HubOAuth

    state = State(settings, make_env(),
                  concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="minside-deltaker"),
                  concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="minside-kursleder"),
                  pg.Reader(settings.course), pg.Reader(settings.course))
    p = settings.prefix
    kw = {"state": state}
    app = web.Application([
        (rf"{p}", MinSide, kw),
        (rf"{p}deltaker/([a-z0-9][a-z0-9._-]*)/?", MinSide, kw),
        (rf"{p}tilbakemelding/([a-z0-9][a-z0-9._-]*)/([a-z_]+)/([^/]+)", Feedback, kw),
        (rf"{p}kursbevis/([a-z0-9][a-z0-9._-]*)\.pdf", Certificate, kw),
        (rf"{p}kursoversikt/?", Kursoversikt, kw),
        (rf"{p}rapporter/([a-z0-9.-]+)", Report, kw),
        (rf"{p}oauth_callback", HubOAuthCallbackHandler),
    ], hub_auth=HubOAuth(cache_max_age=60), cookie_secret=os.urandom(32),
        default_handler_class=NotFound, default_handler_args=kw, **tornado_settings)
    app.minside_state = state
    if warm:  # read the overview once at start, so the first course leader does not wait
        state.leader_pool.submit(_refresh, state)
    return app


class NotFound(Page):
    def prepare(self) -> None:
        raise web.HTTPError(404)


def fetched_path(template: str, unix_prefix: str) -> Callable[[str, str], str]:
    """``template`` with ``{unix}``: the learner's Unix user, named the way the course hub names it."""
    from kurshub.settings import HubSettings

    names = HubSettings(state=Path("/"), unix_prefix=unix_prefix)

    def path(student: str, assignment: str) -> str:
        try:
            unix = names.unix_name(student)
        except ValueError:  # not a name the hub gives a Unix user: nothing fetched
            return ""
        return template.format(unix=unix, student=student, assignment=assignment)

    return path


def settings_from_env() -> Settings:
    course = layout(os.environ.get("KURSLEDER_KURSMAPPE") or default_course_dir())
    template = os.environ.get(pg.ENV_FETCHED) or None
    if template and "{unix}" in template:
        template = fetched_path(template, os.environ.get("MINSIDE_UNIX_PREFIKS", ""))
    s = Settings(course, prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/minside/"),
                 fetched_template=template)
    for attr, env in (("formgrader_url", "MINSIDE_FORMGRADER_URL"),
                      ("egenvurdering_url", "MINSIDE_EGENVURDERING_URL"),
                      ("book_url", "MINSIDE_BOK_URL"),
                      ("approve_url", "MINSIDE_GODKJENN_URL")):
        if os.environ.get(env):
            setattr(s, attr, os.environ[env])
    return s


def main() -> None:
    import warnings

    warnings.simplefilter("ignore")  # SQLAlchemy 2.1 SAWarnings from nbgrader's models
    logging.basicConfig(level=logging.INFO, format="%(asctime)s minside %(levelname)s %(message)s")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = make_app(settings_from_env(), warm=True)
    app.listen(url.port, url.hostname or "127.0.0.1")
    log.info("«Min side» lytter på %s:%s", url.hostname, url.port)
    loop = asyncio.get_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):  # the hub stops its services with SIGTERM
        loop.add_signal_handler(sig, loop.stop)
    try:
        loop.run_forever()
    finally:
        shutil.rmtree(app.minside_state.report_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
