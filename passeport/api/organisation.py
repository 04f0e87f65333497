"""An organisation's own back end (OAuth 2.0 client credentials): the holders who consented to
it, and each one's passport limited to the consented sections — and, within them, to the
sections the token's scopes name. A withdrawn or expired consent answers 404 at once, like a
holder who never consented. Every passport read is logged for the holder with the
organisation's and the application's names.

    GET /api/v1/organisation/titulaires                 live consents (paginated)
    GET /api/v1/organisation/titulaires/{id}/passeport  one holder's consented passport
    GET /api/v1/organisation/titulaires/{id}/competences  their competences, when consented
    GET /api/v1/organisation/titulaires/{id}/avenir       their « Mon avenir », when consented
"""

import datetime
from uuid import UUID

from ninja import Router, Schema

from passeport.sharing import consents
from passeport.sharing import scopes as oauth_scopes

from . import competences
from .auth import OAuthToken
from .pagination import PageMeta, page_query, paginate
from .passports import Rubrique, sections_json
from .problems import ApiProblem

router = Router(tags=["Organisation (consentements des titulaires)"])


class TitulaireConsentant(Schema):
    id: UUID
    nom: str
    rubriques: list[str]
    consentiLe: datetime.datetime
    expireLe: datetime.datetime


class TitulaireList(PageMeta):
    titulaires: list[TitulaireConsentant]


@router.get(
    "/organisation/titulaires",
    url_name="organisation_holders",
    summary="Titulaires qui ont donné leur consentement à l'organisation",
    operation_id="listerTitulairesConsentants",
    response={200: TitulaireList},
    auth=OAuthToken(oauth_scopes.CONSENTS, client="organisation"),
)
def consenting_holders(request, page: int = page_query()):
    items, meta = paginate(consents.live_consents_of(request.organisation), page)
    return {
        "titulaires": [
            {
                "id": c.holder_id,
                "nom": c.holder.user.display_name,
                "rubriques": list(c.sections),
                "consentiLe": c.created_at,
                "expireLe": c.expires_at,
            }
            for c in items
        ],
        **meta,
    }


def _live_consent(request, holder_id):
    consent = consents.live_consent(request.organisation, holder_id)
    if consent is None:
        raise ApiProblem(
            404,
            "Titulaire introuvable",
            "Aucun titulaire ne vous a donné un consentement en cours sous cet identifiant.",
        )
    return consent


class PasseportConsenti(Schema):
    titulaire: UUID
    nom: str
    expireLe: datetime.datetime
    rubriques: list[Rubrique]


@router.get(
    "/organisation/titulaires/{id}/passeport",
    url_name="organisation_holder_passport",
    summary="Passeport d'un titulaire, limité aux rubriques consenties",
    operation_id="lirePasseportConsenti",
    response={200: PasseportConsenti},
    auth=OAuthToken(oauth_scopes.CONSENTS, client="organisation"),
)
def consented_passport(request, id: UUID):
    consent = _live_consent(request, id)
    codes = set(consent.sections) & oauth_scopes.sections_of(request.oauth_token.scope.split())
    entries = consents.readable_entries(consent, sections=codes)
    consents.log_read(
        consent,
        reader_label=f"application « {request.oauth_token.application.name} »",
        what="Passeport (API) : " + ", ".join(sorted(codes)),
    )
    return {
        "titulaire": consent.holder_id,
        "nom": consent.holder.user.display_name,
        "expireLe": consent.expires_at,
        "rubriques": sections_json(entries, codes),
    }


COMPETENCES = "competences"


def _competences_consent(request, holder_id):
    consent = _live_consent(request, holder_id)
    if COMPETENCES not in consent.sections:
        raise ApiProblem(
            403,
            "Rubrique non consentie",
            "Ce titulaire ne vous a pas donné accès à la rubrique « Compétences et « Mon "
            "avenir » » : demandez-lui de l'ajouter à son consentement.",
        )
    return consent


@router.get(
    "/organisation/titulaires/{id}/competences",
    url_name="organisation_holder_competences",
    summary="Compétences d'un titulaire, s'il a consenti cette rubrique",
    operation_id="lireCompetencesConsenties",
    response={200: competences.CompetenceList},
    auth=OAuthToken(
        oauth_scopes.CONSENTS, oauth_scopes.section_scope(COMPETENCES), client="organisation"
    ),
)
def consented_competences(request, id: UUID, page: int = page_query()):
    consent = _competences_consent(request, id)
    data = competences.competences_page(consent.holder, page)
    consents.log_read(
        consent,
        reader_label=f"application « {request.oauth_token.application.name} »",
        what="Compétences (API)",
    )
    return data


@router.get(
    "/organisation/titulaires/{id}/avenir",
    url_name="organisation_holder_avenir",
    summary="« Mon avenir » d'un titulaire, s'il a consenti la rubrique des compétences",
    operation_id="lireAvenirConsenti",
    response={200: competences.Avenir},
    auth=OAuthToken(
        oauth_scopes.CONSENTS, oauth_scopes.section_scope(COMPETENCES), client="organisation"
    ),
)
def consented_avenir(request, id: UUID):
    consent = _competences_consent(request, id)
    data = competences.avenir_json(consent.holder)
    consents.log_read(
        consent,
        reader_label=f"application « {request.oauth_token.application.name} »",
        what="Mon avenir (API)",
    )
    return data
