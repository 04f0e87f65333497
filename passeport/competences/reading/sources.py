"""Referential files as the producers publish them: a folder, a zip or a single file.

No Django here: the readers of `rome.py`, `rncp.py` and `esco.py` get their bytes and CSV rows
from this module, and tests call it on the real files of ../shared/referentiels and on damaged
copies. Quirks of the real files (../shared/referentiels/README.md), handled once:

- zip member names stored as UTF-8 without the archive's « language encoding » flag (bit 11 of
  the general-purpose flags, PKWARE APPNOTE 4.4.4): Python then decodes them as code page 437
  (`Blocs_De_Comp├⌐tences`); the UTF-8 bytes are recovered. Some exports store them in Unicode
  NFD (`e` + combining acute): names are compared after NFC normalisation and case folding;
- a file named `…_utf8.csv` that is in fact Windows-1252 (`unix_arborescence_secteur_naf`):
  the whole file is checked as UTF-8, and read as Windows-1252 when it is not — with a warning
  naming the file and the first line concerned. A file that is neither, or that mixes both
  (UTF-8 sequences read as Windows-1252 show as « Ã© »), is refused with its line;
- values padded with a tab inside the quotes (the SIRET columns of France Compétences): every
  value is stripped of surrounding white space;
- doubled apostrophes (`d''affaires`, `l''analyse`) are literal characters in the data, a
  leftover of SQL quoting, not CSV escapes: they are read as one apostrophe.
"""

import codecs
import contextlib
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_UTF8_FLAG = 0x800
_CHUNK = 1 << 20


class ReferentialError(Exception):
    """A file cannot be loaded: the message names the file, the line and what to do."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None, fix: str = ""):
        self.message = message
        self.file = file
        self.line = line
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}, ligne {self.line}" if where else f"ligne {self.line}"
        text = f"{where} : {self.message}" if where else self.message
        return f"{text} {self.fix}".strip() if self.fix else text


def normalised_name(name: str) -> str:
    """The key names are compared on: NFC, case-folded (NFD and NFC names are the same file)."""
    return unicodedata.normalize("NFC", name).casefold()


def _repaired(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        # A genuine code page 437 name (not UTF-8 bytes) keeps Python's reading.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


@dataclass(frozen=True)
class Member:
    """One file of a source: its readable name, size, and how to open its bytes."""

    name: str  # the path inside the source, as a person reads it (repaired, NFC)
    size: int
    opener: Callable[[], BinaryIO] = field(repr=False, compare=False)

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def key(self) -> str:
        return normalised_name(self.basename)

    def open(self) -> BinaryIO:
        try:
            return self.opener()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ReferentialError(
                f"illisible ({exc}) ; l'archive est peut-être tronquée.",
                file=self.name,
                fix="Téléchargez-la de nouveau.",
            ) from None

    def read_bytes(self) -> bytes:
        with self.open() as handle:
            try:
                return handle.read()
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ReferentialError(
                    f"illisible ({exc}) ; l'archive est peut-être tronquée ou abîmée.",
                    file=self.name,
                    fix="Téléchargez-la de nouveau.",
                ) from None


@dataclass
class Source:
    """What `import_referentiel … PATH` points at: its files, whatever the container."""

    path: Path
    members: list[Member]
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def matching(self, pattern: re.Pattern) -> list[tuple[Member, re.Match]]:
        found = []
        for member in self.members:
            match = pattern.fullmatch(member.key)
            if match:
                found.append((member, match))
        return found

    def checksum(self, members: Sequence[Member] | None = None) -> str:
        """SHA-256 over the names and contents of `members` (all by default), in name order."""
        digest = hashlib.sha256()
        for member in sorted(members if members is not None else self.members, key=_by_key):
            digest.update(member.key.encode("utf-8") + b"\0")
            with member.open() as handle:
                try:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise ReferentialError(
                        f"illisible ({exc}) ; l'archive est peut-être tronquée ou abîmée.",
                        file=member.name,
                        fix="Téléchargez-la de nouveau.",
                    ) from None
        return digest.hexdigest()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _by_key(member: Member) -> str:
    return member.key


def open_source(path) -> Source:
    """The files of a folder (recursively), of a zip, or a single file."""
    path = Path(path)
    if not path.exists():
        raise ReferentialError(
            "introuvable.", file=str(path), fix="Vérifiez le chemin du fichier ou du dossier."
        )
    if path.is_dir():
        members = [
            Member(
                name=unicodedata.normalize("NFC", str(child.relative_to(path))),
                size=child.stat().st_size,
                opener=(lambda child=child: child.open("rb")),
            )
            for child in sorted(path.rglob("*"))
            if child.is_file()
        ]
        return Source(path, members)
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
            infos = [info for info in archive.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReferentialError(
                f"archive zip illisible ({exc}).", file=path.name, fix="Téléchargez-la de nouveau."
            ) from None
        members = [
            Member(
                name=_repaired(info),
                size=info.file_size,
                opener=(lambda info=info: archive.open(info)),
            )
            for info in infos
        ]
        return Source(path, members, archive)
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        raise ReferentialError(
            "archive zip tronquée ou abîmée (son répertoire central est introuvable).",
            file=path.name,
            fix="Téléchargez-la de nouveau.",
        )
    return Source(
        path.parent,
        [Member(name=path.name, size=path.stat().st_size, opener=lambda: path.open("rb"))],
    )


# UTF-8 sequences of accented letters read as Windows-1252: « Ã© », « Ã¨ », « Â »…
_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_MOJIBAKE = re.compile(f"[ÂÃ][{re.escape(_CONTINUATION)}]")


@dataclass(frozen=True)
class Text:
    text: str
    encoding: str  # "utf-8" or "cp1252"
    warning: str = ""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(member: Member, data: bytes | None = None) -> Text:
    """The member's text, UTF-8 when it is (BOM dropped), Windows-1252 when it is not."""
    if data is None:
        data = member.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise ReferentialError(
            "le fichier est encodé en UTF-16 (ou n'est pas du texte) : le format officiel est "
            "UTF-8.",
            file=member.name,
            fix="Reprenez le fichier tel que publié par le producteur.",
        )
    try:
        return Text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReferentialError(
            f"octet 0x{data[exc.start]:02X} illisible : le fichier n'est ni en UTF-8 ni en "
            "Windows-1252.",
            file=member.name,
            line=_line_of(data, exc.start),
            fix="Reprenez le fichier tel que publié par le producteur.",
        ) from None
    mixed = _MOJIBAKE.search(text)
    if mixed:
        line = text.count("\n", 0, mixed.start()) + 1
        raise ReferentialError(
            f"mélange d'encodages : « {mixed.group()} » est un caractère UTF-8 lu en "
            f"Windows-1252, alors que la ligne {_line_of(data, first)} n'est pas en UTF-8.",
            file=member.name,
            line=line,
            fix="Le fichier a été modifié ; reprenez-le tel que publié par le producteur.",
        )
    return Text(
        text,
        "cp1252",
        f"{member.name} : annoncé UTF-8 mais encodé en Windows-1252 (dès la ligne "
        f"{_line_of(data, first)}) ; lu en Windows-1252.",
    )


