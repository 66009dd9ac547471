"""Kursbevis: who gets one, what the PDF says, metadata and file names.

pypdf is not in constraints.txt, so ``pdf_text`` below reads the text back
from fpdf2's output itself: it inflates the content streams and maps the
glyph codes through each font's ToUnicode CMap (what a PDF reader does).
"""
from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

import nbformat
import pytest

from grading.certificates import certificate_filename, make_certificates, safe_filename_part
from test_reports import EXPECTED, FORMULA_NAME, LEARNERS, build_gradebook_course

DATE = dt.date(2026, 11, 28)


# ---------------------------------------------------------------------------
# A minimal PDF text reader (enough for fpdf2 output)
# ---------------------------------------------------------------------------
def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def _stream(obj: bytes) -> bytes:
    m = re.search(rb"stream\r?\n(.*?)\r?\nendstream", obj, re.S)
    assert m, "no stream"
    raw = m.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in obj else raw


def _literal(buf: bytes, i: int) -> tuple[bytes, int]:
    """Parse a PDF literal string starting at buf[i] == '('; return (bytes, next index)."""
    out, depth, i = bytearray(), 1, i + 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while depth:
        c = buf[i]
        if c == ord("\\"):
            n = buf[i + 1]
            if n in escapes:
                out.append(escapes[n]); i += 2
            elif ord("0") <= n <= ord("7"):
                m = re.match(rb"[0-7]{1,3}", buf[i + 1:i + 4])
                out.append(int(m.group(0), 8) & 0xFF); i += 1 + len(m.group(0))
            elif n in (10, 13):
                i += 2
            else:
                out.append(n); i += 2
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise AssertionError("unterminated string")


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + k)
    return mapping


def pdf_text(data: bytes) -> str:
    objs = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for obj in objs.values():
        m = re.search(rb"/Font\s*<<(.*?)>>", obj, re.S)
        if m:
            for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", m.group(1)):
                tu = re.search(rb"/ToUnicode (\d+) 0 R", objs[int(ref)])
                fonts[name] = _cmap(_stream(objs[int(tu.group(1))])) if tu else {}
    lines = []
    for obj in objs.values():
        if b"stream" not in obj or b"BT" not in _stream(obj):
            continue
        buf, i, font, line = _stream(obj), 0, b"", []
        last_name = b""
        while i < len(buf):
            c = buf[i:i + 1]
            if c == b"(":
                raw, i = _literal(buf, i)
                cmap = fonts.get(font, {})
                line.append("".join(cmap.get(int.from_bytes(raw[k:k + 2], "big"), "?")
                                    for k in range(0, len(raw) - 1, 2)))
                continue
            if c == b"/":
                m = re.match(rb"/(\w+)", buf[i:])
                last_name, i = m.group(1), i + len(m.group(0))
                continue
            m = re.match(rb"(Tf|ET)\b", buf[i:])
            if m and (i == 0 or buf[i - 1:i] in b" \n\r\t"):
                if m.group(1) == b"Tf":
                    font = last_name
                elif line:
                    lines.append("".join(line)); line = []
                i += len(m.group(0))
                continue
            i += 1
    return "\n".join(lines)


def pdf_info(data: bytes) -> dict[str, str]:
    def decode(value: bytes) -> str:
        if value.startswith(b"<"):
            raw = bytes.fromhex(value[1:-1].decode())
            return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
        return _literal(value, 0)[0].decode("latin-1")

    m = re.search(rb"/Info (\d+) 0 R", data)
    info = _objects(data)[int(m.group(1))]
    out = {}
    for key in (b"Title", b"Subject", b"Author", b"Keywords"):
        mm = re.search(rb"/" + key + rb"\s*(<[0-9a-fA-F]+>|\()", info)
        if mm:
            start = mm.start(1)
            if info[start:start + 1] == b"<":
                end = info.index(b">", start) + 1
                out[key.decode()] = decode(info[start:end])
            else:
                out[key.decode()] = decode(info[start:])
    return out


# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return build_gradebook_course(tmp_path_factory.mktemp("bevis"))


