"""The holder's record: who the holder is (Holder) and what their passport holds (Entry).

Two owners, on purpose (PRODUCT.md C.2):
- guaranteed entries (trust « garantie ») belong to the *identity Person*: they arrive from
  certifiers and other authorities before the person ever logs in, and follow the person
  whichever account they later use;
- declared entries belong to the *Holder* account that typed them: they are the account's own
  data, deleted with it, and exist even when the account is not (yet) linked to a person.

`person` is a foreign key to `identity.Person` (the identity register, lower in the dependency
order); code mostly uses its column `person_id` (the Person's UUID), which is what the identity
app's lookups return. A register person is never deleted while entries point to it (PROTECT);
an account whose person disappears is simply unlinked (SET_NULL).
"""

import datetime
import json
import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from passeport.core.crypto import EncryptedTextField
from passeport.core.models import BaseModel


class Holder(BaseModel):
    """The holder profile of a user account that logs in with FranceConnect."""

    class LinkStatus(models.TextChoices):
        LINKED = "linked", "Rattaché au registre d'identité"
        NO_MATCH = "no_match", "Aucune personne correspondante (pour l'instant)"
        AMBIGUOUS = "ambiguous", "Plusieurs personnes correspondent"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holder"
    )
    # FranceConnect's `sub`: stable per (person, service provider); the key of later logins.
    fc_sub = models.CharField("identifiant FranceConnect (sub)", max_length=255, unique=True)
    # One account per person.
    person = models.OneToOneField(
        "identity.Person",
        verbose_name="personne du registre d'identité",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holder",
    )
    link_status = models.CharField(
        "rattachement", max_length=20, choices=LinkStatus, default=LinkStatus.NO_MATCH
    )
    linked_at = models.DateTimeField("rattaché le", null=True, blank=True)
    # FranceConnect's pivot identity (JSON), encrypted at rest — names, birth date and place
    # are identity data, never stored in clear: kept so that an unlinked account can be
    # attached when the person later appears in the register (identity import hook), and for
    # the birth date shown on the attestation de prévention.
    pivot_identity = EncryptedTextField("identité pivot (chiffrée)", blank=True, null=True)

    class Meta(BaseModel.Meta):
        verbose_name = "titulaire"
        verbose_name_plural = "titulaires"

    def __str__(self) -> str:
        return f"titulaire {self.pk}"

    @cached_property
    def pivot(self) -> dict:
        return json.loads(self.pivot_identity or "{}")

    @property
    def birth_date(self) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(self.pivot.get("birthdate", ""))
        except ValueError:
            return None


class EntryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def of_holder(self, holder: Holder):
        """Everything a holder's passport shows: the person's guaranteed entries + declared ones."""
        condition = Q(holder=holder)
        if holder.person_id:
            condition |= Q(person_id=holder.person_id)
        return self.active().filter(condition)

    def guaranteed(self):
        return self.filter(trust=Entry.Trust.GUARANTEED)

    def declared(self):
        return self.exclude(trust=Entry.Trust.GUARANTEED)


