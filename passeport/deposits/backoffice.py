"""Operator back office for deposits (any certifier, reprocessing) and identity imports.

Every operator action is audited (AuditEvent). Reprocessing re-queues a deposit: an unfinished
one resumes after its last committed chunk; a finished one is processed again from scratch only
when explicitly asked (its outcomes are cleared first, passport entries already recorded stay
and the passages are then reported as already in base).
"""

import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from passeport.certifiers.access import staff_required
from passeport.certifiers.models import Certifier
from passeport.core.models import AuditEvent
from passeport.identity.models import IdentityImport, Person

from .models import Deposit, PassageOutcome
from .reception import accuse_reception
from .tasks import enqueue_processing, import_identities_file


@staff_required
def deposit_list(request):
    deposits = Deposit.objects.select_related("certifier").order_by("-received_at")
    status = request.GET.get("statut", "")
    if status in Deposit.Status.values:
        deposits = deposits.filter(status=status)
    certifier_id = request.GET.get("certificateur", "")
    try:
        if certifier_id:
            deposits = deposits.filter(certifier_id=uuid.UUID(certifier_id))
    except ValueError:
        certifier_id = ""
    page = Paginator(deposits, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "deposits/backoffice/list.html",
        {
            "title": "Dépôts",
            "page": page,
            "statuses": Deposit.Status.choices,
            "status": status,
            "certifiers": Certifier.objects.order_by("name"),
            "certifier_id": certifier_id,
        },
    )


@staff_required
def deposit_detail(request, deposit_id):
    deposit = get_object_or_404(Deposit.objects.select_related("certifier"), pk=deposit_id)
    rejected = PassageOutcome.objects.filter(deposit=deposit, status="ko").order_by("position")
    return render(
        request,
        "deposits/backoffice/detail.html",
        {
            "title": f"Dépôt n° {deposit.number}",
            "deposit": deposit,
            "reception": accuse_reception(deposit),
            "rejected": rejected[:200],
        },
    )


@staff_required
@require_POST
def reprocess(request, deposit_id):
    deposit = get_object_or_404(Deposit, pk=deposit_id)
    if deposit.status == Deposit.Status.REJECTED:
        messages.error(request, "Un dépôt rejeté à la réception n'a rien à retraiter.")
        return redirect("deposits_backoffice:detail", deposit.pk)
    with transaction.atomic():
        if deposit.is_finished:
            PassageOutcome.objects.filter(deposit=deposit).delete()
            if deposit.accuse:
                default_storage.delete(deposit.accuse.name)
            Deposit.objects.filter(pk=deposit.pk).update(
                status=Deposit.Status.RECEIVED,
                passages_done=0,
                passages_ok=0,
                passages_ko=0,
                accuse="",
                processed_at=None,
                notified_at=None,
                lease_owner="",
                lease_expires_at=None,
            )
        else:
            # A stuck deposit: free the lease so that a worker takes it over at once.
            Deposit.objects.filter(pk=deposit.pk).update(lease_owner="", lease_expires_at=None)
        AuditEvent.record(
            "deposit.reprocess", actor=request.user, target=deposit, was=deposit.status
        )
        transaction.on_commit(lambda: enqueue_processing(deposit.pk))
    messages.success(request, "Le dépôt est remis en file de traitement.")
    return redirect("deposits_backoffice:detail", deposit.pk)


@staff_required
def identities(request):
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            messages.error(request, "Choisissez le fichier CSV à importer.")
        else:
            name = default_storage.save(f"identity-imports/{uuid.uuid4().hex}.csv", upload)
            AuditEvent.record(
                "identity.import_requested", actor=request.user, file=upload.name[:200]
            )
            transaction.on_commit(
                lambda: import_identities_file.enqueue(
                    name, upload.name[:200], str(request.user.pk)
                )
            )
            messages.success(
                request,
                f"Import de « {upload.name} » lancé : le résultat "
                "s'affichera dans le tableau ci-dessous.",
            )
            return redirect("deposits_backoffice:identities")
    return render(
        request,
        "deposits/backoffice/identities.html",
        {
            "title": "Répertoire d'identités",
            "imports": IdentityImport.objects.order_by("-created_at")[:50],
            "persons": Person.objects.count(),
        },
    )
