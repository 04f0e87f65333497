"""Hostile and broken input: no entity, no DTD, no network or file access, clear French errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from passeport.flux.samples import flux_from_passages, sample_passage
from passeport.flux.validation import validate_file

SECRET = "CONTENU-SECRET-7f3a9c"


@pytest.fixture
def base() -> bytes:
    passage = sample_passage(0)
    passage["libelleOption"] = "Option échanges internationaux"
    return flux_from_passages([passage, sample_passage(1)])


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _rules(report):
    return [f.rule for f in report.findings if f.severity == "error"]


def _all_text(report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False)


def _with_doctype(base: bytes, doctype: bytes, replace_id_flux: bytes | None = None) -> bytes:
    decl, rest = base.split(b"\n", 1)
    if replace_id_flux:
        rest = rest.replace(b"<cpf:idFlux>flux-test</cpf:idFlux>", replace_id_flux, 1)
    return decl + b"\n" + doctype + b"\n" + rest


def test_xxe_file_entity_is_refused_and_never_read(base, secret_file):
    data = _with_doctype(
        base,
        f'<!DOCTYPE cpf:flux [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'.encode(),
        b"<cpf:idFlux>&xxe;</cpf:idFlux>",
    )
    report = validate_file(data)
    assert _rules(report) == ["XML-DTD"]
    assert SECRET not in _all_text(report)
    assert "DOCTYPE" in report.findings[0].message


def test_xxe_network_entity_is_refused(base):
    data = _with_doctype(
        base,
        b'<!DOCTYPE cpf:flux [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
        b"<cpf:idFlux>&x;</cpf:idFlux>",
    )
    started = time.perf_counter()
    report = validate_file(data)
    assert time.perf_counter() - started < 1
    assert _rules(report) == ["XML-DTD"]


def test_external_dtd_is_not_loaded(base, secret_file):
    data = _with_doctype(base, f'<!DOCTYPE cpf:flux SYSTEM "file://{secret_file}">'.encode())
    report = validate_file(data)
    assert _rules(report) == ["XML-DTD"]
    assert SECRET not in _all_text(report)


def test_parameter_entity_is_refused(base, secret_file):
    data = _with_doctype(
        base,
        f'<!DOCTYPE cpf:flux [<!ENTITY % p SYSTEM "file://{secret_file}"> %p;]>'.encode(),
    )
    report = validate_file(data)
    assert _rules(report) == ["XML-DTD"]
    assert SECRET not in _all_text(report)


def test_billion_laughs_is_refused_fast():
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE cpf:flux [{entities}]>\n'
        '<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0"><cpf:idFlux>&l9;</cpf:idFlux>'
        "</cpf:flux>"
    ).encode()
    started = time.perf_counter()
    report = validate_file(data)
    assert time.perf_counter() - started < 0.5
    assert _rules(report) == ["XML-DTD"]
    assert "haha" not in _all_text(report)


def test_doctype_after_a_megabyte_of_comment_is_still_refused(base, secret_file):
    decl, rest = base.split(b"\n", 1)
    data = (
        decl
        + b"\n<!--"
        + b"x" * (1 << 20)
        + b"-->\n"
        + f'<!DOCTYPE cpf:flux [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'.encode()
        + rest.replace(b"<cpf:idFlux>flux-test</cpf:idFlux>", b"<cpf:idFlux>&xxe;</cpf:idFlux>")
    )
    report = validate_file(data)
    assert _rules(report) == ["XML-DTD"]
    assert SECRET not in _all_text(report)


def test_xxe_through_the_cli_prints_nothing_of_the_file(tmp_path, base, secret_file):
    path = tmp_path / "xxe.xml"
    path.write_bytes(
        _with_doctype(
            base,
            f'<!DOCTYPE cpf:flux [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'.encode(),
            b"<cpf:idFlux>&xxe;</cpf:idFlux>",
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "passeport.flux.cli", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        (lambda b: b.replace(b"</cpf:idTechnique>", b"</cpf:idTech>", 1), "balise fermante"),
        (lambda b: b[: b.index(b"<cpf:mentionValidee")], "tronqué"),
        (lambda b: b[: b.index(b"<cpf:mentionValidee") + 8], "balise ouvrante"),
        (lambda b: b.replace(b">Option ", b">Option A & B ", 1), "&amp;"),
        (lambda b: b.replace(b">Option ", b">Option <1> ", 1), "&lt;"),
        (lambda b: b + b"<autre/>", "contenu suit la fin"),
        (lambda b: b.replace(b">Option ", b">Option \x01 ", 1), "caractère"),
    ],
)
def test_malformed_xml_gives_line_and_column(base, cut, reason):
    data = cut(base)
    report = validate_file(data)
    (finding,) = [f for f in report.findings if f.severity == "error"]
    assert finding.rule == "XML-MAL-FORME"
    assert finding.line and finding.line > 1
    assert f"ligne {finding.line}, colonne " in finding.message
    assert reason in finding.message
    assert "error" not in finding.message.lower()


def test_wrong_encoding_declaration(base):
    data = base.decode("utf-8").encode("cp1252")  # declared UTF-8, saved by Windows
    report = validate_file(data)
    (finding,) = report.findings
    assert finding.rule == "XML-ENCODAGE"
    assert "UTF-8" in finding.message and finding.line


def test_unknown_encoding_name(base):
    report = validate_file(base.replace(b'encoding="UTF-8"', b'encoding="KLINGON"'))
    assert _rules(report) == ["XML-ENCODAGE"]
    assert "inconnu" in report.findings[0].message


@pytest.mark.parametrize(
    ("transform", "warning"),
    [
        (lambda b: b"\xef\xbb\xbf" + b, None),
        (lambda b: b.replace(b"\n", b"\r\n"), None),
        (lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"), None),
        (
            lambda b: (
                b.decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
            ),
            "ISO-8859-1",
        ),
        (
            lambda b: (
                b.decode().replace('encoding="UTF-8"', 'encoding="windows-1252"').encode("cp1252")
            ),
            "windows-1252",
        ),
        (
            lambda b: b.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
            "UTF-16",
        ),
        (lambda b: b.split(b"\n", 1)[1], None),
    ],
)
def test_bom_crlf_and_declared_encodings_are_read(base, transform, warning):
    report = validate_file(transform(base), today=__import__("datetime").date(2026, 1, 15))
    assert report.valid, report.findings
    assert report.passages == 2
    warnings = [f for f in report.findings if f.rule == "XML-ENCODAGE-DECLARE"]
    if warning:
        assert len(warnings) == 1 and warning in warnings[0].message
    else:
        assert warnings == []
    assert [f for f in report.findings if f.rule != "XML-ENCODAGE-DECLARE"] == []


def test_values_with_accents_survive_encodings(base):
    latin = base.decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    seen = []
    validate_file(latin, on_passage=seen.append)
    assert seen[0].values["libelleOption"] == "Option échanges internationaux"


def test_empty_and_blank_files(tmp_path):
    for content in (b"", b"   \n\r\n", b"\xef\xbb\xbf"):
        path = tmp_path / "vide.xml"
        path.write_bytes(content)
        report = validate_file(path)
        assert _rules(report) == ["XML-VIDE"]
        assert not report.readable


def test_missing_file_and_directory(tmp_path):
    report = validate_file(tmp_path / "absent.xml")
    assert _rules(report) == ["XML-ILLISIBLE"] and "introuvable" in report.findings[0].message
    report = validate_file(tmp_path)
    assert _rules(report) == ["XML-ILLISIBLE"] and "dossier" in report.findings[0].message


def test_not_xml_at_all():
    report = validate_file(b"Nom;Prenom;Date\nDupont;Jean;2025-01-01\n")
    assert _rules(report) == ["XML-MAL-FORME"]


def test_wrong_root_stops_early():
    report = validate_file(b'<?xml version="1.0"?><rapport><idFlux>x</idFlux></rapport>')
    assert _rules(report) == ["XSD-RACINE"]
    assert "rapport" in report.findings[0].message


def test_unqualified_passages_are_reported_and_cleared(base):
    data = base.replace(b"cpf:", b"").replace(b'xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0"', b"")
    report = validate_file(data)
    assert _rules(report) == ["XSD-RACINE"]
    inner = base.replace(b"<cpf:passageCertification>", b"<passageCertification>").replace(
        b"</cpf:passageCertification>", b"</passageCertification>"
    )
    report = validate_file(inner)
    assert report.passages == 2
    assert {f.rule for f in report.findings if f.severity == "error"} == {"XSD-ELEMENT-INATTENDU"}
    assert all("espace de noms" in f.message for f in report.findings if f.severity == "error")


def test_deep_nesting_hits_the_parser_limit():
    data = (
        b'<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0">'
        + b"<a>" * 5000
        + b"</a>" * 5000
        + b"</cpf:flux>"
    )
    started = time.perf_counter()
    report = validate_file(data)
    assert time.perf_counter() - started < 1
    assert _rules(report) in (["XML-LIMITE"], ["XML-MAL-FORME"])


def test_stream_sources(base, tmp_path):
    import io

    class NoSeek(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    for source in (io.BytesIO(base), NoSeek(base), io.BufferedReader(NoSeek(base))):
        report = validate_file(source, today=__import__("datetime").date(2026, 1, 15))
        assert report.passages == 2 and report.valid, report.findings
