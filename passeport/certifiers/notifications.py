"""E-mails sent by the certifiers app (plain text, French, no holder identity in them)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """Links in e-mails point at SITE_URL (the public address), not at the request's host."""
    return f"{settings.SITE_URL}{path}"


def support_address() -> str:
    """Where certifiers' messages to the support are sent (SUPPORT_EMAIL, else the sender)."""
    return settings.SUPPORT_EMAIL or settings.DEFAULT_FROM_EMAIL


def send(template: str, recipients, context: dict) -> int:
    """Render `certifiers/email/<template>.txt` (first line: subject) and send it.

    Called after the transaction commits: the action it reports is done, so a mail server
    failure is logged (template and count only, no address) instead of failing the request.
    """
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    text = render_to_string(f"certifiers/email/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    try:
        return send_mail(subject.strip(), body.strip() + "\n", None, recipients)
    except Exception as exc:  # any transport failure (SMTP, DNS, refused connection…)
        # One line: the failure's kind and text are what an operator needs, a traceback of
        # smtplib is not; never the addresses.
        logger.error(
            "Envoi du courriel %s à %d destinataire(s) impossible : %s : %s",
            template,
            len(recipients),
            type(exc).__name__,
            exc,
        )
        return 0
