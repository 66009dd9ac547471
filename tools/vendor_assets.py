"""Copy the front-end files the book and the apps need from vendor/node_modules.

Run by `make vendor` after `npm ci`. Only the files that pages load are copied,
into _vendor_static/vendor/, which Sphinx serves as static files. Nothing is
ever fetched from a CDN at page load.

It also bundles the apps' light Voila front end (vendor/src/voila-kurs.js) with
esbuild into the `kurs` Voila template's static/build/ folder.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "vendor" / "node_modules"
OUT = ROOT / "_vendor_static" / "vendor"
APP_BUILD = ROOT / "apps" / "jupyter" / "voila" / "templates" / "kurs" / "static" / "build"

# What loadPyodide() fetches: the loader, the runtime, the standard library, the lock file.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")

WIDGETS_CONFIG = """\
// Point require.js at the vendored widget manager, so that its fonts and
// modules load from this site and never from a CDN.
(function () {
  var me = document.currentScript;
  var src = me && me.src;
  var base = src ? src.replace(/widgets-config\\.js.*$/, "") : "_static/vendor/";
  require.config({
    paths: {
      "@jupyter-widgets/html-manager/dist": base + "html-manager/dist"
    }
  });
  // embed-amd.js looks for a "CDN" for widget modules it does not bundle, in the
  // data-jupyter-widgets-cdn attribute of any script tag (jsdelivr otherwise).
  // Point it at this site, so that an unknown module fails locally instead.
  if (me) me.setAttribute("data-jupyter-widgets-cdn", base + "widget-modules/");
})();
"""


def copy(src: Path, dst: Path) -> None:
    if not src.exists():
        sys.exit(f"Mangler {src}. Kjør `make vendor` (npm ci i vendor/) først.")
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dst)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    copy(NODE / "requirejs" / "require.js", OUT / "requirejs" / "require.min.js")
    dist = NODE / "@jupyter-widgets" / "html-manager" / "dist"
    for f in dist.iterdir():
        if f.name.startswith("embed.js"):
            continue  # the non-AMD bundle and its source map are not used
        copy(f, OUT / "html-manager" / "dist" / f.name)
    mj = NODE / "mathjax" / "es5"
    copy(mj / "tex-mml-chtml.js", OUT / "mathjax" / "tex-mml-chtml.js")
    copy(mj / "output" / "chtml" / "fonts" / "woff-v2", OUT / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2")
    fa = NODE / "@fortawesome" / "fontawesome-free"
    copy(fa / "css" / "all.min.css", OUT / "fontawesome" / "css" / "all.min.css")
    copy(fa / "webfonts", OUT / "fontawesome" / "webfonts")
    copy(NODE / "axe-core" / "axe.min.js", OUT / "axe-core" / "axe.min.js")
    # Pyodide's core for the live widgets in the book (the wheels: tools/build_wheels.py).
    for name in PYODIDE_FILES:
        copy(NODE / "pyodide" / name, OUT / "pyodide" / name)
    (OUT / "widgets-config.js").write_text(WIDGETS_CONFIG, encoding="utf-8")
    print(f"Kopierte nettleserfiler til {OUT.relative_to(ROOT)}")
    bundle_app_front_end()


def bundle_app_front_end() -> None:
    if APP_BUILD.exists():
        shutil.rmtree(APP_BUILD)
    done = subprocess.run(["node", "build.mjs", str(APP_BUILD)], cwd=ROOT / "vendor")
    if done.returncode != 0 or not (APP_BUILD / "voila-kurs.js").exists():
        sys.exit("Klarte ikke å bygge appenes nettleserdel (vendor/build.mjs). Se feilen over.")
    print(f"Bygde appenes nettleserdel i {APP_BUILD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