class Entry(BaseModel):
    """One line of a passport: a certification, a training, an experience…"""

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", "Certification ou diplôme"
        TRAINING = "training", "Formation"
        EXPERIENCE = "experience", "Expérience professionnelle"
        VOLUNTEERING = "volunteering", "Bénévolat et engagement citoyen"
        LICENCE = "licence", "Permis et habilitation"
        PREVENTION = "prevention", "Prévention (santé et sécurité au travail)"
        OTHER = "other", "Autre"

    class Trust(models.TextChoices):
        # Only an authority can guarantee; a holder's entry is « déclarée », « avec justificatif »
        # when a document is attached (derived, see `refresh_trust`).
        GUARANTEED = "garantie", "Garantie"
        DECLARED_WITH_PROOF = "declaree_justificatif", "Déclarée avec justificatif"
        DECLARED = "declaree", "Déclarée"

    class Source(models.TextChoices):
        CERTIFIER_DEPOSIT = "depot_certificateur", "Dépôt d'un organisme certificateur"
        AGORA = "agora", "Agora / Mon Compte Formation"
        CAREER = "dsn_rgcu", "DSN / RGCU (déclarations des employeurs)"
        PREVENTION = "prevention", "Organisme de formation (passeport de prévention)"
        HOLDER = "titulaire", "Déclaration du titulaire"

    class CertificationType(models.TextChoices):
        RNCP = "RNCP", "RNCP"
        RS = "RS", "Répertoire spécifique"

    # Owner: exactly one of the two (constraint below).
    # No database constraint towards the register: PostgreSQL checks a foreign key by locking
    # the referenced row (FOR KEY SHARE), a write to the register — a page dirtied and a WAL
    # record — for each guaranteed entry, most of the register's pages for a large deposit
    # (bench/bench_deposit_pipeline.py, docs/depots.md). The register only
    # ever gains or updates persons (import_identities) and the ORM still refuses to delete a
    # person who has entries (PROTECT).
    person = models.ForeignKey(
        "identity.Person",
        verbose_name="personne du registre d'identité",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passport_entries",
        db_index=False,  # the (person, withdrawn_at) index below serves it
        db_constraint=False,
    )
    holder = models.ForeignKey(
        Holder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_entries",
        db_index=False,  # the partial index below: guaranteed entries (most of them) have none
    )
    # Without the base model's index: nothing looks entries up by creation time, and a large
    # deposit writes 200 000 entries at once (each index is paid on every row).
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    kind = models.CharField("nature", max_length=20, choices=Kind)
    trust = models.CharField("niveau de confiance", max_length=30, choices=Trust)
    source = models.CharField("source", max_length=30, choices=Source)
    # Where it came from, to trace a guaranteed entry back (deposit id, import file and line…).
    source_reference = models.CharField("référence de la source", max_length=255, blank=True)

    title = models.CharField("intitulé", max_length=500)
    organisation = models.CharField(
        "organisme",
        max_length=255,
        blank=True,
        help_text="Certificateur, organisme de formation, employeur…",
    )
    start_date = models.DateField("date de début", null=True, blank=True)
    end_date = models.DateField("date de fin", null=True, blank=True)
    award_date = models.DateField("date d'obtention", null=True, blank=True)
    # Certification validity end, prevention expiry, licence expiry: what reminders look at.
    expires_on = models.DateField("date d'expiration", null=True, blank=True)

    # Certifications (CDC flux): explicit columns for what is looked up or shown.
    certification_type = models.CharField(
        "type de certification", max_length=4, choices=CertificationType, blank=True
    )
    certification_code = models.CharField("code RNCP/RS", max_length=20, blank=True)
    emetteur_id = models.CharField("idClient émetteur", max_length=8, blank=True)
    certificateur_id = models.CharField("idClient certificateur", max_length=8, blank=True)
    id_technique = models.CharField("idTechnique", max_length=255, blank=True)
    # donneeCertifiee=false: shown as provisional until a later deposit confirms it.
    provisional = models.BooleanField("provisoire", default=False)
    deposit_id = models.UUIDField("dépôt d'origine", null=True, blank=True)
    flux_id = models.CharField("idFlux", max_length=255, blank=True)

    # Everything else, per kind (mention, option, score, hours, provider, job title, SIRET,
    # prevention attestation type…); keys documented in `DETAIL_LABELS`.
    details = models.JSONField("détails", default=dict, blank=True)

    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)
    withdrawal_reason = models.CharField("motif du retrait", max_length=500, blank=True)
    reminder_sent_on = models.DateField("rappel d'expiration envoyé le", null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta(BaseModel.Meta):
        verbose_name = "entrée du passeport"
        verbose_name_plural = "entrées du passeport"
        # Most recent first, undated last on every database (PostgreSQL puts NULLs first in a
        # descending order, SQLite last).
        ordering = (
            models.F("award_date").desc(nulls_last=True),
            models.F("start_date").desc(nulls_last=True),
            "-created_at",
        )
        indexes = [
            models.Index(fields=["person", "withdrawn_at"], name="entry_person_idx"),
            models.Index(
                fields=["holder"], condition=Q(holder__isnull=False), name="entry_holder_idx"
            ),
            models.Index(fields=["kind", "expires_on"], name="entry_kind_expiry_idx"),
        ]
        constraints = [
            # idTechnique is unique per émetteur across all its deposits (CDC rule).
            models.UniqueConstraint(
                fields=["emetteur_id", "id_technique"],
                condition=~Q(id_technique=""),
                name="entry_unique_emetteur_idtechnique",
            ),
            # An import line is recorded once, whatever the number of runs.
            models.UniqueConstraint(
                fields=["source", "source_reference"],
                condition=Q(source__in=["agora", "dsn_rgcu", "prevention"]),
                name="entry_unique_import_reference",
            ),
            models.CheckConstraint(
                condition=(
                    Q(trust="garantie", person_id__isnull=False, holder__isnull=True)
                    | (~Q(trust="garantie") & Q(holder__isnull=False, person_id__isnull=True))
                ),
                name="entry_owner_matches_trust",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.title}"

    @property
    def is_guaranteed(self) -> bool:
        return self.trust == self.Trust.GUARANTEED

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def refresh_trust(self, *, has_document: bool) -> None:
        """A declared entry is « avec justificatif » exactly when a document is attached."""
        if self.is_guaranteed:
            return
        self.trust = self.Trust.DECLARED_WITH_PROOF if has_document else self.Trust.DECLARED

    def expires_within(self, days: int, *, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and 0 <= (self.expires_on - today).days <= days

    def is_expired(self, *, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


# Labels of the keys of `Entry.details`, in display order, per kind.
DETAIL_LABELS = {
    "mention": "Mention",
    "option": "Option",
    "score": "Score",
    "valid_from": "Début de validité",
    "modalite_acces": "Modalité d'accès",
    "hours": "Durée (heures)",
    "provider": "Organisme de formation",
    "provider_siret": "SIRET de l'organisme",
    "job_title": "Emploi occupé",
    "employer_siret": "SIRET de l'employeur",
    "contract": "Contrat",
    "code_rome": "Code ROME",
    "appellation": "Appellation ROME (code OGR)",
    "pcs_ese": "PCS-ESE",
    "attestation_type": "Type de justificatif",
    "risk": "Risque professionnel",
    "description": "Description",
}


def document_path(instance: "Document", filename: str) -> str:
    # Random name: the original name (possibly personal) is kept in the database only.
    extension = Document.EXTENSIONS.get(instance.content_type, "")
    return f"passport/documents/{uuid.uuid4().hex}{extension}"


class Document(BaseModel):
    """A supporting document attached to a declared entry, stored in private storage."""

    EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("fichier", upload_to=document_path, max_length=255)
    original_name = models.CharField("nom du fichier envoyé", max_length=255)
    content_type = models.CharField("type", max_length=50)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    class Meta(BaseModel.Meta):
        verbose_name = "justificatif"
        verbose_name_plural = "justificatifs"

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The holder's name for the file, with the extension of the type its content was
        checked to be: a PDF sent as « cv.html » saves as « cv.pdf », never as a page the
        browser would open as HTML."""
        extension = self.EXTENSIONS.get(self.content_type, "")
        stem, dot, current = self.original_name.rpartition(".")
        if not dot or not stem or not current.isalnum() or len(current) > 5:
            stem = self.original_name  # no extension to replace (« justificatif », « .pdf »)
        elif f".{current.lower()}" in {extension, *_SAME_TYPE.get(extension, ())}:
            return self.original_name  # already right (« photo.JPEG »)
        return f"{stem or 'justificatif'}{extension}"


# Other spellings of an extension that name the same type.
_SAME_TYPE = {".jpg": (".jpeg", ".jpe", ".jfif")}


class AccessLog(BaseModel):
    """« Qui a consulté mon passeport » : every read by someone other than the holder."""

    class Channel(models.TextChoices):
        BACK_OFFICE = "back_office", "Back-office (opérateur)"
        EXPORT = "export", "Export (demande d'accès RGPD)"
        API = "api", "API"
        SHARE = "partage", "Lien de partage"
        ORGANISATION = "organisation", "Organisation (avec votre consentement)"

    person_id = models.UUIDField(
        "personne du registre d'identité", null=True, blank=True, db_index=True
    )
    holder = models.ForeignKey(
        Holder, null=True, blank=True, on_delete=models.CASCADE, related_name="access_logs"
    )
    accessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessor_label = models.CharField("qui", max_length=255)
    channel = models.CharField("par", max_length=20, choices=Channel)
    purpose = models.CharField("pourquoi", max_length=255, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "consultation du passeport"
        verbose_name_plural = "consultations du passeport"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.accessor_label} ({self.channel})"
