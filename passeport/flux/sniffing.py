"""What a file is when it is not an XML flux: told from its first bytes (magic numbers).

A certifier who deposits a spreadsheet, a PDF or an image gets « ce fichier est un classeur
Excel, pas un flux XML » rather than libxml2's « Start tag expected ». Signatures: PNG (ISO/IEC
15948), JPEG, GIF, PDF (ISO 32000), ZIP (PKWARE APPNOTE: xlsx, ods, docx are zip packages),
OLE2 compound files (old .xls/.doc), gzip (RFC 1952); byte-order marks of UTF-16/UTF-32
(Unicode §23.8) for XML saved in another encoding than the UTF-8 the CDC expects.
"""

_ZIP_KINDS = (
    (b"xl/", "un classeur Excel (.xlsx)"),
    (b"application/vnd.oasis.opendocument.spreadsheet", "un classeur OpenDocument (.ods)"),
    (b"word/", "un document Word (.docx)"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"%PDF-", "un document PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un fichier Office ancien (.xls ou .doc)"),
    (b"\x1f\x8b", "une archive compressée (gzip)"),
)
_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def kind_of_non_xml(head: bytes) -> str | None:
    """« une image PNG », « un classeur Excel (.xlsx) »… or None when it may be XML."""
    if head.startswith(b"PK\x03\x04"):
        for marker, kind in _ZIP_KINDS:
            if marker in head[:4096]:
                return kind
        return "une archive ZIP"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def wide_encoding(head: bytes) -> str | None:
    """« UTF-16 » or « UTF-32 » when the file starts with such a byte-order mark."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def not_a_flux_message(file_name: str, kind: str) -> str:
    return (
        f"{file_name} : ce fichier est {kind}, pas un flux XML. Un flux se dépose au format XML "
        "(UTF-8) ; un tableur se transforme en flux avec « passeport flux build » ou se dépose "
        "tel quel depuis « Déposer des fichiers »."
    )


def wide_encoding_message(file_name: str, encoding: str) -> str:
    return (
        f"{file_name} : le fichier est enregistré en {encoding} ; la Caisse des Dépôts attend "
        "de l'UTF-8. Enregistrez le fichier en UTF-8 (dans votre éditeur : « Enregistrer sous », "
        "encodage UTF-8) et déposez-le à nouveau."
    )
