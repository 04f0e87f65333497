"""Support tickets: opening, threaded replies, statuses and the e-mails they trigger.

Statuses follow who must act: a message from the support puts the ticket « en attente du
certificateur », a message from the certifier « en attente du support »; either side may mark
it resolved, and a new message reopens it.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from passeport.core.models import AuditEvent

from . import notifications
from .models import Certifier, Role, Ticket, TicketMessage

Side = TicketMessage.Side

STATUS_AFTER_MESSAGE = {
    Side.OPERATOR: Ticket.Status.WAITING_CERTIFIER,
    Side.CERTIFIER: Ticket.Status.WAITING_SUPPORT,
    Side.HOLDER: Ticket.Status.OPEN,
    Side.SYSTEM: Ticket.Status.OPEN,
}


def certifier_recipients(ticket: Ticket) -> set[str]:
    """Who hears of support replies: whoever opened the ticket (if still a member), the
    certifier's administrators, and its business contact."""
    members = ticket.certifier.memberships.select_related("user").filter(user__is_active=True)
    emails = {m.user.email for m in members if m.role == Role.ADMINISTRATOR}
    if ticket.opened_by_id and members.filter(user_id=ticket.opened_by_id).exists():
        emails.add(ticket.opened_by.email)
    if ticket.certifier.contact_email:
        emails.add(ticket.certifier.contact_email)
    return emails


def _notify(ticket: Ticket, message: TicketMessage) -> None:
    context = {"ticket": ticket, "message": message}
    if message.side == Side.OPERATOR:
        context["url"] = notifications.absolute_url(
            reverse("certifiers:ticket", args=[ticket.certifier_id, ticket.pk])
        )
        notifications.send("ticket_reply_to_certifier", certifier_recipients(ticket), context)
    else:
        context["url"] = notifications.absolute_url(reverse("backoffice:ticket", args=[ticket.pk]))
        notifications.send("ticket_message_to_support", [notifications.support_address()], context)
        if message.side in (Side.HOLDER, Side.SYSTEM):
            context["url"] = notifications.absolute_url(
                reverse("certifiers:ticket", args=[ticket.certifier_id, ticket.pk])
            )
            notifications.send("ticket_reply_to_certifier", certifier_recipients(ticket), context)


@transaction.atomic
def open_ticket(
    certifier: Certifier,
    *,
    subject: str,
    body: str,
    author=None,
    side: str = Side.CERTIFIER,
    deposit_id=None,
    deposit_label: str = "",
    id_technique: str = "",
    passport_entry_id=None,
) -> Ticket:
    """Open a ticket with its first message and notify the other side."""
    origin = {
        Side.CERTIFIER: Ticket.Origin.CERTIFIER,
        Side.OPERATOR: Ticket.Origin.OPERATOR,
    }.get(side, Ticket.Origin.HOLDER_REPORT)
    ticket = Ticket.objects.create(
        certifier=certifier,
        subject=subject,
        origin=origin,
        opened_by=author if getattr(author, "is_authenticated", False) else None,
        deposit_id=deposit_id,
        deposit_label=deposit_label,
        id_technique=id_technique,
        passport_entry_id=passport_entry_id,
        status=STATUS_AFTER_MESSAGE[side],
    )
    message = TicketMessage.objects.create(
        ticket=ticket, author=ticket.opened_by, side=side, body=body
    )
    AuditEvent.record("certifiers.ticket_opened", actor=author, target=ticket, side=side)
    transaction.on_commit(lambda: _notify(ticket, message))
    return ticket


@transaction.atomic
def post_message(ticket: Ticket, *, body: str, author, side: str) -> TicketMessage:
    """Add a reply; the ticket now waits for the other side (and reopens if it was closed)."""
    message = TicketMessage.objects.create(ticket=ticket, author=author, side=side, body=body)
    ticket.status = STATUS_AFTER_MESSAGE[side]
    ticket.last_message_at = timezone.now()
    ticket.save(update_fields=["status", "last_message_at", "updated_at"])
    AuditEvent.record("certifiers.ticket_message", actor=author, target=ticket, side=side)
    transaction.on_commit(lambda: _notify(ticket, message))
    return message


def set_status(ticket: Ticket, status: str, *, actor) -> None:
    """Change a ticket's status (resolve, close, reopen), audited."""
    previous = ticket.status
    ticket.status = status
    ticket.save(update_fields=["status", "updated_at"])
    AuditEvent.record(
        "certifiers.ticket_status", actor=actor, target=ticket, previous=previous, status=status
    )


def error_confirmed(ticket: Ticket) -> bool:
    return AuditEvent.objects.filter(
        action="certifiers.reported_error_confirmed", target_id=str(ticket.pk)
    ).exists()


def can_confirm_error(ticket: Ticket) -> bool:
    """A holder's report on a guaranteed entry, not yet confirmed."""
    return (
        ticket.origin == Ticket.Origin.HOLDER_REPORT
        and ticket.passport_entry_id is not None
        and not error_confirmed(ticket)
    )


@transaction.atomic
def confirm_reported_error(ticket: Ticket, *, actor) -> bool:
    """The certifier confirms that the entry a holder reported is wrong: the entry's
    credentials are revoked (passport signal `entry_error_confirmed`, heard by the proofs app)
    and the holder's ticket says so. Returns False when there was nothing to confirm."""
    from passeport.passport.models import Entry
    from passeport.passport.signals import entry_error_confirmed

    if not can_confirm_error(ticket):
        return False
    entry = Entry.objects.filter(pk=ticket.passport_entry_id).first()
    if entry is None:
        return False
    AuditEvent.record(
        "certifiers.reported_error_confirmed",
        actor=actor,
        target=ticket,
        entry=str(entry.pk),
        id_technique=entry.id_technique,
    )
    entry_error_confirmed.send(sender=Entry, entry_id=entry.pk, person_id=entry.person_id)
    post_message(
        ticket,
        body=(
            "L'organisme confirme l'erreur signalée. Les attestations numériques de cette "
            "donnée sont révoquées ; une correction sera déposée (même idTechnique après "
            "suppression)."
        ),
        author=actor,
        side=Side.CERTIFIER,
    )
    return True
