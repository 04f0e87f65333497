"""Streaming writer of CDC flux XML: passages as pre-rendered text, envelope around them.

A passage is rendered once into a string by `PassageRenderer` (a format template per *shape* —
which optional elements are present — compiled on first use from the dictionary, so rendering a
passage is one `str.format` call) and appended to a spill file; the flux is then written
certification by certification (the CDC groups passages by certification), split in several
files when it exceeds `max_passages`. Memory does not grow with the number of passages beyond one
offset per passage.

Element order is the dictionary's (the schema's document order); xs:all allows any order but
certifiers reading the file expect the usual one. Required nillable elements left empty are
written `xsi:nil="true"` (schema: dateFinValidite, scoring, mentionValidee, modaliteAcces,
nomUsage, moisNaissance, jourNaissance, codePostal).
"""

import datetime
import operator
import os
import tempfile
import uuid
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from passeport.flux import dictionary

NS = dictionary.NAMESPACE
XSI = dictionary.XSI_NAMESPACE
MAX_PASSAGES = 200_000  # official maximum per file
MAX_BYTES = 190 * 10**6  # passages per file, below the reported ~200 Mo per file with the envelope
RESULTS_KEY = "resultats"


def escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


@dataclass
class _Node:
    name: str
    key: str
    required: bool
    nillable: bool
    group: bool
    children: list["_Node"]
    choice: bool = False  # a group whose children are the branches of a choice


def _passage_tree(version: str) -> _Node:
    root = _Node("passageCertification", "", True, False, True, [])
    nodes: dict[tuple[str, ...], _Node] = {(): root}
    for f in dictionary.passage_fields(version, leaves_only=False):
        node = _Node(f.name, f.key, f.required, f.nillable, f.is_group, [])
        nodes[f.path] = node
        parent = nodes[f.path[:-1]]
        parent.children.append(node)
        if f.choice:
            parent.choice = True
    return root


class PassageRenderer:
    """Renders a dict {field key: escaped-ready text} of one passage into XML text."""

    def __init__(self, version: str, text_keys: Iterable[str] = ()):
        self.version = version
        self.tree = _passage_tree(version)
        self.text_keys = tuple(text_keys)
        self._templates: dict[frozenset, tuple] = {}

    def render(self, values: dict[str, str], escaped: list[str] | None = None) -> str:
        """`escaped`: the keys whose text holds « & < > » (known from normalisation); None:
        look at every text value."""
        shape = frozenset(values)
        compiled = self._templates.get(shape)
        if compiled is None:
            compiled = self._templates[shape] = self._compile(shape)
        if escaped is None:
            escaped = [
                k for k in self.text_keys
                if k in values and any(c in values[k] for c in "&<>")
            ]  # fmt: skip
        if escaped:
            values = {**values, **{k: escape(values[k]) for k in escaped if k in values}}
        template, get = compiled
        return template % get(values)

    def _compile(self, present: frozenset) -> tuple[str, object]:
        """The passage's XML with a `%s` placeholder for each value, and the getter of those
        values in order (`%` formatting with a C itemgetter is the fastest way Python has to
        fill a template; values are never re-parsed)."""
        keys: list[str] = []
        lines: list[str] = []

        def has_content(node: _Node) -> bool:
            if not node.group:
                return node.key in present
            if node.name == "resultats":
                return RESULTS_KEY in present
            return any(has_content(child) for child in node.children)

        def emit(node: _Node, depth: int) -> None:
            pad = ""  # one element per line, no indentation: files stay under the size limit
            if node.group:
                if node.name == "resultats":
                    keys.append(RESULTS_KEY)  # pre-rendered <resultat> elements
                    lines.append(f"{pad}<cpf:resultats>\0</cpf:resultats>")
                    return
                lines.append(f"{pad}<cpf:{node.name}>")
                children = node.children
                if node.choice:
                    chosen = [c for c in children if has_content(c)]
                    children = chosen[:1] or children[-1:]
                for child in children:
                    if child.group and not has_content(child):
                        if (child.required and not node.choice) or (
                            node.choice and child is children[0]
                        ):
                            emit(child, depth + 1)
                        continue
                    emit(child, depth + 1)
                lines.append(f"{pad}</cpf:{node.name}>")
                return
            if node.key in present:
                keys.append(node.key)
                lines.append(f"{pad}<cpf:{node.name}>\0</cpf:{node.name}>")
            elif node.nillable and node.required:
                lines.append(f'{pad}<cpf:{node.name} xsi:nil="true"/>')

        for child in self.tree.children:
            if child.group and not has_content(child) and not child.required:
                continue
            emit(child, 1)
        # placeholders were marked \0 so that any other « % » is escaped for % formatting
        body = "\n".join(lines).replace("%", "%%").replace("\0", "%s")
        template = f"<cpf:passageCertification>\n{body}\n</cpf:passageCertification>\n"
        if not keys:
            return template, lambda values: ()
        getter = operator.itemgetter(*keys)
        if len(keys) == 1:  # itemgetter of one key returns the value, not a tuple
            return template, lambda values: (getter(values),)
        return template, getter


