"""The helpers that make the two-edition book build fast keep it correct.

- tools/fast_imports.py defers rfc3987_syntax: jsonschema imports without it,
  and an IRI is still checked by the real package when one is checked.
- tools/build_wheels.py: the two editions, built at the same time
  (tools/book.py), make the shared Pyodide bytecode once, and both get it.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import build_wheels  # noqa: E402


def test_deferred_rfc3987_syntax_imports_jsonschema_without_it_and_still_checks_iris():
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        from tools.fast_imports import defer_rfc3987_syntax
        assert defer_rfc3987_syntax()
        import jsonschema
        assert "lark" not in sys.modules, "rfc3987_syntax was imported with jsonschema"
        checker = jsonschema.Draft7Validator.FORMAT_CHECKER
        assert "iri" in checker.checkers
        good = checker.conforms("https://kurs.example/kapittel?æ=ø#del", "iri")
        bad = checker.conforms("ikke en iri med mellomrom", "iri")
        assert "lark" in sys.modules, "the real rfc3987_syntax was never used"
        print(good, bad)
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False"]


def test_defer_does_nothing_once_the_real_package_is_imported():
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import rfc3987_syntax; "
              "from tools.fast_imports import defer_rfc3987_syntax; print(defer_rfc3987_syntax())")
    proc = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_two_editions_at_once_make_the_shared_bytecode_once(tmp_path):
    pyodide = tmp_path / "pyodide"
    pyodide.mkdir()
    (pyodide / "python_stdlib.zip").write_bytes(b"stdlib")
    (pyodide / "pyodide.asm.wasm").write_bytes(b"wasm")
    wheel = tmp_path / "w-1-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    runs = tmp_path / "runs.txt"
    # A stand-in for tools/pyodide_compile.mjs with its interface: it takes long enough for the
    # two builds to overlap, and counts how often it runs.
    compiler = tmp_path / "compile.mjs"
    compiler.write_text(textwrap.dedent(f"""
        import fs from "node:fs";
        import path from "node:path";
        const [, out, ...wheels] = process.argv.slice(2);
        fs.appendFileSync({str(runs)!r}, "run\\n");
        await new Promise((done) => setTimeout(done, 1500));
        fs.mkdirSync(out, {{ recursive: true }});
        fs.writeFileSync(path.join(out, "python_stdlib.zip"), "compiled");
        for (const w of wheels) fs.writeFileSync(path.join(out, path.basename(w)), "compiled");
        for (const f of {list(build_wheels.SHIPPED_GZ)!r}) fs.writeFileSync(path.join(out, f), "gz");
    """), encoding="utf-8")
    cache = tmp_path / "cache"
    results: dict[str, Path | None] = {}

    def edition(name: str) -> None:
        results[name] = build_wheels.compile_for_browser([wheel], tmp_path / name, pyodide, compiler, cache)

    threads = [threading.Thread(target=edition, args=(n,)) for n in ("nb", "nn")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert runs.read_text().count("run") == 1
    assert results["nb"] is not None and results["nn"] is not None
    assert results["nb"].name == results["nn"].name
    for name in ("nb", "nn"):
        assert (results[name] / "python_stdlib.zip").read_text() == "compiled"
        assert (results[name] / wheel.name).read_text() == "compiled"
