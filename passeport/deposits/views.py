"""Portal pages of the deposits (certifier space, DSFR). Thin: the work is in reception.py,
processing.py, single_passage.py, statistics.py; the API calls the same functions."""

import base64
import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from passeport.certifiers.access import certifier_member_required
from passeport.core import abilities
from passeport.core.throttling import Rule, throttle
from passeport.flux.cdc_messages import explain

from . import analysis as analysing
from . import charts, checking, statistics, uploads
from .exports import rejects_workbook
from .forms import PassageForm
from .models import Deposit, PassageOutcome
from .reception import DepositError, accuse_reception, receive
from .serializers import deposit_json
from .single_passage import certifiers_deposited_for, deposit_row, load_passage, row_from_passage

KO_PAGE_SIZE = 100
# What a deposit page answers when its action does not apply to this deposit (404: the link is
# not offered, see deposits/abilities.py).
NOT_AVAILABLE = {
    "view": "Dépôt introuvable.",
    "download_accuse": "L'accusé de traitement n'est pas encore disponible.",
    "export_rejects": "Ce dépôt n'a aucun passage rejeté à exporter.",
    "correct": "Ce dépôt n'a aucun passage rejeté à corriger.",
}


def _deposit(request, certifier, deposit_id, action: str = "view") -> Deposit:
    deposit = get_object_or_404(Deposit, pk=deposit_id, certifier=certifier)
    deposit.certifier = certifier  # already checked by the decorator: no second query
    if not abilities.for_request(request, deposit)[action]:
        raise Http404(NOT_AVAILABLE[action])
    return deposit


@certifier_member_required()
def dashboard(request, certifier):
    deposits = Paginator(Deposit.objects.for_certifier(certifier).order_by("-received_at"), 25)
    page = deposits.get_page(request.GET.get("page"))
    months = statistics.acceptance_by_month(certifier)
    reasons = statistics.rejections_by_reason(certifier)
    return render(
        request,
        "deposits/dashboard.html",
        {
            "certifier": certifier,
            "title": "Tableau de bord des dépôts",
            "page": page,
            "counts": statistics.counts(certifier),
            "months": months,
            "reasons": reasons,
            "acceptance_svg": charts.acceptance_chart(months),
            "reasons_svg": charts.reasons_chart(reasons),
            "deadlines": statistics.passages_near_deadline(certifier),
            "abilities": abilities.for_request(request, certifier),
        },
    )


@csrf_exempt  # checked by _upload, after the size limit is installed (Django's upload docs)
@certifier_member_required("deposit")
@require_http_methods(["GET", "POST"])
def upload(request, certifier):
    limiter = uploads.install(request)
    return _upload(request, certifier, limiter)


