"""Pages of the certifiers' portal: « se faire connaître », invitations, the certifier space
(members, API tokens, support). Rules live in models/workflow modules; views stay thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from passeport.accounts import twofactor
from passeport.accounts.models import User
from passeport.core import abilities

from . import invitations, onboarding, tickets
from .abilities import role_of
from .access import certifier_for_request, certifier_member_required
from .forms import (
    InvitationAcceptForm,
    InviteForm,
    MessageForm,
    OnboardingForm,
    RoleForm,
    TicketForm,
    TokenForm,
)
from .members import change_role, remove_member, reset_two_factor
from .models import (
    ApiToken,
    Certifier,
    Invitation,
    Membership,
    Role,
    Ticket,
    TicketMessage,
)
from .tokens import issue_token, revoke_token

NEW_TOKEN_SESSION_KEY = "certifiers_new_token"  # noqa: S105 - a session key name


# -- public: « Se faire connaître » ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def onboarding_form(request):
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        onboarding.submit(**form.cleaned_data)
        return redirect("certifiers:onboarding_done")
    return render(
        request, "certifiers/onboarding_form.html", {"form": form, "title": "Se faire connaître"}
    )


def onboarding_done(request):
    return render(request, "certifiers/onboarding_done.html", {"title": "Demande envoyée"})


# -- invitations -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationError as exc:
        return render(
            request,
            "certifiers/invitation_invalid.html",
            {"reason": str(exc), "title": "Invitation inutilisable"},
            status=410,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    space_url = reverse("certifiers:space", args=[invitation.certifier_id])
    context = {"invitation": invitation, "title": "Rejoindre l'espace de l'organisme"}

    if existing is not None:
        # Already has an account (member elsewhere): accept once logged in as that person.
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                invitations.accept(invitation, existing)
                messages.success(
                    request, f"Vous avez rejoint l'espace de {invitation.certifier.name}."
                )
                return redirect(space_url)
            return render(request, "certifiers/invitation_existing.html", context)
        context["login_url"] = f"{reverse('accounts:login')}?next={request.get_full_path()}"
        return render(request, "certifiers/invitation_login.html", context)

    user = User(email=invitation.email)
    form = InvitationAcceptForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.first_name = form.cleaned_data["first_name"]
            user.last_name = form.cleaned_data["last_name"]
            user.set_password(form.cleaned_data["new_password1"])
            user.save()
            invitations.accept(invitation, user)
        # The password is set; the session opens only once the TOTP app is enrolled.
        twofactor.begin_pending_login(request, user, next_url=space_url)
        messages.info(
            request,
            "Votre mot de passe est enregistré. Dernière étape : activez la double "
            "authentification.",
        )
        return redirect("accounts:totp_setup")
    context["form"] = form
    return render(request, "certifiers/invitation_accept.html", context)


# -- the certifier space ---------------------------------------------------------------------


@login_required
def my_certifiers(request):
    certifiers = list(Certifier.objects.for_user(request.user))
    if len(certifiers) == 1:
        return redirect("certifiers:space", certifiers[0].pk)
    return render(
        request,
        "certifiers/my_certifiers.html",
        {"certifiers": certifiers, "title": "Mes organismes"},
    )


def _space_context(request, certifier, **extra):
    return {"certifier": certifier, "abilities": abilities.for_request(request, certifier), **extra}


@certifier_member_required()
def space(request, certifier):
    mandators = certifier.active_mandators() if certifier.is_trusted_third_party else []
    return render(
        request,
        "certifiers/space.html",
        _space_context(
            request,
            certifier,
            title=certifier.name,
            role_label=Role(role).label if (role := role_of(request.user, certifier)) else "",
            certifications=certifier.certifications.all(),
            mandators=mandators,
            open_tickets=Ticket.objects.filter(certifier=certifier).open().count(),
        ),
    )


@certifier_member_required("manage_members")
@require_http_methods(["GET", "POST"])
def members(request, certifier):
    form = InviteForm(request.POST or None, certifier=certifier)
    if request.method == "POST" and form.is_valid():
        invitations.invite(
            certifier,
            form.cleaned_data["email"],
            form.cleaned_data["role"],
            invited_by=request.user,
        )
        messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
        return redirect("certifiers:members", certifier.pk)
    return render(
        request,
        "certifiers/members.html",
        _space_context(
            request,
            certifier,
            title="Membres",
            form=form,
            memberships=certifier.memberships.select_related("user"),
            pending=certifier.invitations.filter(
                accepted_at__isnull=True, cancelled_at__isnull=True
            ),
            roles=Role.choices,
        ),
    )


def _administrators_left(certifier, excluding: Membership) -> int:
    return (
        certifier.memberships.filter(role=Role.ADMINISTRATOR, user__is_active=True)
        .exclude(pk=excluding.pk)
        .count()
    )


@certifier_member_required("manage_members")
@require_POST
def member_update(request, certifier, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, certifier=certifier)
    action = request.POST.get("action")
    loses_admin = membership.role == Role.ADMINISTRATOR and (
        action == "remove" or (action == "role" and request.POST.get("role") != Role.ADMINISTRATOR)
    )
    if loses_admin and _administrators_left(certifier, membership) == 0:
        messages.error(
            request,
            "L'organisme doit garder au moins un administrateur : nommez-en un autre d'abord.",
        )
        return redirect("certifiers:members", certifier.pk)
    if action == "remove":
        remove_member(membership, actor=request.user)
        messages.success(request, f"{membership.user.email} n'est plus membre de l'organisme.")
    elif action == "role":
        form = RoleForm(request.POST)
        if form.is_valid():
            change_role(membership, form.cleaned_data["role"], actor=request.user)
            messages.success(
                request, f"Rôle de {membership.user.email} : {membership.get_role_display()}."
            )
    elif action == "reset_two_factor":
        reset_two_factor(membership, actor=request.user)
        messages.success(
            request,
            f"Double authentification de {membership.user.email} réinitialisée : elle sera "
            "demandée à nouveau à sa prochaine connexion.",
        )
    return redirect("certifiers:members", certifier.pk)


@certifier_member_required("manage_members")
@require_POST
def invitation_cancel(request, certifier, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, certifier=certifier)
    invitations.cancel(invitation, actor=request.user)
    messages.success(request, f"Invitation de {invitation.email} annulée.")
    return redirect("certifiers:members", certifier.pk)


@certifier_member_required("manage_tokens")
@require_http_methods(["GET", "POST"])
def tokens(request, certifier):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, clear = issue_token(certifier, form.cleaned_data["name"], request.user)
        # Shown once, on the next page only (post/redirect/get keeps it out of the history).
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": str(token.pk), "clear": clear}
        return redirect("certifiers:tokens", certifier.pk)
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "certifiers/tokens.html",
        _space_context(
            request,
            certifier,
            title="Jetons d'API",
            form=form,
            tokens=certifier.api_tokens.select_related("created_by"),
            new_token=new_token,
            api_base=request.build_absolute_uri("/api/v1/"),
        ),
    )


@certifier_member_required("manage_tokens")
@require_POST
def token_revoke(request, certifier, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, certifier=certifier)
    revoke_token(token, actor=request.user)
    messages.success(request, f"Jeton {token.prefix}… révoqué : il ne donne plus accès à l'API.")
    return redirect("certifiers:tokens", certifier.pk)


# -- support -----------------------------------------------------------------------------------


@certifier_member_required()
def ticket_list(request, certifier):
    return render(
        request,
        "certifiers/tickets.html",
        _space_context(
            request, certifier, title="Support", tickets=Ticket.objects.filter(certifier=certifier)
        ),
    )


@certifier_member_required("open_ticket")
@require_http_methods(["GET", "POST"])
def ticket_new(request, certifier):
    # Deposit pages link here with ?deposit_id=…&deposit_label=…&id_technique=… to prefill.
    form = TicketForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = tickets.open_ticket(
            certifier,
            subject=data["subject"],
            body=data["body"],
            author=request.user,
            side=TicketMessage.Side.CERTIFIER,
            deposit_id=data["deposit_id"],
            deposit_label=data["deposit_label"],
            id_technique=data["id_technique"],
        )
        messages.success(request, f"Demande {ticket.reference} envoyée au support.")
        return redirect("certifiers:ticket", certifier.pk, ticket.pk)
    return render(
        request,
        "certifiers/ticket_new.html",
        _space_context(request, certifier, title="Nouvelle demande de support", form=form),
    )


@certifier_member_required("open_ticket")
@require_http_methods(["GET", "POST"])
def ticket_detail(request, certifier, ticket_id):
    ticket = get_object_or_404(Ticket, pk=ticket_id, certifier=certifier)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "confirm_error":
            # Revokes credentials: a member who may deposit (and correct) for the certifier.
            certifier_for_request(request, certifier.pk, "confirm_error")
            if tickets.confirm_reported_error(ticket, actor=request.user):
                messages.success(
                    request,
                    "Erreur confirmée : les attestations numériques de cette donnée sont "
                    "révoquées. Déposez la correction.",
                )
            return redirect("certifiers:ticket", certifier.pk, ticket.pk)
        if request.POST.get("action") == "resolve":
            tickets.set_status(ticket, Ticket.Status.RESOLVED, actor=request.user)
            messages.success(request, "Demande marquée comme résolue.")
            return redirect("certifiers:ticket", certifier.pk, ticket.pk)
        if form.is_valid():
            tickets.post_message(
                ticket,
                body=form.cleaned_data["body"],
                author=request.user,
                side=TicketMessage.Side.CERTIFIER,
            )
            messages.success(request, "Message envoyé au support.")
            return redirect("certifiers:ticket", certifier.pk, ticket.pk)
    return render(
        request,
        "certifiers/ticket_detail.html",
        _space_context(
            request,
            certifier,
            title=ticket.subject,
            ticket=ticket,
            thread=ticket.messages.select_related("author"),
            form=form,
            now=timezone.now(),
            can_confirm_error=tickets.can_confirm_error(ticket)
            and abilities.for_request(request, certifier)["confirm_error"],
        ),
    )
