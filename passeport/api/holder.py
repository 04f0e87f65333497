"""A holder's own passport, for an application the holder authorized (OAuth 2.0 authorization
code + PKCE). One read operation per section, each requiring that section's scope; what the
token's scopes do not name is never answered. Each read is logged for the holder (« Qui a
consulté mon passeport »), with the application's name.

    GET /api/v1/moi/passeport              the sections the token may read
    GET /api/v1/moi/<section>              one section's entries (paginated)
    GET /api/v1/moi/justificatifs          the holder's documents (paginated)
    GET /api/v1/moi/justificatifs/{id}     one document's file
    GET /api/v1/moi/partages               the holder's share links and consents
    GET /api/v1/moi/competences            the holder's competences (paginated)
    GET /api/v1/moi/avenir                 « Mon avenir »
    GET /api/v1/moi/cv                     the holder's CVs (paginated)
    GET /api/v1/moi/cv/{id}                one CV's content, as it would be signed now
    GET /api/v1/moi/cv/{id}/pdf            the CV's latest signed PDF
"""

import datetime
from typing import Literal
from uuid import UUID

from django.core.files.storage import default_storage
from django.http import FileResponse
from ninja import Router, Schema

from passeport.core import abilities
from passeport.passport.access import log_access
from passeport.passport.models import AccessLog, Document, Entry
from passeport.proofs import cvs
from passeport.proofs.models import CV, SignedDocument
from passeport.sharing import scopes as oauth_scopes
from passeport.sharing.models import Consent, Share
from passeport.sharing.sections import SECTIONS, kinds_of

from . import competences
from .auth import OAuthToken
from .pagination import PageMeta, page_query, paginate
from .passports import Entree, Rubrique, entry_json, sections_json
from .problems import ApiProblem

router = Router(tags=["Titulaire (application autorisée)"])


def _log(request, what: str) -> None:
    log_access(
        holder=request.holder,
        accessor_label=f"Application « {request.oauth_token.application.name} »",
        channel=AccessLog.Channel.API,
        purpose=what,
    )


def _granted_sections(request) -> list[str]:
    return sorted(oauth_scopes.sections_of(request.oauth_token.scope.split()))


class Passeport(Schema):
    rattache: bool
    rubriques: list[Rubrique]


ENTRY_SECTIONS = [section for section in SECTIONS if section.kinds]


@router.get(
    "/moi/passeport",
    url_name="holder_passport",
    summary="Mon passeport (les rubriques que ce jeton peut lire)",
    operation_id="lireMonPasseport",
    response={200: Passeport},
    auth=OAuthToken(client="holder"),
)
def my_passport(request):
    codes = [c for c in _granted_sections(request) if c in {s.code for s in ENTRY_SECTIONS}]
    if not codes:
        raise ApiProblem(
            403,
            "Portée insuffisante",
            "Ce jeton ne porte aucune rubrique du passeport (portées passeport.<rubrique>:lecture).",
        )
    entries = Entry.objects.of_holder(request.holder).filter(kind__in=kinds_of(codes))
    _log(request, "Passeport : " + ", ".join(codes))
    return {
        "rattache": request.holder.person_id is not None,
        "rubriques": sections_json(entries, codes),
    }


class EntreeList(PageMeta):
    entrees: list[Entree]


def _section_operation(section):
    @router.get(
        f"/moi/{section.code}",
        url_name=f"holder_{section.code}",
        summary=f"Mes entrées : {section.label}",
        operation_id=f"lireMes_{section.code}",
        response={200: EntreeList},
        auth=OAuthToken(section.scope, client="holder"),
    )
    def read_section(request, page: int = page_query()):
        queryset = Entry.objects.of_holder(request.holder).filter(kind__in=section.kinds)
        entries, meta = paginate(queryset, page)
        _log(request, section.label)
        return {"entrees": [entry_json(e) for e in entries], **meta}

    read_section.__name__ = f"read_{section.code}"
    return read_section


for _section in ENTRY_SECTIONS:
    _section_operation(_section)


class Justificatif(Schema):
    id: UUID
    entree: UUID
    nomFichier: str
    type: str
    taille: int
    sha256: str
    deposeLe: datetime.datetime


class JustificatifList(PageMeta):
    justificatifs: list[Justificatif]


def _documents(request):
    return Document.objects.filter(entry__holder=request.holder, entry__withdrawn_at__isnull=True)


