"""Sphinx extension for the course book «Nyskapende arbeidsgivere».

It provides

- the directive ``filmblokk``: the film reference block of a principle chapter.
  Title, speakers, themes and quotes come from ``data/film.yaml``; the chapter
  passes only its focus (``:fokus:``) and a bullet list of discussion prompts;
- the directive ``selvtest``: a self-check (counts for nothing) written as YAML,
  validated at build time and rendered as an accessible form that gives
  feedback in the browser with ``book_static/kurs.js`` (no kernel);
- the role ``live``: «Start oppgaven», which runs the chapter's widgets live in the
  reader's browser (Pyodide, ``book_static/kurs-live.js``, no server), plus a link
  to the Voila version only when a live server is configured (``kurs_live_base``);
- offline and accessibility fixes: sphinx-thebe (which names a CDN) is
  switched off, every page's scripts and styles are checked to be local, and
  the theme's interface strings get bokmål message catalogs from ``locale/``.

All messages a writer sees are in Norwegian and name the file, so that a
strict build (``-W``) fails with a clear reason.
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

__all__ = ["FilmDataError", "SelvtestError", "load_film", "parse_selvtest", "setup"]

logger = logging.getLogger(__name__)

#: The message catalog of the texts this extension writes itself
#: (locale/<lang>/LC_MESSAGES/kurs.po; the msgids are the bokmål texts).
MESSAGE_CATALOG = "kurs"
_translate = get_translation(MESSAGE_CATALOG)


def _(message: str) -> str:
    """The message in the book's language (the bokmål msgid if the catalog lacks it)."""
    return str(_translate(message))

#: No live server by default: a published book never points at one machine. `make start`'s
#: Voila apps are at LIVE_BASE_LOCAL; opt in with `kurs_live_base` or KURS_LIVE_BASE.
LIVE_BASE_DEFAULT = ""
LIVE_BASE_LOCAL = "http://127.0.0.1:8866/voila/render"


def N_(text: str) -> str:
    """Mark a text for the catalog (pybabel extracts it); translate it where it is used."""
    return text


