"""Streaming read of a deposited flux: its header ids and the values of each passage.

A thin adapter over lxml's `iterparse` (hardened: no DTD, no entity, no network), used by the
processing, the KO exports and the online correction (values of each passage, with the
certification and certificateur it belongs to). The reception checks take the same ids from the
flux library's validation report (`Report.declared`). Memory stays
flat: every passage element is cleared once read, and its earlier siblings removed.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from passeport.flux import safexml

NAMESPACE = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_NS = "{" + NAMESPACE + "}"
PASSAGE = _NS + "passageCertification"
_CLARK: dict[str, str] = {}  # local name → Clark name, filled as names are read
_IDENTIFICATION_BRANCHES = ("titulaire", "dossierFormation", "identifiantNational")
# What the processing reads of a passage, besides idTechnique and idDossier: the holder's
# identity (reconciliation) and the certification entry (entries.certification_kwargs).
IDENTITY_FIELDS = (
    "nomNaissance",
    "prenom1",
    "prenom2",
    "prenom3",
    "sexe",
    "anneeNaissance",
    "moisNaissance",
    "jourNaissance",
    "codeInsee",
    "codePaysNaissance",
    "nir",
)
CERTIFICATION_FIELDS = (
    "modaliteAcces",
    "urlPreuve",
    "niveauLangueEuropeen",
    "obtentionCertification",
    "dateDebutValidite",
    "dateFinValidite",
    "dateDebutExamen",
    "dateFinExamen",
    "donneeCertifiee",
    "mentionValidee",
    "libelleOption",
    "scoring",
)


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

    @classmethod
    def from_json(cls, certificateurs: list[dict]) -> "Header":
        """The certificateurs as `as_json` stored them (a deposit's `certificateurs`)."""
        return cls(
            certificateurs=[
                Certificateur(
                    id_client=item.get("idClient", ""),
                    id_contrat=item.get("idContrat", ""),
                    certifications=[
                        Certification(
                            type=c.get("type", ""),
                            code=c.get("code", ""),
                            nature_deposant=c.get("natureDeposant", ""),
                        )
                        for c in item.get("certifications", [])
                    ],
                )
                for item in certificateurs
            ]
        )

    def contexts(self) -> list[tuple["Certificateur", "Certification"]]:
        """(certificateur, certification) of each certification, in file order."""
        return [(c, x) for c in self.certificateurs for x in c.certifications]

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


def context_of(contexts: list, index: int) -> tuple["Certificateur", "Certification"]:
    """The `index`-th (certificateur, certification) of `Header.contexts()`, empty ones for a
    certification the declared ids do not have (a file changed under our feet)."""
    return contexts[index] if 0 <= index < len(contexts) else (Certificateur(), Certification())


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
        clark = _CLARK.get(name)
        if clark is None:
            clark = _CLARK[name] = _NS + name
        text = self.values.get(clark)
        return (text.strip() or None) if text else None

    def local_values(self, names) -> dict:
        """Several values at once (as `value` gives them): the hot paths of a large deposit
        read a dozen of each passage, one call each would double the cost."""
        get = self.values.get
        found = {}
        for name in names:
            text = get(_CLARK.get(name) or _NS + name)
            found[name] = (text.strip() or None) if text else None
        return found

    @cached_property
    def id_technique(self) -> str:
        return self.value("idTechnique") or ""


_BRANCH_TAGS = tuple((_NS + name, name) for name in _IDENTIFICATION_BRANCHES)


def passage_values(element: etree._Element) -> tuple[dict, str]:
    """Every element of one passageCertification (Clark name → text), and its identification
    branch. One dict comprehension in C-level iteration: the hot loop of large deposits."""
    values = {child.tag: child.text for child in element.iter()}
    return values, branch_of(values)


def branch_of(values: dict) -> str:
    """The identification branch of a passage's values (Clark name → text), "" for none."""
    return next((name for tag, name in _BRANCH_TAGS if tag in values), "")


def iter_flux(source, *, declared: Header, start_after: int = 0) -> Iterator[Passage]:
    """Passages of the flux in file order, skipping the first `start_after`.

    Only the passages' end events come to Python (one per passage). Their certification and
    certificateur are the n-th of `declared`, the ids the reception's validation read (a
    deposit's `certificateurs`, in file order): the enclosing elements cannot tell, as the CDC
    schema's xs:all lets a certification's code follow its passages.
    """
    contexts = declared.contexts()
    certificateur, certification = Certificateur(), Certification()
    certification_element = None
    index = -1
    events = safexml.iter_events(
        source, events=("end",), tag=PASSAGE, remove_comments=True, remove_pis=True
    )
    for position, (_event, element) in enumerate(events, start=1):
        container = element.getparent()
        found = container.getparent() if container is not None else None
        if found is not None and found is not certification_element:
            certification_element = found
            index += 1
            certificateur, certification = context_of(contexts, index)
        if position > start_after:
            found_values, branch = passage_values(element)
            yield Passage(
                position,
                element.sourceline or 0,
                found_values,
                branch,
                certificateur,
                certification,
            )
        element.clear()
        if container is not None:
            while element.getprevious() is not None:
                del container[0]
