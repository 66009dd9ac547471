"""Wheels for the live widgets in the static book (Pyodide in the reader's browser).

Two kinds of wheels end up in the book's static folder, so that a reader's
browser loads everything from the book's own web server:

- the pure wheels of ipywidgets, traitlets and comm, at the versions pinned in
  constraints.txt, for the browser's Python (3.14). `make vendor` downloads them
  once into ``_vendor_static/kurs-live/wheels/`` (``main()``). pip's own cache
  makes a second download cheap, and a wheel that is already there is kept;
- our own ``widgets`` package (the teaching logic and its views), the modules of
  ``fellesregler`` it imports (:data:`SHARED_IN_BROWSER`), the data files of both
  packages (``package_data``: message catalogues ``*.mo`` and the like) and the small comm
  bridge ``_ext/kurs_live.py``, built as a wheel from whatever is in the
  tree at book-build time (``build_widgets_wheel``, called by the Sphinx
  extension, so that every build of the book ships the current code).

ipywidgets' other dependencies (widgetsnbextension, jupyterlab_widgets, IPython)
are not shipped: the first two are front-end files the book already has, and
the bridge stands in for the few IPython names ipywidgets imports.
"""
from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WHEEL_DIR = ROOT / "_vendor_static" / "kurs-live" / "wheels"
#: The pure packages the widgets need in the browser, pinned in constraints.txt.
PURE = ("comm", "traitlets", "ipywidgets")
#: The Python of the Pyodide we vendor (npm `pyodide` 314.x is CPython 3.14).
BROWSER_PYTHON = "3.14"
#: Modules of widgets/ that make no sense in a browser (they start servers).
NOT_IN_BROWSER = {"voila_server.py"}
#: The modules of fellesregler/ the widgets import (escaping, Norwegian formatting). They import only
#: the standard library, so they run in Pyodide; ``personvern`` (YAML) and ``sanitise`` (bleach,
#: mistune) are for the server side and stay out of the wheel.
SHARED_IN_BROWSER = ("__init__.py", "escaping.py", "formatering.py", "sprak.py")
WIDGETS_WHEEL_NAME = "kurs_widgets"


def pinned(constraints: Path = ROOT / "constraints.txt") -> dict[str, str]:
    """The pinned versions of the pure packages, read from constraints.txt."""
    found: dict[str, str] = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if m and m.group(1).lower().replace("_", "-") in PURE:
            found[m.group(1).lower().replace("_", "-")] = m.group(2)
    missing = [p for p in PURE if p not in found]
    if missing:
        sys.exit(f"constraints.txt mangler en låst versjon av {', '.join(missing)}.")
    return found


def wheel_file_prefix(name: str, version: str) -> str:
    return f"{name.replace('-', '_')}-{version}-"


