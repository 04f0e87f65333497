"""The holder's « Mes attestations numériques », downloads, LinkedIn, and the public page."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from passeport.proofs import baking, credentials, signing


def test_the_list_shows_each_guaranteed_entry(holder_client, certification, prevention):
    response = holder_client.get(reverse("proofs:credential_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "BTS Services informatiques aux organisations" in content
    assert "Sauveteur secouriste du travail" in content
    assert reverse("proofs:credential_download", args=[certification.pk, "json"]) in content


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("json", "application/ld+json"),
        ("jwt", "application/jwt"),
        ("png", "image/png"),
        ("svg", "image/svg+xml"),
    ],
)
def test_each_format_downloads_a_credential_that_verifies(
    holder_client, certification, fmt, content_type
):
    response = holder_client.get(
        reverse("proofs:credential_download", args=[certification.pk, fmt])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private, no-store"
    body = response.content
    if fmt == "png":
        text = baking.unbake_png(body)
    elif fmt == "svg":
        text = baking.unbake_svg(body.decode())
        assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in body.decode()
    else:
        text = body.decode()
    from passeport.proofs import verification

    assert verification.verify_text(text).code == verification.AUTHENTIC


def test_another_holder_cannot_download(client, certification, db):
    from django.contrib.auth import get_user_model

    from passeport.passport.models import Holder

    other = get_user_model().objects.create_user(email="autre@titulaires.test", password=None)
    Holder.objects.create(user=other, fc_sub="sub-autre")
    client.force_login(other)
    url = reverse("proofs:credential_download", args=[certification.pk, "json"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the FranceConnect login


def test_linkedin_add_to_profile_carries_the_public_verification_page(holder_client, certification):
    response = holder_client.get(reverse("proofs:credential_linkedin", args=[certification.pk]))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    params = parse_qs(url.query)
    credential = credentials.current(certification)
    assert params["startTask"] == ["CERTIFICATION_NAME"]
    assert params["name"] == ["BTS Services informatiques aux organisations"]
    assert params["certUrl"] == [credentials.public_url(credential.pk)]
    assert params["issueYear"] == ["2024"] and params["issueMonth"] == ["7"]


def test_the_public_page_says_authentic_then_revoked(client, certification):
    from passeport.proofs import statuslists
    from passeport.proofs.models import Credential

    credential = credentials.current(certification)
    url = reverse("proofs:credential_public", args=[credential.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert 'data-verdict="authentique"' in response.content.decode()
    statuslists.revoke([credential.pk], Credential.RevocationReason.WITHDRAWN)
    content = client.get(url).content.decode()
    assert 'data-verdict="revoque"' in content
    assert "le passage a été retiré" in content
    credential.refresh_from_db()
    assert credential.verification_count == 2


def test_the_export_includes_every_credential_as_issued(holder_client, certification):
    credential = credentials.current(certification)
    data = json.loads(holder_client.get(reverse("passport:export_json")).content)
    (item,) = data["attestations_numeriques"]
    assert item["attestation"] == json.loads(credential.document)
    assert item["jwt"] == credential.jwt
    assert item["url_de_verification"] == credentials.public_url(credential.pk)
    signing.verify_proof(item["attestation"])
