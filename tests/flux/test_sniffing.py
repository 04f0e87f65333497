"""Files that are not an XML flux are named for what they are (magic numbers, BOMs)."""

import io
import zipfile

import pytest

from passeport.flux import sniffing
from passeport.flux.validation import validate_file


def _zip(member: str, content: bytes = b"x") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "une image PNG"),
        (b"\xff\xd8\xff\xe0", "une image JPEG"),
        (b"%PDF-1.7\n", "un document PDF"),
        (_zip("xl/workbook.xml"), "un classeur Excel (.xlsx)"),
        (
            _zip("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            "un classeur OpenDocument (.ods)",
        ),
        (_zip("flux.xml"), "une archive ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un fichier Office ancien (.xls ou .doc)"),
    ],
)
def test_kinds(head, kind):
    assert sniffing.kind_of_non_xml(head) == kind


def test_xml_is_not_mistaken():
    assert sniffing.kind_of_non_xml(b'<?xml version="1.0"?><flux/>') is None
    assert sniffing.wide_encoding('<?xml version="1.0"?>'.encode("utf-16")) == "UTF-16"
    assert sniffing.wide_encoding(b"<?xml") is None


def test_validation_names_an_image_and_a_huge_comment(tmp_path):
    image = tmp_path / "flux.xml"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    report = validate_file(str(image))
    (finding,) = report.findings
    assert finding.message == f"Le fichier « {image} » est une image PNG, pas un flux XML."
    commented = tmp_path / "commentaire.xml"
    commented.write_bytes(b"<?xml version='1.0'?><!--" + b"x" * (11 * 1024 * 1024) + b"--><a/>")
    report = validate_file(str(commented))
    (finding,) = report.findings
    assert (
        finding.rule == "XML-LIMITE"
        and "un commentaire <!-- … --> dépasse 10 Mo" in finding.message
    )
