"""Invitations of certifier users by e-mail: a signed, expiring, single-use link.

The link carries `django.core.signing` data (the invitation id), signed with SECRET_KEY and
timestamped: it is refused after INVITATION_MAX_AGE, once accepted, or once cancelled.
"""

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from passeport.core.models import AuditEvent

from . import notifications
from .models import INVITATION_MAX_AGE, Certifier, Invitation, Membership, Role

_SALT = "passeport.certifiers.invitation"


class InvitationError(Exception):
    """Why an invitation link cannot be used, in French, for the page shown to the user."""


def make_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.pk), salt=_SALT, compress=False)


def invitation_url(invitation: Invitation) -> str:
    return notifications.absolute_url(
        reverse("certifiers:invitation", args=[make_token(invitation)])
    )


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link names; raises InvitationError with the reason."""
    try:
        pk = signing.loads(token, salt=_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvitationError(
            f"Ce lien d'invitation a expiré (il est valable {INVITATION_MAX_AGE.days} jours). "
            "Demandez à l'administrateur de votre organisme de vous inviter à nouveau."
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationError(
            "Ce lien d'invitation est incomplet ou altéré. Copiez-le en entier depuis le message "
            "reçu, ou demandez une nouvelle invitation."
        ) from exc
    invitation = Invitation.objects.select_related("certifier").filter(pk=pk).first()
    if invitation is None or invitation.cancelled_at is not None:
        raise InvitationError(
            "Cette invitation a été annulée. Demandez une nouvelle invitation à l'administrateur "
            "de votre organisme."
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "Cette invitation a déjà été utilisée : connectez-vous avec votre adresse "
            "électronique et votre mot de passe."
        )
    return invitation


@transaction.atomic
def invite(certifier: Certifier, email: str, role: str, *, invited_by=None) -> Invitation:
    """Invite `email` to join `certifier` with `role` and send the e-mail. A pending invitation
    of the same address to the same certifier is replaced (its link stops working)."""
    email = email.strip().lower()
    now = timezone.now()
    Invitation.objects.filter(
        certifier=certifier, email=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    invitation = Invitation.objects.create(
        certifier=certifier, email=email, role=role, invited_by=invited_by
    )
    AuditEvent.record(
        "certifiers.invitation_sent",
        actor=invited_by,
        target=certifier,
        role=role,
        invitation=str(invitation.pk),
    )
    context = {
        "invitation": invitation,
        "certifier": certifier,
        "url": invitation_url(invitation),
        "days": INVITATION_MAX_AGE.days,
        "role": Role(role).label,
    }
    # Sent once the invitation is committed; `invitation.mail_sent` then says whether the mail
    # server took it (None until then), so that callers can say so instead of « envoyée ».
    invitation.mail_sent = None

    def send():
        invitation.mail_sent = notifications.send("invitation", [email], context) > 0

    transaction.on_commit(send)
    return invitation


def cancel(invitation: Invitation, *, actor) -> None:
    if invitation.is_pending:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at", "updated_at"])
        AuditEvent.record("certifiers.invitation_cancelled", actor=actor, target=invitation)


@transaction.atomic
def accept(invitation: Invitation, user) -> Membership:
    """Make `user` a member with the invited role (an existing membership takes that role)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationError("Cette invitation a déjà été utilisée ou annulée.")
    membership, _ = Membership.objects.update_or_create(
        user=user, certifier=invitation.certifier, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user", "updated_at"])
    AuditEvent.record(
        "certifiers.invitation_accepted",
        actor=user,
        target=invitation.certifier,
        role=invitation.role,
    )
    return membership
