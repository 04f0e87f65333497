"""Streaming read of a deposited flux: its header ids and the values of each passage.

A thin adapter over lxml's `iterparse` (hardened: no DTD, no entity, no network), used by the
reception checks (ids of the émetteur, certificateurs and certifications) and by the processing
(values of each passage, with the certification and certificateur it belongs to). Memory stays
flat: every passage element is cleared once read, and its earlier siblings removed.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

NAMESPACE = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_NS = "{" + NAMESPACE + "}"
PASSAGE = _NS + "passageCertification"
_HEADER_TAGS = (
    "idFlux",
    "horodatage",
    "action",
    "idClient",
    "idContrat",
    "type",
    "code",
    "natureDeposant",
)
_IDENTIFICATION_BRANCHES = ("titulaire", "dossierFormation", "identifiantNational")


@dataclass
class Certification:
    type: str = ""
    code: str = ""
    nature_deposant: str = ""


@dataclass
class Certificateur:
    id_client: str = ""
    id_contrat: str = ""
    certifications: list[Certification] = field(default_factory=list)


@dataclass
class Header:
    id_flux: str = ""
    horodatage: str = ""
    action: str = ""
    emetteur: str = ""
    certificateurs: list[Certificateur] = field(default_factory=list)
    passages: int = 0

    def as_json(self) -> list[dict]:
        return [
            {
                "idClient": c.id_client,
                "idContrat": c.id_contrat,
                "certifications": [
                    {"type": x.type, "code": x.code, "natureDeposant": x.nature_deposant}
                    for x in c.certifications
                ],
            }
            for c in self.certificateurs
        ]


@dataclass
class Passage:
    position: int  # 1-based rank in the file
    line: int
    # Every element of the passage, Clark name → text (None for empty/nil elements, whitespace
    # for containers): the very dict the flux library's validator gives its business rules.
    values: dict
    identification: str  # titulaire | dossierFormation | identifiantNational
    certificateur: Certificateur
    certification: Certification

    def value(self, name: str) -> str | None:
        """Text of the element `name` (local name), stripped; None when absent or empty."""
        text = self.values.get(_NS + name)
        return (text.strip() or None) if text else None

    def local_values(self, names) -> dict:
        return {name: self.value(name) for name in names}

    @cached_property
    def id_technique(self) -> str:
        return self.value("idTechnique") or ""


def hardened_iterparse(source, **options):
    return etree.iterparse(
        source,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        **options,
    )


def _local(tag) -> str:
    return tag[len(_NS) :] if isinstance(tag, str) and tag.startswith(_NS) else ""


_BRANCH_TAGS = tuple((_NS + name, name) for name in _IDENTIFICATION_BRANCHES)


def passage_values(element: etree._Element) -> tuple[dict, str]:
    """Every element of one passageCertification (Clark name → text), and its identification
    branch. One dict comprehension in C-level iteration: the hot loop of large deposits."""
    values = {child.tag: child.text for child in element.iter()}
    branch = next((name for tag, name in _BRANCH_TAGS if tag in values), "")
    return values, branch


def iter_flux(
    source,
    *,
    schema: etree.XMLSchema | None = None,
    header: Header | None = None,
    start_after: int = 0,
    values: bool = True,
) -> Iterator[Passage]:
    """Passages of the flux in file order (skipping the first `start_after`), filling `header`.

    With `schema`, libxml2 validates while parsing and raises `etree.XMLSyntaxError` at the
    first violation (used by the reception checks).
    """
    header = header if header is not None else Header()
    tags = [PASSAGE, _NS + "certificateur", _NS + "certification"]
    tags += [_NS + name for name in _HEADER_TAGS]
    options = {"schema": schema} if schema is not None else {}
    certificateur: Certificateur | None = None
    certification: Certification | None = None
    position = 0
    events = hardened_iterparse(source, events=("start", "end"), tag=tags, **options)
    for event, element in events:
        name = _local(element.tag)
        if event == "start":
            # Containers are opened on "start" so that their children may come in any order.
            if name == "certificateur":
                certificateur = Certificateur()
                header.certificateurs.append(certificateur)
                certification = None
            elif name == "certification" and certificateur is not None:
                certification = Certification()
                certificateur.certifications.append(certification)
            continue
        if name in ("certificateur", "certification"):
            continue
        if name == "passageCertification":
            position += 1
            header.passages = position
            if position > start_after:
                found, branch = passage_values(element) if values else ({}, "")
                yield Passage(
                    position,
                    element.sourceline or 0,
                    found,
                    branch,
                    certificateur or Certificateur(),
                    certification or Certification(),
                )
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            continue
        parent = _local(element.getparent().tag) if element.getparent() is not None else ""
        text = (element.text or "").strip()
        if parent == "flux":
            if name == "idFlux":
                header.id_flux = text
            elif name == "horodatage":
                header.horodatage = text
            elif name == "action":
                header.action = text
        elif parent == "emetteur" and name == "idClient":
            header.emetteur = text
        elif parent == "certificateur" and certificateur is not None:
            if name == "idClient":
                certificateur.id_client = text
            elif name == "idContrat":
                certificateur.id_contrat = text
        elif parent == "certification" and certification is not None:
            if name == "type":
                certification.type = text
            elif name == "code":
                certification.code = text
            elif name == "natureDeposant":
                certification.nature_deposant = text
