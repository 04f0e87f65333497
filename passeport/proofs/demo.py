"""Demo proofs (idempotent, offline): Camille Lefèvre's credentials, a signed CV and signed
attestations, signed with the local test PKI of `passeport run` (PROOFS_DEV_PKI).

Log in as Camille (/franceconnect/ → « Camille Lefèvre »), then « Mes CV » and
« Attestations numériques »; a visitor checks the PDFs on « Vérifier un document ».
"""

from django.conf import settings
from django.db.models import Q

from passeport.franceconnect.dev_provider import subject
from passeport.franceconnect.identities import BY_KEY
from passeport.passport.models import Entry, Holder

from . import credentials, documents
from .models import CV, SignedDocument

DEMO_CV_TITLE = "Candidature technicienne réseaux (démonstration)"


def _camille() -> Holder | None:
    sub = subject(settings.FRANCECONNECT_CLIENT_ID, BY_KEY["camille"].key)
    return Holder.objects.filter(fc_sub=sub).first()


def seed() -> list[tuple[str, str, str]]:
    holder = _camille()
    if holder is None or holder.person_id is None:
        return []
    entries = list(Entry.objects.of_holder(holder))
    for entry in entries:
        credentials.current(entry)  # lazily issued: here, once, for the demo
    cv = CV.objects.filter(holder=holder, title=DEMO_CV_TITLE).first()
    if cv is None:
        chosen = [
            entry
            for entry in entries
            if entry.kind
            in (Entry.Kind.CERTIFICATION, Entry.Kind.EXPERIENCE, Entry.Kind.VOLUNTEERING)
            and not (entry.is_guaranteed and entry.provisional)
        ]
        cv = CV.objects.create(
            holder=holder,
            title=DEMO_CV_TITLE,
            headline="Technicienne systèmes et réseaux",
            summary="Diplômée d’un BTS SIO, j’administre des réseaux d’entreprise.",
            template=CV.Template.CLASSIC,
            entry_ids=[str(entry.pk) for entry in chosen],
            contact={"email": holder.user.email, "city": "Lyon"},
        )
    if not SignedDocument.objects.filter(cv=cv).exists():
        documents.sign_cv(cv)
    certification = next(
        (e for e in entries if e.kind == Entry.Kind.CERTIFICATION and credentials.eligible(e)),
        None,
    )
    attestations = SignedDocument.objects.filter(holder=holder, cv__isnull=True)
    if certification and not attestations.filter(kind=SignedDocument.Kind.CERTIFICATION).exists():
        documents.sign_certification_attestation(holder, certification)
    if not attestations.filter(kind=SignedDocument.Kind.PREVENTION).exists() and any(
        e.kind == Entry.Kind.PREVENTION for e in entries
    ):
        documents.sign_prevention_attestation(holder)
    codes = ", ".join(
        SignedDocument.objects.filter(Q(cv=cv) | Q(holder=holder, cv__isnull=True))
        .order_by("created_at")
        .values_list("code", flat=True)
    )
    return [
        ("Vérification (employeur, sans compte)", "/verifier/", f"codes de démonstration : {codes}")
    ]
