"""The book in more than one language: gettext catalogs, kept in step with bokmål.

Bokmål is the source. Every other edition (today: nynorsk, ``nn``) is made by
Sphinx's own translation workflow, so a changed bokmål sentence makes its
translation fuzzy (or untranslated) by itself:

  extract   Sphinx's gettext builder, run with jupyter-book's Sphinx config,
            writes one template per chapter (_build/gettext/chapters/*.pot).
            The extension's own texts (_ext/kurs.py) are extracted with Babel
            (kurs.pot), and the interface strings the pages show come from the
            templates of Sphinx, pydata-sphinx-theme, sphinx-book-theme and
            _templates/ (sphinx.pot, booktheme.pot).
  update    `sphinx-intl update` merges the templates into
            locale/<lang>/LC_MESSAGES/**.po (msgmerge semantics: changed -> fuzzy,
            new -> untranslated, gone -> obsolete), then fills an untranslated
            entry from an identical message translated in another catalog.
  status    Per catalog: translated, fuzzy, untranslated, and the commit the
            catalog was last brought in step with (locale/<lang>/STATUS.yaml).
  stamp     Records HEAD in STATUS.yaml for every catalog with nothing left to do.
  build     Builds an edition into _build/html/<lang>/ (bokmål is `jupyter-book
            build .`), with the overrides in locale/<lang>/conf.yaml.
  draft     A translator's aid, not part of any build: fills untranslated
            entries with a machine draft from Apertium (Debian package
            apertium-nno-nob), marked fuzzy, so a person must check each one.

Usage: .venv/bin/python tools/i18n.py {extract,update,status,stamp,build,draft} [--lang nn]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script (make i18n): the repository's packages
    sys.path.insert(0, str(ROOT))

from tools.i18n_catalogs import (  # noqa: E402
    catalogs, domain_of, read_catalog, write_catalog,
)
from tools.i18n_draft import draft  # noqa: E402

LOCALE = ROOT / "locale"
POT_DIR = ROOT / "_build" / "gettext"
LANGUAGES = ("nn",)
#: Sphinx's own messages a page shows: those of its HTML templates (and their
#: JavaScript), and a few the HTML builder and the index put on pages.
_SPHINX_HTML_SOURCES = ("sphinx/themes/",)
_SPHINX_HTML_MESSAGES = {"General Index", "index", "next", "previous", "%b %d, %Y", "Index", "Search Page",
                         "see %s", "see also %s", "Symbols", "Logo of %s"}
_TEMPLATE_MSG = re.compile(r"""_\(\s*(['"])(.+?)\1\s*\)""")


def _venv_bin(name: str) -> str:
    exe = Path(sys.executable).parent / name
    return str(exe) if exe.exists() else name


# ----------------------------------------------------------------------------- extract

def sphinx_config_overrides(builder: str, lang: str | None = None, root: Path = ROOT) -> dict:
    """Config for an edition or for extraction: jupyter-book's config plus locale/<lang>/conf.yaml."""
    over: dict = {}
    if builder == "gettext":
        # Code cells are not translated; reading without running them is fast and needs no kernel.
        # No static files either: the gettext builder writes no pages.
        over.update({"nb_execution_mode": "off", "html_static_path": [], "gettext_compact": False,
                     "gettext_uuid": False,
                     "gettext_location": True, "gettext_last_translator": "", "gettext_language_team": ""})
    if lang:
        conf = root / "locale" / lang / "conf.yaml"
        if conf.exists():
            extra = yaml.safe_load(conf.read_text(encoding="utf-8")) or {}
            base_theme = _base_sphinx_config(root).get("html_theme_options", {})
            if "html_theme_options" in extra:
                extra["html_theme_options"] = {**base_theme, **extra["html_theme_options"]}
            over.update(extra)
        over["language"] = lang
    return over


def _base_sphinx_config(root: Path) -> dict:
    from jupyter_book.config import get_final_config

    config, _meta = get_final_config(user_yaml=root / "_config.yml", sourcedir=root,
                                     cli_config=_jupyter_book_cli(root))
    return config


def _jupyter_book_cli(root: Path) -> dict:
    """What `jupyter-book build . -W -n --keep-going` adds to the config of a book."""
    return {"external_toc_path": (root / "_toc.yml").as_posix(), "latex_individualpages": False,
            "nitpicky": True}


def _build_sphinx(a: dict) -> int:
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(a["src"], a["out"], doctreedir=a["doctrees"], path_config=a["src"] + "/_config.yml",
                          noconfig=True, confoverrides=a["over"], builder=a["builder"],
                          warningiserror=a["strict"], keep_going=a["strict"], quiet=a["quiet"],
                          really_quiet=False)
    return 1 if result else 0


def run_sphinx(builder: str, outdir: Path, doctreedir: Path, overrides: dict, root: Path = ROOT,
               strict: bool = True, quiet: bool = True, in_process: bool = False) -> None:
    """One Sphinx build with jupyter-book's generated config.

    By default in a fresh process (Sphinx keeps global state, such as its
    translators, per process); the command line builds in its own process.
    """
    import json

    args = {"src": str(root), "out": str(outdir), "doctrees": str(doctreedir),
            "over": {**_jupyter_book_cli(root), **overrides},
            "builder": builder, "strict": strict, "quiet": quiet}
    if in_process:
        code = _build_sphinx(args)
    else:
        code = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_sphinx", json.dumps(args)],
                              cwd=root).returncode
    if code != 0:
        raise SystemExit(f"Sphinx-byggingen ({builder}) feilet. Se meldingene over.")


def extract(root: Path = ROOT, out: Path | None = None) -> Path:
    """Write every template (.pot) into `out` (default _build/gettext) and return it."""
    out = out or root / "_build" / "gettext"
    run_sphinx("gettext", out, out.parent / f".doctrees-{out.name}", sphinx_config_overrides("gettext", root=root),
               root=root, strict=True)
    _extract_extension(root, out)
    _extract_interface(root, out)
    extract_code(root, out)
    return out


#: Extraction methods for texts in code and data (locale/domener.yaml), by Babel method name.
_CODE_METHODS = {"python": "python", "jinja2": "jinja2.ext:babel_extract"}
_CODE_METHODS["ipynb"] = "grading.oppgavetekst:extract_notebook"  # nbgrader assignments (notebooks)
_CODE_METHODS["yaml"] = "widgets.egenvurdering.tekster:extract"  # texts in data/egenvurdering.yaml


def code_domains(root: Path = ROOT) -> dict[str, dict[str, list[str]]]:
    """locale/domener.yaml: domain -> {method: [glob, ...]}."""
    return yaml.safe_load((root / "locale" / "domener.yaml").read_text(encoding="utf-8")) or {}


def extract_code(root: Path = ROOT, out: Path | None = None) -> list[Path]:
    """One template per domain of texts in code and data (<domain>.pot), with Babel's extractors."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from babel.messages.pofile import write_po

    out = out or root / "_build" / "gettext"
    out.mkdir(parents=True, exist_ok=True)
    keywords = {**DEFAULT_KEYWORDS, "_n": (1, 2)}
    written = []
    for domain, methods in code_domains(root).items():
        catalog = Catalog(project="nyskapende-arbeidsgivere", charset="utf-8")
        for method, patterns in methods.items():
            files = sorted({f for pattern in patterns for f in root.glob(pattern) if f.is_file()})
            if not files:
                raise SystemExit(f"locale/domener.yaml: {domain}/{method}: ingen filer passer til {patterns}")
            for src in files:
                rel = src.relative_to(root).as_posix()
                for lineno, message, comments, context in extract_from_file(
                        _CODE_METHODS[method], str(src), keywords=keywords, comment_tags=("Oversetter:",),
                        options={"extensions": "jinja2.ext.i18n"} if method == "jinja2" else None):
                    catalog.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
        pot = out / f"{domain}.pot"
        with pot.open("wb") as fh:
            write_po(fh, catalog, omit_header=False, width=76)
        written.append(pot)
    return written


def _extract_extension(root: Path, out: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import write_po

    catalog = Catalog(project="nyskapende-arbeidsgivere", charset="utf-8")
    src = root / "_ext" / "kurs.py"
    for lineno, message, comments, _context in extract_from_file("python", str(src), keywords={"_": None, "N_": None}):
        catalog.add(message, locations=[(str(src.relative_to(root)), lineno)], auto_comments=comments)
    with (out / "kurs.pot").open("wb") as fh:
        write_po(fh, catalog, omit_header=False, width=76)


def _extract_interface(root: Path, out: Path) -> None:
    """sphinx.pot and booktheme.pot: the strings a page shows from Sphinx, the themes and _templates/.

    Sphinx's gettext builder has already put the strings of _templates/ in
    sphinx.pot; the themes' own templates (.pot files shipped in the packages)
    are added, and of Sphinx's own template only what HTML pages show.
    """
    from babel.messages.pofile import read_po, write_po
    import pydata_sphinx_theme
    import sphinx
    import sphinx_book_theme

    pot = out / "sphinx.pot"
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        msg.locations = [(Path(f).name if Path(f).is_absolute() else f, n) for f, n in msg.locations]
    for path, keep in (
        (Path(sphinx.__file__).parent / "locale" / "sphinx.pot",
         lambda m: m.id in _SPHINX_HTML_MESSAGES
         or any(f.startswith(_SPHINX_HTML_SOURCES) for f, _n in m.locations)),
        (Path(pydata_sphinx_theme.__file__).parent / "locale" / "sphinx.pot", lambda m: True),
        # The bokmål catalog names the strings the theme shows that Sphinx's nb_NO lacks.
        (root / "locale" / "nb_NO" / "LC_MESSAGES" / "sphinx.po", lambda m: True),
    ):
        with path.open("rb") as fh:
            other = read_po(fh)
        for m in other:
            if m.id and keep(m) and m.id not in catalog:
                catalog.add(m.id, locations=m.locations, flags=[f for f in m.flags if f != "fuzzy"])
    with pot.open("wb") as fh:
        write_po(fh, catalog, width=76)

    theme = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static" / "locales"
    with (theme / "no" / "LC_MESSAGES" / "booktheme.po").open("rb") as fh:
        book = read_po(fh)
    from babel.messages.catalog import Catalog

    template = Catalog(project="sphinx-book-theme", charset="utf-8")
    for m in book:
        if m.id:
            template.add(m.id, locations=m.locations)
    with (out / "booktheme.pot").open("wb") as fh:
        write_po(fh, template, width=76)


# ------------------------------------------------------------------------------ update

def update(lang: str, pot_dir: Path = POT_DIR, root: Path = ROOT) -> None:
    subprocess.run([_venv_bin("sphinx-intl"), "update", "-p", str(pot_dir), "-d", str(root / "locale"),
                    "-l", lang, "-w", "76"], check=True, cwd=root)
    fill_identical(lang, root)


def fill_identical(lang: str, root: Path = ROOT) -> int:
    """An untranslated entry gets the translation of the same message in another catalog.

    The film block is the same in five chapters: it is translated once.
    Fuzzy translations are not copied.
    """
    known: dict[str, str] = {}
    loaded = {po: read_catalog(po, lang) for po in catalogs(lang, root)}
    for cat in loaded.values():
        for m in cat:
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str):
                known.setdefault(m.id, m.string)
    filled = 0
    for po, cat in loaded.items():
        changed = False
        for m in cat:
            if m.id and isinstance(m.id, str) and not m.string and m.id in known:
                m.string = known[m.id]
                changed = True
                filled += 1
        if changed:
            write_catalog(po, cat)
    return filled


# ------------------------------------------------------------------------------ status

@dataclass
class CatalogState:
    domain: str
    total: int = 0
    fuzzy: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not self.fuzzy and not self.untranslated


def merged_state(pot_dir: Path, lang: str, root: Path = ROOT) -> tuple[list[CatalogState], list[str], list[str]]:
    """Merge every template with its committed catalog in memory (as `update` would).

    Returns (states, obsolete_catalogs, missing_catalogs): a catalog with no
    template is obsolete; a template with no catalog is missing.
    """
    from babel.messages.pofile import read_po

    states = []
    pots = {p.relative_to(pot_dir).with_suffix("").as_posix(): p for p in sorted(pot_dir.rglob("*.pot"))}
    pos = {domain_of(p, lang, root): p for p in catalogs(lang, root)}
    for domain, pot in pots.items():
        if domain not in pos:
            continue
        with pot.open("rb") as fh:
            template = read_po(fh)
        catalog = read_catalog(pos[domain], lang)
        catalog.update(template)  # msgmerge: changed -> fuzzy, new -> untranslated
        state = CatalogState(domain)
        for m in catalog:
            if not m.id:
                continue
            state.total += 1
            text = m.id if isinstance(m.id, str) else m.id[0]
            if m.fuzzy:
                state.fuzzy.append(text)
            elif not (m.string if isinstance(m.string, str) else all(m.string)):
                state.untranslated.append(text)
        states.append(state)
    obsolete = sorted(set(pos) - set(pots))
    missing = sorted(set(pots) - set(pos))
    return states, obsolete, missing


def problems(states: list[CatalogState], obsolete: list[str], missing: list[str], lang: str = "nn") -> list[str]:
    """One line per thing that keeps an edition from being in step, naming the entry."""
    out = []
    for s in states:
        out += [f"{s.domain}: uklar (fuzzy): «{_short(t)}»" for t in s.fuzzy]
        out += [f"{s.domain}: ikke oversatt: «{_short(t)}»" for t in s.untranslated]
    out += [f"{d}: foreldet katalog i locale/{lang} (kilden finnes ikke lenger)" for d in obsolete]
    out += [f"{d}: katalog mangler i locale/{lang} (kjør `make i18n`)" for d in missing]
    return out


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def status_file(lang: str, root: Path = ROOT) -> Path:
    return root / "locale" / lang / "STATUS.yaml"


def read_status(lang: str, root: Path = ROOT) -> dict:
    path = status_file(lang, root)
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("kataloger", {}) if path.exists() else {}


def stamp(lang: str, pot_dir: Path = POT_DIR, root: Path = ROOT) -> list[str]:
    """Record HEAD for each catalog that is complete against the current templates."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()
    states, _obs, _missing = merged_state(pot_dir, lang, root)
    recorded = read_status(lang, root)
    done = []
    for s in states:
        if s.done:
            recorded[s.domain] = {"commit": head, "dato": time.strftime("%Y-%m-%d"), "meldinger": s.total}
            done.append(s.domain)
    header = ("# For each catalog: the commit of the bokmål source it was last brought fully in step\n"
              "# with (all entries translated, none fuzzy). Written by `tools/i18n.py stamp`.\n")
    status_file(lang, root).write_text(header + yaml.safe_dump({"kataloger": dict(sorted(recorded.items()))},
                                                               allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    return done


def print_status(lang: str, pot_dir: Path = POT_DIR, root: Path = ROOT) -> int:
    states, obsolete, missing = merged_state(pot_dir, lang, root)
    recorded = read_status(lang, root)
    width = max(len(s.domain) for s in states) if states else 10
    print(f"{'katalog'.ljust(width)}  meld.  fuzzy  mangler  i takt med")
    for s in states:
        commit = (recorded.get(s.domain) or {}).get("commit", "–")[:10]
        print(f"{s.domain.ljust(width)}  {s.total:5}  {len(s.fuzzy):5}  {len(s.untranslated):7}  {commit}")
    for d in obsolete:
        print(f"{d}: foreldet katalog (ingen mal lenger)")
    for d in missing:
        print(f"{d}: mangler katalog (kjør update)")
    return 0 if all(s.done for s in states) and not obsolete and not missing else 1


# ------------------------------------------------------------------------------- build

def build(lang: str, root: Path = ROOT, strict: bool = True, in_process: bool = False) -> Path:
    """Build one translated edition into _build/html/<lang>/ (the bokmål edition's root is _build/html)."""
    out = root / "_build" / "html" / lang
    run_sphinx("html", out, root / "_build" / f".doctrees-{lang}", sphinx_config_overrides("html", lang, root),
               root=root, strict=strict, in_process=in_process)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from tools.fast_imports import defer_rfc3987_syntax

    defer_rfc3987_syntax()  # before jupyter-book's config imports jsonschema
    if argv[:1] == ["_sphinx"]:  # internal: one Sphinx build in this process (see run_sphinx)
        import json

        return _build_sphinx(json.loads(argv[1]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "update", "status", "stamp", "build", "draft"])
    parser.add_argument("--lang", default="nn", choices=LANGUAGES)
    args = parser.parse_args(argv)
    if args.command == "extract":
        print(f"Maler skrevet til {extract().relative_to(ROOT)}")
    elif args.command == "update":
        if not POT_DIR.exists():
            extract()
        update(args.lang)
    elif args.command == "status":
        return print_status(args.lang)
    elif args.command == "stamp":
        print("Stemplet:", ", ".join(stamp(args.lang)) or "ingen (noe gjenstår)")
    elif args.command == "build":
        print(f"Bygget: {build(args.lang, in_process=True).relative_to(ROOT)}")
    elif args.command == "draft":
        print(f"Maskinutkast (fuzzy) for {draft(args.lang)} meldinger.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
