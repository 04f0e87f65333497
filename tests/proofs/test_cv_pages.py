"""« Mes CV »: create with entries and sections in order, live preview, signed download,
revocation; nobody else reaches a holder's CV; the public page answers for a PDF."""

import pytest
from django.urls import reverse

from passeport.proofs import verification
from passeport.proofs.models import CV, SignedDocument
from passeport.testing import factories


@pytest.fixture(autouse=True)
def _storage(storage):
    return storage


@pytest.fixture
def declared(holder):
    return factories.EntryFactory(holder=holder, organisation="Restos du cœur")


def _form(entries, **extra):
    data = {
        "title": "Candidature Airbus",
        "headline": "Technicienne réseaux",
        "summary": "",
        "template": "colonnes",
        "entries": [str(e.pk) for e in entries],
        "email": "camille@example.fr",
        "city": "Toulouse",
        "section_certifications": "2",
        "section_engagements": "1",
    }
    for key in CV.SECTIONS:
        data.setdefault(f"section_{key}", "0")
    data.update(extra)
    return data


def test_create_a_cv_with_chosen_entries_and_order(holder_client, holder, certification, declared):
    response = holder_client.post(reverse("proofs:cv_create"), _form([certification, declared]))
    assert response.status_code == 302
    cv = CV.objects.get(holder=holder)
    assert cv.sections == ["engagements", "certifications"]
    assert set(cv.entry_ids) == {str(certification.pk), str(declared.pk)}
    assert cv.contact == {"email": "camille@example.fr", "city": "Toulouse"}
    page = holder_client.get(reverse("proofs:cv_edit", args=[cv.pk])).content.decode()
    page = page[page.index('id="cv-preview"') :]
    # The preview shows the sections in the chosen order, each entry with its trust in words.
    assert page.index("Bénévolat et engagement citoyen") < page.index("Diplômes et certifications")
    assert "Donnée garantie — transmise par Lycée de Démo" in page
    assert "Déclarée par le titulaire" in page


def test_a_cv_needs_one_section(holder_client, certification):
    data = _form([certification], section_certifications="0", section_engagements="0")
    response = holder_client.post(reverse("proofs:cv_create"), data)
    assert response.status_code == 400
    assert "Affichez au moins une rubrique." in response.content.decode()


def test_the_live_preview_follows_the_form_without_saving(holder_client, certification, declared):
    response = holder_client.post(
        reverse("proofs:cv_preview_new"), _form([declared], headline="Aperçu en direct")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aperçu en direct" in html and "Bénévole aux Restos du cœur" in html
    assert "BTS Services" not in html
    assert not CV.objects.exists()


def test_sign_download_and_verify_then_revoke(
    holder_client, client, holder, certification, declared
):
    holder_client.post(reverse("proofs:cv_create"), _form([certification, declared]))
    cv = CV.objects.get(holder=holder)
    response = holder_client.post(reverse("proofs:cv_sign", args=[cv.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    data = b"".join(response.streaming_content)
    assert verification.verify_pdf(data, count=False).code == verification.AUTHENTIC
    listing = holder_client.get(reverse("proofs:cv_list")).content.decode()
    document = SignedDocument.objects.get(cv=cv)
    assert document.code in listing
    holder_client.post(reverse("proofs:cv_revoke", args=[cv.pk]))
    assert verification.verify_pdf(data).code == verification.REVOKED
    # Revoked: no longer signed or edited, the actions are gone from the page.
    assert holder_client.post(reverse("proofs:cv_sign", args=[cv.pk])).status_code == 403
    listing = holder_client.get(reverse("proofs:cv_list")).content.decode()
    assert reverse("proofs:cv_sign", args=[cv.pk]) not in listing
    assert "révoqué" in listing


def test_nobody_else_reaches_a_cv(client, holder_client, holder, certification):
    from django.contrib.auth import get_user_model

    from passeport.passport.models import Holder

    holder_client.post(reverse("proofs:cv_create"), _form([certification]))
    cv = CV.objects.get(holder=holder)
    other = get_user_model().objects.create_user(email="autre@titulaires.test", password=None)
    Holder.objects.create(user=other, fc_sub="sub-autre-cv")
    client.force_login(other)
    for name in ("cv_edit", "cv_sign", "cv_revoke", "cv_delete", "cv_preview"):
        method = client.get if name == "cv_edit" else client.post
        assert method(reverse(f"proofs:{name}", args=[cv.pk])).status_code == 404, name
    cv.refresh_from_db()
    assert not cv.is_revoked


def test_the_public_page_verifies_an_uploaded_pdf(client, holder_client, holder, certification):
    from django.core.files.uploadedfile import SimpleUploadedFile

    holder_client.post(reverse("proofs:cv_create"), _form([certification]))
    cv = CV.objects.get(holder=holder)
    data = b"".join(holder_client.post(reverse("proofs:cv_sign", args=[cv.pk])).streaming_content)
    response = client.post(
        reverse("proofs:verify"),
        {"document": SimpleUploadedFile("cv.pdf", data, "application/pdf")},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-verdict="authentique"' in html
    assert "Comparaison" in html and "identique" in html
    junk = client.post(
        reverse("proofs:verify"),
        {"document": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff", "image/jpeg")},
    )
    assert junk.status_code == 400 and "photo.jpg" in junk.content.decode()
    empty = client.post(reverse("proofs:verify"), {"text": ""})
    assert empty.status_code == 400 and "Choisissez un fichier" in empty.content.decode()


def test_the_verification_page_is_throttled_per_address(client, settings, db):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "verification-address": "2/m"}
    for _ in range(2):
        assert client.post(reverse("proofs:verify"), {"text": "AAAA"}).status_code == 400
    response = client.post(reverse("proofs:verify"), {"text": "AAAA"})
    assert response.status_code == 429 and response["Retry-After"]
    assert "Trop de vérifications" in response.content.decode()
