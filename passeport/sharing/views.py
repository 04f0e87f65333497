"""Pages of sharing: the holder's links and consents, the public shared page, the agents' space.

Thin: rules live in `links.py`, `consents.py` and `abilities.py`. An object the user may not
see answers 404 (not 403): its existence is not confirmed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.models import get_access_token_model

from passeport.core import abilities, throttling
from passeport.passport.views import holder_required

from . import consents, links, presenting
from .decorators import agent_required
from .forms import AccessCodeForm, ConsentForm, ShareForm
from .models import Consent, Share, ShareView
from .sections import labels

# -- the holder's links -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@holder_required
def shares(request):
    form = ShareForm(request.POST or None, holder=request.holder)
    new_link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share, clear = links.create_share(
                request.holder,
                label=data["label"],
                kind=data["kind"],
                entries=data["entries"],
                expires_on=data["expires_on"],
                access_code=data["access_code"],
                actor=request.user,
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            # The clear link is shown once, now; only its hash is kept.
            new_link = request.build_absolute_uri(reverse("sharing:public", args=[clear]))
            messages.success(request, f"Le lien « {share.label} » est créé.")
            form = ShareForm(holder=request.holder)
    items = (
        Share.objects.filter(holder=request.holder)
        .annotate(shown=Count("views", filter=Q(views__outcome=ShareView.Outcome.SHOWN)))
        .order_by("-created_at")
    )
    return render(
        request,
        "sharing/shares.html",
        {"title": "Mes partages", "form": form, "shares": items, "new_link": new_link},
    )


def _own_share(request, pk) -> Share:
    share = Share.objects.filter(pk=pk).first()
    if share is None or not abilities.for_request(request, share)["view"]:
        raise Http404("Lien de partage introuvable.")
    return share


@require_http_methods(["GET"])
@holder_required
def share_detail(request, pk):
    share = _own_share(request, pk)
    return render(
        request,
        "sharing/share_detail.html",
        {
            "title": f"Partage « {share.label} »",
            "share": share,
            "views": list(share.views.all()[:200]),
            "entries": list(share.entries.all()) if share.kind == Share.Kind.ENTRIES else [],
            "can": abilities.for_request(request, share),
        },
    )


@require_POST
@holder_required
def share_revoke(request, pk):
    share = _own_share(request, pk)
    if not abilities.for_request(request, share)["revoke"]:
        messages.info(request, "Ce lien était déjà révoqué.")
    else:
        links.revoke(share, actor=request.user)
        messages.success(request, f"Le lien « {share.label} » est révoqué : il ne s'ouvre plus.")
    return redirect("sharing:share", pk=share.pk)


# -- the public shared page -------------------------------------------------------------------


def _refused(request, share, outcome, status, title, text):
    links.record_view(share, request, outcome)
    response = render(
        request, "sharing/refused.html", {"title": title, "text": text}, status=status
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def public(request, token):
    share = links.find_share(token)
    if share is None:
        raise Http404("Ce lien de partage n'existe pas.")
    if share.is_revoked:
        return _refused(
            request,
            share,
            ShareView.Outcome.REVOKED,
            410,
            "Lien révoqué",
            "Le titulaire de ce passeport a révoqué ce lien de partage : son contenu n'est plus "
            "accessible. Demandez-lui un nouveau lien si vous en avez encore besoin.",
        )
    if share.is_expired():
        return _refused(
            request,
            share,
            ShareView.Outcome.EXPIRED,
            410,
            "Lien expiré",
            f"Ce lien de partage a expiré le {timezone.localtime(share.expires_at):%d/%m/%Y}. "
            "Demandez au titulaire un nouveau lien.",
        )
    if share.has_access_code:
        form = AccessCodeForm(request.POST or None)
        unlocked = False
        if request.method == "POST":
            wait = links.code_wait(request, share)
            if wait:
                response = throttling.refusal(
                    request,
                    wait,
                    "Trop de codes erronés pour ce lien.",
                    template="sharing/access_code.html",
                    context={"form": form, "title": "Code d'accès"},
                )
                response["X-Robots-Tag"] = "noindex, nofollow"
                return response
            if form.is_valid() and links.check_access_code(share, form.cleaned_data["code"]):
                unlocked = True
            else:
                links.count_wrong_code(request, share)
                links.record_view(share, request, ShareView.Outcome.WRONG_CODE)
                form.add_error("code", "Ce code d'accès n'est pas le bon.")
        if not unlocked:
            response = render(
                request,
                "sharing/access_code.html",
                {"title": "Code d'accès", "form": form},
                # The form again, with its error (a 4xx would log the URL, hence the token).
                status=200,
            )
            response["X-Robots-Tag"] = "noindex, nofollow"
            return response
    links.record_view(share, request, ShareView.Outcome.SHOWN)
    response = render(
        request,
        "sharing/public.html",
        {
            "title": share.label,
            "share": share,
            "sections": presenting.entries_for_display(links.shared_entries(share)),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# -- the holder's consents --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@holder_required
def consent_list(request):
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = consents.grant(
                request.holder,
                data["organisation"],
                sections=data["sections"],
                days=data["days"],
                actor=request.user,
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"{consent.organisation.name} peut consulter : "
                f"{', '.join(labels(consent.sections))}, jusqu'au "
                f"{timezone.localtime(consent.expires_at):%d/%m/%Y}.",
            )
            return redirect("sharing:consents")
    items = Consent.objects.filter(holder=request.holder).select_related("organisation")
    tokens = (
        get_access_token_model()
        .objects.filter(user=request.user, expires__gt=timezone.now())
        .select_related("application")
        .order_by("-created")
    )
    return render(
        request,
        "sharing/consents.html",
        {
            "title": "Organisations et applications autorisées",
            "form": form,
            "consents": items,
            "tokens": tokens,
            "now": timezone.now(),
        },
    )


@require_POST
@holder_required
def consent_withdraw(request, pk):
    consent = Consent.objects.filter(pk=pk).select_related("organisation").first()
    if consent is None or not abilities.for_request(request, consent)["view"]:
        raise Http404("Consentement introuvable.")
    if abilities.for_request(request, consent)["withdraw"]:
        consents.withdraw(consent, actor=request.user)
        messages.success(
            request, f"{consent.organisation.name} ne peut plus consulter votre passeport."
        )
    return redirect("sharing:consents")


@require_POST
@holder_required
def token_revoke(request, pk):
    token = get_access_token_model().objects.filter(pk=pk).first()
    if token is None or not abilities.for_request(request, token)["revoke"]:
        raise Http404("Autorisation introuvable.")
    name = token.application.name if token.application else "L'application"
    token.revoke()  # django-oauth-toolkit: deletes the token and its refresh token
    messages.success(request, f"{name} ne peut plus accéder à votre passeport.")
    return redirect("sharing:consents")


# -- the agents' space ------------------------------------------------------------------------


@require_http_methods(["GET"])
@agent_required
def agent_home(request):
    items = consents.live_consents_of(request.agent.organisation)
    return render(
        request,
        "sharing/agent_home.html",
        {"title": request.agent.organisation.name, "consents": items},
    )


def _readable_consent(request, pk) -> Consent:
    consent = Consent.objects.filter(pk=pk).select_related("organisation", "holder").first()
    if consent is None or not abilities.for_request(request, consent)["read_passport"]:
        # Withdrawn, expired, another organisation's, or no such consent: the same answer.
        raise Http404("Ce titulaire ne vous a pas donné accès à son passeport.")
    return consent


@require_http_methods(["GET"])
@agent_required
def agent_holder(request, pk):
    consent = _readable_consent(request, pk)
    printable = request.GET.get("imprimer") == "1"
    consents.log_read(
        consent,
        reader_label=request.user.display_name,
        accessor=request.user,
        what="Résumé imprimable" if printable else "Passeport partagé",
    )
    return render(
        request,
        "sharing/agent_print.html" if printable else "sharing/agent_holder.html",
        {
            "title": "Passeport partagé",
            "consent": consent,
            "holder_name": consent.holder.user.display_name,
            "sections": presenting.entries_for_display(consents.readable_entries(consent)),
            "granted": labels(consent.sections),
            "now": timezone.now(),
        },
    )
