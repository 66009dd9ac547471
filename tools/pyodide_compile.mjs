// Precompiled Python for the live widgets (called by tools/build_wheels.py at book-build time).
//
//   node tools/pyodide_compile.mjs <pyodide folder> <out folder> <wheel> …
//
// Pyodide's python_stdlib.zip and the pure wheels hold only .py sources, so a reader's
// browser compiles every module it imports, every time a page starts Python: most of the
// start-up CPU (bench/pyodide.py). This runs the same Pyodide under Node, imports what a
// page imports before its cells run (kurs_live.prepare()), and writes to <out folder>:
//
// - python_stdlib.zip with each module that was imported as bytecode (.pyc) in place of
//   its source; the other modules stay as source, so the download grows only a little.
//   Tools for developers that no page can use (the REPL, debuggers, test runners,
//   mail and server protocols: UNUSED below) are left out, unless a page imported them;
// - each wheel under its own name, with bytecode for its modules in __pycache__ next to
//   the sources (tracebacks still show the lines);
// - python-snapshot.bin.gz: a memory snapshot of Python started from those files, after
//   what a page imports, and pyodide.asm.wasm.gz (see the end of this file).
//
// The bytecode is "unchecked-hash" .pyc (PEP 552): Python uses it without comparing it
// with the source, so it must always come from this same Pyodide; the caller names the
// folder after the Pyodide and the wheels it was made from.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [pyodideDir, outDir, ...wheels] = process.argv.slice(2);
if (!pyodideDir || !outDir || !wheels.length) {
  console.error("Bruk: node pyodide_compile.mjs <pyodide-mappe> <ut-mappe> <hjul> …");
  process.exit(2);
}
const { loadPyodide } = await import(path.resolve(pyodideDir, "pyodide.mjs"));
const py = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/", stdout: () => {}, stderr: (s) => console.error(s) });
py.FS.mkdirTree("/kurs/inn");
py.FS.mkdirTree("/kurs/ut");
for (const wheel of wheels) {
  const data = new Uint8Array(fs.readFileSync(wheel));
  py.FS.writeFile("/kurs/inn/" + path.basename(wheel), data);
  py.unpackArchive(data, "wheel");  // as the page does: into the home folder, on sys.path
}
py.FS.writeFile("/kurs/inn/python_stdlib.zip", new Uint8Array(fs.readFileSync(path.join(pyodideDir, "python_stdlib.zip"))));
const written = py.runPython(`
import importlib.util, importlib._bootstrap_external as ext, json, os, sys, zipfile

import kurs_live
kurs_live.prepare()

def pyc(source, filename):
    code = compile(source, filename, "exec", dont_inherit=True)
    return bytes(ext._code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))

def copy(zin, zout, info, data=None, name=None):
    new = zipfile.ZipInfo(name or info.filename, info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new.external_attr = info.external_attr
    zout.writestr(new, zin.read(info) if data is None else data)

UNUSED = {
    "_pyrepl", "unittest", "pdb.py", "doctest.py", "pydoc.py", "multiprocessing", "xmlrpc", "wsgiref",
    "imaplib.py", "smtplib.py", "poplib.py", "ftplib.py", "mailbox.py", "profile.py", "cProfile.py",
    "pstats.py", "tabnanny.py", "trace.py", "timeit.py", "pickletools.py", "zipapp.py", "this.py",
    "antigravity.py",
}
STDLIB = next(p for p in sys.path if p.endswith(".zip"))
used = {os.path.relpath(m.__file__, STDLIB) for m in list(sys.modules.values())
        if (getattr(m, "__file__", None) or "").startswith(STDLIB + "/") and m.__file__.endswith(".py")}
written = []
with zipfile.ZipFile("/kurs/inn/python_stdlib.zip") as zin, \\
        zipfile.ZipFile("/kurs/ut/python_stdlib.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
    for info in zin.infolist():
        top = info.filename.split("/")[0]
        if top in UNUSED and not any(u.split("/")[0] == top for u in used):
            continue
        if info.filename in used:
            copy(zin, zout, info, pyc(zin.read(info), f"{STDLIB}/{info.filename}"), info.filename + "c")
        else:
            copy(zin, zout, info)
written.append("python_stdlib.zip")

home = os.getcwd()
tag = sys.implementation.cache_tag
for name in sorted(os.listdir("/kurs/inn")):
    if not name.endswith(".whl"):
        continue
    with zipfile.ZipFile(f"/kurs/inn/{name}") as zin, \\
            zipfile.ZipFile(f"/kurs/ut/{name}", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            copy(zin, zout, info)
            head, _, tail = info.filename.rpartition("/")
            if tail.endswith(".py") and ".dist-info/" not in info.filename:
                target = (head + "/" if head else "") + f"__pycache__/{tail[:-3]}.{tag}.pyc"
                try:
                    copy(zin, zout, info, pyc(zin.read(info), f"{home}/{info.filename}"), target)
                except SyntaxError:
                    pass  # Python reports it when the module is imported, as without bytecode
    written.append(name)
json.dumps(written)
`);
fs.mkdirSync(outDir, { recursive: true });
for (const name of JSON.parse(written)) {
  fs.writeFileSync(path.join(outDir, name), py.FS.readFile("/kurs/ut/" + name));
}

// A second Python, started from the files just written as a page starts it, with what a page
// imports before its cells run, kept as a memory snapshot: a reader's browser restores it
// (kurs-live-worker.js) instead of starting Python and importing, most of the start-up CPU.
// Both big files are gzipped, since plain static servers send files as they are.
const ready = await loadPyodide({
  indexURL: path.resolve(pyodideDir) + "/", stdLibURL: path.join(outDir, "python_stdlib.zip"),
  _makeSnapshot: true, stdout: () => {}, stderr: (s) => console.error(s),
});
for (const wheel of wheels) {
  ready.unpackArchive(new Uint8Array(fs.readFileSync(path.join(outDir, path.basename(wheel)))), "wheel");
}
ready.pyimport("kurs_live").prepare().destroy();
const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 });
fs.writeFileSync(path.join(outDir, "python-snapshot.bin.gz"), gzip(ready.makeMemorySnapshot()));
fs.writeFileSync(path.join(outDir, "pyodide.asm.wasm.gz"), gzip(fs.readFileSync(path.join(pyodideDir, "pyodide.asm.wasm"))));
