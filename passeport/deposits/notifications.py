"""E-mail to the depositor when a deposit is rejected at reception or its accusé is ready."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Deposit

logger = logging.getLogger(__name__)


def recipients(deposit: Deposit) -> list[str]:
    if deposit.deposited_by_id and deposit.deposited_by.email:
        return [deposit.deposited_by.email]
    return [deposit.certifier.contact_email] if deposit.certifier.contact_email else []


def notify_depositor(deposit: Deposit) -> bool:
    """Send the e-mail once (marks `notified_at`); False when nobody can be written to."""
    to = recipients(deposit)
    if deposit.notified_at or not to:
        return False
    context = {
        "deposit": deposit,
        "url": settings.SITE_URL
        + reverse("deposits:detail", args=[deposit.certifier_id, deposit.pk]),
    }
    subject = (
        f"Dépôt {deposit.number} rejeté : {deposit.file_name}"
        if deposit.status == Deposit.Status.REJECTED
        else f"Accusé de traitement disponible : {deposit.file_name}"
    )
    try:
        send_mail(subject, render_to_string("deposits/email/deposit_done.txt", context), None, to)
    except OSError:
        # The deposit is processed whatever the mail server says; the page shows the accusé.
        logger.exception("Courriel du dépôt %s non envoyé.", deposit.pk)
        return False
    Deposit.objects.filter(pk=deposit.pk).update(notified_at=timezone.now())
    return True
