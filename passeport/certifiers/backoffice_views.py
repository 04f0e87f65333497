"""Operators' back office for certifiers: onboarding requests, certifiers (ids,
certifications, mandates, suspension, tokens), support tickets. Every action is audited."""

from typing import NamedTuple

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from passeport.core.models import AuditEvent

from . import certifications, invitations, mandates, members, onboarding, standing, tickets, tokens
from .access import staff_required
from .forms import (
    ApproveForm,
    CertificationAddForm,
    InviteForm,
    MandateForm,
    MessageForm,
    OperatorTicketForm,
    RejectForm,
    SuspendForm,
    TicketStatusForm,
)
from .models import (
    ApiToken,
    Certifier,
    CertifierCertification,
    Mandate,
    Membership,
    OnboardingRequest,
    Role,
    Ticket,
    TicketMessage,
)


@staff_required
def home(request):
    return render(
        request,
        "backoffice/home.html",
        {
            "title": "Back-office",
            "pending_requests": OnboardingRequest.objects.filter(
                status=OnboardingRequest.Status.PENDING
            ).count(),
            "open_tickets": Ticket.objects.open().count(),
            "waiting_support": Ticket.objects.filter(
                status__in=[Ticket.Status.OPEN, Ticket.Status.WAITING_SUPPORT]
            ).count(),
            "certifiers": Certifier.objects.count(),
        },
    )


# -- onboarding requests -----------------------------------------------------------------------


