"""Everything held about a person, for the holder's download and `export_passport` (RGPD art. 15).

One function builds the content; the JSON download, the readable HTML page and the operator's
command all render it, so they cannot disagree.
"""

import json

from django.utils import timezone

from .access import access_logs_of
from .models import AccessLog, Entry, Holder
from .signals import export_sections

FORMAT_VERSION = "1.0"


def _entry(entry: Entry) -> dict:
    return {
        "id": str(entry.pk),
        "nature": entry.kind,
        "nature_libelle": entry.get_kind_display(),
        "niveau_de_confiance": entry.trust,
        "niveau_de_confiance_libelle": entry.get_trust_display(),
        "source": entry.source,
        "source_libelle": entry.get_source_display(),
        "reference_source": entry.source_reference,
        "intitule": entry.title,
        "organisme": entry.organisation,
        "date_debut": entry.start_date.isoformat() if entry.start_date else None,
        "date_fin": entry.end_date.isoformat() if entry.end_date else None,
        "date_obtention": entry.award_date.isoformat() if entry.award_date else None,
        "date_expiration": entry.expires_on.isoformat() if entry.expires_on else None,
        "certification": (
            {
                "type": entry.certification_type,
                "code": entry.certification_code,
                "id_client_emetteur": entry.emetteur_id,
                "id_client_certificateur": entry.certificateur_id,
                "idTechnique": entry.id_technique,
                "provisoire": entry.provisional,
                "depot": str(entry.deposit_id) if entry.deposit_id else None,
                "idFlux": entry.flux_id,
            }
            if entry.kind == Entry.Kind.CERTIFICATION and entry.is_guaranteed
            else None
        ),
        "details": entry.details,
        "retiree_le": entry.withdrawn_at.isoformat() if entry.withdrawn_at else None,
        "motif_retrait": entry.withdrawal_reason,
        "justificatifs": [
            {
                "id": str(document.pk),
                "nom": document.original_name,
                "type": document.content_type,
                "taille_octets": document.size,
                "sha256": document.sha256,
                "ajoute_le": document.created_at.isoformat(),
            }
            for document in entry.documents.all()
        ],
        "cree_le": entry.created_at.isoformat(),
        "modifie_le": entry.updated_at.isoformat(),
    }


def _access(log: AccessLog) -> dict:
    return {
        "date": log.created_at.isoformat(),
        "qui": log.accessor_label,
        "par": log.get_channel_display(),
        "pourquoi": log.purpose,
    }


def passport_data(*, holder: Holder | None = None, person_id=None) -> dict:
    """All the data about the holder (account, pivot identity, entries, documents, accesses)."""
    if holder is None and person_id is not None:
        holder = Holder.objects.select_related("user").filter(person_id=person_id).first()
    if holder is not None:
        person_id = holder.person_id
        entries = Entry.objects.filter(holder=holder)
        if person_id:
            entries = entries | Entry.objects.filter(person_id=person_id)
        accesses = access_logs_of(holder)
    else:
        entries = Entry.objects.filter(person_id=person_id)
        accesses = AccessLog.objects.filter(person_id=person_id).order_by("-created_at")
    entries = entries.prefetch_related("documents").order_by("kind", "-award_date", "title")
    account = None
    if holder is not None:
        account = {
            "adresse_electronique": holder.user.email,
            "prenom": holder.pivot.get("given_name", holder.user.first_name),
            "nom": holder.pivot.get("family_name", holder.user.last_name),
            "date_naissance": holder.birth_date.isoformat() if holder.birth_date else None,
            "rattachement": holder.get_link_status_display(),
            "rattache_le": holder.linked_at.isoformat() if holder.linked_at else None,
            "identite_pivot_franceconnect": json.loads(holder.pivot_identity or "{}"),
            "compte_cree_le": holder.created_at.isoformat(),
        }
    data = {
        "format": f"passeport-export/{FORMAT_VERSION}",
        "genere_le": timezone.now().isoformat(),
        "compte": account,
        "personne_du_registre": str(person_id) if person_id else None,
        "entrees": [_entry(entry) for entry in entries],
        "consultations": [_access(log) for log in accesses],
    }
    # Sections of higher apps (the proofs app's credentials as issued…), by signal.
    for _receiver, sections in export_sections.send(
        sender=Holder, holder=holder, person_id=person_id
    ):
        data.update(sections or {})
    return data


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
