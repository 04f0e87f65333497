"""REST API of the deposits, token-authenticated (`Authorization: Bearer pp_…`).

    POST /api/v1/depots                         multipart field `fichier` → 202 + accusé de réception
    GET  /api/v1/depots                         the token's certifier's deposits (paginated)
    GET  /api/v1/depots/{id}                    status and counts
    GET  /api/v1/depots/{id}/accuse-traitement  the accusé de traitement (XML)
    GET  /api/v1/openapi.json                   this description (OpenAPI 3.1)

Errors are `application/problem+json` (RFC 9457) with French `title` and `detail`. The views are
thin: they call `reception.receive` and the serialisers the portal pages use too.
"""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from passeport.certifiers.models import authenticate_token

from . import uploads
from .models import Deposit
from .openapi import openapi_document
from .reception import DepositError, receive
from .serializers import deposit_json

PROBLEM = "application/problem+json"
PAGE_SIZE = 50


def problem(status: int, title: str, detail: str, **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="passeport"'
    return response


def token_required(view):
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, clear = header.partition(" ")
        if scheme.lower() != "bearer" or not clear.strip():
            return problem(
                401,
                "Authentification requise",
                "Ajoutez l'en-tête « Authorization: Bearer <jeton> » avec un jeton d'API créé "
                "dans l'espace de votre organisme (menu « Jetons d'API »).",
            )
        token = authenticate_token(clear.strip())
        if token is None:
            return problem(
                401,
                "Jeton refusé",
                "Ce jeton d'API est inconnu, révoqué, ou son organisme est suspendu. Créez-en un "
                "nouveau dans l'espace de votre organisme.",
            )
        request.api_token = token
        return view(request, token.certifier, *args, **kwargs)

    return wrapper


def _method_not_allowed(allowed: str) -> HttpResponse:
    response = problem(405, "Méthode non permise", f"Méthodes acceptées : {allowed}.")
    response["Allow"] = allowed
    return response


def _deposit_or_404(certifier, deposit_id):
    # Another certifier's deposit answers exactly like a missing one: ids are never confirmed.
    return Deposit.objects.filter(pk=deposit_id, certifier=certifier).first()


def _not_found() -> HttpResponse:
    return problem(
        404, "Dépôt introuvable", "Aucun dépôt de votre organisme ne porte cet identifiant."
    )


@token_required
def deposits(request, certifier):
    if request.method == "POST":
        return _create(request, certifier)
    if request.method != "GET":
        return _method_not_allowed("GET, POST")
    paginator = Paginator(
        Deposit.objects.for_certifier(certifier).order_by("-received_at"), PAGE_SIZE
    )
    try:
        page = paginator.page(int(request.GET.get("page", "1")))
    except (ValueError, EmptyPage):
        return problem(
            400,
            "Page invalide",
            f"Le paramètre page doit être un entier entre 1 et {paginator.num_pages}.",
        )
    return JsonResponse(
        {
            "depots": [deposit_json(d, request) for d in page],
            "page": page.number,
            "pages": paginator.num_pages,
            "total": paginator.count,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _create(request, certifier):
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.MAX_UPLOAD_BYTES + 1024 * 1024:
        return problem(
            413,
            "Fichier trop volumineux",
            f"La taille maximale d'un dépôt est de "
            f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo.",
        )
    limiter = uploads.install(request)  # stops reading a file beyond MAX_UPLOAD_BYTES
    try:
        upload = request.FILES.get("fichier")
    except RequestDataTooBig:
        return problem(413, "Requête trop volumineuse", "Envoyez le fichier en multipart.")
    if upload is None and limiter.too_large:
        return problem(
            413,
            "Fichier trop volumineux",
            f"La taille maximale d'un dépôt est de {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo.",
        )
    if upload is None:
        return problem(
            400,
            "Fichier manquant",
            "Envoyez le flux XML en multipart/form-data dans le champ « fichier » "
            "(exemple : curl -F fichier=@flux.xml …).",
        )
    try:
        reception = receive(
            upload,
            file_name=upload.name,
            certifier=certifier,
            channel=Deposit.Channel.API,
            token_prefix=request.api_token.prefix,
        )
    except DepositError as exc:
        return problem(exc.status, exc.title, exc.detail)
    deposit = reception.deposit
    body = deposit_json(deposit, request, with_reception=True)
    body["doublon"] = reception.duplicate
    location = reverse("deposits_api:detail", args=[deposit.pk])
    if deposit.status == Deposit.Status.REJECTED and not reception.duplicate:
        response = problem(
            422,
            "Dépôt rejeté à la réception",
            " ".join(deposit.rejection_reasons),
            **body,
        )
    else:
        response = JsonResponse(
            body,
            status=200 if reception.duplicate else 202,
            json_dumps_params={"ensure_ascii": False},
        )
    response["Location"] = location
    return response


@token_required
def deposit_detail(request, certifier, deposit_id):
    if request.method != "GET":
        return _method_not_allowed("GET")
    deposit = _deposit_or_404(certifier, deposit_id)
    if deposit is None:
        return _not_found()
    return JsonResponse(
        deposit_json(deposit, request, with_reception=True),
        json_dumps_params={"ensure_ascii": False},
    )


@token_required
def accuse_traitement(request, certifier, deposit_id):
    if request.method != "GET":
        return _method_not_allowed("GET")
    deposit = _deposit_or_404(certifier, deposit_id)
    if deposit is None:
        return _not_found()
    if deposit.status == Deposit.Status.REJECTED:
        return problem(
            409,
            "Pas d'accusé de traitement",
            "Ce dépôt a été rejeté à la réception : aucun passage n'a été traité. "
            "Les motifs figurent dans l'accusé de réception.",
            motifs=deposit.rejection_reasons,
        )
    if not deposit.accuse:
        response = problem(
            409,
            "Accusé de traitement pas encore disponible",
            f"Le dépôt est en cours de traitement ({deposit.passages_done} passages traités "
            f"sur {deposit.passages_total or '?'}). Réessayez dans quelques instants.",
        )
        response["Retry-After"] = "10"
        return response
    return FileResponse(
        default_storage.open(deposit.accuse.name, "rb"),
        as_attachment=True,
        filename=deposit.accuse_filename(),
        content_type="application/xml",
    )


def openapi(request):
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})
