"""The demo holder has signed proofs after `seed_demo`, and a second run adds nothing."""

from django.core.management import call_command

from passeport.proofs import verification
from passeport.proofs.models import CV, Credential, SignedDocument


def test_seed_demo_signs_camilles_proofs_once(db, storage, settings):
    settings.FRANCECONNECT_DEV_PROVIDER = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cv = CV.objects.get()
    assert Credential.objects.filter(revoked_at__isnull=True).count() >= 3
    kinds = set(SignedDocument.objects.values_list("kind", flat=True))
    assert kinds == {"cv", "attestation_certification", "attestation_prevention"}
    document = SignedDocument.objects.get(cv=cv)
    from passeport.proofs import documents

    assert verification.verify_pdf(documents.pdf_bytes(document)).code == verification.AUTHENTIC
    counts = (CV.objects.count(), SignedDocument.objects.count(), Credential.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        CV.objects.count(),
        SignedDocument.objects.count(),
        Credential.objects.count(),
    ) == counts
