"""The CDC schemas: our own files for 1.1.2 and 1.1.5, a user's XSD, version detection.

    schema_file("1.1.5")                 -> Path of passeport/flux/schemas/flux-1.1.5.xsd
    load_schemas("auto"|"1.1.2"|"1.1.5"|"chemin/vers/fichier.xsd", flux=path) -> Schemas
    detect_version(path_or_bytes)        -> "1.1.2" | "1.1.5"

Streaming validation (see validation.py) never validates the whole document at once: it
validates each `passageCertification` as soon as it is parsed, then each `certification` with
its passages already validated (and cleared), then the remaining envelope. `Schemas` holds the
three schemas derived from one XSD for that purpose, all computed from the same source so that a
user-provided official XSD is honoured exactly:

* `passage`: the XSD plus a global element `passageCertification` of the passage's type;
* `certification`: the XSD where the passage element is `xs:anyType`, plus a global element
  `certification`;
* `envelope`: the XSD where the certification element is `xs:anyType` (root `flux`).

Loading an XSD is hardened: no DTD, no entity, no network; `xs:include`, `xs:import` and
`xs:redefine` are refused (the CDC schema is one self-contained file), so compiling a schema
never opens another file or URL.

`auto` picks 1.1.5 when `flux/action` or an `identifiantNational` element appears in the first
megabyte of the file (the flux header and the first passages), else 1.1.2.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from passeport.flux import safexml
from passeport.flux.dictionary import NAMESPACE, VERSIONS

SCHEMA_DIR = Path(__file__).with_name("schemas")
XS = "http://www.w3.org/2001/XMLSchema"
_XS = f"{{{XS}}}"
PEEK_BYTES = 1 << 20


class SchemaError(Exception):
    """A schema cannot be used; the message is French and names the file."""


def schema_file(version: str) -> Path:
    if version not in VERSIONS:
        raise SchemaError(
            f"Version de schéma inconnue : {version!r} (versions connues : {', '.join(VERSIONS)})."
        )
    return SCHEMA_DIR / f"flux-{version}.xsd"


@dataclass(frozen=True)
class Schemas:
    version: str  # "1.1.2", "1.1.5", or the version a user's XSD declares ("inconnue" if none)
    source: str  # file the schemas come from, for messages
    passage: etree.XMLSchema
    certification: etree.XMLSchema
    envelope: etree.XMLSchema
    complete: etree.XMLSchema  # the XSD as written (whole-document validation)

    @property
    def label(self) -> str:
        """ "1.1.2", "1.1.5", or for a user's file "chemin.xsd (version 1.1.2)"."""
        if self.version in VERSIONS and self.source == schema_file(self.version).name:
            return self.version
        return f"{self.source} (version {self.version})"


