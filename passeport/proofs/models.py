"""What the proofs app keeps: issued credentials and the status lists that can revoke them.

A `Credential` is one Open Badges 3.0 credential of one guaranteed passport entry, as issued
(the signed JSON and its JWT form are stored verbatim: what the holder downloaded is what the
service verifies and exports). It is never edited: a corrected entry gets a new credential
and the old one is revoked. Each credential owns one bit of a `StatusList` (W3C Bitstring
Status List 1.0): the bit is set when the credential is revoked.
"""

from django.db import models
from django.db.models import Q

from passeport.core.models import BaseModel


class StatusList(BaseModel):
    """One bitstring of 131 072 bits (W3C Bitstring Status List 1.0 §6.1: the minimum, for
    herd privacy), published as a signed `BitstringStatusListCredential`."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", "Révocation"

    SIZE = 131_072

    number = models.PositiveIntegerField("numéro", unique=True)
    purpose = models.CharField("objet", max_length=20, choices=Purpose, default=Purpose.REVOCATION)
    size = models.PositiveIntegerField("nombre de bits", default=SIZE)
    bits = models.BinaryField("bits")
    allocated = models.PositiveIntegerField("indices attribués", default=0)
    # Indices are handed out as (multiplier × n + offset) mod size — a bijection since the size
    # is a power of two and the multiplier odd — so that neighbours in the list are not
    # neighbours in time (Bitstring Status List 1.0 §7.2, random index assignment).
    multiplier = models.PositiveIntegerField("multiplicateur")
    offset = models.PositiveIntegerField("décalage")
    # The published, signed status list credential, and whether the bits changed since.
    published = models.TextField("liste publiée (signée)", blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    version = models.PositiveIntegerField("version publiée", default=0)
    stale = models.BooleanField("à republier", default=True)

    class Meta(BaseModel.Meta):
        verbose_name = "liste de statut"
        verbose_name_plural = "listes de statut"
        ordering = ("number",)

    def __str__(self) -> str:
        return f"liste de statut n° {self.number}"

    def index_of(self, n: int) -> int:
        return (self.multiplier * n + self.offset) % self.size

    def bit(self, index: int) -> bool:
        data = bytes(self.bits)
        # §6.1: the first index is the most significant bit of the first byte.
        return bool(data[index // 8] & (0x80 >> (index % 8)))


class Credential(BaseModel):
    """An Open Badges 3.0 credential of a guaranteed entry, as issued."""

    class RevocationReason(models.TextChoices):
        WITHDRAWN = "retrait", "Passage retiré par le certificateur (SUPPRESSION)"
        CORRECTED = "correction", "Remplacé par une correction du certificateur"
        ERROR_CONFIRMED = "erreur_confirmee", "Erreur signalée et confirmée par le certificateur"

    entry = models.ForeignKey(
        "passport.Entry", on_delete=models.CASCADE, related_name="credentials"
    )
    person_id = models.UUIDField("personne du registre d'identité", db_index=True)
    # SHA-256 of what the credential states about the entry (credentials.claims): a correction
    # of the entry changes it, and the credential is then replaced.
    claims_hash = models.CharField("empreinte des données attestées", max_length=64)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField("indice dans la liste de statut")
    document = models.TextField("attestation signée (JSON)")
    jwt = models.TextField("attestation signée (JWT)")
    key_id = models.CharField("clé de signature", max_length=100)
    valid_from = models.DateTimeField("valable à partir du")
    valid_until = models.DateTimeField("valable jusqu'au", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    revocation_reason = models.CharField(
        "motif de la révocation", max_length=20, choices=RevocationReason, blank=True
    )
    verification_count = models.PositiveIntegerField("vérifications", default=0)
    last_verified_at = models.DateTimeField("dernière vérification", null=True, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "attestation numérique"
        verbose_name_plural = "attestations numériques"
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(revoked_at__isnull=True), name="credential_one_active"
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_unique_status_bit"
            ),
        ]

    def __str__(self) -> str:
        return f"attestation numérique {self.urn}"

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.pk}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CV(BaseModel):
    """A CV the holder composes from their passport (several per holder)."""

    class Template(models.TextChoices):
        CLASSIC = "classique", "Classique (une colonne)"
        COLUMNS = "colonnes", "Deux colonnes"

    # Section keys, in the default order; `sections` keeps the holder's order and choice.
    SECTIONS = {
        "certifications": "Diplômes et certifications",
        "experiences": "Expériences professionnelles",
        "formations": "Formations",
        "competences": "Compétences",
        "engagements": "Bénévolat et engagement citoyen",
        "permis": "Permis et habilitations",
        "prevention": "Santé et sécurité au travail",
        "autres": "Autres",
    }

    holder = models.ForeignKey("passport.Holder", on_delete=models.CASCADE, related_name="cvs")
    title = models.CharField(
        "nom du CV", max_length=120, help_text="Pour vous y retrouver : « Candidature Airbus »."
    )
    headline = models.CharField(
        "titre affiché",
        max_length=200,
        blank=True,
        help_text="Par exemple « Technicienne réseaux ».",
    )
    summary = models.TextField("présentation", max_length=1500, blank=True)
    template = models.CharField("modèle", max_length=20, choices=Template, default=Template.CLASSIC)
    sections = models.JSONField("rubriques, dans l'ordre", default=list, blank=True)
    entry_ids = models.JSONField("entrées retenues", default=list, blank=True)
    contact = models.JSONField("coordonnées affichées", default=dict, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "CV"
        verbose_name_plural = "CV"

    def __str__(self) -> str:
        return f"CV « {self.title} »"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def ordered_sections(self) -> list[str]:
        chosen = [key for key in self.sections if key in self.SECTIONS]
        return chosen or list(self.SECTIONS)


def signed_document_path(instance: "SignedDocument", filename: str) -> str:
    return f"proofs/documents/{instance.pk.hex}.pdf"


class SignedDocument(BaseModel):
    """A PDF the service rendered and signed (PAdES): a CV or an attestation, as issued."""

    class Kind(models.TextChoices):
        CV = "cv", "CV"
        CERTIFICATION = "attestation_certification", "Attestation de certification"
        PREVENTION = "attestation_prevention", "Attestation de prévention"

    kind = models.CharField("nature", max_length=30, choices=Kind)
    holder = models.ForeignKey(
        "passport.Holder", on_delete=models.CASCADE, related_name="signed_documents"
    )
    cv = models.ForeignKey(
        CV, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    entry = models.ForeignKey(
        "passport.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The short code printed on the document and in its QR code (/verifier/<code>/).
    code = models.CharField("code de vérification", max_length=20, unique=True)
    sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, db_index=True)
    file = models.FileField("PDF signé", upload_to=signed_document_path, max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    pages = models.PositiveIntegerField("pages", default=0)
    # What the PDF states, for the comparison with the passport of the day: the holder's name,
    # the entries shown with their trust level, the credentials embedded.
    snapshot = models.JSONField("contenu attesté", default=dict)
    credentials = models.ManyToManyField(Credential, blank=True, related_name="documents")
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    verification_count = models.PositiveIntegerField("vérifications", default=0)
    last_verified_at = models.DateTimeField("dernière vérification", null=True, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "document signé"
        verbose_name_plural = "documents signés"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