def download_pure_wheels(dest: Path = WHEEL_DIR) -> list[Path]:
    """Download the pinned pure wheels for the browser's Python; keep those already there."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = pinned()
    keep = []
    for name, version in wanted.items():
        prefix = wheel_file_prefix(name, version)
        have = [p for p in dest.glob("*.whl") if p.name.startswith(prefix) and p.name.endswith("-py3-none-any.whl")]
        if not have:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                 "--no-deps", "--only-binary=:all:", "--python-version", BROWSER_PYTHON,
                 "--implementation", "py", "--abi", "none", "--platform", "any",
                 "--dest", str(dest), f"{name}=={version}"],
            )
            have = [p for p in dest.glob("*.whl") if p.name.startswith(prefix)]
            if done.returncode != 0 or not have:
                sys.exit(f"Klarte ikke å laste ned hjulet {name}=={version} for Pyodide (se feilen over).")
        keep.extend(have)
    for stale in set(dest.glob("*.whl")) - set(keep):
        stale.unlink()  # an older pin
    return sorted(keep)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


BRIDGE = ROOT / "_ext" / "kurs_live.py"


#: Files of a package that are for the build or the server, never for the browser.
NOT_DATA = (".py", ".pyc", ".po", ".pot")


def package_data(package: Path) -> dict[str, Path]:
    """The data files of a package, such as ``locale/nn/LC_MESSAGES/*.mo``: path in the
    package -> file. Subpackages (folders with an ``__init__.py``, e.g. widgets/egenvurdering,
    the self-assessment app) and caches stay out, as do the sources of catalogues (.po)."""
    found: dict[str, Path] = {}
    for f in sorted(package.rglob("*")):
        rel = f.relative_to(package)
        if not f.is_file() or f.name.endswith(NOT_DATA) or "__pycache__" in rel.parts:
            continue
        if any((package / Path(*rel.parts[:i]) / "__init__.py").is_file() for i in range(1, len(rel.parts))):
            continue
        found[rel.as_posix()] = f
    return found


def widgets_sources(root: Path = ROOT, bridge: Path = BRIDGE) -> dict[str, bytes]:
    """The files of the widgets wheel: archive name -> bytes, in a stable order."""
    files: dict[str, bytes] = {}
    for f in sorted((root / "widgets").glob("*.py")):
        if f.name not in NOT_IN_BROWSER:
            files[f"widgets/{f.name}"] = f.read_bytes()
    for name in SHARED_IN_BROWSER:
        files[f"fellesregler/{name}"] = (root / "fellesregler" / name).read_bytes()
    for package in ("widgets", "fellesregler"):
        for rel, f in package_data(root / package).items():
            files[f"{package}/{rel}"] = f.read_bytes()
    files.update(code_catalogues(root))
    files["kurs_live.py"] = bridge.read_bytes()
    return files


def code_catalogues(root: Path = ROOT) -> dict[str, bytes]:
    """The translations of texts in code, compiled: ``locale/<lang>/LC_MESSAGES/<domain>.po``
    for each domain in ``locale/domener.yaml`` becomes
    ``fellesregler/locale/<lang>/LC_MESSAGES/<domain>.mo``, where ``fellesregler.sprak``
    looks in Pyodide (it has no Babel there to read a .po). Fuzzy entries stay out, as
    they do in a checkout."""
    listing = root / "locale" / "domener.yaml"
    if not listing.is_file():
        return {}
    import io

    import yaml
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out: dict[str, bytes] = {}
    for domain in sorted(yaml.safe_load(listing.read_text(encoding="utf-8")) or {}):
        for po in sorted(root.glob(f"locale/*/LC_MESSAGES/{domain}.po")):
            lang = po.parts[-3]
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            buf = io.BytesIO()
            write_mo(buf, catalog, use_fuzzy=False)
            out[f"fellesregler/locale/{lang}/LC_MESSAGES/{domain}.mo"] = buf.getvalue()
    return out


def build_widgets_wheel(outdir: Path, root: Path = ROOT, bridge: Path = BRIDGE) -> Path:
    """Write ``kurs_widgets-0+<hash>-py3-none-any.whl`` into outdir and return its path.

    The version carries a hash of the sources, so a changed widget gets a new file
    name and a browser never uses a stale copy from its cache. Older builds of this
    wheel in outdir are removed.
    """
    files = widgets_sources(root, bridge)
    h = hashlib.sha256()
    for name, data in files.items():
        h.update(name.encode() + b"\0" + data)
    version = f"0+{h.hexdigest()[:12]}"
    dist = f"{WIDGETS_WHEEL_NAME}-{version}"
    info = f"{dist}.dist-info"
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {WIDGETS_WHEEL_NAME}\nVersion: {version}\n"
        "Summary: Teaching widgets of «Nyskapende arbeidsgivere», for Pyodide in the static book\n"
    ).encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tools/build_wheels.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(n, d) for n, d in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()

    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{dist}-py3-none-any.whl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in files.items():
                info_ = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info_.compress_type = zipfile.ZIP_DEFLATED
                info_.external_attr = 0o644 << 16
                z.writestr(info_, data)
        tmp.replace(path)
    for old in outdir.glob(f"{WIDGETS_WHEEL_NAME}-*.whl"):
        if old != path:
            old.unlink()
    return path


COMPILER = ROOT / "tools" / "pyodide_compile.mjs"
PYODIDE_DIR = ROOT / "_vendor_static" / "vendor" / "pyodide"
#: Prefix of the folder (in _static/kurs-live/) with the precompiled standard library and wheels.
COMPILED_PREFIX = "py-"
#: Made with the bytecode, gzipped: a memory snapshot of the started Python and Pyodide's WebAssembly.
SHIPPED_GZ = ("python-snapshot.bin.gz", "pyodide.asm.wasm.gz")


