"""Mandates of trusted third parties (habilitations) and the deposit rules they make.

A certifier (the mandator) lets a trusted third party deposit its passages; a flux sent under
a mandate carries émetteur = the third party, certificateur = the mandator and
`natureDeposant=TIERS_CONFIANCE` (XSD `urn:cdc:cpf:pc5:schema:1.0.0`). Operators grant and
revoke mandates from the back office, audited here; the reception of a deposit asks
`flux_ids_errors` whether the ids a flux declares fit the depositor and its mandates in force.
"""

from datetime import date

from django.utils import timezone

from passeport.core.models import AuditEvent

from .models import Certifier, Mandate

NATURE_CERTIFICATEUR = "CERTIFICATEUR"
NATURE_TIERS_CONFIANCE = "TIERS_CONFIANCE"


def allowed_flux_ids(depositor: Certifier, on: date | None = None) -> set[tuple[str, str]]:
    """Every (émetteur idClient, certificateur idClient) pair `depositor` may send, `on` a day.

    - nothing if the depositor is not active;
    - (own, own) for itself, as a certifier (`natureDeposant=CERTIFICATEUR`);
    - (own, mandator) for each active certifier whose mandate to it is in force, when the
      depositor is a trusted third party (`natureDeposant=TIERS_CONFIANCE`).
    The émetteur is always the depositor itself: nobody deposits under another's émetteur id.
    """
    if not depositor.is_active:
        return set()
    pairs = {(depositor.id_client, depositor.id_client)}
    if depositor.is_trusted_third_party:
        mandators = Certifier.objects.active().filter(
            mandates_given__in=Mandate.objects.in_force(on).filter(third_party=depositor)
        )
        pairs.update(
            (depositor.id_client, m) for m in mandators.values_list("id_client", flat=True)
        )
    return pairs


def can_deposit_for(
    emetteur: Certifier, certificateur_id_client: str, on: date | None = None
) -> bool:
    """May `emetteur` (the depositing account) send passages for `certificateur_id_client`?"""
    return (emetteur.id_client, certificateur_id_client) in allowed_flux_ids(emetteur, on)


def expected_nature_deposant(emetteur_id_client: str, certificateur_id_client: str) -> str:
    """`CERTIFICATEUR` when émetteur = certificateur, else `TIERS_CONFIANCE`."""
    if emetteur_id_client == certificateur_id_client:
        return NATURE_CERTIFICATEUR
    return NATURE_TIERS_CONFIANCE


def flux_ids_errors(
    depositor: Certifier,
    emetteur_id_client: str,
    certificateur_id_client: str,
    id_contrat: str | None = None,
    certification_codes=(),
    nature_deposant: str | None = None,
    on: date | None = None,
) -> list[str]:
    """Why a flux's ids do not belong to `depositor` or its mandates (French, for the accusé
    de réception); empty list when they do.

    Checks, in order: the depositor is active; `emetteur/idClient` is the depositor's own;
    `certificateur/idClient` is itself or a mandator in force; `idContrat` (if given) is the
    certificateur's; each certification code (if given) is held by the certificateur;
    `natureDeposant` (if given; optional in the XSD) matches émetteur = / ≠ certificateur.
    """
    if not depositor.is_active:
        return [
            f"Le compte {depositor.id_client} est suspendu : aucun dépôt n'est accepté. "
            "Contactez le support."
        ]
    if emetteur_id_client != depositor.id_client:
        return [
            f"L'idClient émetteur {emetteur_id_client} ne correspond pas au compte déposant "
            f"({depositor.id_client}) : indiquez {depositor.id_client} dans emetteur/idClient."
        ]
    if not can_deposit_for(depositor, certificateur_id_client, on):
        return [
            f"Le compte {depositor.id_client} n'est pas autorisé à déposer pour le certificateur "
            f"{certificateur_id_client} (aucun mandat de tiers de confiance en cours)."
        ]
    errors = []
    certificateur = Certifier.objects.get(id_client=certificateur_id_client)
    if id_contrat is not None and id_contrat != certificateur.id_contrat:
        errors.append(
            f"L'idContrat {id_contrat} ne correspond pas au certificateur "
            f"{certificateur_id_client} (attendu : {certificateur.id_contrat})."
        )
    held = certificateur.certification_codes()
    for code in certification_codes:
        if code not in held:
            errors.append(
                f"La certification {code} n'est pas rattachée au certificateur "
                f"{certificateur_id_client} : demandez son ajout au support."
            )
    if nature_deposant:
        expected = expected_nature_deposant(emetteur_id_client, certificateur_id_client)
        if nature_deposant != expected:
            errors.append(
                f"natureDeposant vaut {nature_deposant} alors que l'émetteur "
                f"{'est' if expected == NATURE_CERTIFICATEUR else 'n’est pas'} le certificateur : "
                f"indiquez {expected}."
            )
    return errors


def grant_mandate(
    mandator: Certifier,
    third_party: Certifier,
    *,
    starts_on: date,
    ends_on: date | None = None,
    actor=None,
) -> Mandate:
    """`mandator` lets `third_party` deposit for it from `starts_on` (to `ends_on`), audited.
    The dates and the third party's status are the form's to check (`Mandate.clean`)."""
    mandate = Mandate.objects.create(
        mandator=mandator,
        third_party=third_party,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    AuditEvent.record(
        "certifiers.mandate_created",
        actor=actor,
        target=mandate,
        mandator=mandator.id_client,
        third_party=third_party.id_client,
    )
    return mandate


def revoke_mandate(mandate: Mandate, *, actor=None) -> bool:
    """End `mandate` now, audited: its third party may no longer deposit for the mandator.
    Revoking it again changes nothing and records nothing; returns whether it was revoked now."""
    if mandate.revoked_at is not None:
        return False
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    mandate.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    AuditEvent.record("certifiers.mandate_revoked", actor=actor, target=mandate)
    return True
