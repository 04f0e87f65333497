"""The CDC's accusé de traitement: read one, write one in the exact same format.

Format (real accusés returned by the CDC): an unqualified root `rapport` declaring the unused
prefix `ns2` = `urn:cdc:cpf:pc5:rapport:schema`, then `nomFichier`, `idFlux`, `idTraitement`,
`PassagesKO/passage{idTechnique, messageErreur}` and `PassagesOK/idTechnique`, indented by four
spaces. `write_accuse` reproduces that byte for byte, so the deposit portal's accusés look like
the CDC's to certifiers' tools.

Parsing is hardened (rule of the project: no DTD, no entity, no network): a document type
declaration is refused outright.
"""

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from passeport.flux import safexml
from passeport.flux.cdc_messages import Explanation, explain

RAPPORT_NAMESPACE = "urn:cdc:cpf:pc5:rapport:schema"
MAX_ACCUSE_BYTES = 512 * 1024 * 1024


class AccuseError(ValueError):
    """An accusé that cannot be read; the message is French and names the file."""


@dataclass(frozen=True)
class RejectedPassage:
    id_technique: str
    message: str

    @property
    def explanation(self) -> Explanation:
        return explain(self.message)


@dataclass
class Accuse:
    nom_fichier: str
    id_flux: str
    id_traitement: str
    rejected: list[RejectedPassage] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rejected) + len(self.accepted)

    def rejected_by_code(self) -> dict[str, list[RejectedPassage]]:
        groups: dict[str, list[RejectedPassage]] = {}
        for passage in self.rejected:
            groups.setdefault(passage.explanation.code, []).append(passage)
        return groups


def parse_hardened(data: bytes, name: str) -> etree._Element:
    """Parse bytes; refuse any DOCTYPE (entities, external DTDs) with a French message."""
    try:
        root = safexml.fromstring(data, remove_blank_text=True)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or "?"
        column = getattr(exc, "offset", None) or "?"
        raise AccuseError(
            f"{name} : XML mal formé, ligne {line}, colonne {column} ({exc.msg}). "
            "Vérifiez que le fichier est bien l'accusé téléchargé, sans modification."
        ) from None
    if root.getroottree().docinfo.doctype:
        raise AccuseError(
            f"{name} : le fichier contient une déclaration DOCTYPE, refusée par sécurité "
            "(entités et DTD externes interdites). Un accusé de la Caisse des Dépôts n'en "
            "contient pas."
        )
    return root


def _text(element: etree._Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def read_accuse(source: str | os.PathLike | bytes) -> Accuse:
    """Read an accusé de traitement from a path or bytes. Raises `AccuseError`."""
    if isinstance(source, bytes):
        name, data = "accusé", source
    else:
        name = str(source)
        try:
            if os.path.getsize(source) > MAX_ACCUSE_BYTES:
                raise AccuseError(f"{name} : fichier trop volumineux pour un accusé.")
            data = Path(source).read_bytes()
        except OSError as exc:
            raise AccuseError(f"{name} : lecture impossible ({exc.strerror}).") from None
    root = parse_hardened(data, name)
    if etree.QName(root).localname != "rapport":
        raise AccuseError(
            f"{name} : ce n'est pas un accusé de traitement (élément racine "
            f"« {etree.QName(root).localname} » au lieu de « rapport »). "
            "Un flux déposé se vérifie avec « passeport flux validate »."
        )

    def child(parent, local):
        for element in parent:
            if isinstance(element.tag, str) and etree.QName(element).localname == local:
                yield element

    def first(parent, local):
        return next(child(parent, local), None)

    rejected: list[RejectedPassage] = []
    for group in child(root, "PassagesKO"):
        for passage in child(group, "passage"):
            id_technique = _text(first(passage, "idTechnique"))
            if not id_technique:
                raise AccuseError(
                    f"{name}, ligne {passage.sourceline} : passage rejeté sans idTechnique."
                )
            rejected.append(RejectedPassage(id_technique, _text(first(passage, "messageErreur"))))
    accepted = [
        _text(e) for group in child(root, "PassagesOK") for e in child(group, "idTechnique")
    ]
    return Accuse(
        nom_fichier=_text(first(root, "nomFichier")),
        id_flux=_text(first(root, "idFlux")),
        id_traitement=_text(first(root, "idTraitement")),
        rejected=rejected,
        accepted=accepted,
    )


def _escape(value: str) -> str:
    # Text content only: the CDC writes apostrophes and quotes literally.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def iter_accuse_lines(accuse: Accuse) -> Iterable[str]:
    indent = "    "
    yield '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    yield f'<rapport xmlns:ns2="{RAPPORT_NAMESPACE}">\n'
    yield f"{indent}<nomFichier>{_escape(accuse.nom_fichier)}</nomFichier>\n"
    yield f"{indent}<idFlux>{_escape(accuse.id_flux)}</idFlux>\n"
    yield f"{indent}<idTraitement>{_escape(str(accuse.id_traitement))}</idTraitement>\n"
    if accuse.rejected:
        yield f"{indent}<PassagesKO>\n"
        for passage in accuse.rejected:
            yield f"{indent * 2}<passage>\n"
            yield f"{indent * 3}<idTechnique>{_escape(passage.id_technique)}</idTechnique>\n"
            yield f"{indent * 3}<messageErreur>{_escape(passage.message)}</messageErreur>\n"
            yield f"{indent * 2}</passage>\n"
        yield f"{indent}</PassagesKO>\n"
    else:
        yield f"{indent}<PassagesKO/>\n"
    if accuse.accepted:
        yield f"{indent}<PassagesOK>\n"
        for id_technique in accuse.accepted:
            yield f"{indent * 2}<idTechnique>{_escape(id_technique)}</idTechnique>\n"
        yield f"{indent}</PassagesOK>\n"
    else:
        yield f"{indent}<PassagesOK/>\n"
    yield "</rapport>\n"


def write_accuse(accuse: Accuse, destination: str | os.PathLike | None = None) -> bytes:
    """Serialise `accuse` in the CDC's format; write it to `destination` when given."""
    data = "".join(iter_accuse_lines(accuse)).encode("utf-8")
    if destination is not None:
        Path(destination).write_bytes(data)
    return data


def accuse_filename(nom_fichier: str, day: datetime.date) -> str:
    """Download name used by the CDC: `Accusé de traitement_<nomFichier>_<AAAAMMJJ>.xml`."""
    return f"Accusé de traitement_{nom_fichier}_{day:%Y%m%d}.xml"
