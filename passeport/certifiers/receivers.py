"""Listeners of signals sent by lower apps (dependency order: they cannot call us)."""

import logging

from passeport.passport.signals import entry_error_reported

logger = logging.getLogger(__name__)


def open_ticket_for_reported_entry(sender, entry, holder=None, message="", **kwargs):
    """A holder reported an error on a guaranteed certification entry: the certifier that
    deposited it gets a support ticket (PRODUCT.md: support tickets attached to a passage).

    The ticket names the passage by its `idTechnique` and deposit, never by the holder's
    identity: the certifier finds the person in its own records from the passage.
    """
    from . import tickets
    from .models import Certifier, TicketMessage

    certifier = Certifier.objects.filter(id_client=entry.certificateur_id).first()
    if certifier is None:
        logger.warning(
            "Signalement sur l'entrée %s : certificateur %r inconnu, aucun ticket ouvert",
            entry.pk,
            entry.certificateur_id,
        )
        return None
    label = f"{entry.certification_code} {entry.title}".strip()
    body = (
        f"Un titulaire signale une erreur sur la certification « {label} » "
        f"(passage idTechnique {entry.id_technique or 'non renseigné'}).\n\n"
        f"Son message :\n{message or '(aucun message)'}\n\n"
        "Vérifiez vos données ; si elles sont erronées, déposez une correction (même idTechnique "
        "après suppression) puis marquez la demande comme résolue."
    )
    return tickets.open_ticket(
        certifier,
        subject=f"Signalement d'un titulaire : {label}"[:200],
        body=body,
        side=TicketMessage.Side.HOLDER,
        deposit_id=entry.deposit_id,
        id_technique=entry.id_technique,
        passport_entry_id=entry.pk,
    )


def connect() -> None:
    entry_error_reported.connect(
        open_ticket_for_reported_entry, dispatch_uid="certifiers.open_ticket_for_reported_entry"
    )
