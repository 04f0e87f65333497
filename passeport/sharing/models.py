"""Who may read a holder's passport, and what they read.

- `Share`: a link the holder gives (to a recruiter…): the whole passport, chosen entries, or one
  object of another kind (a CV); expiring, optionally protected by an access code, revocable.
  Only the hash of its token is stored, as for API tokens (links.py).
- `ShareView`: each opening of a link (time, a keyed hash of the address, the browser family).
- `Organisation` and `Agent`: counselling and employment services registered by operators, and
  their staff (two-factor login, like certifiers' members).
- `Consent`: a holder's grant to one organisation, for chosen sections, until a date or a
  withdrawal; an agent reads nothing else (consents.py).
- `OAuthClient`: what the service knows of an OAuth 2.0 client (django-oauth-toolkit's
  `Application`) beyond the protocol: its organisation (client credentials read the consents
  given to it) and the scopes it may ask for.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from passeport.core.models import BaseModel

from .sections import SECTIONS


class Share(BaseModel):
    class Kind(models.TextChoices):
        PASSPORT = "passeport", "Tout le passeport"
        ENTRIES = "entrees", "Des entrées choisies"
        CV = "cv", "Un CV"

    holder = models.ForeignKey("passport.Holder", on_delete=models.CASCADE, related_name="shares")
    label = models.CharField("libellé", max_length=100)
    kind = models.CharField("contenu partagé", max_length=20, choices=Kind)
    entries = models.ManyToManyField("passport.Entry", blank=True, related_name="+")
    # The shared object when it is neither the passport nor entries (a CV of the proofs app):
    # its id, resolved by the kind's loader (shareables.py).
    object_id = models.UUIDField("objet partagé", null=True, blank=True)
    # `sh_<8 chars>` finds the row; the SHA-256 of the whole token is compared in constant time.
    prefix = models.CharField("préfixe", max_length=11, unique=True)
    token_hash = models.CharField("empreinte du jeton", max_length=64, editable=False)
    access_code_hash = models.CharField("empreinte du code d'accès", max_length=128, blank=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "lien de partage"
        verbose_name_plural = "liens de partage"

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_live(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    @property
    def has_access_code(self) -> bool:
        return bool(self.access_code_hash)


class ShareView(BaseModel):
    class Outcome(models.TextChoices):
        SHOWN = "affiche", "Consulté"
        WRONG_CODE = "code_errone", "Code d'accès erroné"
        REVOKED = "revoque", "Refusé : lien révoqué"
        EXPIRED = "expire", "Refusé : lien expiré"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="views")
    outcome = models.CharField("résultat", max_length=20, choices=Outcome)
    # HMAC of the client address (core.crypto.keyed_hash): tells views apart, reveals no address.
    address_hash = models.CharField("empreinte de l'adresse", max_length=64)
    browser = models.CharField("navigateur", max_length=40)

    class Meta(BaseModel.Meta):
        verbose_name = "consultation d'un lien"
        verbose_name_plural = "consultations des liens"


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        CEP = "cep", "Conseil en évolution professionnelle"
        FRANCE_TRAVAIL = "france_travail", "France Travail"
        CAP_EMPLOI = "cap_emploi", "Cap emploi"
        APEC = "apec", "APEC"
        MISSION_LOCALE = "mission_locale", "Mission locale"
        OTHER = "autre", "Autre service d'orientation ou d'emploi"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=30, choices=Kind)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    is_active = models.BooleanField("active", default=True)

    class Meta(BaseModel.Meta):
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Agent(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agents")
    is_active = models.BooleanField("actif", default=True)

    class Meta(BaseModel.Meta):
        verbose_name = "agent"
        verbose_name_plural = "agents"

    def __str__(self) -> str:
        return f"{self.user.email} ({self.organisation})"

    @property
    def can_read(self) -> bool:
        return self.is_active and self.organisation.is_active and self.user.is_active


class ConsentQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(withdrawn_at__isnull=True, expires_at__gt=now)


class Consent(BaseModel):
    holder = models.ForeignKey("passport.Holder", on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="consents"
    )
    sections = models.JSONField("rubriques accordées", default=list)
    expires_at = models.DateTimeField("expire le")
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta(BaseModel.Meta):
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        constraints = [
            # One live consent per holder and organisation: granting again replaces it.
            models.UniqueConstraint(
                fields=["holder", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_open_per_organisation",
            )
        ]
        indexes = [models.Index(fields=["organisation", "withdrawn_at", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.holder} → {self.organisation}"

    def is_live(self, now=None) -> bool:
        return self.withdrawn_at is None and self.expires_at > (now or timezone.now())

    @property
    def section_labels(self) -> list[str]:
        return [s.label for s in SECTIONS if s.code in self.sections]


class OAuthClient(BaseModel):
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="passeport_client",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="clients",
        help_text="Pour un client « client credentials » : l'organisation dont il lit les "
        "consentements.",
    )
    allowed_scopes = models.JSONField("portées autorisées", default=list)
    description = models.CharField("description", max_length=300, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "client OAuth"
        verbose_name_plural = "clients OAuth"

    def __str__(self) -> str:
        return self.application.name