def _inputs_key(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


def compile_for_browser(wheels: list[Path], outdir: Path, pyodide_dir: Path = PYODIDE_DIR,
                        compiler: Path = COMPILER, cache: Path = ROOT / "_build" / ".kurs-live-py") -> Path | None:
    """The standard library and the wheels with bytecode (tools/pyodide_compile.mjs), in
    ``outdir/py-<key>/``; the key hashes every input, so a folder is made once per
    Pyodide and code (kept in ``cache``, which the bokmål and nynorsk books share), and a
    browser never mixes bytecode of one build with another.

    Returns None (and the book ships the plain files, which work, only slower to start)
    when Node cannot make them. Older folders are removed.
    """
    stdlib = pyodide_dir / "python_stdlib.zip"
    key = _inputs_key([compiler, stdlib, pyodide_dir / "pyodide.asm.wasm", *wheels])
    name = f"{COMPILED_PREFIX}{key}"
    wanted = ["python_stdlib.zip", *(w.name for w in wheels), *SHIPPED_GZ]
    made = cache / name
    if not all((made / n).is_file() for n in wanted):
        node = shutil.which("node")
        if node is None or not stdlib.is_file():
            print("Advarsel: fant ikke Node eller Pyodide; boka får Python uten ferdig bytekode "
                  "(oppgavene starter saktere).", file=sys.stderr)
            return None
        # The editions are built at the same time (tools/book.py): one makes the folder, the
        # other waits for it and then finds it made.
        with _locked(cache / ".lock"):
            if not all((made / n).is_file() for n in wanted) and not _compile(
                    node, compiler, pyodide_dir, wheels, cache, made, wanted):
                return None
    target = outdir / name
    if not all((target / n).is_file() for n in wanted):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(made, target)
    for old in outdir.glob(f"{COMPILED_PREFIX}*"):
        if old != target and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return target


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock on `path` (made if missing) for as long as the block runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _compile(node: str, compiler: Path, pyodide_dir: Path, wheels: list[Path], cache: Path, made: Path,
             wanted: list[str]) -> bool:
    """Make `made` with tools/pyodide_compile.mjs; False (with a warning) if Node could not."""
    tmp = cache / f".{made.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    done = subprocess.run([node, str(compiler), str(pyodide_dir), str(tmp), *map(str, wheels)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not all((tmp / n).is_file() for n in wanted):
        print("Advarsel: klarte ikke å lage bytekode for Pyodide; boka får kildene (oppgavene starter "
              f"saktere).\n{done.stderr[-2000:]}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    shutil.rmtree(made, ignore_errors=True)
    tmp.rename(made)
    for old in cache.glob(f"{COMPILED_PREFIX}*"):
        if old != made:
            shutil.rmtree(old, ignore_errors=True)
    return True


def live_wheels(outdir: Path, root: Path = ROOT, bridge: Path = BRIDGE) -> list[Path]:
    """The wheels the live widgets load: the vendored ones, and ours built into ``outdir/wheels``."""
    ours = build_widgets_wheel(outdir / "wheels", root, bridge)
    return [*sorted((root / "_vendor_static" / "kurs-live" / "wheels").glob("*.whl")), ours]


def live_listing(outdir: Path, root: Path = ROOT, bridge: Path = BRIDGE, wheels: list[Path] | None = None) -> dict:
    """Build what the book's live widgets load into ``outdir`` (``_static/kurs-live``) and
    return the listing the page reads (``wheels.json``): the wheels, and when bytecode
    could be made, the standard library to use instead of Pyodide's own (``stdlib``), the
    gzipped memory snapshot of a started Python (``snapshot``) and Pyodide's gzipped
    WebAssembly (``wasm``). Paths are relative to outdir. `wheels` is ``live_wheels()``,
    when already built."""
    wheels = wheels or live_wheels(outdir, root, bridge)
    compiled = compile_for_browser(wheels, outdir, root / "_vendor_static" / "vendor" / "pyodide",
                                   cache=root / "_build" / ".kurs-live-py")
    if compiled is None:
        return {"wheels": [f"wheels/{w.name}" for w in wheels]}
    return {"wheels": [f"{compiled.name}/{w.name}" for w in wheels],
            "stdlib": f"{compiled.name}/python_stdlib.zip",
            "snapshot": f"{compiled.name}/{SHIPPED_GZ[0]}", "wasm": f"{compiled.name}/{SHIPPED_GZ[1]}"}


def main() -> None:
    wheels = download_pure_wheels()
    print("Hjul for Pyodide i", WHEEL_DIR.relative_to(ROOT), ":", ", ".join(p.name for p in wheels))


if __name__ == "__main__":
    main()
