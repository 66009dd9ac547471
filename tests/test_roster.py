"""Roster import: every rejection with its line number, and all-or-nothing storage."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from grading.roster import import_roster, load_roster
from grading.roster_csv import COLUMNS, RosterError, check_id, parse_roster

ROOT_CONFIG = __import__("pathlib").Path(__file__).resolve().parents[1] / "exercises" / "nbgrader_config.py"

GOOD = "id;navn;epost;enhet\nola.n;Ola Nordmann;ola@kommune.no;Helse\nkari-1;Kari Nordmann;kari@kommune.no;Skole\n"


def problems(data, encoding=None):
    with pytest.raises(RosterError) as err:
        parse_roster(data if isinstance(data, bytes) else data.encode("utf-8"), encoding)
    return [(p.line, p.message) for p in err.value.problems]


def lines_of(data, encoding=None):
    return [line for line, _ in problems(data, encoding)]


# --------------------------------------------------------------------------- parsing
def test_good_file_semicolon():
    learners = parse_roster(GOOD.encode())
    assert [(x.id, x.navn, x.epost, x.enhet, x.line) for x in learners] == [
        ("ola.n", "Ola Nordmann", "ola@kommune.no", "Helse", 2),
        ("kari-1", "Kari Nordmann", "kari@kommune.no", "Skole", 3),
    ]


@pytest.mark.parametrize("header", [
    "id,navn,epost,enhet", "ID,Navn,E-post,Avdeling", "Brukernavn,Fullt navn,E-postadresse,Enhet",
    "id,name,e-mail,unit", "Ansattnummer,Navn,Epost,Department",
])
def test_header_variants(header):
    text = header + "\nola;Ola Nordmann;ola@k.no;Helse\n".replace(";", ",")
    assert parse_roster(text.encode())[0].enhet == "Helse"


def test_first_and_last_name_columns_and_tab_and_bom():
    text = "\ufeffid\tfornavn\tetternavn\tepost\tavdeling\nola\tOla Johan\tNordmann\tola@k.no\tHelse\n"
    (ln,) = parse_roster(text.encode("utf-8"))
    assert ln.navn == "Ola Johan Nordmann" and ln.first_last == ("Ola Johan", "Nordmann")


def test_quoted_field_with_delimiter_and_crlf():
    text = 'id;navn;epost;enhet\r\nola;"Nordmann; Ola";ola@k.no;"Helse; sykehjem"\r\n'
    (ln,) = parse_roster(text.encode())
    assert ln.navn == "Nordmann; Ola" and ln.enhet == "Helse; sykehjem"


def test_blank_lines_are_skipped_but_line_numbers_stay_true():
    text = "id;navn;epost;enhet\n\nola;Ola;ola@k.no;Helse\n;;;\nBAD;Kari;kari@k.no;Skole\n"
    assert lines_of(text) == [5]


def test_latin1_is_detected_with_line_number():
    text = "id;navn;epost;enhet\nola;Ola Nordmann;ola@k.no;Helse\naase;Åse Ødegård;aase@k.no;Pleie\n"
    (found,) = problems(text.encode("latin-1"))
    assert found[0] == 3
    assert "Latin-1" in found[1] and "UTF-8" in found[1]
    # with the encoding given explicitly it is accepted
    assert parse_roster(text.encode("latin-1"), "latin-1")[1].navn == "Åse Ødegård"


def test_utf16_is_detected():
    text = "id;navn;epost;enhet\nola;Ola;ola@k.no;Helse\n"
    (found,) = problems(text.encode("utf-16"))
    assert "UTF-16" in found[1]


def test_wrong_delimiter_in_header():
    (found,) = problems("id|navn|epost|enhet\nola|Ola|ola@k.no|Helse\n")
    assert found[0] == 1 and "skilletegn" in found[1] and "«|»" in found[1]


def test_wrong_delimiter_in_a_row():
    found = problems("id;navn;epost;enhet\nola;Ola;ola@k.no;Helse\nkari,Kari,kari@k.no,Skole\n")
    assert [f[0] for f in found] == [3]
    assert "felt" in found[0][1] and "komma" in found[0][1]


def test_too_many_fields():
    found = problems("id;navn;epost;enhet\nola;Ola;ola@k.no;Helse;ekstra\n")
    assert found[0][0] == 2 and "5 felt" in found[0][1]


def test_missing_columns():
    (found,) = problems("id;navn;enhet\nola;Ola;Helse\n")
    assert found[0] == 1 and "epost" in found[1]
    (found,) = problems("id;fornavn;epost;enhet\nola;Ola;ola@k.no;Helse\n")
    assert "navn" in found[1]


def test_duplicate_column():
    found = problems("id;navn;epost;enhet;avdeling\nola;Ola;ola@k.no;Helse;Helse\n")
    assert found[0][0] == 1 and "to ganger" in found[0][1]


def test_duplicate_ids_name_both_lines():
    text = "id;navn;epost;enhet\nola;Ola;ola@k.no;Helse\nkari;Kari;kari@k.no;Skole\nola;Ola 2;ola2@k.no;Skole\n"
    (found,) = problems(text)
    assert found[0] == 4 and "linje 2" in found[1] and "dobbel" in found[1]


def test_duplicate_email():
    text = "id;navn;epost;enhet\nola;Ola;ola@k.no;Helse\nkari;Kari;OLA@k.no;Skole\n"
    (found,) = problems(text)
    assert found[0] == 3 and "linje 2" in found[1]


@pytest.mark.parametrize("bad, word", [
    ("../x", "skråstrek"), ("a/b", "skråstrek"), ("a\\b", "skråstrek"), ("ola nordmann", "mellomrom"),
    ("", "mangler"), ("Ola", "små bokstaver"), (".skjult", "trygg"), ("-x", "trygg"), ("ola..n", ".."),
    ("åse", "trygg"), ("ola*", "trygg"), ("a" * 65, "lang"),
])
def test_unsafe_ids(bad, word):
    msg = check_id(bad)
    assert msg is not None and word in msg
    found = problems(f"id;navn;epost;enhet\nok;Ok;ok@k.no;A\n{bad};Navn;x{len(bad)}@k.no;B\n")
    assert found[0][0] == 3 and word in found[0][1]


@pytest.mark.parametrize("good", ["ola", "ola.nordmann", "k-123", "a_b", "9abc"])
def test_safe_ids(good):
    assert check_id(good) is None


def test_missing_values_and_bad_email():
    text = "id;navn;epost;enhet\nola;;ola@k.no;Helse\nkari;Kari;ikke-epost;Skole\nper;Per;;\n"
    found = problems(text)
    assert (2, "navn mangler.") in found
    assert any(line == 3 and "ugyldig" in msg for line, msg in found)
    assert any(line == 4 and "enhet" in msg for line, msg in found)
    assert any(line == 4 and "e-postadresse mangler" in msg for line, msg in found)


def test_every_problem_is_reported_not_just_the_first():
    text = "id;navn;epost;enhet\n../x;A;a@k.no;H\nok;B;b@k.no;H\nOK2;C;c@k.no;H\nok;D;d@k.no;H\n"
    assert lines_of(text) == [2, 4, 5]


def test_empty_and_header_only():
    assert "tom" in problems(b"")[0][1]
    assert "ingen deltakere" in problems("id;navn;epost;enhet\n")[0][1]


def test_error_text_is_norwegian_and_says_nothing_was_imported():
    with pytest.raises(RosterError) as err:
        parse_roster(b"id;navn;epost;enhet\n../x;A;a@k.no;H\n")
    text = str(err.value)
    assert "Ingen deltakere er lagt inn" in text and "Linje 2:" in text


# --------------------------------------------------------------------------- storage
@pytest.fixture()
def course(tmp_path):
    shutil.copy(ROOT_CONFIG, tmp_path / "nbgrader_config.py")
    return tmp_path


def _students(course):
    from grading._nbgrader import gradebook

    with gradebook(course) as gb:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}


def test_import_writes_gradebook_table_and_csv(course):
    res = import_roster(course, data=GOOD.encode())
    assert sorted(res.added) == ["kari-1", "ola.n"]
    assert _students(course) == {"ola.n": ("Ola", "Nordmann", "ola@kommune.no"),
                                 "kari-1": ("Kari", "Nordmann", "kari@kommune.no")}
    df = load_roster(course)
    assert list(df.columns) == list(COLUMNS)
    assert df.set_index("id").loc["ola.n", "enhet"] == "Helse"
    csv = pd.read_csv(course / "deltakere.csv", dtype=str)
    assert sorted(csv["id"]) == ["kari-1", "ola.n"]
    assert (course / "deltakere.csv").stat().st_mode & 0o077 == 0  # personal data


def test_reimport_updates_and_keeps_others(course):
    import_roster(course, data=GOOD.encode())
    res = import_roster(course, data=b"id,navn,epost,avdeling\nola.n,Ola Nordmann,ola@kommune.no,Oppvekst\n")
    assert res.updated == ["ola.n"] and res.not_in_file == ["kari-1"]
    assert load_roster(course).set_index("id").loc["ola.n", "enhet"] == "Oppvekst"
    res = import_roster(course, data=b"id,navn,epost,avdeling\nola.n,Ola Nordmann,ola@kommune.no,Oppvekst\n")
    assert res.unchanged == ["ola.n"]


def test_bad_file_changes_nothing(course):
    import_roster(course, data=GOOD.encode())
    before_db, before_csv = _students(course), (course / "deltakere.csv").read_bytes()
    bad = GOOD + "per;Per;per@k.no;Helse\n../x;X;x@k.no;Helse\n"
    with pytest.raises(RosterError):
        import_roster(course, data=bad.encode())
    assert _students(course) == before_db
    assert (course / "deltakere.csv").read_bytes() == before_csv
    assert "per" not in set(load_roster(course)["id"])


def test_database_failure_rolls_back_everything(course, monkeypatch):
    """A failure in the middle of the transaction leaves no learner behind."""
    import sqlalchemy as sa

    import grading.roster as roster

    calls = {"n": 0}
    real_insert = sa.insert

    def flaky_insert(table):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_insert(table)

    monkeypatch.setattr(roster.sa, "insert", flaky_insert)
    with pytest.raises(RuntimeError):
        import_roster(course, data=GOOD.encode())
    monkeypatch.undo()
    assert _students(course) == {}
    assert load_roster(course).empty


def test_without_names_in_gradebook(course):
    import_roster(course, data=GOOD.encode(), names_in_gradebook=False)
    assert _students(course)["ola.n"] == (None, None, None)
    assert load_roster(course).set_index("id").loc["ola.n", "navn"] == "Ola Nordmann"


def test_load_roster_without_anything(tmp_path):
    df = load_roster(tmp_path)
    assert df.empty and list(df.columns) == list(COLUMNS)


def test_cli_import_reports_lines_and_exit_code(course, tmp_path, capsys):
    from grading.cli import main

    bad = tmp_path / "hr.csv"
    bad.write_bytes("id;navn;epost;enhet\nola;Ola;ola@k.no;Helse\nola;Ola;ola2@k.no;Helse\n".encode())
    assert main(["--kurs", str(course), "deltakere", "importer", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Linje 3" in err and "dobbel" in err
    good = tmp_path / "ok.csv"
    good.write_bytes(GOOD.encode())
    assert main(["--kurs", str(course), "deltakere", "importer", "--sjekk", str(good)]) == 0
    assert load_roster(course).empty  # --sjekk imports nothing
    assert main(["--kurs", str(course), "deltakere", "importer", str(good)]) == 0
    assert len(load_roster(course)) == 2


def test_cli_locked_gradebook_gives_norwegian_message_and_imports_nothing(course, tmp_path, capsys,
                                                                          monkeypatch):
    """Formgrader holding a write lock on gradebook.db: no traceback, a clear message, nothing written."""
    import sqlite3

    import grading._nbgrader as nbg
    from grading.cli import main

    monkeypatch.setattr(nbg, "GRADEBOOK_LOCK_WAIT_S", 1)
    import_roster(course, data=GOOD.encode())
    before = (course / "deltakere.csv").read_bytes()
    new = tmp_path / "ny.csv"
    new.write_bytes(b"id;navn;epost;enhet\nper;Per Hansen;per@k.no;Helse\n")
    holder = sqlite3.connect(course / "gradebook.db", timeout=0)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code = main(["--kurs", str(course), "--stille", "deltakere", "importer", str(new)])
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "er låst" in err and "prøv igjen" in err
    assert (course / "deltakere.csv").read_bytes() == before
    assert "per" not in set(load_roster(course)["id"])
    # once the lock is gone, the same command works
    assert main(["--kurs", str(course), "--stille", "deltakere", "importer", str(new)]) == 0
    assert "per" in set(load_roster(course)["id"])


def test_cli_bad_certificate_date_is_a_clear_message(course, capsys):
    from grading.cli import main

    import_roster(course, data=GOOD.encode())
    assert main(["--kurs", str(course), "--stille", "kursbevis", "--dato", "i morgen"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Feil: ") and "Forstår ikke tidspunktet" in err and "Traceback" not in err


def test_cli_make_says_deltakerversjon(course, capsys, monkeypatch):
    import grading.release as release
    from grading.cli import main

    import_roster(course, data=GOOD.encode())
    monkeypatch.setattr(release, "generate_assignment", lambda root, a: None)
    assert main(["--kurs", str(course), "--stille", "lag", "vage"]) == 0
    out = capsys.readouterr().out
    assert "Deltakerversjon laget for: vage." in out and "elev" not in out.lower()


def test_cli_feedback_and_guide_errors_are_clear_messages(course, capsys):
    """Feedback before grading and a guide without sources: Norwegian message, exit 1, no traceback."""
    from grading.cli import main

    import_roster(course, data=GOOD.encode())
    assert main(["--kurs", str(course), "--stille", "tilbakemelding", "vage"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Feil: ") and "Ingen rettede innleveringer av «vage»" in err
    assert main(["--kurs", str(course), "--stille", "veiledning", "vage"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Feil: ") and "Fant ikke kildemappen for oppgaven «vage»" in err


def test_release_folder_never_deletes_a_folder_it_did_not_make(course, tmp_path):
    """`del-ut --mappe --ut <wrong folder>` must not wipe e.g. the instructors' source folder."""
    from grading.release import release_package

    import_roster(course, data=GOOD.encode())
    (course / "release" / "vage").mkdir(parents=True)
    (course / "release" / "vage" / "vage.ipynb").write_text("{}")
    precious = course / "source" / "vage" / "vage.ipynb"
    precious.parent.mkdir(parents=True)
    precious.write_text("kildenotatbok")
    with pytest.raises(ValueError, match="Ingenting er slettet"):
        release_package(course, "vage", "mappe", course / "source")
    assert precious.read_text() == "kildenotatbok"
    # its own folder is replaced as before
    out = tmp_path / "ut"
    first = release_package(course, "vage", "mappe", out)
    (first / "gammel.txt").write_text("x")
    again = release_package(course, "vage", "mappe", out)
    assert (again / "LESMEG.txt").is_file() and not (again / "gammel.txt").exists()


