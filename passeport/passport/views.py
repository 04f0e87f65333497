"""The holder's pages (/passeport/). Thin: rules live on the models, in `documents`, `export`.

Every object is fetched through the holder's own querysets (`Entry.objects.of_holder`), so an id
belonging to someone else is simply not found: 404, never 403 (no hint that it exists).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.core import abilities
from passeport.core.models import AuditEvent

from . import export, listing
from .access import access_logs_of
from .documents import attach_document, delete_document
from .forms import (
    DeclaredEntryForm,
    DocumentForm,
    NewDeclaredEntryForm,
    ReportErrorForm,
    TimelineFilterForm,
)
from .listing import passport_sections
from .models import DETAIL_LABELS, Document, Entry, Holder
from .signals import entry_error_reported, home_panels

REMINDER_DAYS = 90  # prevention entries expiring within this many days are highlighted


def holder_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('franceconnect:login')}?next={request.path}")
        # Loaded with the session and its user (settings.SESSION_USER_RELATED): no query.
        holder = getattr(request.user, "holder", None)
        if holder is None:
            raise Http404(_("Ce compte n’a pas de passeport (connexion FranceConnect requise)."))
        request.holder = holder
        return view(request, *args, **kwargs)

    return wrapper


def _entries(holder: Holder):
    return Entry.objects.of_holder(holder).annotate(document_count=Count("documents"))


# Why an action on an entry is not available (404: the page never offers it, see abilities.py).
NOT_AVAILABLE = {
    "report_error": _("Seule une donnée garantie fait l’objet d’un signalement."),
}


def _own_entry(request, pk, action: str = "view") -> Entry:
    entry = get_object_or_404(Entry.objects.of_holder(request.holder), pk=pk)
    if not abilities.for_request(request, entry)[action]:
        # A guaranteed entry is never edited by its holder: answered as if it did not exist.
        raise Http404(NOT_AVAILABLE.get(action, _("Entrée introuvable.")))
    return entry


def _entry_page(request, entry: Entry, document_form, *, details=(), status: int = 200):
    return render(
        request,
        "passport/entry_detail.html",
        {
            "title": entry.title,
            "entry": entry,
            "details": list(details),
            "abilities": abilities.for_request(request, entry),
            "documents": [
                {"document": document, "abilities": abilities.for_request(request, document)}
                for document in entry.documents.all()
            ],
            "document_form": document_form,
        },
        status=status,
    )


@require_GET
@holder_required
def home(request):
    today = timezone.localdate()
    sections, counts, total = passport_sections(request.holder, today=today)
    panels = [
        html
        for _receiver, html in home_panels.send(
            sender=Holder, request=request, holder=request.holder
        )
        if html
    ]
    return render(
        request,
        "passport/home.html",
        {
            "title": _("Mon passeport"),
            "holder": request.holder,
            "sections": sections,
            "total": total,
            "counts": counts,
            "panels": panels,
        },
    )


@require_GET
@holder_required
def timeline(request):
    form = TimelineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    years, count = listing.timeline(
        request.holder, kind=filters.get("kind", ""), trust=filters.get("trust", "")
    )
    return render(
        request,
        "passport/timeline.html",
        {"title": _("Mon parcours"), "form": form, "years": years, "count": count},
    )


@require_GET
@holder_required
def entry_detail(request, pk):
    entry = _own_entry(request, pk)
    details = [
        (DETAIL_LABELS.get(key, key), value)
        for key, value in entry.details.items()
        if value not in (None, "") and key != "description"
    ]
    allowed = abilities.for_request(request, entry)
    return _entry_page(
        request, entry, DocumentForm() if allowed["add_document"] else None, details=details
    )


@require_http_methods(["GET", "POST"])
@holder_required
def entry_create(request):
    form = NewDeclaredEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save(commit=False)
            entry.holder = request.holder
            entry.source = Entry.Source.HOLDER
            entry.trust = Entry.Trust.DECLARED
            entry.save()
            upload = form.cleaned_data.get("document")
            if upload:
                attach_document(entry, upload, upload.sniffed_type)
        messages.success(
            request, _("« %(title)s » a été ajouté à votre passeport.") % {"title": entry.title}
        )
        return redirect("passport:entry", pk=entry.pk)
    return render(
        request, "passport/entry_form.html", {"title": _("Ajouter une entrée"), "form": form}
    )


@require_http_methods(["GET", "POST"])
@holder_required
def entry_edit(request, pk):
    entry = _own_entry(request, pk, "edit")
    form = DeclaredEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos modifications sont enregistrées."))
        return redirect("passport:entry", pk=entry.pk)
    return render(
        request,
        "passport/entry_form.html",
        {
            "title": _("Modifier « %(title)s »") % {"title": entry.title},
            "form": form,
            "entry": entry,
        },
    )


@require_POST
@holder_required
def entry_delete(request, pk):
    entry = _own_entry(request, pk, "delete")
    documents = list(entry.documents.all())
    with transaction.atomic():
        for document in documents:
            delete_document(document)
        entry.delete()
    messages.success(
        request, _("« %(title)s » a été supprimé de votre passeport.") % {"title": entry.title}
    )
    return redirect("passport:home")


@require_POST
@holder_required
def document_add(request, pk):
    entry = _own_entry(request, pk, "add_document")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        attach_document(entry, upload, upload.sniffed_type)
        messages.success(
            request, _("Le justificatif est ajouté : l’entrée est « déclarée avec justificatif ».")
        )
        return redirect("passport:entry", pk=entry.pk)
    return _entry_page(request, entry, form, status=400)


def _own_document(request, pk, action: str) -> Document:
    document = get_object_or_404(
        Document.objects.select_related("entry"), pk=pk, entry__holder=request.holder
    )
    if not abilities.for_request(request, document)[action]:
        raise Http404(_("Justificatif introuvable."))
    return document


@require_GET
@holder_required
def document_download(request, pk):
    document = _own_document(request, pk, "download")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=request.GET.get("telecharger") == "1",
        filename=document.download_name,
    )
    return response


@require_POST
@holder_required
def document_delete(request, pk):
    document = _own_document(request, pk, "delete")
    entry = document.entry
    delete_document(document)
    messages.success(
        request,
        _("Le justificatif « %(name)s » est supprimé.") % {"name": document.original_name},
    )
    return redirect("passport:entry", pk=entry.pk)


@require_http_methods(["GET", "POST"])
@holder_required
def report_error(request, pk):
    entry = _own_entry(request, pk, "report_error")
    form = ReportErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        AuditEvent.record(
            "passport.error_reported",
            actor=request.user,
            target=entry,
            id_technique=entry.id_technique,
            certificateur=entry.certificateur_id,
        )
        entry_error_reported.send(
            sender=Entry, entry=entry, holder=request.holder, message=form.cleaned_data["message"]
        )
        messages.success(
            request,
            _(
                "Votre signalement est transmis à %(organisation)s. Vous serez informé par "
                "courriel de sa réponse."
            )
            % {"organisation": entry.organisation or _("l’organisme émetteur")},
        )
        return redirect("passport:entry", pk=entry.pk)
    return render(
        request,
        "passport/report_error.html",
        {"title": _("Signaler une erreur"), "entry": entry, "form": form},
    )


def _prevention_entries(holder: Holder):
    return list(
        Entry.objects.of_holder(holder)
        .filter(kind=Entry.Kind.PREVENTION)
        .order_by("expires_on", "title")
    )


@require_GET
@holder_required
def prevention(request):
    today = timezone.localdate()
    entries = _prevention_entries(request.holder)
    for entry in entries:
        entry.expiring = entry.expires_within(REMINDER_DAYS, today=today)
        entry.expired = entry.is_expired(today=today)
    return render(
        request,
        "passport/prevention.html",
        {"title": _("Passeport de prévention"), "entries": entries, "reminder_days": REMINDER_DAYS},
    )


@require_GET
@holder_required
def prevention_attestation(request):
    today = timezone.localdate()
    entries = [e for e in _prevention_entries(request.holder) if not e.is_expired(today=today)]
    return render(
        request,
        "passport/prevention_attestation.html",
        {
            "title": _("Attestation de prévention"),
            "entries": entries,
            "holder": request.holder,
            "full_name": " ".join(
                part
                for part in (
                    request.holder.pivot.get("given_name", ""),
                    request.holder.pivot.get("family_name", ""),
                )
                if part
            )
            or request.user.display_name,
            "today": today,
        },
    )


@require_GET
@holder_required
def my_data(request):
    return render(
        request,
        "passport/my_data.html",
        {
            "title": _("Mes données personnelles"),
            "accesses": list(access_logs_of(request.holder)[:200]),
            "declared_count": Entry.objects.filter(holder=request.holder).count(),
        },
    )


@require_GET
@holder_required
def export_json(request):
    data = export.passport_data(holder=request.holder)
    response = HttpResponse(export.to_json(data), content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="mon-passeport-{stamp}.json"'
    return response


@require_GET
@holder_required
def export_html(request):
    data = export.passport_data(holder=request.holder)
    return render(request, "passport/export.html", {"title": _("Toutes mes données"), "data": data})


@require_POST
@holder_required
def delete_declared(request):
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case de confirmation pour supprimer vos entrées."))
        return redirect("passport:my_data")
    entries = list(Entry.objects.filter(holder=request.holder).prefetch_related("documents"))
    with transaction.atomic():
        for entry in entries:
            for document in entry.documents.all():
                delete_document(document)
            entry.delete()
    AuditEvent.record("passport.declared_deleted", actor=request.user, count=len(entries))
    messages.success(
        request, _("%(count)s entrée(s) déclarée(s) supprimée(s).") % {"count": len(entries)}
    )
    return redirect("passport:my_data")


@require_POST
@holder_required
def delete_account(request):
    """Deletes the account and everything it owns; guaranteed entries stay with the person
    (they belong to the register, not to the account) and reappear at the next login."""
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case de confirmation pour supprimer votre compte."))
        return redirect("passport:my_data")
    holder = request.holder
    user = holder.user
    with transaction.atomic():
        for entry in Entry.objects.filter(holder=holder).prefetch_related("documents"):
            for document in entry.documents.all():
                delete_document(document)
        AuditEvent.record("passport.account_deleted", target=holder)
        user.delete()  # cascades to the holder, its declared entries and its access log
    logout(request)
    messages.success(
        request,
        _(
            "Votre compte et vos données déclarées sont supprimés. Pensez à vous déconnecter de "
            "FranceConnect."
        ),
    )
    return redirect("pages:home")
