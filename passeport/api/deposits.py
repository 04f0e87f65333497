"""Deposits of certifiers' flux (`Authorization: Bearer pp_…`, a certifier's API token).

    POST /api/v1/depots                         multipart field `fichier` → 202 + accusé de réception
    GET  /api/v1/depots                         the token's certifier's deposits (paginated)
    GET  /api/v1/depots/{id}                    status and counts
    GET  /api/v1/depots/{id}/accuse-traitement  the accusé de traitement (XML)

Thin: the reception is `deposits.reception.receive` (the portal's too), the bodies are
`deposits.serializers.deposit_json` (the portal's status endpoint's too).
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import default_storage
from django.http import FileResponse, JsonResponse
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from passeport.core import abilities
from passeport.deposits import uploads
from passeport.deposits.models import Deposit
from passeport.deposits.reception import DepositError, receive
from passeport.deposits.serializers import deposit_json

from .auth import CertifierToken
from .pagination import PageMeta, page_query, paginate
from .problems import ApiProblem, Problem

router = Router(tags=["Dépôts des certificateurs"], auth=CertifierToken())

Status = Literal[tuple(Deposit.Status.values)]
Channel = Literal[tuple(Deposit.Channel.values)]


class PassageCounts(Schema):
    total: int | None
    traites: int
    acceptes: int
    rejetes: int


class DepositLinks(Schema):
    self: str
    accuseTraitement: str | None = None


class AccuseReception(Schema):
    depot: UUID
    numeroTraitement: int
    nomFichier: str
    taille: int
    sha256: str
    recuLe: datetime
    statut: Literal["recu", "rejete"]
    idFlux: str
    emetteur: str
    versionSchema: str
    action: str
    passages: int | None
    motifs: list[str]


class Depot(Schema):
    id: UUID
    numeroTraitement: int
    nomFichier: str
    statut: Status
    libelleStatut: str
    canal: Channel
    recuLe: datetime
    traiteLe: datetime | None
    idFlux: str
    action: str
    passages: PassageCounts
    progression: int = Field(ge=0, le=100)
    liens: DepositLinks
    accuseReception: AccuseReception | None = None
    doublon: bool | None = Field(
        None, description="Réponse à un dépôt : ces octets avaient déjà été déposés"
    )


class DepotList(PageMeta):
    depots: list[Depot]


FLUX_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["fichier"],
                "properties": {
                    "fichier": {
                        "type": "string",
                        "format": "binary",
                        "description": "Le flux XML (un seul fichier par dépôt)",
                    }
                },
            }
        }
    },
}


def _too_large() -> ApiProblem:
    return ApiProblem(
        413,
        "Fichier trop volumineux",
        f"La taille maximale d'un dépôt est de {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo.",
    )


@router.post(
    "/depots",
    url_name="deposits",
    summary="Déposer un flux",
    operation_id="deposer",
    response={
        202: Depot,
        200: Depot,
        400: Problem,
        403: Problem,
        411: Problem,
        413: Problem,
        422: Problem,
        507: Problem,
    },
    openapi_extra={
        "requestBody": FLUX_BODY,
        "responses": {
            "202": {"description": "Reçu ; traitement en file d'attente"},
            "200": {
                "description": "Ces octets ont déjà été déposés : le dépôt existant est renvoyé "
                "(doublon=true), rien n'est retraité"
            },
            "403": {"description": "Le jeton ne permet pas de déposer pour cet organisme"},
            "411": {"description": "Corps envoyé par morceaux (chunked) : envoyer sa taille"},
            "413": {"description": "Fichier trop volumineux"},
            "422": {
                "description": "Dépôt rejeté à la réception (motifs dans detail et accuseReception)"
            },
            "507": {"description": "Espace de stockage insuffisant : rien n'a été déposé"},
        },
    },
)
def create_deposit(request):
    certifier = request.auth.certifier
    if not abilities.for_user(request.auth, certifier)["deposit"]:
        raise ApiProblem(
            403,
            "Dépôt refusé",
            "Ce jeton ne permet pas de déposer pour cet organisme, ou l'organisme est suspendu.",
        )
    # The body is read here, not by ninja, so that the size limit and the hashing handlers are
    # in place before Django parses it (deposits/uploads.py).
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.MAX_UPLOAD_BYTES + 1024 * 1024:
        raise _too_large()
    limiter = uploads.install(request)
    try:
        files = request.FILES.getlist("fichier")
    except RequestDataTooBig:
        raise ApiProblem(
            413, "Requête trop volumineuse", "Envoyez le fichier en multipart."
        ) from None
    if len(files) > 1:
        raise ApiProblem(
            400,
            "Plusieurs fichiers",
            f"La requête contient {len(files)} parties « fichier » : un dépôt porte un seul "
            "flux. Envoyez chaque fichier dans sa propre requête.",
        )
    if not files and limiter.too_large:
        raise _too_large()
    if not files:
        raise ApiProblem(
            400,
            "Fichier manquant",
            "Envoyez le flux XML en multipart/form-data dans le champ « fichier » "
            "(exemple : curl -F fichier=@flux.xml …).",
        )
    upload = files[0]
    try:
        reception = receive(
            upload,
            file_name=upload.name,
            certifier=certifier,
            channel=Deposit.Channel.API,
            token_prefix=request.auth.prefix,
        )
    except DepositError as exc:
        raise ApiProblem(exc.status, exc.title, exc.detail) from None
    deposit = reception.deposit
    body = deposit_json(deposit, request, with_reception=True)
    body["doublon"] = reception.duplicate
    location = reverse("api:deposit", args=[deposit.pk])
    if deposit.status == Deposit.Status.REJECTED and not reception.duplicate:
        raise ApiProblem(
            422,
            "Dépôt rejeté à la réception",
            " ".join(deposit.rejection_reasons),
            headers={"Location": location},
            **body,
        )
    response = JsonResponse(
        body,
        status=200 if reception.duplicate else 202,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Location"] = location
    return response


@router.get(
    "/depots",
    url_name="deposits_list",
    summary="Lister les dépôts de l'organisme",
    description="Dépôts du plus récent au plus ancien, 50 par page.",
    operation_id="listerDepots",
    response={200: DepotList},
)
def list_deposits(request, page: int = page_query()):
    queryset = Deposit.objects.for_certifier(request.auth.certifier).order_by("-received_at")
    deposits, meta = paginate(queryset, page)
    return {"depots": [deposit_json(d, request) for d in deposits], **meta}


def _deposit_or_404(request, deposit_id) -> Deposit:
    # Another certifier's deposit answers exactly like a missing one: ids are never confirmed.
    certifier = request.auth.certifier
    deposit = Deposit.objects.filter(pk=deposit_id, certifier=certifier).first()
    if deposit is not None:
        deposit.certifier = certifier
    if deposit is None or not abilities.for_user(request.auth, deposit)["view"]:
        raise ApiProblem(
            404, "Dépôt introuvable", "Aucun dépôt de votre organisme ne porte cet identifiant."
        )
    return deposit


@router.get(
    "/depots/{id}",
    url_name="deposit",
    summary="État et compteurs d'un dépôt",
    operation_id="lireDepot",
    response={200: Depot},
)
def get_deposit(request, id: UUID):
    return deposit_json(_deposit_or_404(request, id), request, with_reception=True)


@router.get(
    "/depots/{id}/accuse-traitement",
    url_name="deposit_accuse",
    summary="Accusé de traitement (format de la Caisse des Dépôts)",
    operation_id="accuseTraitement",
    response={409: Problem},
    openapi_extra={
        "responses": {
            "200": {
                "description": "Accusé de traitement_<nomFichier>_<AAAAMMJJ>.xml",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            },
            "409": {"description": "Accusé de traitement pas (encore) disponible"},
        }
    },
)
def get_accuse(request, id: UUID):
    deposit = _deposit_or_404(request, id)
    if deposit.status == Deposit.Status.REJECTED:
        raise ApiProblem(
            409,
            "Pas d'accusé de traitement",
            "Ce dépôt a été rejeté à la réception : aucun passage n'a été traité. "
            "Les motifs figurent dans l'accusé de réception.",
            motifs=deposit.rejection_reasons,
        )
    if not deposit.accuse:
        raise ApiProblem(
            409,
            "Accusé de traitement pas encore disponible",
            f"Le dépôt est en cours de traitement ({deposit.passages_done} passages traités "
            f"sur {deposit.passages_total or '?'}). Réessayez dans quelques instants.",
            headers={"Retry-After": "10"},
        )
    return FileResponse(
        default_storage.open(deposit.accuse.name, "rb"),
        as_attachment=True,
        filename=deposit.accuse_filename(),
        content_type="application/xml",
    )
