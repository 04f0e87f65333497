"""Signed PDFs: rendered, signed PAdES, checked by poppler's pdfsig and by our verification."""

import io
import json

import pytest
from django.urls import reverse

from passeport.proofs import cvs, documents, signing, verification
from passeport.proofs.models import SignedDocument
from passeport.testing import factories
from passeport.testing.verifiers import pdfsig


@pytest.fixture
def declared(holder):
    return factories.EntryFactory(holder=holder, organisation="Restos du cœur")


@pytest.fixture
def cv(holder, certification, prevention, declared):
    return factories.CVFactory(
        holder=holder,
        title="Candidature technicienne",
        entries=[certification, prevention, declared],
    )


@pytest.fixture
def signed(storage, cv):
    document = documents.sign_cv(cv)
    return document, documents.pdf_bytes(document)


def test_a_signed_cv_is_valid_trusted_and_covers_the_whole_file(signed, tmp_path):
    document, data = signed
    path = tmp_path / "cv.pdf"
    path.write_bytes(data)
    output = pdfsig(path, trusted_roots_pem=signing.trust_roots_pem(), workdir=tmp_path)
    assert "Signature is Valid." in output, output
    assert "Certificate is Trusted." in output, output
    assert "Total document signed" in output, output
    assert document.sha256 and document.code


def test_a_pdf_changed_after_signing_fails_in_pdfsig_and_here(signed, tmp_path):
    _document, data = signed
    # One byte of the signed content changed.
    position = data.index(b"/Producer") if b"/Producer" in data else len(data) // 3
    forged = bytearray(data)
    forged[position + 1] ^= 0x01
    path = tmp_path / "forged.pdf"
    path.write_bytes(bytes(forged))
    output = pdfsig(path, trusted_roots_pem=signing.trust_roots_pem(), workdir=tmp_path)
    assert "Signature is Valid." not in output, output
    assert verification.verify_pdf(bytes(forged)).code == verification.ALTERED


def test_an_incremental_update_after_the_signature_is_a_modification(signed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _, data = signed
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.trailer["/Info"].get_object() if "/Info" in writer.trailer else None
    if info is not None:
        info[generic.NameObject("/Title")] = generic.TextStringObject("CV modifié")
        writer.update_container(info)
    else:
        writer.root[generic.NameObject("/Lang")] = generic.TextStringObject("en")
        writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    path = tmp_path / "updated.pdf"
    path.write_bytes(updated)
    output = pdfsig(path, trusted_roots_pem=signing.trust_roots_pem(), workdir=tmp_path)
    assert "Total document signed" not in output, output  # the signature no longer covers all
    verdict = verification.verify_pdf(updated)
    assert verdict.code == verification.ALTERED
    assert "modifié après sa signature" in verdict.reason


def test_another_signer_is_an_unknown_signature(storage, tmp_path, settings, cv):
    # A PDF signed by a chain that is not the service's (a second test PKI).
    from passeport.proofs import rendering

    pdf, _ = rendering.render(
        "proofs/pdf/cv.html",
        {
            "cv_content": cvs.content(cv),
            "code": "X",
            "verify_url": "x",
            "qr": rendering.qr_data_uri("x"),
        },
        title="CV",
    )
    settings.PROOFS_DIR = tmp_path / "autre-pki"
    foreign = signing.sign_pdf(pdf, reason="autre")
    settings.PROOFS_DIR = tmp_path / "pki-du-service"
    assert verification.verify_pdf(foreign).code == verification.UNKNOWN_SIGNATURE


def test_an_unsigned_pdf_and_a_non_pdf(storage, cv):
    from passeport.proofs import rendering

    pdf, _ = rendering.render(
        "proofs/pdf/cv.html",
        {
            "cv_content": cvs.content(cv),
            "code": "X",
            "verify_url": "x",
            "qr": rendering.qr_data_uri("x"),
        },
        title="CV",
    )
    verdict = verification.verify_pdf(pdf)
    assert verdict.code == verification.UNKNOWN_SIGNATURE
    assert "aucune signature" in verdict.reason
    with pytest.raises(verification.InputError, match="PDF lisible"):
        verification.verify_pdf(b"%PDF-1.7\n garbage")


def test_the_cv_shows_trust_levels_in_words_and_embeds_credentials(signed):
    from pypdf import PdfReader

    document, data = signed
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Donnée garantie — transmise par Lycée de Démo" in text
    assert "Déclarée par le titulaire" in text
    assert document.code in text
    attachments = reader.attachments
    assert len(attachments) == 2  # the certification's and the prevention entry's credentials
    for name, contents in attachments.items():
        credential = json.loads(contents[0])
        assert (
            verification.verify_credential(credential, count=False).code == verification.AUTHENTIC
        ), name
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged PDF
    assert str(reader.trailer["/Root"]["/Lang"]) == "fr"


def test_an_authentic_cv_is_compared_with_the_passport_of_today(signed, certification):
    from passeport.passport.recording import withdraw_certification

    document, data = signed
    verdict = verification.verify_pdf(data)
    assert verdict.code == verification.AUTHENTIC
    rows = {row["document"].split(" — ")[0]: row for row in verdict.comparison}
    assert rows["BTS Services informatiques aux organisations (RNCP35340)"]["same"] is True
    assert len(rows) == 2  # the guaranteed entries only
    withdraw_certification("EMET0001", "IDT-1", "SUPPRESSION")
    later = verification.verify_pdf(data)
    row = next(r for r in later.comparison if "RNCP35340" in r["document"])
    assert row["same"] is False and "retirée par le certificateur" in row["difference"]
    document.refresh_from_db()
    assert document.verification_count == 2


def test_revoked_by_the_holder(signed, cv, holder):
    document, data = signed
    assert cvs.revoke(cv, actor=holder.user) == 1
    verdict = verification.verify_pdf(data)
    assert verdict.code == verification.REVOKED and "révoqué par son titulaire" in verdict.reason
    assert verification.verify_code(document.code).code == verification.REVOKED


def test_the_printed_code_and_qr_link(client, signed):
    document, _ = signed
    typed = document.code.lower().replace("-", " ")
    assert verification.verify_code(typed).code == verification.AUTHENTIC
    assert verification.verify_code("ZZZZZ-ZZZZZ").code == verification.NOT_FOUND
    response = client.get(reverse("proofs:verify_code", args=[document.code]))
    assert response.status_code == 200 and 'data-verdict="authentique"' in response.content.decode()
    assert client.get(reverse("proofs:verify_code", args=["INCONNU"])).status_code == 404


def test_attestations_are_signed_the_same_way(storage, holder, certification, prevention, tmp_path):
    for document in (
        documents.sign_certification_attestation(holder, certification),
        documents.sign_prevention_attestation(holder),
    ):
        data = documents.pdf_bytes(document)
        path = tmp_path / f"{document.kind}.pdf"
        path.write_bytes(data)
        output = pdfsig(path, trusted_roots_pem=signing.trust_roots_pem(), workdir=tmp_path)
        assert "Signature is Valid." in output and "Certificate is Trusted." in output
        assert verification.verify_pdf(data).code == verification.AUTHENTIC
    assert SignedDocument.objects.filter(holder=holder).count() == 2


def test_an_expired_attestation_says_so(storage, holder, prevention):
    document = documents.sign_prevention_attestation(holder)
    assert document.valid_until == prevention.expires_on
    SignedDocument.objects.filter(pk=document.pk).update(valid_until="2020-01-01")
    assert verification.verify_code(document.code).code == verification.EXPIRED