def render_results(triples: list[tuple[str, str, str]]) -> str:
    parts = []
    for niveau, domaine, competence in triples:
        inner = ""
        if niveau:
            inner += f"<cpf:niveau>{niveau}</cpf:niveau>"
        if domaine:
            inner += f"<cpf:domaineCompetenceId>{escape(domaine)}</cpf:domaineCompetenceId>"
        if competence:
            inner += f"<cpf:competenceId>{escape(competence)}</cpf:competenceId>"
        parts.append(f"<cpf:resultat>{inner}</cpf:resultat>")
    return "".join(parts)


def horodatage_now() -> str:
    """Now in French time with its offset (the CDC's pattern needs ±hh:mm)."""
    try:
        from zoneinfo import ZoneInfo

        now = datetime.datetime.now(ZoneInfo("Europe/Paris"))
    except Exception:  # no tz database: the machine's local offset
        now = datetime.datetime.now().astimezone()
    return now.replace(microsecond=0).isoformat()


@dataclass
class Envelope:
    emetteur: str
    certificateur: str
    contrat: str
    version: str
    action: str = "CREATION"  # 1.1.5 only


def envelope_head(envelope: Envelope, id_flux: str, horodatage: str) -> str:
    action = f"<cpf:action>{envelope.action}</cpf:action>\n" if envelope.version == "1.1.5" else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<cpf:flux xmlns:cpf="{NS}" xmlns:xsi="{XSI}">\n'
        f"<cpf:idFlux>{escape(id_flux)}</cpf:idFlux>\n"
        f"<cpf:horodatage>{horodatage}</cpf:horodatage>\n"
        f"{action}"
        "<cpf:emetteur>\n"
        f"<cpf:idClient>{escape(envelope.emetteur)}</cpf:idClient>\n"
        "<cpf:certificateurs>\n<cpf:certificateur>\n"
        f"<cpf:idClient>{escape(envelope.certificateur)}</cpf:idClient>\n"
        f"<cpf:idContrat>{escape(envelope.contrat)}</cpf:idContrat>\n"
        "<cpf:certifications>\n"
    )


ENVELOPE_TAIL = (
    "</cpf:certifications>\n</cpf:certificateur>\n</cpf:certificateurs>\n"
    "</cpf:emetteur>\n</cpf:flux>\n"
)


def certification_head(type_: str, code: str, nature: str | None) -> str:
    nature_xml = f"<cpf:natureDeposant>{nature}</cpf:natureDeposant>\n" if nature else ""
    return (
        "<cpf:certification>\n"
        f"<cpf:type>{escape(type_)}</cpf:type>\n<cpf:code>{escape(code)}</cpf:code>\n"
        f"{nature_xml}<cpf:passageCertifications>\n"
    )


CERTIFICATION_TAIL = "</cpf:passageCertifications>\n</cpf:certification>\n"


class _Group:
    """The passages of one certification: byte segments in files, in order."""

    __slots__ = ("buffer", "buffered", "code", "lengths", "nature", "own", "segments", "type")

    def __init__(self, code: str, type_: str, nature: str | None):
        self.code, self.type, self.nature = code, type_, nature
        self.lengths = array("I")  # byte length of each passage, in order
        self.segments: list[list] = []  # [path, size]: the passages' bytes, file after file
        self.own: list | None = None  # the segment this process appends to
        self.buffer: list[bytes] = []
        self.buffered = 0

    def flush(self) -> None:
        if self.buffer:
            with open(self.own[0], "ab") as spill:
                spill.write(b"".join(self.buffer))
            self.own[1] += self.buffered
            self.buffer.clear()
            self.buffered = 0