@staff_required
def onboarding_list(request):
    status = request.GET.get("statut", OnboardingRequest.Status.PENDING)
    requests = OnboardingRequest.objects.all()
    if status in OnboardingRequest.Status.values:
        requests = requests.filter(status=status)
    return render(
        request,
        "backoffice/onboarding_list.html",
        {
            "title": "Demandes d'accrochage",
            "requests": requests.select_related("certifier"),
            "status": status,
            "statuses": OnboardingRequest.Status.choices,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def onboarding_detail(request, request_id):
    onboarding_request = get_object_or_404(OnboardingRequest, pk=request_id)
    action = request.POST.get("action") if request.method == "POST" else None
    approve_form = ApproveForm(request.POST if action == "approve" else None)
    reject_form = RejectForm(request.POST if action == "reject" else None)
    try:
        if action == "approve" and approve_form.is_valid():
            certifier = onboarding.approve(
                onboarding_request,
                operator=request.user,
                id_client=approve_form.cleaned_data["id_client"],
                id_contrat=approve_form.cleaned_data["id_contrat"],
            )
            messages.success(
                request,
                f"Demande acceptée : {certifier.name} a l'idClient {certifier.id_client} et "
                f"l'idContrat {certifier.id_contrat} ; une invitation a été envoyée à "
                f"{certifier.contact_email}.",
            )
            return redirect("backoffice:certifier", certifier.pk)
        if action == "reject" and reject_form.is_valid():
            onboarding.reject(
                onboarding_request, operator=request.user, reason=reject_form.cleaned_data["reason"]
            )
            messages.success(request, "Demande refusée ; le demandeur a été prévenu.")
            return redirect("backoffice:onboarding_list")
    except onboarding.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:onboarding_detail", onboarding_request.pk)
    same_siret = Certifier.objects.filter(siret=onboarding_request.siret)
    return render(
        request,
        "backoffice/onboarding_detail.html",
        {
            "title": f"Demande de {onboarding_request.name}",
            "item": onboarding_request,
            "approve_form": approve_form,
            "reject_form": reject_form,
            "same_siret": same_siret,
        },
    )


# -- certifiers --------------------------------------------------------------------------------


@staff_required
def certifier_list(request):
    query = request.GET.get("q", "").strip()
    certifiers = Certifier.objects.annotate(
        members_count=Count("memberships", distinct=True),
        certifications_count=Count("certifications", distinct=True),
    )
    if query:
        certifiers = certifiers.filter(
            Q(name__icontains=query)
            | Q(siret__icontains=query.replace(" ", ""))
            | Q(id_client__iexact=query)
        )
    return render(
        request,
        "backoffice/certifier_list.html",
        {"title": "Certificateurs", "certifiers": certifiers, "query": query},
    )


def _certifier_page(request, certifier, http_status=200, **forms):
    context = {
        "title": certifier.name,
        "certifier": certifier,
        "certifications": certifier.certifications.all(),
        "memberships": certifier.memberships.select_related("user"),
        "pending_invitations": certifier.invitations.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True
        ),
        "mandates_given": certifier.mandates_given.select_related("third_party"),
        "mandates_received": certifier.mandates_received.select_related("mandator"),
        "tokens": certifier.api_tokens.all(),
        "tickets": certifier.tickets.all()[:10],
        "today": timezone.localdate(),
        "mandate_form": MandateForm(
            mandator=certifier, initial={"starts_on": timezone.localdate()}
        ),
        "certification_form": CertificationAddForm(),
        "suspend_form": SuspendForm(),
        "invite_form": InviteForm(certifier=certifier, initial={"role": Role.ADMINISTRATOR}),
        "ticket_form": OperatorTicketForm(),
        "audit": AuditEvent.objects.filter(target_id=str(certifier.pk))[:20],
    }
    context.update(forms)
    return render(request, "backoffice/certifier_detail.html", context, status=http_status)


class Done(NamedTuple):
    """What a back-office action did: the message shown, and where to go next (the
    certifier's page by default)."""

    message: str
    url: str | None = None


# Each action reads the posted form, calls the verb module that saves and audits, and says
# what it did; an invalid form answers the page again with its errors.


def _suspend(request, certifier):
    form = SuspendForm(request.POST)
    if not form.is_valid():
        return _certifier_page(request, certifier, suspend_form=form)
    standing.suspend(certifier, reason=form.cleaned_data["reason"], actor=request.user)
    return Done("Organisme suspendu : ses dépôts et ses jetons sont refusés.")


def _reactivate(request, certifier):
    standing.reactivate(certifier, actor=request.user)
    return Done("Organisme réactivé.")


def _toggle_third_party(request, certifier):
    if standing.toggle_trusted_third_party(certifier, actor=request.user):
        return Done("Organisme déclaré tiers de confiance.")
    return Done("Organisme n'est plus tiers de confiance.")


def _add_certifications(request, certifier):
    form = CertificationAddForm(request.POST)
    if not form.is_valid():
        return _certifier_page(request, certifier, certification_form=form)
    codes = form.cleaned_data["codes"]
    certifications.add_certifications(certifier, codes, actor=request.user)
    return Done("Certifications ajoutées : " + ", ".join(codes))


def _remove_certification(request, certifier):
    certification = get_object_or_404(
        CertifierCertification, pk=request.POST.get("certification_id"), certifier=certifier
    )
    certifications.remove_certification(certification, actor=request.user)
    return Done(f"Certification {certification.code} retirée.")


def _add_mandate(request, certifier):
    form = MandateForm(request.POST, mandator=certifier)
    if not form.is_valid():
        return _certifier_page(request, certifier, mandate_form=form)
    mandate = mandates.grant_mandate(
        certifier,
        form.cleaned_data["third_party"],
        starts_on=form.cleaned_data["starts_on"],
        ends_on=form.cleaned_data["ends_on"],
        actor=request.user,
    )
    return Done(f"Mandat créé : {mandate.third_party.name} peut déposer pour {certifier.name}.")


def _revoke_mandate(request, certifier):
    mandate = get_object_or_404(
        Mandate,
        Q(mandator=certifier) | Q(third_party=certifier),
        pk=request.POST.get("mandate_id"),
    )
    mandates.revoke_mandate(mandate, actor=request.user)
    return Done("Mandat révoqué.")


def _revoke_token(request, certifier):
    token = get_object_or_404(ApiToken, pk=request.POST.get("token_id"), certifier=certifier)
    tokens.revoke_token(token, actor=request.user)
    return Done(f"Jeton {token.prefix}… révoqué.")


def _reset_two_factor(request, certifier):
    membership = get_object_or_404(
        Membership, pk=request.POST.get("membership_id"), certifier=certifier
    )
    members.reset_two_factor(membership, actor=request.user)
    return Done(
        f"Double authentification de {membership.user.email} réinitialisée : une nouvelle "
        "application lui sera demandée à sa prochaine connexion."
    )


def _open_ticket(request, certifier):
    form = OperatorTicketForm(request.POST)
    if not form.is_valid():
        return _certifier_page(request, certifier, ticket_form=form)
    ticket = tickets.open_ticket(
        certifier,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        author=request.user,
        side=TicketMessage.Side.OPERATOR,
        id_technique=form.cleaned_data["id_technique"],
    )
    return Done(
        f"Demande {ticket.reference} ouverte ; l'organisme est prévenu.",
        reverse("backoffice:ticket", args=[ticket.pk]),
    )


def _invite(request, certifier):
    form = InviteForm(request.POST, certifier=certifier)
    if not form.is_valid():
        return _certifier_page(request, certifier, invite_form=form)
    email = form.cleaned_data["email"]
    invitations.invite(certifier, email, form.cleaned_data["role"], invited_by=request.user)
    return Done(f"Invitation envoyée à {email}.")


# The `action` a form of the certifier page posts → what it does.
CERTIFIER_ACTIONS = {
    "suspend": _suspend,
    "reactivate": _reactivate,
    "toggle_third_party": _toggle_third_party,
    "add_certifications": _add_certifications,
    "remove_certification": _remove_certification,
    "add_mandate": _add_mandate,
    "revoke_mandate": _revoke_mandate,
    "revoke_token": _revoke_token,
    "reset_two_factor": _reset_two_factor,
    "open_ticket": _open_ticket,
    "invite": _invite,
}


@staff_required
@require_http_methods(["GET", "POST"])
def certifier_detail(request, certifier_id):
    certifier = get_object_or_404(Certifier, pk=certifier_id)
    if request.method == "GET":
        return _certifier_page(request, certifier)
    action = CERTIFIER_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Action inconnue : rechargez la page et recommencez.")
        return _certifier_page(request, certifier, http_status=400)
    outcome = action(request, certifier)
    if not isinstance(outcome, Done):
        return outcome  # the page again, with the form's errors
    messages.success(request, outcome.message)
    return redirect(outcome.url or reverse("backoffice:certifier", args=[certifier.pk]))


# -- tickets -----------------------------------------------------------------------------------


@staff_required
def ticket_list(request):
    status = request.GET.get("statut", "a_traiter")
    items = Ticket.objects.select_related("certifier")
    if status == "a_traiter":
        items = items.filter(status__in=[Ticket.Status.OPEN, Ticket.Status.WAITING_SUPPORT])
    elif status in Ticket.Status.values:
        items = items.filter(status=status)
    return render(
        request,
        "backoffice/ticket_list.html",
        {
            "title": "Support",
            "tickets": items,
            "status": status,
            "statuses": [("a_traiter", "À traiter"), *Ticket.Status.choices, ("tous", "Tous")],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, ticket_id):
    ticket = get_object_or_404(Ticket.objects.select_related("certifier"), pk=ticket_id)
    form = MessageForm(request.POST if request.POST.get("action") == "reply" else None)
    status_form = TicketStatusForm(
        request.POST if request.POST.get("action") == "status" else None,
        initial={"status": ticket.status},
    )
    if request.method == "POST":
        if request.POST.get("action") == "reply" and form.is_valid():
            tickets.post_message(
                ticket,
                body=form.cleaned_data["body"],
                author=request.user,
                side=TicketMessage.Side.OPERATOR,
            )
            messages.success(request, "Réponse envoyée à l'organisme.")
            return redirect("backoffice:ticket", ticket.pk)
        if request.POST.get("action") == "status" and status_form.is_valid():
            tickets.set_status(ticket, status_form.cleaned_data["status"], actor=request.user)
            messages.success(request, "Statut mis à jour.")
            return redirect("backoffice:ticket", ticket.pk)
    return render(
        request,
        "backoffice/ticket_detail.html",
        {
            "title": ticket.subject,
            "ticket": ticket,
            "thread": ticket.messages.select_related("author"),
            "form": form,
            "status_form": status_form,
        },
    )