LIVE_TEXT = N_("Åpne den levende versjonen av oppgaven")
LIVE_START = N_("Start oppgaven")
SELVTEST_LABEL = N_("Selvtest – teller ikke med i vurderingen")
FOKUS_LABEL = "Fokus i dette kapittelet:"
#: Texts of book_static/kurs.js, written into every page as ``window.kursTekst``.
JS_TEXTS = {
    "velg": N_("Velg et svar først."),
    "riktig": N_("Riktig svar."),
    "feil": N_("Ikke riktig."),
    "prov": N_("Prøv et annet svar."),
    "glidebryter": N_("Glidebryter"),
    "verdi": N_("verdi"),
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _relpath(env, docname: str | None = None) -> str:
    """The source file of a document, relative to the book, for messages."""
    docname = docname or env.docname
    try:
        return str(env.doc2path(docname, False))
    except Exception:  # pragma: no cover - defensive
        return docname


# ---------------------------------------------------------------------------
# Film reference data
# ---------------------------------------------------------------------------


class FilmDataError(ValueError):
    """data/film.yaml is missing or malformed. The message is in Norwegian."""


_film_cache: dict[Path, tuple[float, dict]] = {}


def _need_text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FilmDataError(f"{where}: «{key}» mangler eller er ikke tekst.")
    return value.strip()


def load_film(path: Path) -> dict:
    """Read and check the film reference. Raise FilmDataError if it is unusable."""
    path = Path(path)
    where = str(path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise FilmDataError(f"Fant ikke filmdata i {where}.") from None
    cached = _film_cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FilmDataError(f"{where}: ugyldig YAML ({_yaml_problem(exc)}).") from None
    if not isinstance(data, dict):
        raise FilmDataError(f"{where}: filen må være en YAML-tabell med nøkler.")
    film: dict[str, Any] = {
        "tittel": _need_text(data, "tittel", where),
        "vist_hos": _need_text(data, "vist_hos", where),
        "merknad": _need_text(data, "merknad", where),
    }
    if data.get("lenke") not in (None, ""):
        lenke = str(data["lenke"])
        if not lenke.startswith("https://"):
            raise FilmDataError(f"{where}: «lenke» må være tom eller en https-adresse.")
        film["lenke"] = lenke
    people = data.get("medvirkende")
    if not isinstance(people, list) or not people:
        raise FilmDataError(f"{where}: «medvirkende» må være en liste med navn og rolle.")
    film["medvirkende"] = []
    for i, person in enumerate(people, 1):
        if not isinstance(person, dict):
            raise FilmDataError(f"{where}: medvirkende nr. {i} må ha «navn» og «rolle».")
        film["medvirkende"].append(
            {"navn": _need_text(person, "navn", f"{where}, medvirkende nr. {i}"),
             "rolle": _need_text(person, "rolle", f"{where}, medvirkende nr. {i}")}
        )
    themes = data.get("temaer")
    if not isinstance(themes, list) or not themes or not all(isinstance(t, str) and t.strip() for t in themes):
        raise FilmDataError(f"{where}: «temaer» må være en liste med tekst.")
    film["temaer"] = [t.strip() for t in themes]
    trends = data.get("utviklingstrekk", [])
    if not isinstance(trends, list) or not all(isinstance(t, str) and t.strip() for t in trends):
        raise FilmDataError(f"{where}: «utviklingstrekk» må være en liste med tekst.")
    film["utviklingstrekk"] = [t.strip() for t in trends]
    quotes = data.get("sitater", [])
    if not isinstance(quotes, list):
        raise FilmDataError(f"{where}: «sitater» må være en liste.")
    film["sitater"] = []
    for i, q in enumerate(quotes, 1):
        if not isinstance(q, dict):
            raise FilmDataError(f"{where}: sitat nr. {i} må ha «tekst» og «av».")
        film["sitater"].append(
            {"tekst": _need_text(q, "tekst", f"{where}, sitat nr. {i}"),
             "av": _need_text(q, "av", f"{where}, sitat nr. {i}")}
        )
    if film["sitater"]:
        film["sitatkilde"] = _need_text(data, "sitatkilde", where)
    _film_cache[path] = (mtime, film)
    return film


# ---------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------


class kurs_aside(nodes.General, nodes.Element):
    """A complementary block, written as <aside> in HTML."""


class kurs_heading(nodes.General, nodes.TextElement):
    """A heading inside a block; its level follows the enclosing section."""


class kurs_selvtest(nodes.General, nodes.Element):
    """A self-check. Its children are a plain fallback (search index, other builders)."""


def _section_depth(node: nodes.Node) -> int:
    depth, parent = 0, node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            depth += 1
        parent = parent.parent
    return depth


def visit_aside_html(self, node: kurs_aside) -> None:
    attrs = {}
    if node.get("labelledby"):
        attrs["aria-labelledby"] = node["labelledby"]
    self.body.append(self.starttag(node, "aside", **attrs))


def depart_aside_html(self, node: kurs_aside) -> None:
    self.body.append("</aside>\n")


def visit_heading_html(self, node: kurs_heading) -> None:
    level = min(6, max(2, _section_depth(node) + 1 + node.get("offset", 0)))
    node["_level"] = level
    self.body.append(self.starttag(node, f"h{level}", ""))


def depart_heading_html(self, node: kurs_heading) -> None:
    self.body.append(f"</h{node['_level']}>\n")


def _noop(self, node) -> None:  # other builders render the children as they are
    pass


def _texts_of(node: nodes.Element, cls: str) -> list[str]:
    return [p.astext() for p in node.findall(nodes.paragraph) if cls in p.get("classes", [])]


def visit_selvtest_html(self, node: kurs_selvtest) -> None:
    # The texts are read from the child paragraphs: in a translated edition the
    # i18n transform has replaced them with the translation.
    question = _texts_of(node, "kurs-selvtest-q")[0]
    options = [{"tekst": t, "riktig": r, "forklaring": f} for t, r, f in zip(
        _texts_of(node, "kurs-selvtest-tekst"), node["riktig"], _texts_of(node, "kurs-selvtest-forklaring"))]
    self.body.append(render_selvtest_html(node["kurs_id"], question, options))
    raise nodes.SkipNode


# ---------------------------------------------------------------------------
# filmblokk
# ---------------------------------------------------------------------------


class _KursDirective(SphinxDirective):
    """A directive whose problems become located, Norwegian build warnings (fatal with -W)."""

    has_content = True
    subtype = "kurs"

    def _fail(self, message: str) -> list[nodes.Node]:
        logger.warning(message, location=self.get_location(), type="kurs", subtype=self.subtype)
        return []

    def _text(self, text: str, cls: str | None = None, *, children: bool = True) -> nodes.paragraph:
        """A paragraph the gettext builder extracts into the chapter's catalog (it has a source).

        `text` is the message (MyST); with children=False the caller adds the content.
        The i18n transform replaces the content with the translation.
        """
        para = nodes.paragraph(text, text if children else "", classes=[cls] if cls else [])
        self.set_source_info(para)
        return para


class FilmBlokk(_KursDirective):
    """The film reference block. The body is a bullet list of discussion prompts."""

    subtype = "filmblokk"
    option_spec = {"fokus": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        fil = _relpath(self.env)
        path = Path(self.env.srcdir) / self.config.kurs_film_data
        self.env.note_dependency(str(path))
        try:
            film = load_film(path)
        except FilmDataError as exc:
            return self._fail(f"filmblokk i {fil}: {exc}")
        fokus = (self.options.get("fokus") or "").strip()
        if not fokus:
            return self._fail(f"filmblokk i {fil} mangler «:fokus:» (for eksempel «:fokus: å våge»).")
        if not self.content or not "".join(self.content).strip():
            return self._fail(f"filmblokk i {fil} mangler diskusjonsspørsmål (en punktliste i innholdet).")
        parsed = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, parsed)
        if len(parsed.children) != 1 or not isinstance(parsed.children[0], nodes.bullet_list):
            return self._fail(
                f"filmblokk i {fil}: innholdet skal bare være en punktliste med diskusjonsspørsmål. "
                "Tittel, medvirkende og temaer hentes fra data/film.yaml."
            )
        prompts = parsed.children[0]

        serial = self.env.new_serialno("kurs-filmblokk")
        head_id = f"filmblokk-{serial}"
        aside = kurs_aside(classes=["kurs-filmblokk"], labelledby=head_id)
        self.set_source_info(aside)
        # The block's own texts come from the catalog `kurs`. Texts from data/film.yaml
        # get this directive's source, so the gettext builder puts them in the
        # chapter's catalog; the title, names and quotes keep their original form.
        title = nodes.emphasis("", film["tittel"], translatable=False)
        aside += kurs_heading("", _("Film: "), title, ids=[head_id], classes=["kurs-filmblokk-tittel"])

        publisher = nodes.paragraph(classes=["kurs-filmblokk-utgiver"])
        publisher += nodes.Text(_("Filmen er vist på {vist_hos}.").format(vist_hos=film["vist_hos"]))
        if film.get("lenke"):
            publisher += nodes.Text(" ")
            publisher += nodes.reference("", _("Se filmen der"), refuri=film["lenke"])
        aside += publisher
        aside += self._text(film["merknad"], "kurs-filmblokk-merknad")

        aside += kurs_heading("", _("Disse er med i filmen"), offset=1)
        people = nodes.definition_list(classes=["kurs-filmblokk-medvirkende"])
        for person in film["medvirkende"]:
            item = nodes.definition_list_item()
            item += nodes.term("", person["navn"], translatable=False)
            item += nodes.definition("", self._text(person["rolle"]))
            people += item
        aside += people

        aside += kurs_heading("", _("Tema"), offset=1)
        aside += _bullets(film["temaer"], "kurs-filmblokk-temaer", self._text)
        if film["utviklingstrekk"]:
            aside += nodes.paragraph("", _("Kildeteksten nevner disse utviklingstrekkene sammen med filmen:"))
            aside += _bullets(film["utviklingstrekk"], "kurs-filmblokk-trekk", self._text)

        if film["sitater"]:
            aside += kurs_heading("", _("Sitert i kildeteksten"), offset=1)
            for q in film["sitater"]:
                quote_node = nodes.block_quote(classes=["kurs-filmblokk-sitat"])
                quote_node += nodes.paragraph("", f"«{q['tekst']}»", translatable=False)
                quote_node += nodes.attribution("", q["av"], translatable=False)
                aside += quote_node
            aside += self._text(film["sitatkilde"], "kurs-filmblokk-sitatkilde")

        aside += kurs_heading("", _("Til diskusjon"), offset=1)
        # One message per chapter (label and focus together), translated in the chapter's catalog.
        focus = self._text(f"**{FOKUS_LABEL}** {fokus}", "kurs-filmblokk-fokus", children=False)
        focus += nodes.strong("", FOKUS_LABEL + " ")
        focus += nodes.Text(fokus)
        aside += focus
        prompts["classes"].append("kurs-filmblokk-sporsmal")
        aside += prompts
        return [aside]


def _bullets(items: list[str], cls: str, make=None) -> nodes.bullet_list:
    lst = nodes.bullet_list(classes=[cls])
    for text in items:
        lst += nodes.list_item("", make(text) if make else nodes.paragraph("", text))
    return lst


# ---------------------------------------------------------------------------
# selvtest
# ---------------------------------------------------------------------------


class SelvtestError(ValueError):
    """A self-check body that cannot be used. The message is in Norwegian."""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"{problem}, linje {mark.line + 1} i innholdet"
    return str(problem)


def parse_selvtest(body: str) -> tuple[str, list[dict]]:
    """Parse and check the YAML body of a self-check; return (question, options)."""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise SelvtestError(f"ugyldig YAML ({_yaml_problem(exc)})") from None
    if not isinstance(data, dict):
        raise SelvtestError("innholdet må være YAML med «spørsmål» og «alternativer»")
    unknown = sorted(set(data) - {"spørsmål", "alternativer"})
    if unknown:
        raise SelvtestError(f"ukjent nøkkel «{unknown[0]}» (bruk «spørsmål» og «alternativer»)")
    question = data.get("spørsmål")
    if not isinstance(question, str) or not question.strip():
        raise SelvtestError("mangler «spørsmål»")
    options = data.get("alternativer")
    if not isinstance(options, list) or len(options) < 2:
        raise SelvtestError("«alternativer» må være en liste med minst to svar")
    checked = []
    for i, opt in enumerate(options, 1):
        if not isinstance(opt, dict):
            raise SelvtestError(f"alternativ nr. {i} må ha «tekst», «riktig» og «forklaring»")
        extra = sorted(set(opt) - {"tekst", "riktig", "forklaring"})
        if extra:
            raise SelvtestError(f"alternativ nr. {i} har en ukjent nøkkel «{extra[0]}»")
        text, right, why = opt.get("tekst"), opt.get("riktig"), opt.get("forklaring")
        if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
            raise SelvtestError(f"alternativ nr. {i} mangler «tekst»")
        if not isinstance(right, bool):
            raise SelvtestError(f"alternativ nr. {i}: «riktig» må være true eller false")
        if not isinstance(why, str) or not why.strip():
            raise SelvtestError(f"alternativ nr. {i} mangler «forklaring»")
        checked.append({"tekst": str(text).strip(), "riktig": right, "forklaring": why.strip()})
    if not any(o["riktig"] for o in checked):
        raise SelvtestError("ingen alternativer har «riktig: true»")
    return question.strip(), checked


def render_selvtest_html(test_id: str, question: str, options: list[dict]) -> str:
    """The accessible HTML of a self-check. Every text is escaped."""
    base = f"selvtest-{test_id}"
    out = [
        f'<div class="kurs-selvtest" id="{esc(base)}" data-kurs-selvtest="{esc(test_id)}">\n',
        f'<p class="kurs-selvtest-merke">{esc(_(SELVTEST_LABEL))}</p>\n',
        '<fieldset class="kurs-selvtest-sett">\n',
        f'<legend class="kurs-selvtest-sporsmal">{esc(question)}</legend>\n',
    ]
    for i, opt in enumerate(options):
        oid = f"{base}-{i}"
        out.append(
            f'<div class="kurs-selvtest-valg"><input type="radio" name="{esc(base)}" id="{esc(oid)}" '
            f'value="{i}" data-riktig="{"true" if opt["riktig"] else "false"}" '
            f'data-forklaring="{esc(opt["forklaring"])}"> '
            f'<label for="{esc(oid)}">{esc(opt["tekst"])}</label></div>\n'
        )
    out.append("</fieldset>\n")
    # The button is shown by kurs.js; without JavaScript the answer is in <details>.
    check = _("Sjekk svaret")
    out.append(f'<button type="button" class="kurs-selvtest-sjekk" hidden>{esc(check)}</button>\n')
    out.append(f'<div class="kurs-selvtest-svar" id="{esc(base)}-svar" aria-live="polite"></div>\n')
    show = _("Vis svaret og forklaringene")
    noscript = _("JavaScript er slått av, så du får ikke svar med en gang. Åpne «{vis}» nedenfor.").format(vis=show)
    out.append(f'<noscript><p class="kurs-selvtest-noscript">{esc(noscript)}</p></noscript>\n')
    out.append(f'<details class="kurs-selvtest-fasit"><summary>{esc(show)}</summary>\n<ul>\n')
    for opt in options:
        verdict = _("Riktig") if opt["riktig"] else _("Ikke riktig")
        out.append(f"<li><strong>{verdict}:</strong> {esc(opt['tekst'])}. {esc(opt['forklaring'])}</li>\n")
    out.append("</ul>\n</details>\n</div>\n")
    return "".join(out)


class Selvtest(_KursDirective):
    """A self-check with a YAML body (question, options with explanation)."""

    subtype = "selvtest"
    option_spec = {"id": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        fil = _relpath(self.env)
        test_id = (self.options.get("id") or "").strip()
        if not test_id:
            return self._fail(f"selvtest i {fil} mangler «:id:» (for eksempel «:id: vage-1»).")
        if not _ID_RE.match(test_id):
            return self._fail(
                f"selvtest i {fil}: id «{test_id}» kan bare ha små bokstaver a–z, tall og bindestrek."
            )
        try:
            question, options = parse_selvtest("\n".join(self.content))
        except SelvtestError as exc:
            return self._fail(f"selvtest «{test_id}» i {fil}: {exc}.")
        seen = _selvtest_ids(self.env)
        other = seen.get(test_id)
        if other is not None and other != self.env.docname:
            return self._fail(f"selvtest i {fil}: id «{test_id}» er allerede brukt i {_relpath(self.env, other)}.")
        here = self.env.temp_data.setdefault("kurs_selvtest_here", set())
        if test_id in here:
            return self._fail(f"selvtest i {fil}: id «{test_id}» er brukt to ganger på samme side.")
        here.add(test_id)
        seen[test_id] = self.env.docname

        # support_smartquotes=False: the texts are shown exactly as written, as before.
        node = kurs_selvtest(kurs_id=test_id, riktig=[o["riktig"] for o in options], classes=["kurs-selvtest"],
                             support_smartquotes=False)
        self.set_source_info(node)
        # The texts are child paragraphs with a source, so that the gettext builder
        # extracts them and a translated edition gets them translated; the HTML
        # visitor reads them from here. Other builders and the search index see them as text.
        node += nodes.paragraph("", _(SELVTEST_LABEL))
        node += self._text(question, "kurs-selvtest-q")
        items = nodes.bullet_list(classes=["kurs-selvtest-alternativer"])
        for opt in options:
            items += nodes.list_item("", self._text(opt["tekst"], "kurs-selvtest-tekst"),
                                     self._text(opt["forklaring"], "kurs-selvtest-forklaring"))
        node += items
        return [node]


def _selvtest_ids(env) -> dict[str, str]:
    if not hasattr(env, "kurs_selvtest_ids"):
        env.kurs_selvtest_ids = {}
    return env.kurs_selvtest_ids


def _purge_doc(app: Sphinx, env, docname: str) -> None:
    ids = _selvtest_ids(env)
    for key in [k for k, v in ids.items() if v == docname]:
        del ids[key]


def _merge_info(app: Sphinx, env, docnames, other) -> None:
    ids = _selvtest_ids(env)
    for key, docname in _selvtest_ids(other).items():
        if key in ids and ids[key] != docname:
            logger.warning(
                f"selvtest-id «{key}» er brukt i både {_relpath(env, ids[key])} og {_relpath(env, docname)}.",
                type="kurs", subtype="selvtest",
            )
        ids[key] = docname


# ---------------------------------------------------------------------------
# live
# ---------------------------------------------------------------------------


class kurs_live_start(nodes.Inline, nodes.Element):
    """«Start oppgaven»: starts the page's widgets in the browser (book_static/kurs-live.js)."""


def visit_live_start_html(self, node: kurs_live_start) -> None:
    # Hidden until kurs-live.js shows it; without WebAssembly the status says why it cannot run.
    self.body.append(
        '<span class="kurs-live-start">'
        f'<button type="button" class="kurs-live-knapp" hidden>{esc(_(LIVE_START))}</button> '
        '<span class="kurs-live-status" role="status"></span></span>'
    )
    raise nodes.SkipNode


def _is_in_page_widget(target: str) -> bool:
    """Chapter widgets (apps/widgets/*.ipynb) run in the page; the other apps need a server."""
    return target.startswith("widgets/")


class LiveRole(SphinxRole):
    """``{live}`widgets/vage.ipynb```: start the chapter's widgets live, in the reader's browser.

    Chapter widgets (``widgets/…``) get a «Start oppgaven» button: Python runs in the
    page (Pyodide), with no server. Only when a live server is configured
    (``kurs_live_base``, or the environment variable ``KURS_LIVE_BASE`` at build
    time) is there also a link to the Voila version; a published build therefore
    never points at this machine. Apps that need a server (the self-assessment)
    get no link when no live server is configured; the chapter says where they run.
    """

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        fil = _relpath(self.env)
        target = self.text.strip()
        problem = None
        if not target.endswith(".ipynb") or target.startswith("/") or ".." in target.split("/"):
            problem = "må være en sti til en notatbok under apps/, for eksempel widgets/vage.ipynb"
        else:
            apps = Path(self.env.srcdir) / self.config.kurs_live_dir
            if not (apps / target).is_file():
                problem = f"{self.config.kurs_live_dir}/{target} finnes ikke"
        if problem:
            logger.warning(f"live-lenken «{target}» i {fil}: {problem}.", location=self.get_location(),
                           type="kurs", subtype="live")
            return [], []
        out: list[nodes.Node] = []
        if _is_in_page_widget(target):
            out.append(kurs_live_start())
        base = live_base(self.config)
        if base:
            if out:
                out.append(nodes.Text(" "))
            url = f"{base.rstrip('/')}/{quote(target)}"
            out.append(nodes.reference("", _(LIVE_TEXT), refuri=url, classes=["kurs-live"]))
        # An app that needs a server, in a book without one: the chapter's text says where it runs.
        return out, []


def live_base(config) -> str:
    """The configured live server (Voila), or "" when the book has none (the default)."""
    return (config.kurs_live_base or os.environ.get("KURS_LIVE_BASE", "")).strip()


# ---------------------------------------------------------------------------
# Live widgets in the page (Pyodide): which cells to run, and the files they need
# ---------------------------------------------------------------------------

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LIVE_JS = "kurs-live.js"
LIVE_WORKER_JS = "kurs-live-worker.js"  # started by kurs-live.js
LIVE_STATIC = "kurs-live"  # wheels under _static/kurs-live/wheels/
PYODIDE_STATIC = "vendor/pyodide/"


def _notebook_code_cells(path: Path) -> list[list]:
    """``[[cell index, source], …]`` of every code cell, as myst-nb numbers the cells."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        import nbformat

        nb = nbformat.reads(text, as_version=4)
    else:
        from myst_nb.core.read import read_myst_markdown_notebook

        nb = read_myst_markdown_notebook(text, path=path)
    return [[i, cell.source] for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def _live_pages(env) -> dict[str, list]:
    if not hasattr(env, "kurs_live_pages"):
        env.kurs_live_pages = {}
    return env.kurs_live_pages


def _collect_live_cells(app: Sphinx, doctree: nodes.document) -> None:
    """Mark the cells with a widget, and keep the page's code cells to run in the browser."""
    pages = _live_pages(app.env)
    pages.pop(app.env.docname, None)
    if app.builder.format != "html":
        return  # e.g. the gettext builder: it runs no notebooks, so no cell has a widget
    if next(iter(doctree.findall(kurs_live_start)), None) is None:
        return
    marked = 0
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        if any(WIDGET_VIEW in raw.astext() for raw in cell.findall(nodes.raw)):
            cell["classes"].append(f"kurs-celle-{cell['cell_index']}")
            marked += 1
    if not marked:
        logger.warning(f"{_relpath(app.env)} har «Start oppgaven», men ingen oppgave (ingen widget i en kodecelle).",
                       location=app.env.docname, type="kurs", subtype="live")
        return
    pages[app.env.docname] = _notebook_code_cells(Path(app.env.doc2path(app.env.docname)))


def _pyodide_problems(app: Sphinx) -> list[str]:
    """What the vendored Pyodide and wheels lack (made by `make vendor`)."""
    static = Path(app.srcdir) / "_vendor_static"
    problems = []
    if not (static / PYODIDE_STATIC / "pyodide.mjs").is_file():
        problems.append("Pyodide")
    names = {w.name.split("-")[0] for w in (static / LIVE_STATIC / "wheels").glob("*.whl")}
    if not {"ipywidgets", "traitlets", "comm"} <= names:
        problems.append("hjulene til ipywidgets, traitlets og comm")
    return problems


def _build_widgets_wheel(app: Sphinx) -> None:
    """Build the wheel of widgets/ from the tree now, so the book ships the current code.

    The list of wheels goes to ``_static/kurs-live/wheels.json``, which the page
    asks for each time (it is tiny): a page that was not rewritten still gets the
    current wheel, whose name carries a hash of its code. The bytecode for Pyodide
    takes Node several seconds when it must be made (a cold build): it is made in a
    thread while the chapters are read and run, and the listing is written when the
    build finishes (``_write_live_listing``).
    """
    if app.builder.format != "html" or not (Path(app.srcdir) / "widgets").is_dir():
        return  # no widgets to run (another builder, or a small test book)
    import importlib.util
    from concurrent.futures import ThreadPoolExecutor

    here = Path(__file__).resolve().parent
    tool = here.parent / "tools" / "build_wheels.py"
    spec = importlib.util.spec_from_file_location("kurs_build_wheels", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = Path(app.outdir) / "_static" / LIVE_STATIC
    wheels = module.live_wheels(out, Path(app.srcdir), here / "kurs_live.py")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kurs-pyodide")
    app.kurs_live_listing = pool.submit(module.live_listing, out, Path(app.srcdir), here / "kurs_live.py", wheels)
    pool.shutdown(wait=False)
    loaders = [Path(app.srcdir) / "book_static" / name for name in (LIVE_JS, LIVE_WORKER_JS)]
    app.env.kurs_live_stamp_now = "|".join([*(w.name for w in wheels),
                                            *(str(f.stat().st_mtime_ns) for f in loaders if f.exists())])


def _write_live_listing(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the bytecode (``_build_widgets_wheel``) and write ``wheels.json``."""
    future = getattr(app, "kurs_live_listing", None)
    if future is None:
        return
    app.kurs_live_listing = None
    listing = future.result()
    (Path(app.outdir) / "_static" / LIVE_STATIC / "wheels.json").write_text(json.dumps(listing), encoding="utf-8")


def _outdated_on_live_change(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Sphinx writes nothing, static files included, when no page is outdated. A new
    loader or new wheels must still reach the book, so the live pages are rewritten."""
    now = getattr(env, "kurs_live_stamp_now", None)
    if now is None or getattr(env, "kurs_live_stamp", None) == now:
        return []
    env.kurs_live_stamp = now
    return sorted(set(_live_pages(env)) - set(added) - set(changed))


def _add_live_page_data(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    cells = _live_pages(app.env).get(pagename)
    if not cells:
        return
    problems = _pyodide_problems(app)
    if problems:
        logger.warning(f"Siden {pagename} har levende oppgaver, men mangler {' og '.join(problems)}. "
                       "Kjør `make vendor`.", type="kurs", subtype="live")
        return
    data = {"pyodide": PYODIDE_STATIC, "wheels": f"{LIVE_STATIC}/wheels.json", "cells": cells}
    body = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    app.add_js_file(None, body=body, type="application/json", id="kurs-live-data")
    app.add_js_file(LIVE_JS)


def _purge_live(app: Sphinx, env, docname: str) -> None:
    _live_pages(env).pop(docname, None)


def _merge_live(app: Sphinx, env, docnames, other) -> None:
    pages = _live_pages(env)
    for docname, cells in _live_pages(other).items():
        if docname in docnames:
            pages[docname] = cells


# ---------------------------------------------------------------------------
# Offline: no thebe, no external scripts or styles
# ---------------------------------------------------------------------------


def _drop_thebe(app: Sphinx, config) -> None:
    """jupyter-book always loads sphinx-thebe, whose pages name a CDN. Switch it off."""
    for event, listeners in app.events.listeners.items():
        if event == "config-inited":
            continue
        listeners[:] = [lst for lst in listeners if not getattr(lst.handler, "__module__", "").startswith("sphinx_thebe")]
    app.registry.css_files[:] = [(f, a) for f, a in app.registry.css_files if f != "sphinx-thebe.css"]
    app.registry.js_files[:] = [(f, a) for f, a in app.registry.js_files if not (f or "").startswith("sphinx-thebe")]


def _is_external(url: str) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    if not parts.scheme and not url.startswith("//"):
        return False
    if parts.scheme in ("data", "blob"):
        return False
    return parts.hostname not in LOCAL_HOSTS


_URL_IN_TEXT = re.compile(r"""(?:https?:)?//[^\s"'`<>)]+""")


def _names_external_url(text: str) -> bool:
    """True if inline script or style text refers to any address outside the machine."""
    return any(_is_external(m.group(0)) for m in _URL_IN_TEXT.finditer(text))


def _check_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Fail the build if a page would load a script or style from outside the machine."""
    for key in ("script_files", "css_files"):
        for asset in context.get(key) or []:
            url = getattr(asset, "filename", asset)
            body = (getattr(asset, "attributes", None) or {}).get("body") or ""
            if _is_external(str(url or "")) or _names_external_url(body):
                logger.warning(
                    f"Siden {pagename} laster {url or 'et innebygd skript'} fra en annen maskin. "
                    "Boken skal virke uten internett: legg fila i vendor/ (make vendor).",
                    type="kurs", subtype="offline",
                )


# ---------------------------------------------------------------------------
# Interface strings in bokmål and nynorsk, and the language switch
# ---------------------------------------------------------------------------


def _add_catalogs(app: Sphinx, config=None) -> None:
    """Compile locale/<lang>/LC_MESSAGES/*.po and register them as message catalogs.

    The themes ship no bokmål or nynorsk for some strings (and Sphinx none for
    nynorsk); the domains ``sphinx`` and ``booktheme`` fill the gaps, and the
    domain ``kurs`` holds this extension's own texts. They are compiled into the
    doctree folder, so the source tree stays clean. For the domain ``sphinx``,
    the JavaScript catalog (``sphinx.js``, the search page's texts) is written
    too, and the folder is added to ``locale_dirs`` so the HTML builder finds it.
    The chapters' catalogs (``locale/<lang>/LC_MESSAGES/chapters/``) are
    Sphinx's own business (``locale_dirs``). This runs at ``config-inited``:
    the HTML builder decides whether a page loads ``translations.js`` when it
    starts, before ``builder-inited``.
    """
    src = Path(app.srcdir) / app.config.kurs_locale_dir
    if not app.config.language or not src.is_dir():
        return
    import json

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = Path(app.doctreedir) / "kurs-locale"
    for po in sorted(src.glob("*/LC_MESSAGES/*.po")):
        lang = po.parent.parent.name
        mo = out / lang / "LC_MESSAGES" / (po.stem + ".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
            with mo.open("wb") as f:
                write_mo(f, catalog)
            if po.stem == "sphinx":
                messages = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy
                            and isinstance(m.id, str)}
                js = {"messages": messages, "plural_expr": "(n != 1)", "locale": lang}
                mo.with_suffix(".js").write_text(
                    f"Documentation.addTranslations({json.dumps(js, ensure_ascii=False, sort_keys=True)});\n",
                    encoding="utf-8")
    for domain in sorted({p.stem for p in src.glob("*/LC_MESSAGES/*.po")}):
        app.add_message_catalog(domain, str(out))
    if str(out) not in app.config.locale_dirs:
        app.config.locale_dirs = [*app.config.locale_dirs, str(out)]


def _add_js_texts(app: Sphinx, config=None) -> None:
    """The texts of book_static/kurs.js, in the edition's language, as ``window.kursTekst``."""
    import json

    texts = {key: _(msgid) for key, msgid in JS_TEXTS.items()}
    app.add_js_file(None, body=f"window.kursTekst = {json.dumps(texts, ensure_ascii=False)};", priority=400)


def _translate_toc_captions(app: Sphinx, doctree: nodes.document) -> None:
    """Translate the part captions of _toc.yml («De fem prinsippene» …) in a translated edition.

    sphinx-external-toc inserts the toctrees after Sphinx's i18n transform, so
    their captions (which the gettext builder does extract, into the root
    chapter's catalog) would stay in bokmål in the sidebar. This runs before the
    toctree collector reads them.
    """
    if not app.config.language or not app.config.locale_dirs:
        return
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [t for t in doctree.findall(addnodes.toctree) if t.get("caption")]
    if not toctrees:
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir) / d) for d in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, domain)
    if not found:
        return
    for toctree in toctrees:
        toctree["caption"] = catalog.gettext(toctree["caption"])


def edition_links(editions: dict, language: str, pagename: str, suffix: str = ".html") -> list[dict]:
    """Links from one page to the same page in every other edition of the book.

    `editions` maps a language code to its name and its folder under the
    bokmål edition's root (config ``kurs_editions``). The link is relative, so
    it works wherever the book is served.
    """
    here = editions.get(language)
    if here is None:
        return []
    up = "../" * (pagename.count("/") + len([p for p in here["mappe"].split("/") if p]))
    links = []
    for lang, other in editions.items():
        if lang == language:
            continue
        folder = other["mappe"].strip("/")
        href = f"{up}{folder + '/' if folder else ''}{pagename}{suffix}"
        links.append({"href": href, "lang": lang, "navn": other["navn"]})
    return links


def _kernel_language(app: Sphinx, config) -> None:
    """Run the code cells in the edition's målform: the kernels inherit ``KURS_SPRAK``, which
    ``widgets/__init__.py`` reads, so a widget's saved state in the nynorsk book is in nynorsk."""
    os.environ["KURS_SPRAK"] = config.language or "nb"


def _language_switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["kurs_sprakvalg"] = edition_links(
        app.config.kurs_editions, app.config.language, pagename, app.builder.out_suffix
        if hasattr(app.builder, "out_suffix") else ".html")


# ---------------------------------------------------------------- widget code changes
# myst-nb's execution cache is keyed on the code in a chapter's cells, and Sphinx
# re-reads only changed chapters. A change in widgets/, the shared rules they import
# (fellesregler/) or data/ changes what the cells output without changing the cells,
# so it must invalidate both.

WATCHED = ("widgets", "fellesregler", "data")


def _watched_hash(srcdir: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    for top in WATCHED:
        for f in sorted((srcdir / top).rglob("*")):
            if f.is_file() and f.suffix in {".py", ".yaml", ".yml", ".json", ".csv"}:
                h.update(str(f.relative_to(srcdir)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def _stamp_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "kurs-widgets.sha256"


def _invalidate_on_widget_change(app: Sphinx) -> None:
    import shutil

    current = _watched_hash(Path(app.srcdir))
    stamp = _stamp_path(app)
    app.env.kurs_widgets_changed = stamp.exists() and stamp.read_text().strip() != current
    app.env.kurs_widgets_hash = current
    if app.env.kurs_widgets_changed:
        cache = getattr(app.config, "nb_execution_cache_path", "") or ""
        cache_dir = Path(cache) if Path(cache).is_absolute() else Path(app.srcdir) / cache
        if cache and cache_dir.is_dir():
            shutil.rmtree(cache_dir)
        logger.info("kurs: widgets/, fellesregler/ eller data/ er endret – kjører kapitlene på nytt.")


def _outdated_on_widget_change(app: Sphinx, env, added, changed, removed) -> list[str]:
    if getattr(env, "kurs_widgets_changed", False):
        return sorted(set(env.found_docs) - set(added) - set(changed))
    return []


def _write_stamp(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and getattr(app.env, "kurs_widgets_hash", None):
        stamp = _stamp_path(app)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(app.env.kurs_widgets_hash)


def _leave_film_blocks_out_of_search(app: Sphinx) -> None:
    """Keep the film block out of the search index.

    The block is the same in all five principle chapters, so a search for a word in it
    (a speaker, a theme) listed five identical hits, with the film block as the text
    under each. Now a search finds chapters by their own text; the film itself is
    described, and found, in «Kilder». Sphinx 7 has no option for this, so the
    indexer is fed a copy of the page without the block (``IndexBuilder.feed`` is
    wrapped; Sphinx is pinned in constraints.txt, and the book tests search in
    Chromium and fail if this stops working).
    """
    from sphinx.search import IndexBuilder

    original = IndexBuilder.feed
    if getattr(original, "kurs_skips_film", False):
        return

    def is_film_block(node: nodes.Node) -> bool:
        return isinstance(node, kurs_aside) and "kurs-filmblokk" in node.get("classes", [])

    def feed(self: IndexBuilder, docname: str, filename: str, title: str, doctree: nodes.document) -> None:
        if next(iter(doctree.findall(is_film_block)), None) is not None:
            doctree = doctree.deepcopy()
            for block in list(doctree.findall(is_film_block)):
                block.parent.remove(block)
        original(self, docname, filename, title, doctree)

    feed.kurs_skips_film = True  # type: ignore[attr-defined]
    IndexBuilder.feed = feed  # type: ignore[method-assign]


def _reuse_myst_default_settings() -> None:
    """Build docutils' default settings once, not once per MyST text parsed.

    myst-parser 3's renderer calls ``make_document()`` at every parse, even when it
    is handed the document to fill (``options.get("document", make_document())``
    evaluates its default), and each call builds docutils' whole option parser
    (about 3 ms). The nynorsk edition parses every translated message on its own:
    about 2,300 parses, several seconds of CPU per cold build. The settings are
    made once per parser class and each new document gets its own deep copy, so
    documents are as before. myst-parser is pinned in constraints.txt; the book
    tests build both editions and compare nothing less than the pages.
    """
    import copy

    from myst_parser.mdit_to_docutils import base

    original = base.make_document
    if getattr(original, "kurs_reuses_settings", False):
        return
    from docutils.frontend import get_default_settings
    from docutils.utils import new_document

    defaults: dict = {}

    def make_document(source_path="notset", parser_cls=base.RSTParser):
        if parser_cls not in defaults:
            defaults[parser_cls] = get_default_settings(parser_cls)
        return new_document(source_path, settings=copy.deepcopy(defaults[parser_cls]))

    make_document.kurs_reuses_settings = True  # type: ignore[attr-defined]
    base.make_document = make_document


def setup(app: Sphinx) -> dict:
    app.add_config_value("kurs_live_base", LIVE_BASE_DEFAULT, "env", [str])
    app.add_config_value("kurs_live_dir", "apps", "env", [str])
    app.add_config_value("kurs_film_data", "data/film.yaml", "env", [str])
    app.add_config_value("kurs_locale_dir", "locale", "html", [str])
    app.add_config_value("kurs_editions", {"nb": {"navn": "Bokmål", "mappe": ""},
                                           "nn": {"navn": "Nynorsk", "mappe": "nn"}}, "html", [dict])

    app.add_node(kurs_aside, html=(visit_aside_html, depart_aside_html),
                 latex=(_noop, _noop), text=(_noop, _noop), man=(_noop, _noop), texinfo=(_noop, _noop))
    app.add_node(kurs_heading, html=(visit_heading_html, depart_heading_html),
                 latex=(_noop, _noop), text=(_noop, _noop), man=(_noop, _noop), texinfo=(_noop, _noop))
    app.add_node(kurs_selvtest, html=(visit_selvtest_html, None),
                 latex=(_noop, _noop), text=(_noop, _noop), man=(_noop, _noop), texinfo=(_noop, _noop))
    app.add_directive("filmblokk", FilmBlokk)
    app.add_directive("selvtest", Selvtest)
    app.add_role("live", LiveRole())
    app.add_node(kurs_live_start, html=(visit_live_start_html, None),
                 latex=(_noop, _noop), text=(_noop, _noop), man=(_noop, _noop), texinfo=(_noop, _noop))
    app.connect("doctree-read", _collect_live_cells)
    app.connect("env-purge-doc", _purge_live)
    app.connect("env-merge-info", _merge_live)
    app.connect("builder-inited", _build_widgets_wheel)
    app.connect("build-finished", _write_live_listing)
    app.connect("env-get-outdated", _outdated_on_live_change)
    app.connect("html-page-context", _add_live_page_data)

    app.connect("config-inited", _drop_thebe)
    app.connect("config-inited", _add_catalogs)
    app.connect("config-inited", _add_js_texts)
    app.connect("config-inited", _kernel_language)
    app.connect("html-page-context", _language_switch)
    app.connect("doctree-read", _translate_toc_captions, priority=400)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("html-page-context", _check_assets, priority=900)
    app.connect("builder-inited", _invalidate_on_widget_change)
    app.connect("builder-inited", _leave_film_blocks_out_of_search)
    _reuse_myst_default_settings()
    app.connect("env-get-outdated", _outdated_on_widget_change)
    app.connect("build-finished", _write_stamp)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