@dataclass(frozen=True)
class Table:
    """A CSV file read by header name: `rows()` yields (line number, {column: value})."""

    member: Member
    header: tuple[str, ...]
    text: Text
    delimiter: str

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.reader(
            io.StringIO(self.text.text, newline=""), delimiter=self.delimiter, strict=True
        )
        width = len(self.header)
        previous = 0
        try:
            next(reader)  # the header, already read
            previous = reader.line_num
            for record in reader:
                line = previous + 1
                previous = reader.line_num
                if not record or record == [""]:
                    continue
                if len(record) != width:
                    raise ReferentialError(
                        f"{len(record)} champ(s) au lieu de {width} : la ligne est tronquée ou "
                        "un guillemet est mal fermé.",
                        file=self.member.name,
                        line=line,
                        fix="Reprenez le fichier tel que publié par le producteur.",
                    )
                yield line, dict(zip(self.header, map(clean, record), strict=True))
        except csv.Error as exc:
            raise ReferentialError(
                f"CSV illisible ({exc}) : le fichier est tronqué ou un guillemet n'est pas fermé.",
                file=self.member.name,
                line=previous + 1,
                fix="Reprenez le fichier tel que publié par le producteur.",
            ) from None


def clean(value: str) -> str:
    """A value as the data means it: surrounding white space (tabs) off, `''` read as `'`."""
    value = value.strip()
    return value.replace("''", "'") if "''" in value else value


def table(member: Member, required: Sequence[str], *, data: bytes | None = None) -> Table:
    """Open a CSV member, its delimiter guessed from the header, its columns checked by name."""
    text = decode(member, data)
    first_line = text.text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        header = next(csv.reader([first_line.rstrip("\r")], delimiter=delimiter))
    except (StopIteration, csv.Error):
        header = []
    header = tuple(column.strip().lstrip("\ufeff") for column in header)
    if not any(header):
        raise ReferentialError(
            "fichier vide ou sans ligne d'en-tête.",
            file=member.name,
            line=1,
            fix="Reprenez le fichier tel que publié par le producteur.",
        )
    missing = [column for column in required if column not in header]
    if missing:
        raise ReferentialError(
            f"colonne(s) absente(s) de l'en-tête : {', '.join(missing)} (colonnes trouvées : "
            f"{', '.join(header)}).",
            file=member.name,
            line=1,
            fix="Ce fichier n'a pas le format attendu ; vérifiez qu'il s'agit du bon fichier.",
        )
    return Table(member, header, text, delimiter)
