"""Deterministic `idTechnique` for passages whose spreadsheet has no such column.

The CDC refuses a second passage with an `idTechnique` it already accepted from the same émetteur
(« … existe déjà en base »). Random ids would turn every re-deposit of the same spreadsheet into
duplicates the CDC cannot recognise; so the id is derived from what identifies the passage:

    key  = "passeport-idtechnique-v1" | certification code | holder | dateDebutValidite
    holder = nomNaissance | prenom1 | anneeNaissance-moisNaissance-jourNaissance  (titulaire)
           | "dossier:" idDossier                                    (dossierFormation)
           | "nir:" nir                                              (identifiantNational)
    idTechnique = UUID version 5 (RFC 9562, SHA-1) of key in the namespace below

Names are folded (case, accents, spaces and punctuation ignored) so that re-typing « Élodie »
as « ELODIE » gives the same id. The same row always gives the same id; two rows with the same
identity, certification and award date are the same passage (the second one is reported as a
duplicate). Documented in docs/construire-un-flux.md.
"""

import hashlib
import uuid

from passeport.flux.normalisation import fold

NAMESPACE = uuid.UUID("5b0c7f1e-3a59-5d0e-9c1a-70a55e9091f1")  # fixed forever: changing it
# would change every derived id and break the recognition of re-deposits.
KEY_VERSION = "passeport-idtechnique-v1"


def identity_key(values: dict[str, str | None]) -> str:
    """The holder part of the key, from normalised element values (by local name)."""
    get = values.get
    if get("nir"):
        return "nir:" + values["nir"].upper()
    if get("idDossier"):
        return "dossier:" + values["idDossier"].strip()
    return (
        f"{fold(get('nomNaissance') or '')}|{fold(get('prenom1') or '')}|"
        f"{(get('anneeNaissance') or '').zfill(2)}-{(get('moisNaissance') or '').zfill(2)}-"
        f"{(get('jourNaissance') or '').zfill(2)}"
    )


def derive_id_technique(values: dict[str, str | None]) -> str:
    """`values`: normalised values of the passage (needs `code`, `dateDebutValidite` + holder)."""
    get = values.get
    return uuid5_text(
        f"{KEY_VERSION}|{(get('code') or '').upper()}|{identity_key(values)}|"
        f"{get('dateDebutValidite') or ''}"
    )


_NAMESPACE_BYTES = NAMESPACE.bytes


def uuid5_text(name: str) -> str:
    """`str(uuid.uuid5(NAMESPACE, name))` without building a UUID object (the build's hot loop;
    tests check both give the same text)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])  # noqa: S324 (RFC 9562 UUIDv5 is defined on SHA-1)
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
