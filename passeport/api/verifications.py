"""Public verification of what the passport signed (no authentication; throttled per address).

    POST /api/v1/verifications   a PDF or a baked badge image (multipart field `document`), or
                                 JSON {"attestation": {…}} | {"jwt": "…"} | {"code": "…"}
                                 → the verdict, its reason and the checks made

Thin: the verdict is `proofs.verification`'s, the one « Vérifier un document » shows.
"""

import json
from typing import Any, Literal

from ninja import Router, Schema

from passeport.proofs import verification
from passeport.proofs.forms import MAX_VERIFIED_BYTES

from .problems import ApiProblem, Problem
from .throttling import TokenRateThrottle

router = Router(tags=["Vérification des documents"])

Verdict = Literal[
    verification.AUTHENTIC,
    verification.ALTERED,
    verification.UNKNOWN_SIGNATURE,
    verification.REVOKED,
    verification.EXPIRED,
    verification.NOT_FOUND,
]


class Controle(Schema):
    controle: str
    reussi: bool
    detail: str


class Comparaison(Schema):
    document: str
    today: str
    same: bool
    difference: str


class Verification(Schema):
    verdict: Verdict
    libelle: str
    raison: str
    nature: str
    controles: list[Controle]
    donnees: dict[str, Any]
    comparaison: list[Comparaison]


class VerificationThrottle(TokenRateThrottle):
    """Its own counter per client address, stricter than a token's (a public upload)."""

    scope = "verifications"

    def __init__(self):
        super().__init__("API_VERIFICATIONS_THROTTLE_RATE")


BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["document"],
                "properties": {
                    "document": {
                        "type": "string",
                        "format": "binary",
                        "description": "Un PDF (CV, attestation) ou une image de badge PNG/SVG",
                    }
                },
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "description": "Une seule des trois clés",
                "properties": {
                    "attestation": {
                        "type": "object",
                        "description": "Attestation Open Badges 3.0 (preuve Data Integrity)",
                    },
                    "jwt": {"type": "string", "description": "La même, en JWT (ou vc+jwt)"},
                    "code": {"type": "string", "description": "Code imprimé sur un document"},
                },
            }
        },
    },
}


def _too_large() -> ApiProblem:
    return ApiProblem(
        413,
        "Document trop volumineux",
        f"Un document à vérifier fait au plus {MAX_VERIFIED_BYTES // (1024 * 1024)} Mo.",
    )


def _from_json(request) -> verification.Verdict:
    try:
        text = (request.body or b"null").decode("utf-8")
    except UnicodeDecodeError as error:
        # RFC 8259 §8.1: JSON exchanged between systems is UTF-8.
        raise ApiProblem(
            400,
            "JSON illisible",
            f"Le corps n'est pas du texte UTF-8 (octet {error.start}) : envoyez le JSON en UTF-8.",
        ) from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise ApiProblem(
            400,
            "JSON illisible",
            f"Le corps n'est pas du JSON (ligne {error.lineno}, colonne {error.colno}).",
        ) from None
    keys = [key for key in ("attestation", "jwt", "code") if isinstance(body, dict) and key in body]
    if len(keys) != 1:
        raise ApiProblem(
            400,
            "Document manquant",
            "Envoyez exactement une des clés « attestation » (objet JSON), « jwt » (texte) ou "
            "« code » (le code imprimé sur le document).",
        )
    value = body[keys[0]]
    if keys[0] == "attestation":
        return verification.verify_credential(value)
    if not isinstance(value, str):
        raise ApiProblem(400, "Valeur invalide", f"« {keys[0]} » doit être un texte.")
    if keys[0] == "jwt":
        return verification.verify_jwt(value)
    return verification.verify_code(value)


def _from_upload(request) -> verification.Verdict:
    files = request.FILES.getlist("document")
    if len(files) != 1:
        raise ApiProblem(
            400,
            "Document manquant" if not files else "Plusieurs documents",
            "Envoyez un seul fichier dans le champ « document » (exemple : curl -F "
            "document=@cv.pdf …).",
        )
    upload = files[0]
    if upload.size > MAX_VERIFIED_BYTES:
        raise _too_large()
    return verification.verify_bytes(upload.read(), name=upload.name)


@router.post(
    "/verifications",
    auth=None,
    throttle=[VerificationThrottle()],
    url_name="verifications",
    summary="Vérifier un document",
    description=(
        "Vérifie un CV ou une attestation en PDF, une attestation numérique (JSON ou JWT), une "
        "image de badge, ou un code imprimé. Le verdict est l'un de : authentique, modifie, "
        "signature_inconnue, revoque, expire, introuvable ; `controles` liste les contrôles "
        "faits, `comparaison` (CV authentique) ce que le PDF dit et ce que le passeport contient "
        "aujourd'hui. Public, limité en débit par adresse."
    ),
    operation_id="verifier",
    response={200: Verification, 400: Problem, 413: Problem},
    openapi_extra={"requestBody": BODY},
)
def verify(request):
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_VERIFIED_BYTES + 64 * 1024:
        raise _too_large()
    content_type = request.content_type or ""
    try:
        if content_type == "application/json":
            verdict = _from_json(request)
        elif content_type == "multipart/form-data":
            verdict = _from_upload(request)
        else:
            raise ApiProblem(
                400,
                "Type de contenu non pris en charge",
                "Envoyez le document en multipart/form-data (champ « document ») ou un objet "
                f"JSON (application/json) ; reçu « {content_type or 'aucun'} ».",
            )
    except verification.InputError as error:
        raise ApiProblem(400, "Document illisible", str(error)) from None
    return verdict.as_json()
