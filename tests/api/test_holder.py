"""The holder's API beyond the passport's entries: competences and « Mon avenir »
(passeport.competences:lecture), CVs (passeport.cv:lecture) — the same content as the pages,
paginated, logged for the holder, and refused without their scope."""

import pytest

from passeport.competences import decisions, profiles
from passeport.competences.deduction import bloc_key
from passeport.passport.models import AccessLog
from passeport.proofs import documents
from passeport.testing import factories

pytestmark = pytest.mark.django_db

COMPETENCES = "passeport.competences:lecture"
CV = "passeport.cv:lecture"
CERTS = "passeport.certifications:lecture"


@pytest.fixture
def holder(loaded):
    holder = factories.HolderFactory(name="antoine", linked=True)
    factories.CertificationFactory(person=holder.person)  # RNCP35340, the BTS SIO
    factories.ProfessionalGoalFactory(user=holder.user)
    return holder


@pytest.fixture
def app():
    return factories.OAuthClientFactory(name="Appli Carrière").application


def bearer(app, holder, scope):
    token = factories.oauth_access_token(app, scope, user=holder.user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_competences_as_on_the_holders_page_paginated_and_logged(client, holder, app):
    decisions.hide(holder, bloc_key("Travailler en mode projet"))
    state = profiles.state_of(holder)
    visible = [c.libelle for c in state.profile.visible()]
    assert len(visible) > 50  # more than one page
    headers = bearer(app, holder, COMPETENCES)
    first = client.get("/api/v1/moi/competences", **headers)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["total"] == len(visible) and body["pages"] == -(-len(visible) // 50)
    second = client.get("/api/v1/moi/competences?page=2", **headers).json()
    got = [c["libelle"] for c in body["competences"] + second["competences"]]
    assert got == visible[: len(got)]
    assert "Travailler en mode projet" not in got  # hidden by the holder
    provenance = body["competences"][0]["provenances"][0]
    assert provenance["entree_intitule"]
    assert client.get("/api/v1/moi/competences?page=99", **headers).status_code == 400
    log = AccessLog.objects.filter(holder=holder, channel=AccessLog.Channel.API)
    assert log.count() == 2 and "Appli Carrière" in log.first().accessor_label
    assert set(log.values_list("purpose", flat=True)) == {"Compétences"}


def test_mon_avenir_as_its_page_renders_it(client, holder, app):
    answer = client.get("/api/v1/moi/avenir", **bearer(app, holder, COMPETENCES))
    assert answer.status_code == 200, answer.content
    data = answer.json()
    expected = profiles.avenir_view(profiles.state_of(holder))
    assert [m["code_rome"] for m in data["metiers"]] == [
        m["code_rome"] for m in expected["metiers"]
    ]
    assert data["objectif"]["code_rome"] == "M1805"
    assert data["metiers"][0]["couverture"] == expected["metiers"][0]["couverture"]
    assert AccessLog.objects.get(holder=holder).purpose == "Mon avenir"


def test_competences_and_cvs_need_their_own_scope(client, holder, app):
    headers = bearer(app, holder, CERTS)
    for url in ("/api/v1/moi/competences", "/api/v1/moi/avenir", "/api/v1/moi/cv"):
        refused = client.get(url, **headers)
        assert refused.status_code == 403, url
        assert refused["Content-Type"] == "application/problem+json"
        assert refused.json()["title"] == "Portée insuffisante"
        assert 'error="insufficient_scope"' in refused["WWW-Authenticate"]
    cv_only = bearer(app, holder, CV)
    assert client.get("/api/v1/moi/competences", **cv_only).status_code == 403
    assert client.get("/api/v1/moi/certifications", **cv_only).status_code == 403
    assert not AccessLog.objects.filter(holder=holder).exists()


def test_cvs_listed_read_and_their_signed_pdf_downloaded(client, holder, app, private_storage):
    entry = factories.EntryFactory(holder=holder, kind="training", title="Formation SST")
    cv = factories.CVFactory(holder=holder, title="Candidature Airbus", entries=[entry])
    unsigned = factories.CVFactory(holder=holder, title="Brouillon")
    headers = bearer(app, holder, CV)

    listing = client.get("/api/v1/moi/cv", **headers)
    assert listing.status_code == 200, listing.content
    assert {c["nom"] for c in listing.json()["cv"]} == {"Candidature Airbus", "Brouillon"}

    content = client.get(f"/api/v1/moi/cv/{cv.pk}", **headers).json()
    assert content["nom"] == "Candidature Airbus"
    lines = [line for r in content["rubriques"] for line in r["lignes"]]
    assert [line["intitule"] for line in lines] == [entry.title]

    none_yet = client.get(f"/api/v1/moi/cv/{unsigned.pk}/pdf", **headers)
    assert none_yet.status_code == 404 and "signe" in none_yet.json()["detail"]
    signed = documents.sign_cv(cv)
    pdf = client.get(f"/api/v1/moi/cv/{cv.pk}/pdf", **headers)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == signed.file.open("rb").read()
    listed = client.get("/api/v1/moi/cv", **headers).json()["cv"]
    assert [d["code"] for c in listed if c["id"] == str(cv.pk) for d in c["pdfSignes"]] == [
        signed.code
    ]
    purposes = list(AccessLog.objects.filter(holder=holder).values_list("purpose", flat=True))
    assert f"CV « Candidature Airbus » (PDF signé {signed.code})" in purposes


def test_another_holders_cv_is_unknown(client, holder, app):
    other = factories.CVFactory(title="CV de quelqu'un d'autre")
    headers = bearer(app, holder, CV)
    for url in (f"/api/v1/moi/cv/{other.pk}", f"/api/v1/moi/cv/{other.pk}/pdf"):
        answer = client.get(url, **headers)
        assert answer.status_code == 404 and answer.json()["title"] == "CV introuvable"
    assert client.get("/api/v1/moi/cv", **headers).json()["cv"] == []
