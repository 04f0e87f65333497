"""Pages of the proofs app. Thin: the work is in credentials, statuslists, verification…

Public (no login): the issuer's controller document, the status lists, the verification pages.
The holder's: « Mes attestations numériques » and their downloads, through the abilities.
"""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.core import abilities
from passeport.core.models import AuditEvent
from passeport.core.throttling import Rule, throttle
from passeport.passport.models import Entry
from passeport.passport.views import holder_required

from . import baking, credentials, documents, signing, statuslists, verification
from . import cvs as cv_module
from .forms import CVForm, VerifyForm
from .models import CV, Credential, SignedDocument, StatusList


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
@throttle(Rule("verification-address"), message="Trop de vérifications depuis votre adresse.")
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


# -- « Mes CV » and signed documents ------------------------------------------------------------


def _own_cv(request, pk, action: str) -> CV:
    cv = get_object_or_404(CV, pk=pk, holder=request.holder)  # someone else's: 404
    if not abilities.for_request(request, cv)[action]:
        raise PermissionDenied(_("Ce CV est révoqué : il ne peut plus être modifié ni signé."))
    return cv


def _pdf_response(document: SignedDocument, filename: str) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@holder_required
def cv_list(request):
    cvs_ = list(
        CV.objects.filter(holder=request.holder)
        .prefetch_related("documents")
        .order_by("-created_at")
    )
    attestations = SignedDocument.objects.filter(holder=request.holder, cv__isnull=True).order_by(
        "-created_at"
    )[:50]
    certifications = [
        entry
        for entry in _credential_entries(request.holder)
        if entry.kind == Entry.Kind.CERTIFICATION
    ]
    return render(
        request,
        "proofs/cv_list.html",
        {
            "title": _("Mes CV et attestations"),
            "cvs": cvs_,
            "attestations": attestations,
            "certifications": certifications,
        },
    )


def _cv_form(request, instance=None):
    entries = cv_module.choosable_entries(request.holder)
    return CVForm(
        request.POST or None,
        instance=instance or CV(holder=request.holder),
        holder=request.holder,
        entries=entries,
    )


def _preview_content(form) -> object:
    cv = form.save(commit=False)
    return cv_module.content(cv), cv.template


@require_http_methods(["GET", "POST"])
@holder_required
def cv_edit(request, pk=None):
    cv = _own_cv(request, pk, "edit") if pk else None
    form = _cv_form(request, cv)
    if request.method == "POST" and form.is_valid() and "apercu" not in request.POST:
        saved = form.save()
        AuditEvent.record("proofs.cv_saved", actor=request.user, target=saved)
        messages.success(
            request, _("Votre CV « %(title)s » est enregistré.") % {"title": saved.title}
        )
        return redirect("proofs:cv_list")
    preview = None
    if form.is_bound and form.is_valid():
        preview = _preview_content(form)
    elif cv is not None:
        preview = (cv_module.content(cv), cv.template)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "proofs/cv_form.html",
        {
            "title": _("Modifier le CV") if cv else _("Nouveau CV"),
            "form": form,
            "cv": cv,
            "cv_content": preview[0] if preview else None,
            "template": preview[1] if preview else "",
        },
        status=status,
    )


@require_POST
@holder_required
def cv_preview(request, pk=None):
    """The live preview: the CV's body for the form's current values (an HTML fragment)."""
    cv = _own_cv(request, pk, "preview") if pk else None
    form = _cv_form(request, cv)
    if not form.is_valid():
        return render(request, "proofs/cv/_preview_errors.html", {"form": form}, status=400)
    content, template = _preview_content(form)
    return render(request, "proofs/cv/_preview.html", {"cv_content": content, "template": template})


@require_POST
@holder_required
def cv_sign(request, pk):
    cv = _own_cv(request, pk, "sign")
    document = documents.sign_cv(cv)
    return _pdf_response(document, f"cv-{document.code}.pdf")


@require_POST
@holder_required
def cv_revoke(request, pk):
    cv = _own_cv(request, pk, "revoke")
    count = cv_module.revoke(cv, actor=request.user)
    messages.success(
        request,
        _(
            "Le CV « %(title)s » est révoqué : ses %(count)s PDF signés apparaissent désormais comme « révoqué par son titulaire »."
        )
        % {"title": cv.title, "count": count},
    )
    return redirect("proofs:cv_list")


@require_POST
@holder_required
def cv_delete(request, pk):
    cv = _own_cv(request, pk, "delete")
    with transaction.atomic():
        cv_module.revoke(cv, actor=request.user)
        cv.delete()  # its PDFs stay recorded (revoked), so that they verify as such
    messages.success(request, _("Le CV « %(title)s » est supprimé.") % {"title": cv.title})
    return redirect("proofs:cv_list")


@require_GET
@holder_required
def document_download(request, pk):
    document = get_object_or_404(SignedDocument, pk=pk, holder=request.holder)
    if not abilities.for_request(request, document)["download"]:
        raise PermissionDenied
    return _pdf_response(document, f"{document.kind}-{document.code}.pdf")


@require_POST
@holder_required
def attestation_certification(request, entry_pk):
    entry = get_object_or_404(
        Entry.objects.of_holder(request.holder).guaranteed(),
        pk=entry_pk,
        kind=Entry.Kind.CERTIFICATION,
    )
    if not credentials.eligible(entry):
        raise Http404(_("Cette certification est provisoire : elle ne s’atteste pas encore."))
    document = documents.sign_certification_attestation(request.holder, entry)
    return _pdf_response(document, f"attestation-{document.code}.pdf")


@require_POST
@holder_required
def attestation_prevention(request):
    document = documents.sign_prevention_attestation(request.holder)
    return _pdf_response(document, f"attestation-prevention-{document.code}.pdf")


@require_GET
def verify_code(request, code):
    """The QR code's address: the document recorded under that printed code."""
    verdict = verification.verify_code(code)
    response = render(
        request,
        "proofs/verdict.html",
        {"title": _("Vérification d’un document"), "verdict": verdict},
        status=404 if verdict.code == verification.NOT_FOUND else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response
