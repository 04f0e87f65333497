"""« Se faire connaître »: a body's request, reviewed by an operator.

On approval the body becomes an active `Certifier` with fresh ids (idClient of 8 characters,
idContrat), the certifications it declared, and an invitation for its business contact as its
first administrator. On rejection the contact is told why.
"""

from django.db import transaction
from django.utils import timezone

from passeport.core.models import AuditEvent

from . import invitations, notifications
from .models import (
    Certifier,
    CertifierCertification,
    OnboardingRequest,
    Role,
    generate_id_client,
    generate_id_contrat,
)


class ReviewError(Exception):
    """The request cannot be reviewed as asked (already reviewed…), in French."""


@transaction.atomic
def submit(**fields) -> OnboardingRequest:
    request = OnboardingRequest.objects.create(**fields)
    AuditEvent.record("certifiers.onboarding_submitted", target=request)
    context = {"request": request}
    transaction.on_commit(
        lambda: notifications.send("onboarding_received", [request.contact_email], context)
    )
    transaction.on_commit(
        lambda: notifications.send(
            "onboarding_to_review", [notifications.support_address()], context
        )
    )
    return request


def _lock_pending(request: OnboardingRequest) -> OnboardingRequest:
    request = OnboardingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != OnboardingRequest.Status.PENDING:
        raise ReviewError(
            f"Cette demande a déjà été examinée ({request.get_status_display().lower()})."
        )
    return request


@transaction.atomic
def approve(
    request: OnboardingRequest, *, operator, id_client: str = "", id_contrat: str = ""
) -> Certifier:
    """Create the certifier (ids generated unless given) and invite its first administrator."""
    request = _lock_pending(request)
    certifier = Certifier.objects.create(
        siret=request.siret,
        name=request.name,
        id_client=id_client or generate_id_client(),
        id_contrat=id_contrat or generate_id_contrat(),
        contact_name=request.contact_name,
        contact_email=request.contact_email,
        contact_phone=request.contact_phone,
        is_trusted_third_party=request.is_trusted_third_party,
        status=Certifier.Status.ACTIVE,
    )
    for code in request.certification_codes:
        CertifierCertification.objects.get_or_create(certifier=certifier, code=code)
    request.status = OnboardingRequest.Status.APPROVED
    request.reviewed_by = operator
    request.reviewed_at = timezone.now()
    request.certifier = certifier
    request.save()
    AuditEvent.record(
        "certifiers.onboarding_approved",
        actor=operator,
        target=request,
        certifier=str(certifier.pk),
        id_client=certifier.id_client,
    )
    invitations.invite(certifier, request.contact_email, Role.ADMINISTRATOR, invited_by=operator)
    return certifier


@transaction.atomic
def reject(request: OnboardingRequest, *, operator, reason: str) -> OnboardingRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Indiquez le motif du refus : il est envoyé au demandeur.")
    request = _lock_pending(request)
    request.status = OnboardingRequest.Status.REJECTED
    request.reviewed_by = operator
    request.reviewed_at = timezone.now()
    request.rejection_reason = reason
    request.save()
    AuditEvent.record("certifiers.onboarding_rejected", actor=operator, target=request)
    context = {"request": request}
    transaction.on_commit(
        lambda: notifications.send("onboarding_rejected", [request.contact_email], context)
    )
    return request
