"""Read a large xlsx in bounded memory, by chunks of rows that python-calamine reads one at a time.

python-calamine (Rust) is the fastest reader available to Python, but it loads a whole worksheet
in memory: about 600 MB for 200 000 rows of 40 columns, above the 300 MB budget of `flux build`.
So the worksheet part (`xl/worksheets/sheetN.xml`) is decompressed as a stream and cut between
rows — after a `</row>` end tag, which cannot occur inside cell text (it would be escaped
`&lt;/row&gt;`) — and each slice of rows becomes a small xlsx of its own (same workbook, styles
and shared strings, stored without compression) that calamine reads. Cells keep their `r`
references, so calamine reports the same row numbers as on the whole file and types dates with
the same styles. This is framing, not XML parsing: every cell is still read by calamine.

Files that cannot be cut safely (rows without `r` references, unusual packaging) are read whole
(`ChunkingUnsupported`).
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from passeport.flux import safexml

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_BLOCK = 4 << 20
_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*/>")
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="' + MAIN_NS.encode() + b'"><sheetData/></worksheet>'
)


class ChunkingUnsupported(Exception):
    """This workbook cannot be cut into chunks: read it whole."""


def first_visible_sheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(sheet name, part path inside the zip) of the first visible worksheet."""
    try:
        workbook = safexml.fromstring(archive.read("xl/workbook.xml"))
        rels = safexml.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise ChunkingUnsupported(str(exc)) from None
    targets = {
        r.get("Id"): r.get("Target")
        for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
        if r.get("Type", "").endswith("/worksheet")
    }
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        if sheet.get("state", "visible") != "visible":
            continue
        target = targets.get(sheet.get(f"{{{REL_NS}}}id"))
        if target is None:
            continue  # a chartsheet or a dialog sheet
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        return sheet.get("name"), path
    raise ChunkingUnsupported("no visible worksheet")


class XlsxChunks:
    """Iterate over slices of the sheet's rows (worksheet XML, bytes): the first
    `first_chunk_rows` rows, then slices of about `chunk_bytes`; `rows(slice)` reads one."""

    def __init__(self, path, chunk_bytes: int = 16 << 20, first_chunk_rows: int = 200):
        self.path = path
        self.chunk_bytes = chunk_bytes
        self.first_chunk_rows = first_chunk_rows
        self.archive = zipfile.ZipFile(path)
        self.sheet_name, self.sheet_part = first_visible_sheet(self.archive)
        names = self.archive.namelist()
        if self.sheet_part not in names:
            raise ChunkingUnsupported(f"missing part {self.sheet_part}")
        worksheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        # Every other part is copied as is (small), other worksheets are emptied.
        self.parts = {
            n: (_EMPTY_SHEET if n in worksheets else self.archive.read(n))
            for n in names
            if n != self.sheet_part and not n.endswith("/")
        }

    def close(self) -> None:
        self.archive.close()

    def _package(self, head: bytes, rows, tail: bytes) -> bytes:
        """A slice of the worksheet XML (the rows between the sheet's head and tail)."""
        return b"".join((head, rows, tail))

    def package(self, sheet_xml: bytes, target) -> None:
        """Write the xlsx calamine reads for one slice to `target` (a path): every other part
        copied, stored uncompressed. Written to a file, not to memory, so that neither Python
        nor calamine holds copies of it (calamine reads a path lazily)."""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
            for name, data in self.parts.items():
                out.writestr(name, data)
            out.writestr(self.sheet_part, sheet_xml)

    def rows(self, sheet_xml: bytes, scratch=None):
        """(line, values) rows of one slice, read by calamine; `scratch`: the file to use."""
        import os
        import tempfile

        if scratch is None:
            handle, name = tempfile.mkstemp(prefix="passeport-tranche-", suffix=".xlsx")
            os.close(handle)
        else:
            name = str(scratch)
        try:
            self.package(sheet_xml, name)
            yield from chunk_rows(name, self.sheet_name)
        finally:
            if scratch is None:
                os.unlink(name)

    def __iter__(self) -> Iterator[bytes]:
        with self.archive.open(self.sheet_part) as stream:
            buffer = bytearray()
            match = None
            while match is None:
                block = stream.read(_BLOCK)
                if not block:
                    raise ChunkingUnsupported("no sheetData")
                buffer += block
                match = _SHEET_DATA.search(buffer)
            prefix_ns = match.group(1) or b""
            head = _DIMENSION.sub(b"", bytes(buffer[: match.end()]))
            if match.group(2):  # <sheetData/>: no rows at all
                yield self._package(bytes(buffer), b"", b"")
                return
            row_end = b"</" + prefix_ns + b"row>"
            data_end = b"</" + prefix_ns + b"sheetData>"
            tail = b"</" + prefix_ns + b"sheetData></" + prefix_ns + b"worksheet>"
            del buffer[: match.end()]
            while len(buffer) < 4096 and (block := stream.read(_BLOCK)):
                buffer += block
            first_row = bytes(buffer[:200])
            if b"<" + prefix_ns + b"row" in first_row and b' r="' not in first_row:
                raise ChunkingUnsupported("rows without references")
            # the first chunk: a few rows only (the header row is looked for there)
            cut = 0
            for _ in range(self.first_chunk_rows):
                found = buffer.find(row_end, cut)
                if found < 0:
                    break
                cut = found + len(row_end)
            if cut:
                yield self._package(head, memoryview(buffer)[:cut], tail)
                del buffer[:cut]
            while True:
                while len(buffer) < self.chunk_bytes and (block := stream.read(_BLOCK)):
                    buffer += block
                end = buffer.find(data_end, 0, self.chunk_bytes + len(data_end))
                if end >= 0:  # the last rows
                    if buffer[:end].strip():
                        yield self._package(head, memoryview(buffer)[:end], tail)
                    return
                cut = buffer.rfind(row_end, 0, self.chunk_bytes)
                if cut < 0:
                    if len(buffer) < self.chunk_bytes:
                        raise ChunkingUnsupported("truncated sheet")
                    self.chunk_bytes *= 2  # a single huge row: read further
                    continue
                cut += len(row_end)
                with memoryview(buffer) as view:
                    chunk = self._package(head, view[:cut], tail)
                del buffer[:cut]
                yield chunk


def chunk_rows(chunk, sheet_name: str):
    """(line, values) rows of one chunk (a path, or xlsx bytes), with the line numbers of the
    whole sheet."""
    import python_calamine

    if isinstance(chunk, bytes):
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(chunk))
    else:
        workbook = python_calamine.CalamineWorkbook.from_path(str(chunk))
    sheet = workbook.get_sheet_by_name(sheet_name)
    if not sheet.height:
        return
    # to_python() starts at the first non-empty row and column (iter_rows would yield every
    # empty row above the chunk): line numbers and column positions are re-based on A1.
    first = sheet.start[0] + 1
    first_column = sheet.start[1]
    data = sheet.to_python()
    del sheet, workbook  # the Rust side (cells, shared strings) is freed before processing
    for offset, values in enumerate(data):
        yield first + offset, ([""] * first_column + values) if first_column else values
