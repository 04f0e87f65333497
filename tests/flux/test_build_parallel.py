"""Large xlsx: read by chunks (bounded memory) and processed by worker processes; the result
is the same as the sequential build."""

import datetime

import openpyxl
import pytest
from lxml import etree

from passeport.flux import building_parallel
from passeport.flux.building import build_flux
from passeport.flux.spreadsheets import open_table
from passeport.flux.xlsx_chunks import XlsxChunks

IDS = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "2560080000127J"}
HEADERS = ["Code RNCP", "Nom de naissance", "Prénom", "Sexe", "Date de naissance", "Date du jury",
           "Mode d'obtention", "Donnée certifiée", "Code INSEE", "Libellé de l'option"]  # fmt: skip


def workbook(path, count, duplicates=(), bad=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Mes passages"
    sheet.append(["Extraction du 01/09/2026"])  # a title row above the headers
    sheet.append(HEADERS)
    for i in range(count):
        n = i if i not in duplicates else 0
        sheet.append([
            ["RNCP19117", "RS5262", "RNCP35185"][n % 3], f"Nom{n}", "Léa", "F",
            datetime.date(1990, 1, 1) + datetime.timedelta(days=n % 3000),
            datetime.date(2026, 9, 1), "PAR_ADMISSION", "Oui" if i not in bad else "Peut-être",
            1053.0, "A & B" if i % 7 == 0 else None,
        ])  # fmt: skip
        if i == 30:
            sheet.append([])  # an empty row in the middle
    book.create_sheet("Notes").append(["rien"])
    book.save(path)
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(building_parallel, "CHUNK_BYTES", 4000)
    monkeypatch.setattr(building_parallel, "FIRST_CHUNK_ROWS", 5)


def test_chunks_give_the_same_rows_as_calamine(tmp_path):
    path = workbook(tmp_path / "in.xlsx", 130)
    whole = [(line, row) for line, row in open_table(path).rows if any(v != "" for v in row)]
    chunks = XlsxChunks(path, chunk_bytes=4000, first_chunk_rows=5)
    pieces = list(chunks)
    assert len(pieces) > 5
    read = [(line, row) for piece in pieces for line, row in chunks.rows(piece)
            if any(v != "" for v in row)]  # fmt: skip
    assert read == whole
    assert chunks.sheet_name == "Mes passages"


def test_parallel_build_equals_sequential(tmp_path, small_chunks, flux_schema_112):
    path = workbook(tmp_path / "in.xlsx", 130, duplicates={50, 120}, bad={7, 77})
    stamp = {"id_flux": "f", "horodatage": "2026-09-02T10:00:00+02:00"}
    sequential = build_flux(path, tmp_path / "seq.xml", parallel=False, **IDS, **stamp)
    parallel = build_flux(path, tmp_path / "par.xml", parallel=True, **IDS, **stamp)
    assert (tmp_path / "seq.xml").read_bytes() == (tmp_path / "par.xml").read_bytes()
    assert parallel.written == sequential.written == 126
    assert [(r.line, r.values, [a.rule for a in r.anomalies]) for r in parallel.rejected] == [
        (r.line, r.values, [a.rule for a in r.anomalies]) for r in sequential.rejected
    ]
    assert {r.line for r in parallel.rejected} == {10, 54, 81, 124}
    duplicate = next(r for r in parallel.rejected if r.line == 124)
    assert duplicate.values[1] == "Nom0"  # values read again for a duplicate of another chunk
    assert parallel.id_techniques == sequential.id_techniques
    assert [(c.column, c.change, c.count) for c in parallel.changes] == [
        (c.column, c.change, c.count) for c in sequential.changes
    ]
    assert flux_schema_112.validate(etree.parse(str(tmp_path / "par.xml")))


def test_parallel_split_files(tmp_path, small_chunks):
    path = workbook(tmp_path / "in.xlsx", 130)
    result = build_flux(path, tmp_path / "flux.xml", parallel=True, max_passages=50, **IDS)
    assert [p.name for p in result.files] == ["flux-1.xml", "flux-2.xml", "flux-3.xml"]
    counts = [
        len(etree.parse(str(p)).getroot().findall(".//{*}passageCertification"))
        for p in result.files
    ]
    assert counts == [50, 50, 30]


def test_not_a_zip_falls_back_to_a_clear_error(tmp_path, capsys):
    (tmp_path / "faux.xlsx").write_bytes(b"PK\x03\x04 pas vraiment un zip" * 100)
    result = build_flux(tmp_path / "faux.xlsx", tmp_path / "o.xml", parallel=True, **IDS)
    assert result.exit_code == 2
    assert "illisible" in result.errors[0]


def test_parallel_build_from_a_threaded_process(tmp_path, small_chunks):
    """A web server or task worker has threads: the workers then come from a fork server."""
    import threading

    path = workbook(tmp_path / "in.xlsx", 60)
    results = []
    thread = threading.Thread(
        target=lambda: results.append(build_flux(path, tmp_path / "t.xml", parallel=True, **IDS))
    )
    thread.start()
    thread.join()
    assert results[0].written == 60
    sequential = build_flux(path, tmp_path / "s.xml", parallel=False, **IDS)
    assert results[0].id_techniques == sequential.id_techniques


def to_shared_strings(source, target):
    """The workbook as Excel writes it: text cells as indices into xl/sharedStrings.xml."""
    import re
    import zipfile

    strings, index = [], {}

    def shared(match):
        number = index.setdefault(match.group(2), len(strings))
        if number == len(strings):
            strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{number}</v></c>'

    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(r'<c r="([A-Z]+\d+)"[^>]*t="inlineStr"[^>]*><is><t[^>]*>(.*?)</t></is></c>',
                              shared, data.decode()).encode()  # fmt: skip
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://'
                                    b"schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                    b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')  # fmt: skip
            out.writestr(item.filename, data)
        out.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>",
        )  # fmt: skip
    return target