@pytest.fixture(scope="module")
def pdfs(course, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    paths = make_certificates(course, out, DATE)
    by_id = {}
    for p in paths:
        learner = next(i for i in LEARNERS if p.name.startswith(f"kursbevis-{i}-"))
        by_id[learner] = p
    return by_id


def test_only_learners_who_completed_everything(pdfs):
    assert set(pdfs) == EXPECTED["completers"]
    # h4 missed «vage», h5 waits for manual grading, o5 got 0 on «lede»,
    # k2 is collected but not graded, h6 submitted nothing
    for learner in ("h4", "h5", "h6", "o5", "k2"):
        assert learner not in pdfs


def test_certificate_text(pdfs):
    data = pdfs["h1"].read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in ("Kursbevis", "Åse Ødegård", "«Nyskapende arbeidsgivere»",
                     "1. Å våge", "2. Å lede", "Dato: 28. november 2026"):
        assert expected in text, (expected, text)
    assert FORMULA_NAME in pdf_text(pdfs["h2"].read_bytes())


def test_certificate_metadata_and_tagging(pdfs):
    data = pdfs["h1"].read_bytes()
    info = pdf_info(data)
    assert info["Title"] == "Kursbevis – Åse Ødegård – Nyskapende arbeidsgivere"
    assert "Åse Ødegård" in info["Subject"]
    assert b"/Lang (nb)" in data
    assert b"/StructTreeRoot" in data and b"/MarkInfo <</Marked true>>" in data
    assert b"/DisplayDocTitle true" in data
    assert re.search(rb"/Title \(Kursbevis\)", data)  # tagged heading in the outline


def test_file_names_are_safe(pdfs):
    assert pdfs["h1"].name == "kursbevis-h1-ase-odegard.pdf"
    for path in pdfs.values():
        assert re.fullmatch(r"kursbevis-[a-z0-9-]+\.pdf", path.name), path.name
    assert safe_filename_part("../../etc/passwd") == "etc-passwd"
    assert safe_filename_part("Æ Ø Å é <script>") == "ae-o-a-e-script"
    assert safe_filename_part("***") == "deltaker"
    assert certificate_filename("a.b", "Ærlig Øyvind") == "kursbevis-a-b-aerlig-oyvind.pdf"


def test_missing_assignment_gets_certificate_once_graded(course, tmp_path):
    """h4 lacks «vage»: no certificate; after grading it, h4 gets one."""
    from grading._nbgrader import gradebook

    assert not any("-h4-" in p.name for p in make_certificates(course, tmp_path / "a", DATE))
    work = tmp_path / "kopi"
    import shutil

    shutil.copytree(course, work)
    with gradebook(work) as gb:
        gb.add_submission("vage", "h4", timestamp=dt.datetime(2026, 11, 9))
        for grade_id, score in (("vage-1", 1.0), ("vage-2", 0.0)):
            grade = gb.find_grade(grade_id, "vage", "vage", "h4")
            grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()
    names = [p.name for p in make_certificates(work, tmp_path / "b", DATE)]
    assert "kursbevis-h4-cecilie-dahl.pdf" in names
    assert len(names) == len(EXPECTED["completers"]) + 1


def test_unreleased_module_blocks_certificates(course, tmp_path):
    """A module in source/ that nobody has completed yet means no certificates."""
    import shutil

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    folder = work / "source" / "samhandle"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Å samhandle"))
    nbformat.write(nb, str(folder / "samhandle.ipynb"))
    assert make_certificates(work, tmp_path / "ut", DATE) == []


def _add_outsider(course: Path, student: str = "x1") -> None:
    """A learner in the gradebook (with everything completed) who is not in the roster."""
    from grading._nbgrader import gradebook
    from test_reports import ASSIGNMENTS

    with gradebook(course) as gb:
        gb.update_or_create_student(student, first_name="Test", last_name="Bruker")
        for name, (_title, _due, cells) in ASSIGNMENTS.items():
            gb.add_submission(name, student, timestamp=dt.datetime(2026, 11, 9))
            for grade_id, points in cells.items():
                grade = gb.find_grade(grade_id, name, name, student)
                grade.manual_score, grade.needs_manual_grade = points, False
        gb.db.commit()


def test_learner_not_in_roster_gets_no_certificate_and_is_listed(course, tmp_path):
    import shutil

    from grading.certificates import NotInRosterWarning

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    _add_outsider(work)
    with pytest.warns(NotInRosterWarning) as caught:
        paths = make_certificates(work, tmp_path / "ut", DATE)
    names = [p.name for p in paths]
    assert not any(n.startswith("kursbevis-x1-") for n in names)
    assert len(names) == len(EXPECTED["completers"])  # everyone in the roster still gets theirs
    assert paths.not_in_roster == [{"id": "x1", "navn": "Test Bruker"}]
    text = str(caught[0].message)
    assert text == paths.warning
    assert "x1 (Test Bruker)" in text and "står ikke i deltakerlisten" in text
    assert "har ikke fått kursbevis" in text and "kursleder deltakere importer" in text
    assert not list((tmp_path / "ut").glob("kursbevis-x1-*"))


def test_cli_lists_learners_not_in_roster(course, tmp_path, capsys):
    import shutil

    from grading.cli import main

    work = tmp_path / "kurs"
    shutil.copytree(course, work)
    _add_outsider(work)
    out_dir = tmp_path / "ut"
    assert main(["--kurs", str(work), "--stille", "kursbevis", "--ut", str(out_dir),
                 "--dato", "28.11.2026"]) == 0
    out = capsys.readouterr().out
    assert f"Laget {len(EXPECTED['completers'])} kursbevis" in out
    assert "ADVARSEL: 1 deltaker(e) har fullført alle oppgavene, men står ikke i deltakerlisten" in out
    assert "x1 (Test Bruker)" in out
    assert not list(out_dir.glob("kursbevis-x1-*"))


def test_no_warning_when_everyone_is_in_the_roster(pdfs, course, tmp_path):
    import warnings

    from grading.certificates import NotInRosterWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", NotInRosterWarning)
        paths = make_certificates(course, tmp_path / "ut", DATE)
    assert paths.not_in_roster == [] and paths.warning == ""
