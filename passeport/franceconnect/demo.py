"""Demo passports (idempotent): rich records for the test identities of the dev FranceConnect.

Seeded after the deposits demo (INSTALLED_APPS order, ARCHITECTURE.md): a person whose
certifications arrived by the demo deposits gets no second copy here.

- Camille Lefèvre: certifications (unless the deposits demo already brought hers), trainings
  (Agora), experiences (DSN), prevention trainings (one expiring soon), and a holder account
  with declared entries, with and without a document. Log in: /franceconnect/ → « Camille
  Lefèvre ».
- Antoine Dupont: guaranteed entries only; the account is created at his first login.
- The other test identities show the linking branches (under 15, not in the register,
  homonyms): their register persons are created here when missing.
"""

import datetime
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from passeport.passport.documents import attach_document
from passeport.passport.models import Entry, Holder
from passeport.passport.recording import record_certification

from .dev_provider import subject
from .identities import BY_KEY, TEST_IDENTITIES, ensure_in_register

DEMO_EMETTEUR = "DEMOPASS"  # émetteur idClient of the demo certifications recorded here


def _pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (Helvetica, ASCII): a readable demo document."""
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _guaranteed(person, source, reference, **values):
    entry, _ = Entry.objects.get_or_create(
        source=source,
        source_reference=reference,
        defaults={"person_id": person.pk, "trust": Entry.Trust.GUARANTEED, **values},
    )
    return entry


def _certifications(person, items):
    has_some = Entry.objects.filter(
        person_id=person.pk, kind=Entry.Kind.CERTIFICATION, withdrawn_at__isnull=True
    ).exclude(emetteur_id=DEMO_EMETTEUR)
    if has_some.exists():
        return  # the deposits demo brought this person's certifications: no duplicates
    for item in items:
        record_certification(person, emetteur_id=DEMO_EMETTEUR, **item)


def _holder(identity_key: str, person) -> Holder:
    identity = BY_KEY[identity_key]
    claims = identity.claims
    sub = subject(settings.FRANCECONNECT_CLIENT_ID, identity.key)
    holder = Holder.objects.filter(fc_sub=sub).first()
    if holder is not None:
        return holder
    user, _ = get_user_model().objects.get_or_create(
        email=claims["email"],
        defaults={"first_name": claims["given_name"].split()[0]},
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    pivot = {
        k: claims[k]
        for k in ("given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry")
    }
    return Holder.objects.create(
        user=user,
        fc_sub=sub,
        person_id=person.pk,
        link_status=Holder.LinkStatus.LINKED,
        linked_at=timezone.now(),
        pivot_identity=json.dumps(pivot, ensure_ascii=False),
    )


def _declared(holder, title, *, document: tuple[str, bytes] | None = None, **values):
    entry, created = Entry.objects.get_or_create(
        holder=holder,
        title=title,
        defaults={"trust": Entry.Trust.DECLARED, "source": Entry.Source.HOLDER, **values},
    )
    if created and document:
        name, content = document
        attach_document(entry, ContentFile(content, name=name), "application/pdf")
    return entry


def seed() -> list[tuple[str, str, str]]:
    for identity in TEST_IDENTITIES:
        ensure_in_register(identity)
    today = timezone.localdate()
    d = datetime.date

    (camille,) = ensure_in_register(BY_KEY["camille"])
    _certifications(
        camille,
        [
            {
                "certificateur_id": DEMO_EMETTEUR,
                "certifier_name": "Université Paris Cité",
                "code": "RNCP35185",
                "type": "RNCP",
                "title": "Licence professionnelle Métiers de l'informatique : administration et "
                "sécurité des systèmes et des réseaux",
                "award_date": d(2010, 7, 2),
                "id_technique": "DEMO-CL-LP-2010",
                "mention": "Bien",
                "flux_id": "DEMO-FLUX-1",
            },
            {
                "certificateur_id": DEMO_EMETTEUR,
                "certifier_name": "Université Paris Cité",
                "code": "RNCP34117",
                "type": "RNCP",
                "title": "Master Informatique",
                "award_date": d(2012, 9, 15),
                "id_technique": "DEMO-CL-M-2012",
                "mention": "Assez bien",
                "flux_id": "DEMO-FLUX-1",
            },
            {
                "certificateur_id": DEMO_EMETTEUR,
                "certifier_name": "ETS Global",
                "code": "RS5484",
                "type": "RS",
                "title": "TOEIC Listening and Reading",
                "award_date": d(2024, 3, 29),
                "id_technique": "DEMO-CL-TOEIC-2024",
                "score": "905",
                "valid_until": d(2026, 3, 29),
                "flux_id": "DEMO-FLUX-2",
            },
            {
                "certificateur_id": DEMO_EMETTEUR,
                "certifier_name": "Scrum.org",
                "code": "RS6102",
                "type": "RS",
                "title": "Professional Scrum Master I",
                "award_date": d(2025, 11, 3),
                "id_technique": "DEMO-CL-PSM-2025",
                "provisional": True,
                "flux_id": "DEMO-FLUX-3",
            },
        ],
    )
    _guaranteed(
        camille,
        Entry.Source.AGORA,
        "DEMO-CPF-2024-000123",
        kind=Entry.Kind.TRAINING,
        title="Anglais professionnel (préparation au TOEIC)",
        organisation="Langues & Co",
        start_date=d(2024, 1, 8),
        end_date=d(2024, 3, 22),
        details={"hours": "40", "provider": "Langues & Co", "modalite_acces": "à distance"},
    )
    _guaranteed(
        camille,
        Entry.Source.AGORA,
        "DEMO-CPF-2025-000456",
        kind=Entry.Kind.TRAINING,
        title="Cybersécurité : les fondamentaux",
        organisation="Cyber Campus Formation",
        start_date=d(2025, 2, 3),
        end_date=d(2025, 2, 7),
        details={"hours": "35"},
    )
    _guaranteed(
        camille,
        Entry.Source.CAREER,
        "DEMO-DSN-0001",
        kind=Entry.Kind.EXPERIENCE,
        title="Administratrice systèmes et réseaux",
        organisation="Hôpital Saint-Louis",
        start_date=d(2012, 10, 1),
        end_date=d(2018, 6, 30),
        # The career import's optional codes (docs/formats-import.md): the appellation
        # « Administrateur / Administratrice systèmes et réseaux » of ROME fiche M1801.
        details={
            "job_title": "Administratrice systèmes et réseaux",
            "contract": "CDI",
            "code_rome": "M1801",
            "appellation": "489089",
        },
    )
    _guaranteed(
        camille,
        Entry.Source.CAREER,
        "DEMO-DSN-0002",
        kind=Entry.Kind.EXPERIENCE,
        title="Responsable de la sécurité des systèmes d'information",
        organisation="Mutuelle Solidaire",
        start_date=d(2018, 7, 1),
        details={"job_title": "RSSI", "contract": "CDI"},
    )
    _guaranteed(
        camille,
        Entry.Source.PREVENTION,
        "DEMO-SST-2024-0042",
        kind=Entry.Kind.PREVENTION,
        title="Sauveteur secouriste du travail (SST)",
        organisation="Prévention Formation Île-de-France",
        award_date=today.replace(year=today.year - 2) + datetime.timedelta(days=30),
        expires_on=today + datetime.timedelta(days=30),
        details={"attestation_type": "Justificatif de réussite", "risk": "secours"},
    )
    _guaranteed(
        camille,
        Entry.Source.PREVENTION,
        "DEMO-HAB-2025-0007",
        kind=Entry.Kind.PREVENTION,
        title="Habilitation électrique B0-H0V (non-électricien)",
        organisation="Prévention Formation Île-de-France",
        award_date=d(2025, 4, 14),
        expires_on=d(2028, 4, 14),
        details={"attestation_type": "Attestation de formation", "risk": "électrique"},
    )

    holder = _holder("camille", camille)
    _declared(
        holder,
        "Permis de conduire B",
        kind=Entry.Kind.LICENCE,
        award_date=d(2006, 9, 12),
        document=(
            "permis-b.pdf",
            _pdf("Permis de conduire - categorie B (document de demonstration)"),
        ),
    )
    _declared(
        holder,
        "Bénévole aux Restos du cœur",
        kind=Entry.Kind.VOLUNTEERING,
        organisation="Les Restaurants du cœur",
        start_date=d(2019, 11, 1),
        details={"description": "Distribution alimentaire, deux soirs par mois."},
    )
    _declared(
        holder,
        "MOOC « Gestion de projet »",
        kind=Entry.Kind.TRAINING,
        organisation="France Université Numérique",
        start_date=d(2021, 3, 1),
        end_date=d(2021, 4, 30),
        document=(
            "attestation-mooc.pdf",
            _pdf("Attestation de suivi - MOOC Gestion de projet (demonstration)"),
        ),
    )
    _declared(
        holder,
        "Service civique",
        kind=Entry.Kind.VOLUNTEERING,
        organisation="Unis-Cité",
        start_date=d(2007, 9, 1),
        end_date=d(2008, 5, 31),
    )

    (antoine,) = ensure_in_register(BY_KEY["antoine"])
    _certifications(
        antoine,
        [
            {
                "certificateur_id": DEMO_EMETTEUR,
                "certifier_name": "Lycée Pierre-Paul Riquet",
                "code": "RNCP35340",
                "type": "RNCP",
                "title": "BTS Services informatiques aux organisations",
                "award_date": d(2017, 7, 5),
                "id_technique": "DEMO-AD-BTS-2017",
                "flux_id": "DEMO-FLUX-4",
            },
        ],
    )
    _guaranteed(
        antoine,
        Entry.Source.CAREER,
        "DEMO-DSN-0100",
        kind=Entry.Kind.EXPERIENCE,
        title="Technicien support",
        organisation="Occitanie Numérique",
        start_date=d(2017, 9, 1),
        details={"contract": "CDI"},
    )
    _guaranteed(
        antoine,
        Entry.Source.PREVENTION,
        "DEMO-CACES-2022-0001",
        kind=Entry.Kind.PREVENTION,
        title="CACES R489 catégorie 3",
        organisation="Sud Manutention Formation",
        award_date=d(2022, 1, 10),
        expires_on=today + datetime.timedelta(days=75),
        details={"attestation_type": "Justificatif de réussite"},
    )

    how = "aucun mot de passe : /franceconnect/, puis choisir l'identité de test"
    return [
        ("Titulaire (passeport complet)", "Camille Lefèvre", how),
        ("Titulaire (rattaché malgré une autre graphie)", "Antoine Dupont", how),
        ("Titulaire de moins de 15 ans (refusé)", "Léa Durand", how),
        ("Titulaire absente du registre", "Nadia Belkacem", how),
        ("Titulaire homonyme (rattachement ambigu)", "Dominique Bernard", how),
    ]