def test_shared_strings_and_empty_first_column(tmp_path, small_chunks):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, *HEADERS])  # column A stays empty: calamine starts its range at B
    for i in range(90):
        sheet.append([None, "RS5262", f"Nom{i}", "Zoé", "F", f"0{1 + i % 9}/03/1990", "01/09/2026",
                      "PAR_ADMISSION", "Oui", "31555", None])  # fmt: skip
    book.save(tmp_path / "inline.xlsx")
    path = to_shared_strings(tmp_path / "inline.xlsx", tmp_path / "excel.xlsx")
    stamp = {"id_flux": "f", "horodatage": "2026-09-02T10:00:00+02:00"}
    sequential = build_flux(path, tmp_path / "seq.xml", parallel=False, **IDS, **stamp)
    parallel = build_flux(path, tmp_path / "par.xml", parallel=True, **IDS, **stamp)
    assert sequential.written == parallel.written == 90, (
        sequential.errors,
        sequential.rejected[:1],
    )
    assert parallel.id_techniques == sequential.id_techniques
    assert (tmp_path / "seq.xml").read_bytes() == (tmp_path / "par.xml").read_bytes()
    assert b"<cpf:nomNaissance>Nom89</cpf:nomNaissance>" in (tmp_path / "par.xml").read_bytes()


_REAL_WORKER_CHUNK = building_parallel.worker_chunk


def _dying_worker_chunk(chunk, index):
    import os
    import signal

    if index == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return _REAL_WORKER_CHUNK(chunk, index)


# multiprocessing.Pool replaces a dead worker by forking from its own handler thread: Python
# warns about forking a multi-threaded process, which is what this test provokes.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_dead_worker_does_not_hang_the_build(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(building_parallel, "CHUNK_TIMEOUT", 5)
    monkeypatch.setattr(building_parallel, "worker_chunk", _dying_worker_chunk)
    path = workbook(tmp_path / "in.xlsx", 130)
    result = build_flux(path, tmp_path / "f.xml", parallel=True, **IDS)
    assert result.exit_code == 2
    assert "n'a pas abouti" in result.errors[0]
    assert not (tmp_path / "f.xml").exists()