@csrf_protect
def _upload(request, certifier, limiter):
    if request.method == "GET":
        return render(
            request,
            "deposits/upload.html",
            {
                "certifier": certifier,
                "title": "Déposer des fichiers",
                "max_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
            },
        )
    files = request.FILES.getlist("fichier")
    wants_json = "application/json" in request.headers.get("Accept", "")
    results, errors = [], [f"{name} : fichier trop volumineux." for name in limiter.too_large]
    spreadsheets = []
    if not files and not errors:
        errors.append(
            "Aucun fichier reçu : choisissez un ou plusieurs flux XML ou tableurs (xlsx, ods, csv)."
        )
    for upload_file in files:
        if analysing.is_spreadsheet(upload_file.name):
            # A spreadsheet is not a flux: stored, then its columns are mapped on screen and
            # the built flux previewed before anything is deposited (analysis.py).
            try:
                started = analysing.start(
                    upload_file, file_name=upload_file.name, certifier=certifier,
                    user=request.user,
                )  # fmt: skip
            except analysing.AnalysisError as exc:
                errors.append(str(exc))
                continue
            spreadsheets.append(
                {
                    "nomFichier": started.file_name,
                    "liens": {
                        "page": reverse("deposits:analysis", args=[certifier.pk, started.pk]),
                        "etat": reverse("deposits:analysis_state", args=[certifier.pk, started.pk]),
                    },
                }
            )
            continue
        try:
            reception = receive(
                upload_file,
                file_name=upload_file.name,
                certifier=certifier,
                user=request.user,
                channel=Deposit.Channel.PORTAL,
            )
        except DepositError as exc:
            errors.append(f"{upload_file.name} : {exc.detail}")
            continue
        body = deposit_json(reception.deposit, request, with_reception=True)
        body["doublon"] = reception.duplicate
        body["liens"]["page"] = reverse(
            "deposits:detail", args=[certifier.pk, reception.deposit.pk]
        )
        body["liens"]["etat"] = reverse(
            "deposits:status", args=[certifier.pk, reception.deposit.pk]
        )
        results.append(body)
    if wants_json:
        status = 200 if results or spreadsheets else (413 if limiter.too_large else 400)
        return JsonResponse(
            {"depots": results, "tableurs": spreadsheets, "erreurs": errors},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    for error in errors:
        messages.error(request, error)
    for body in results:
        if body["statut"] == "rejete":
            messages.error(request, f"{body['nomFichier']} : rejeté à la réception.")
        elif body["doublon"]:
            messages.info(request, f"{body['nomFichier']} : ce fichier a déjà été déposé.")
        else:
            messages.success(request, f"{body['nomFichier']} : reçu, traitement en cours.")
    for sheet in spreadsheets:
        messages.info(request, f"{sheet['nomFichier']} : reçu, analyse des colonnes en cours.")
    if len(results) + len(spreadsheets) == 1:
        return redirect((results or spreadsheets)[0]["liens"]["page"])
    return redirect("deposits:dashboard", certifier.pk)


@certifier_member_required()
def status(request, certifier, deposit_id):
    deposit = _deposit(request, certifier, deposit_id)
    return JsonResponse(deposit_json(deposit, request), json_dumps_params={"ensure_ascii": False})


@certifier_member_required()
def detail(request, certifier, deposit_id):
    deposit = _deposit(request, certifier, deposit_id)
    rejected = (
        PassageOutcome.objects.filter(deposit=deposit, status=PassageOutcome.Status.KO)
        .select_related("corrected_by")
        .order_by("position")
    )
    page = Paginator(rejected, KO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"outcome": outcome, "explanation": explain(outcome.message)} for outcome in page]
    return render(
        request,
        "deposits/detail.html",
        {
            "certifier": certifier,
            "title": f"Dépôt n° {deposit.number}",
            "deposit": deposit,
            "reception": accuse_reception(deposit),
            "built_from": _built_from(request, deposit),
            "page": page,
            "rows": rows,
            "abilities": abilities.for_request(request, deposit),
            "correction_of": deposit.correction_of,
            "ticket_label": f"Dépôt n° {deposit.number} — {deposit.file_name}",
        },
    )


def _built_from(request, deposit):
    """The spreadsheet the deposit was built from, when this member may download its files."""
    found = analysing.for_deposit(deposit)
    if found is None or not abilities.for_request(request, found)["download"]:
        return None
    return found


@certifier_member_required()
def accuse(request, certifier, deposit_id):
    deposit = _deposit(request, certifier, deposit_id, "download_accuse")
    return FileResponse(
        default_storage.open(deposit.accuse.name, "rb"),
        as_attachment=True,
        filename=deposit.accuse_filename(),
        content_type="application/xml",
    )