def test_cli_reports_reject_min_group_below_one(course, capsys):
    from grading.cli import main

    import_roster(course, data=GOOD.encode())
    assert main(["--kurs", str(course), "--stille", "rapporter", "--min-gruppe", "0"]) == 1
    err = capsys.readouterr().err
    assert "--min-gruppe må være minst 1" in err and "Traceback" not in err
    assert not (course / "rapporter" / "resultater.csv").exists()


def test_cli_missing_course_folder_is_a_clear_message_and_creates_nothing(tmp_path, capsys):
    from grading.cli import main

    missing = tmp_path / "finnes-ikke"
    hr = tmp_path / "hr.csv"
    hr.write_bytes(GOOD.encode())
    assert main(["--kurs", str(missing), "--stille", "deltakere", "importer", str(hr)]) == 1
    err = capsys.readouterr().err
    assert "Fant ikke kursmappen" in err and "Traceback" not in err
    assert not missing.exists()
    assert main(["--kurs", str(missing), "--stille", "deltakere", "vis"]) == 1
    assert "Fant ikke kursmappen" in capsys.readouterr().err
    # checking a file needs no course folder
    assert main(["--kurs", str(missing), "--stille", "deltakere", "importer", "--sjekk", str(hr)]) == 0
    assert main(["--kurs", str(missing), "--stille", "oversikt"]) == 1
    assert "Kjør «kursleder init» først" in capsys.readouterr().err


def test_short_gradebook_lock_is_waited_out(course, monkeypatch):
    """A lock held for a moment (Formgrader saving a grade) does not make the import fail."""
    import sqlite3
    import threading
    import time

    import grading._nbgrader as nbg

    import_roster(course, data=GOOD.encode())
    monkeypatch.setattr(nbg, "GRADEBOOK_LOCK_WAIT_S", 30)
    holder = sqlite3.connect(course / "gradebook.db", timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")

    def release():
        time.sleep(6)  # longer than SQLite's default wait of 5 s
        holder.rollback()
        holder.close()

    t = threading.Thread(target=release)
    t.start()
    try:
        res = import_roster(course, data=b"id;navn;epost;enhet\nper;Per Hansen;per@k.no;Helse\n")
    finally:
        t.join()
    assert res.added == ["per"] and "per" in set(load_roster(course)["id"])
