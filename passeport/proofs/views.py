"""Pages of the proofs app. Thin: the work is in credentials, statuslists, verification…

Public (no login): the issuer's controller document, the status lists, the verification pages.
The holder's: « Mes attestations numériques » and their downloads, through the abilities.
"""

import json
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from passeport.core import abilities
from passeport.passport.models import Entry
from passeport.passport.views import holder_required

from . import baking, credentials, signing, statuslists, verification
from .forms import VerifyForm
from .models import Credential, StatusList


def _public_json(data, *, max_age: int, content_type="application/json") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) if not isinstance(data, str) else data,
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Public keys and status lists are read by verifiers anywhere, browsers included.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def issuer(request):
    """The issuer's controller document (W3C Controlled Identifiers 1.0): its public keys."""
    return _public_json(signing.controller_document(), max_age=3600)


@require_GET
def status_list(request, number: int):
    """A signed BitstringStatusListCredential, cached for its `ttl` (Bitstring Status List 1.0
    §2.2); `ETag` and `Last-Modified` let caches revalidate cheaply."""
    found = get_object_or_404(StatusList.objects.only("pk", "published"), number=number)
    if not found.published:
        with transaction.atomic():
            found = StatusList.objects.select_for_update().get(pk=found.pk)
            if not found.published:
                statuslists.publish(found)
    found = StatusList.objects.only("published", "version", "published_at").get(pk=found.pk)
    etag = f'"{number}-{found.version}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = _public_json(
            found.published, max_age=statuslists.ttl_seconds(), content_type="application/vc"
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(found.published_at.timestamp())
    response["Cache-Control"] = f"public, max-age={statuslists.ttl_seconds()}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _credential_entries(holder):
    return [
        entry
        for entry in Entry.objects.of_holder(holder).guaranteed().order_by("kind", "-award_date")
        if credentials.eligible(entry)
    ]


@require_GET
@holder_required
def credential_list(request):
    entries = _credential_entries(request.holder)
    issued = {
        credential.entry_id: credential
        for credential in Credential.objects.filter(entry__in=entries, revoked_at__isnull=True)
    }
    rows = [(entry, issued.get(entry.pk)) for entry in entries]
    revoked = (
        Credential.objects.filter(
            person_id=request.holder.person_id, revoked_at__isnull=False
        ).select_related("entry")[:50]
        if request.holder.person_id
        else []
    )
    return render(
        request,
        "proofs/credential_list.html",
        {"title": _("Mes attestations numériques"), "rows": rows, "revoked": revoked},
    )


def _own_credential(request, entry_pk) -> Credential:
    entry = get_object_or_404(Entry.objects.of_holder(request.holder).guaranteed(), pk=entry_pk)
    credential = credentials.current(entry)
    if credential is None:
        raise Http404(_("Cette entrée ne peut pas (encore) être attestée : elle est provisoire."))
    if not abilities.for_request(request, credential)["download"]:
        raise PermissionDenied(_("Cette attestation ne vous appartient pas."))
    return credential


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@holder_required
def credential_download(request, entry_pk, fmt: str):
    credential = _own_credential(request, entry_pk)
    name = f"attestation-{credential.entry.certification_code or credential.pk.hex[:8]}"
    title = credential.entry.title
    if fmt == "json":
        return _attachment(credential.document, "application/ld+json", f"{name}.json")
    if fmt == "jwt":
        return _attachment(credential.jwt, "application/jwt", f"{name}.jwt")
    if fmt == "png":
        return _attachment(baking.bake_png(title, credential.document), "image/png", f"{name}.png")
    if fmt == "svg":
        svg = baking.bake_svg(title, credential.document, is_jws=False)
        return _attachment(svg, "image/svg+xml", f"{name}.svg")
    raise Http404(_("Format inconnu."))


def linkedin_url(credential: Credential) -> str:
    """LinkedIn's « Ajouter au profil » (Add to Profile, certification) with the credential's
    public verification page as `certUrl`."""
    entry = credential.entry
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": entry.title,
        "organizationName": entry.organisation or credentials.ISSUER_NAME,
        "certUrl": credentials.public_url(credential.pk),
        "certId": entry.certification_code or str(credential.pk),
    }
    if entry.award_date:
        params.update(issueYear=entry.award_date.year, issueMonth=entry.award_date.month)
    if entry.expires_on:
        params.update(expirationYear=entry.expires_on.year, expirationMonth=entry.expires_on.month)
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


@require_GET
@holder_required
def credential_linkedin(request, entry_pk):
    credential = _own_credential(request, entry_pk)
    if not abilities.for_request(request, credential)["share"]:
        raise PermissionDenied(_("Une attestation révoquée ne se partage pas."))
    return redirect(linkedin_url(credential))


@require_GET
def credential_public(request, pk):
    """The public page of one credential: LinkedIn's link, the badge's link."""
    credential = get_object_or_404(Credential.objects.select_related("entry"), pk=pk)
    verdict = verification.verify_credential_record(credential)
    response = render(
        request,
        "proofs/verdict.html",
        {"title": _("Vérification d’une attestation"), "verdict": verdict, "now": timezone.now()},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-cache"
    return response


def _verify_upload(upload) -> verification.Verdict:
    data = upload.read()
    return verification.verify_bytes(data, name=upload.name)


@require_http_methods(["GET", "POST"])
def verify(request):
    """« Vérifier un document »: a PDF or badge image uploaded, or a credential pasted."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.cleaned_data.get("document"):
                    verdict = _verify_upload(form.cleaned_data["document"])
                else:
                    verdict = verification.verify_text(form.cleaned_data["text"])
            except verification.InputError as error:
                form.add_error(None, str(error))
        if not form.is_valid() or form.non_field_errors():
            status = 400
    response = render(
        request,
        "proofs/verify.html",
        {
            "title": _("Vérifier un document"),
            "form": form,
            "verdict": verdict,
            "issuer_url": signing.issuer_id(),
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response