@router.get(
    "/moi/justificatifs",
    url_name="holder_documents",
    summary="Mes justificatifs",
    operation_id="listerMesJustificatifs",
    response={200: JustificatifList},
    auth=OAuthToken(oauth_scopes.DOCUMENTS, client="holder"),
)
def my_documents(request, page: int = page_query()):
    documents, meta = paginate(_documents(request).order_by("-created_at"), page)
    _log(request, "Justificatifs (liste)")
    return {
        "justificatifs": [
            {
                "id": d.pk,
                "entree": d.entry_id,
                "nomFichier": d.original_name,
                "type": d.content_type,
                "taille": d.size,
                "sha256": d.sha256,
                "deposeLe": d.created_at,
            }
            for d in documents
        ],
        **meta,
    }


@router.get(
    "/moi/justificatifs/{id}",
    url_name="holder_document",
    summary="Télécharger un de mes justificatifs",
    operation_id="telechargerMonJustificatif",
    auth=OAuthToken(oauth_scopes.DOCUMENTS, client="holder"),
    openapi_extra={
        "responses": {
            "200": {
                "description": "Le fichier (PDF, PNG ou JPEG, type vérifié à l'envoi)",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def my_document(request, id: UUID):
    document = _documents(request).filter(pk=id).first()
    if document is None:
        raise ApiProblem(
            404, "Justificatif introuvable", "Aucun de vos justificatifs ne porte cet identifiant."
        )
    _log(request, f"Justificatif {document.pk}")
    response = FileResponse(
        default_storage.open(document.file.name, "rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


class Partage(Schema):
    id: UUID
    libelle: str
    contenu: Literal[tuple(Share.Kind.values)]
    avecCode: bool
    expireLe: datetime.datetime
    revoqueLe: datetime.datetime | None


class Consentement(Schema):
    id: UUID
    organisation: str
    rubriques: list[str]
    expireLe: datetime.datetime
    retireLe: datetime.datetime | None


class Partages(Schema):
    liens: list[Partage]
    consentements: list[Consentement]


@router.get(
    "/moi/partages",
    url_name="holder_shares",
    summary="Mes liens de partage et les organisations que j'ai autorisées",
    operation_id="listerMesPartages",
    response={200: Partages},
    auth=OAuthToken(oauth_scopes.SHARES, client="holder"),
)
def my_shares(request):
    shares = Share.objects.filter(holder=request.holder).order_by("-created_at")[:500]
    consents = (
        Consent.objects.filter(holder=request.holder)
        .select_related("organisation")
        .order_by("-created_at")[:500]
    )
    _log(request, "Partages et consentements")
    return {
        "liens": [
            {
                "id": s.pk,
                "libelle": s.label,
                "contenu": s.kind,
                "avecCode": s.has_access_code,
                "expireLe": s.expires_at,
                "revoqueLe": s.revoked_at,
            }
            for s in shares
        ],
        "consentements": [
            {
                "id": c.pk,
                "organisation": c.organisation.name,
                "rubriques": list(c.sections),
                "expireLe": c.expires_at,
                "retireLe": c.withdrawn_at,
            }
            for c in consents
        ],
    }


# -- competences and « Mon avenir » (the pages' functions, competences/profiles.py) ------------

COMPETENCES_SCOPE = oauth_scopes.section_scope("competences")


@router.get(
    "/moi/competences",
    url_name="holder_competences",
    summary="Mes compétences (celles de « Mes compétences », sans les masquées)",
    operation_id="lireMesCompetences",
    response={200: competences.CompetenceList},
    auth=OAuthToken(COMPETENCES_SCOPE, client="holder"),
)
def my_competences(request, page: int = page_query()):
    data = competences.competences_page(request.holder, page)
    _log(request, "Compétences")
    return data


@router.get(
    "/moi/avenir",
    url_name="holder_avenir",
    summary="Mon avenir : métiers classés par couverture, objectif, mobilités",
    operation_id="lireMonAvenir",
    response={200: competences.Avenir},
    auth=OAuthToken(COMPETENCES_SCOPE, client="holder"),
)
def my_avenir(request):
    data = competences.avenir_json(request.holder)
    _log(request, "Mon avenir")
    return data


# -- CVs (proofs/cvs.py, as « Mes CV ») --------------------------------------------------------

CV_SCOPE = oauth_scopes.section_scope("cv")


class DocumentSigne(Schema):
    id: UUID
    code: str
    taille: int
    signeLe: datetime.datetime
    revoqueLe: datetime.datetime | None


class CVResume(Schema):
    id: UUID
    nom: str
    titre: str
    modele: Literal[tuple(CV.Template.values)]
    creeLe: datetime.datetime
    revoqueLe: datetime.datetime | None
    pdfSignes: list[DocumentSigne]


class CVList(PageMeta):
    cv: list[CVResume]


class LigneCV(Schema):
    entree: UUID
    intitule: str
    organisme: str
    periode: str
    niveauConfiance: Literal[tuple(Entry.Trust.values)]
    libelleNiveauConfiance: str
    codeCertification: str
    details: list[str]


class CompetenceCV(Schema):
    libelle: str
    source: str


class RubriqueCV(Schema):
    code: str
    libelle: str
    lignes: list[LigneCV]
    competences: list[CompetenceCV]


class Coordonnee(Schema):
    libelle: str
    valeur: str


class ContenuCV(Schema):
    id: UUID
    nom: str
    titulaire: str
    titre: str
    presentation: str
    coordonnees: list[Coordonnee]
    rubriques: list[RubriqueCV]
    revoqueLe: datetime.datetime | None


def _signed(document: SignedDocument) -> dict:
    return {
        "id": document.pk,
        "code": document.code,
        "taille": document.size,
        "signeLe": document.created_at,
        "revoqueLe": document.revoked_at,
    }


def _own_cv(request, id) -> CV:
    cv = CV.objects.filter(pk=id, holder=request.holder).first()
    if cv is None:
        raise ApiProblem(404, "CV introuvable", "Aucun de vos CV ne porte cet identifiant.")
    return cv


@router.get(
    "/moi/cv",
    url_name="holder_cvs",
    summary="Mes CV",
    operation_id="listerMesCV",
    response={200: CVList},
    auth=OAuthToken(CV_SCOPE, client="holder"),
)
def my_cvs(request, page: int = page_query()):
    queryset = (
        CV.objects.filter(holder=request.holder)
        .prefetch_related("documents")
        .order_by("-created_at")
    )
    items, meta = paginate(queryset, page)
    _log(request, "CV (liste)")
    return {
        "cv": [
            {
                "id": cv.pk,
                "nom": cv.title,
                "titre": cv.headline,
                "modele": cv.template,
                "creeLe": cv.created_at,
                "revoqueLe": cv.revoked_at,
                "pdfSignes": [
                    _signed(d) for d in sorted(cv.documents.all(), key=lambda d: d.created_at)
                ],
            }
            for cv in items
        ],
        **meta,
    }


@router.get(
    "/moi/cv/{id}",
    url_name="holder_cv",
    summary="Le contenu d'un de mes CV, tel qu'il serait signé maintenant",
    operation_id="lireMonCV",
    response={200: ContenuCV},
    auth=OAuthToken(CV_SCOPE, client="holder"),
)
def my_cv(request, id: UUID):
    cv = _own_cv(request, id)
    content = cvs.content(cv)
    _log(request, f"CV « {cv.title} »")
    return {
        "id": cv.pk,
        "nom": cv.title,
        "titulaire": content.full_name,
        "titre": content.headline,
        "presentation": content.summary,
        "coordonnees": [{"libelle": k, "valeur": v} for k, v in content.contact],
        "rubriques": [
            {
                "code": section.key,
                "libelle": section.label,
                "lignes": [
                    {
                        "entree": line.entry.pk,
                        "intitule": line.title,
                        "organisme": line.organisation,
                        "periode": line.period,
                        "niveauConfiance": line.trust,
                        "libelleNiveauConfiance": line.trust_words,
                        "codeCertification": line.code,
                        "details": line.details,
                    }
                    for line in section.lines
                ],
                "competences": [
                    {"libelle": c.label, "source": c.source} for c in section.competences
                ],
            }
            for section in content.sections
        ],
        "revoqueLe": cv.revoked_at,
    }


@router.get(
    "/moi/cv/{id}/pdf",
    url_name="holder_cv_pdf",
    summary="Télécharger le dernier PDF signé d'un de mes CV",
    operation_id="telechargerMonCV",
    auth=OAuthToken(CV_SCOPE, client="holder"),
    openapi_extra={
        "responses": {
            "200": {
                "description": "Le PDF signé (PAdES), vérifiable sur /verifier/",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def my_cv_pdf(request, id: UUID):
    cv = _own_cv(request, id)
    document = (
        SignedDocument.objects.filter(cv=cv, holder=request.holder, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if document is None or not abilities.for_user(request.holder.user, document)["download"]:
        raise ApiProblem(
            404,
            "Aucun PDF signé",
            "Ce CV n'a pas de PDF signé en cours de validité : le titulaire le signe depuis "
            "« Mes CV » (un CV révoqué n'en a plus).",
        )
    _log(request, f"CV « {cv.title} » (PDF signé {document.code})")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"cv-{document.code}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
