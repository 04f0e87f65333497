"""The RNCP and RS certifications a certifier holds, added and removed by operators: a
certifier deposits passages only for its certifications (`mandates.flux_ids_errors`). Every
change is audited."""

from passeport.core.models import AuditEvent

from .models import Certifier, CertifierCertification


def add_certifications(certifier: Certifier, codes: list[str], *, actor=None) -> None:
    """Attach `codes` (already normalised, e.g. `RNCP35340`) to `certifier`; codes it already
    holds are kept as they are. Audited once for the whole list."""
    for code in codes:
        CertifierCertification.objects.get_or_create(certifier=certifier, code=code)
    AuditEvent.record("certifiers.certifications_added", actor=actor, target=certifier, codes=codes)


def remove_certification(certification: CertifierCertification, *, actor=None) -> None:
    """Detach one certification from its certifier, audited."""
    certifier = certification.certifier
    certification.delete()
    AuditEvent.record(
        "certifiers.certification_removed", actor=actor, target=certifier, code=certification.code
    )