def load_schemas(choice: str = "auto", *, flux=None) -> Schemas:
    """Schemas for `choice`: a version, "auto" (needs `flux`), or the path of an XSD file."""
    if choice == "auto":
        version = detect_version(flux) if flux is not None else VERSIONS[0]
        return _builtin(version)
    if choice in VERSIONS:
        return _builtin(choice)
    path = Path(choice)
    if not path.is_file():
        raise SchemaError(
            f"Schéma introuvable : « {choice} ». Indiquez 1.1.2, 1.1.5, auto ou le chemin d'un "
            "fichier XSD."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemaError(f"Le schéma « {choice} » ne peut pas être lu ({exc.strerror}).") from exc
    return _derive(data, source=str(path), version=_declared_version(data) or "inconnue")


_PER_THREAD = threading.local()


def _builtin(version: str) -> Schemas:
    """Our schemas, compiled once per thread.

    An lxml XMLSchema keeps the error log of its last validation: two threads validating with
    the same object (the portal's workers) would read each other's errors.
    """
    cache = getattr(_PER_THREAD, "schemas", None)
    if cache is None:
        cache = _PER_THREAD.schemas = {}
    if version not in cache:
        path = schema_file(version)
        cache[version] = _derive(path.read_bytes(), source=path.name, version=version)
    return cache[version]


def _declared_version(data: bytes) -> str | None:
    try:
        root = safexml.fromstring(data)
    except etree.XMLSyntaxError:
        return None
    return root.get("version")


def _parse_xsd(data: bytes, source: str) -> etree._Element:
    try:
        doc = safexml.fromstring(data, remove_comments=True).getroottree()
    except etree.XMLSyntaxError as exc:
        raise SchemaError(
            f"Le schéma « {source} » n'est pas un fichier XML lisible (ligne {exc.lineno}) : "
            "téléchargez à nouveau le fichier XSD officiel."
        ) from exc
    if doc.docinfo.doctype or doc.docinfo.internalDTD is not None:
        raise SchemaError(
            f"Le schéma « {source} » contient une déclaration DOCTYPE, refusée par sécurité."
        )
    root = doc.getroot()
    if root.tag != f"{_XS}schema":
        raise SchemaError(f"« {source} » n'est pas un schéma XSD (élément racine {root.tag}).")
    for tag in ("include", "import", "redefine", "override"):
        if root.find(f"{_XS}{tag}") is not None:
            raise SchemaError(
                f"Le schéma « {source} » fait référence à un autre fichier (xs:{tag}) : refusé, "
                "le schéma CDC est un fichier unique."
            )
    if root.get("targetNamespace") != NAMESPACE:
        raise SchemaError(
            f"Le schéma « {source} » ne décrit pas le flux CDC (espace de noms attendu "
            f"{NAMESPACE}, trouvé {root.get('targetNamespace')!r})."
        )
    return root


def _compile(root: etree._Element, source: str, part: str) -> etree.XMLSchema:
    try:
        return etree.XMLSchema(root)
    except etree.XMLSchemaParseError as exc:
        raise SchemaError(
            f"Le schéma « {source} » n'est pas un XSD valide ({part}) : {exc}"
        ) from exc


def _local_decl(root: etree._Element, name: str) -> etree._Element:
    for decl in root.iter(f"{_XS}element"):
        if decl.get("name") == name and decl.getparent() is not root:
            return decl
    raise SchemaError(
        f"Le schéma ne déclare pas d'élément « {name} » : ce n'est pas le schéma CDC."
    )


def _global_copy(root: etree._Element, decl: etree._Element) -> etree._Element:
    """A global element declaration with the same name and type as a local one."""
    glob = etree.SubElement(root, f"{_XS}element", name=decl.get("name"))
    type_name = decl.get("type")
    if type_name:
        prefix, _, local = type_name.rpartition(":")
        namespace = decl.nsmap.get(prefix or None)
        glob_prefix = next((p for p, ns in root.nsmap.items() if ns == namespace), None)
        if namespace is not None and glob_prefix is None and namespace != XS:
            raise SchemaError("Schéma non pris en charge : préfixe d'espace de noms local.")
        glob.set("type", f"{glob_prefix}:{local}" if glob_prefix else local)
        if decl.get("nillable"):
            glob.set("nillable", decl.get("nillable"))
    else:
        for child in decl:
            glob.append(copy.deepcopy(child))
    return glob


def _make_any(decl: etree._Element) -> None:
    xs_prefix = next(p for p, ns in decl.nsmap.items() if ns == XS)
    for child in list(decl):
        if child.tag in (f"{_XS}complexType", f"{_XS}simpleType"):
            decl.remove(child)
    decl.set("type", f"{xs_prefix}:anyType" if xs_prefix else "anyType")


def _derive(data: bytes, *, source: str, version: str) -> Schemas:
    root = _parse_xsd(data, source)
    complete = _compile(root, source, "schéma complet")

    passage_root = copy.deepcopy(root)
    _global_copy(passage_root, _local_decl(passage_root, "passageCertification"))
    passage = _compile(passage_root, source, "passage")

    cert_root = copy.deepcopy(root)
    _make_any(_local_decl(cert_root, "passageCertification"))
    _global_copy(cert_root, _local_decl(cert_root, "certification"))
    certification = _compile(cert_root, source, "certification")

    env_root = copy.deepcopy(root)
    _make_any(_local_decl(env_root, "certification"))
    envelope = _compile(env_root, source, "enveloppe")
    return Schemas(version, source, passage, certification, envelope, complete)


def detect_version(flux) -> str:
    """1.1.5 when `action` or `identifiantNational` appears in the first megabyte, else 1.1.2.

    `flux`: a path, bytes, or a binary stream (read then rewound when seekable).
    """
    if isinstance(flux, bytes | bytearray):
        head = bytes(flux[:PEEK_BYTES])
    elif hasattr(flux, "read"):
        position = flux.tell() if flux.seekable() else None
        head = flux.read(PEEK_BYTES)
        if position is not None:
            flux.seek(position)
    else:
        try:
            with open(flux, "rb") as handle:
                head = handle.read(PEEK_BYTES)
        except OSError:
            return VERSIONS[0]
    if not any(
        needle.encode(codec) in head
        for needle in ("action", "identifiantNational")
        for codec in ("utf-8", "utf-16-le", "utf-16-be")
    ):
        return "1.1.2"  # neither name appears at all: no need to parse
    parser = safexml.pull_parser(events=("start",))
    wanted = {f"{{{NAMESPACE}}}action", f"{{{NAMESPACE}}}identifiantNational"}
    try:
        parser.feed(head)
        for _event, element in parser.read_events():
            if element.tag in wanted:
                return "1.1.5"
    except etree.XMLSyntaxError:
        for _event, element in parser.read_events():
            if element.tag in wanted:
                return "1.1.5"
    return "1.1.2"