@certifier_member_required()
def rejects(request, certifier, deposit_id):
    deposit = _deposit(request, certifier, deposit_id, "export_rejects")
    data = rejects_workbook(deposit)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"Passages rejetés_{deposit.file_name.rsplit('.', 1)[0]}.xlsx"
    response["Content-Disposition"] = _attachment(name)
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@certifier_member_required("deposit")
@require_http_methods(["GET", "POST"])
def entry(request, certifier):
    version = (
        request.GET.get("version") if request.GET.get("version") in ("1.1.2", "1.1.5") else "1.1.2"
    )
    on_behalf = certifiers_deposited_for(certifier)
    codes = sorted(set().union(*(c.certification_codes() for c in on_behalf)))
    data = request.POST if request.method == "POST" else None
    form = PassageForm(data, version=version, codes=codes, depositor=certifier, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        target = form.certifier_deposited_for() or certifier
        reception, problems = deposit_row(
            form.row(),
            certifier=certifier,
            user=request.user,
            version=version,
            certificateur=target.id_client,
            contrat=target.id_contrat,
        )
        if reception is not None:
            messages.success(request, "Passage déposé : il est en cours de traitement.")
            return redirect("deposits:detail", certifier.pk, reception.deposit.pk)
        form.add_anomalies(problems)
    return render(
        request,
        "deposits/entry.html",
        {
            "certifier": certifier,
            "title": "Saisir un passage",
            "form": form,
            "version": version,
        },
    )


@certifier_member_required("correct")
@require_http_methods(["GET", "POST"])
def correct(request, certifier, deposit_id, outcome_id):
    deposit = _deposit(request, certifier, deposit_id, "correct")
    outcome = get_object_or_404(
        PassageOutcome, pk=outcome_id, deposit=deposit, status=PassageOutcome.Status.KO
    )
    passage = load_passage(outcome)
    if passage is None:
        raise Http404("Passage introuvable dans le fichier déposé.")
    version = deposit.schema_version or "1.1.2"
    codes = sorted(certifier.certification_codes() | {passage.certification.code})
    initial = row_from_passage(passage, version)
    data = request.POST if request.method == "POST" else None
    form = PassageForm(data, initial=initial, version=version, codes=codes)
    if request.method == "POST" and form.is_valid():
        reception, problems = deposit_row(
            form.row(),
            certifier=certifier,
            user=request.user,
            version=version,
            certificateur=passage.certificateur.id_client or None,
            contrat=passage.certificateur.id_contrat or None,
            correction_of=outcome,
        )
        if reception is not None:
            messages.success(
                request, "Passage corrigé et déposé à nouveau : il est en cours de traitement."
            )
            return redirect("deposits:detail", certifier.pk, reception.deposit.pk)
        form.add_anomalies(problems)
    return render(
        request,
        "deposits/entry.html",
        {
            "certifier": certifier,
            "title": f"Corriger le passage {outcome.id_technique}",
            "form": form,
            "version": version,
            "deposit": deposit,
            "outcome": outcome,
            "explanation": explain(outcome.message),
        },
    )


# -- « Vérifier mon fichier » (public, no account) ------------------------------------------------

_INLINE = re.compile(r"<(style|script)>(.*?)</\1>", re.S)


def _report_csp(report: str) -> dict:
    """The site's CSP, plus the hashes of the report's own inline style and script (CSP Level
    3 §8.4 hash-source): the CLI's self-contained report runs unchanged, nothing else inline."""
    sources = {"style": [], "script": []}
    for tag, body in _INLINE.findall(report):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        sources[tag].append(f"'sha256-{digest}'")
    config = dict(settings.SECURE_CSP)
    config["style-src"] = [*config.get("style-src", []), *sources["style"]]
    config["script-src"] = [*config.get("script-src", []), *sources["script"]]
    return config


def _check_page(request, context: dict, status: int = 200):
    response = render(
        request,
        "deposits/check.html",
        {
            "title": "Vérifier mon fichier",
            "max_mb": settings.CHECK_FILE_MAX_BYTES // (1024 * 1024),
            **context,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # checked by _check_file, after the size limit is installed (as `upload`)
@require_http_methods(["GET", "POST"])
@throttle(Rule("check-file-address"), message="Trop de fichiers vérifiés depuis votre connexion.")
def check_file(request):
    limiter = uploads.install(request, limit=settings.CHECK_FILE_MAX_BYTES)
    return _check_file(request, limiter)


@csrf_protect
def _check_file(request, limiter):
    if request.method == "GET":
        return _check_page(request, {})
    files = request.FILES.getlist("fichier")
    if not files:
        limit = settings.CHECK_FILE_MAX_BYTES // (1024 * 1024)
        error = (
            f"{checking.public_name(limiter.too_large[0])} : fichier trop volumineux ; la "
            f"vérification en ligne accepte {limit} Mo au plus. Pour un fichier plus gros, "
            "utilisez « passeport flux validate » sur votre poste."
            if limiter.too_large
            else "Aucun fichier reçu : choisissez un flux XML ou un tableur (.xlsx, .ods, .csv)."
        )
        return _check_page(request, {"error": error}, status=413 if limiter.too_large else 400)
    for extra in files[1:]:
        extra.close()
    result = checking.check_upload(files[0])
    if result.kind == "flux":
        response = HttpResponse(result.report_html, content_type="text/html; charset=utf-8")
        response._csp_config = _report_csp(result.report_html)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "no-store"
        return response
    if result.kind == "refused":
        return _check_page(request, {"error": result.error}, status=422)
    return _check_page(request, {"check": result, "preview": checking.preview(result.build)})