class FluxWriter:
    """Collects rendered passages by certification, then writes one or several flux files.

    A certification's passages are byte segments in temporary files: those rendered here are
    appended to a file of the writer (by blocks of 1 MB), those rendered by a worker process are
    the file it wrote (`add_file`). Writing the flux copies the segments in order, in the kernel
    (`os.sendfile`); memory holds one length per passage."""

    FLUSH_BYTES = 1 << 20

    def __init__(
        self, envelope: Envelope, max_passages: int = MAX_PASSAGES, max_bytes: int = MAX_BYTES
    ):
        self.envelope = envelope
        self.max_passages = max_passages
        self.max_bytes = max_bytes
        self.groups: dict[str, _Group] = {}
        self._dir = tempfile.TemporaryDirectory(prefix="passeport-flux-")
        self.directory = Path(self._dir.name)  # where worker processes write their segments
        self._files = 0
        self.count = 0

    def _group(self, code: str, type_: str, nature: str | None) -> _Group:
        group = self.groups.get(code)
        if group is None:
            group = self.groups[code] = _Group(code, type_, nature)
        elif group.nature is None and nature:
            group.nature = nature
        return group

    def add(self, code: str, type_: str, nature: str | None, passage_xml: str) -> None:
        group = self._group(code, type_, nature)
        if group.own is None:
            self._files += 1
            group.own = [self.directory / f"w{self._files}.part", 0]
            group.segments.append(group.own)
        data = passage_xml.encode()
        group.lengths.append(len(data))
        group.buffer.append(data)
        group.buffered += len(data)
        self.count += 1
        if group.buffered > self.FLUSH_BYTES:
            group.flush()

    def add_file(self, code: str, type_: str, nature: str | None, path: Path, lengths) -> None:
        """Passages already rendered into a file (by a worker process, in `directory`)."""
        group = self._group(code, type_, nature)
        if group.own is not None:
            group.flush()
            group.own = None  # the next passages rendered here start a new segment
        group.lengths.extend(lengths)
        group.segments.append([Path(path), sum(lengths)])
        self.count += len(lengths)

    def _copy(self, out, group: _Group, start: int, size: int) -> None:
        """Copy `size` bytes of the group's passages from byte `start` into `out`."""
        out.flush()
        offset = 0
        for path, length in group.segments:
            if size <= 0:
                break
            if start >= offset + length:
                offset += length
                continue
            begin = start - offset
            count = min(length - begin, size)
            with open(path, "rb") as segment:
                sent = 0
                while sent < count:
                    done = os.sendfile(out.fileno(), segment.fileno(), begin + sent, count - sent)
                    if not done:
                        raise OSError(f"{path} : fichier temporaire tronqué")
                    sent += done
            start += count
            size -= count
            offset += length

    def _pieces(self) -> list[list[tuple["_Group", int, int]]]:
        """(group, first passage, count) pieces of each output file: at most max_passages
        passages and about max_bytes of passages per file (official limits of a deposit)."""
        files: list[list[tuple[_Group, int, int]]] = [[]]
        passages = size = 0
        for group in self.groups.values():
            start = 0
            for position, length in enumerate(group.lengths):
                if passages and (passages >= self.max_passages or size + length > self.max_bytes):
                    if position > start:
                        files[-1].append((group, start, position - start))
                    files.append([])
                    start, passages, size = position, 0, 0
                passages += 1
                size += length
            if len(group.lengths) > start:
                files[-1].append((group, start, len(group.lengths) - start))
        return files

    def output_paths(self, output: Path, parts: int | None = None) -> list[Path]:
        parts = len(self._pieces()) if parts is None else parts
        if parts == 1:
            return [output]
        return [output.with_name(f"{output.stem}-{i}{output.suffix}") for i in range(1, parts + 1)]

    def write(
        self,
        output: str | os.PathLike,
        *,
        id_flux: str | None = None,
        horodatage: str | None = None,
    ) -> list[Path]:
        """Write the flux file(s); returns their paths (`OUT.xml` or `OUT-1.xml`, `OUT-2.xml`…)."""
        for group in self.groups.values():
            group.flush()
        output = Path(output)
        stamp = horodatage or horodatage_now()
        plan = self._pieces()
        paths = self.output_paths(output, len(plan))
        cursor: dict[str, int] = {}  # bytes of each group already written
        try:
            for index, path in enumerate(paths):
                flux_id = id_flux if len(paths) == 1 else None
                if id_flux and len(paths) > 1:
                    flux_id = f"{id_flux[:46]}-{index + 1}"
                tmp = path.with_name(path.name + ".partiel")
                with open(tmp, "wb") as out:
                    head = envelope_head(self.envelope, flux_id or str(uuid.uuid4()), stamp)
                    out.write(head.encode())
                    for group, start, take in plan[index]:
                        out.write(certification_head(group.type, group.code, group.nature).encode())
                        size = sum(group.lengths[start : start + take])
                        begin = cursor.get(group.code, 0)
                        self._copy(out, group, begin, size)
                        cursor[group.code] = begin + size
                        out.write(CERTIFICATION_TAIL.encode())
                    out.write(ENVELOPE_TAIL.encode())
                os.replace(tmp, path)
        finally:
            self.close()
        return paths

    def close(self) -> None:
        self._dir.cleanup()
