"""Certifiers, their people and what they may deposit.

Vocabulary of the CDC flux (XSD `urn:cdc:cpf:pc5:schema:1.0.0`):
- `emetteur/idClient`: the account that sends the flux (8 characters);
- `certificateur/idClient` + `idContrat`: the certifier the passages belong to;
- `natureDeposant`: `CERTIFICATEUR` when the certifier deposits for itself (émetteur =
  certificateur), `TIERS_CONFIANCE` when a trusted third party deposits for a certifier that
  mandated it (émetteur ≠ certificateur).

The rules the deposit pipeline needs are here, next to the data they read:

- `Certifier.objects.for_user(user)`: the certifiers a user belongs to;

This module holds the data and its small invariants; the workflows are in modules named by
their verb:

- `mandates.py`: `allowed_flux_ids(depositor)`: every (émetteur idClient, certificateur
  idClient) pair the depositing certifier may send; `can_deposit_for(emetteur,
  certificateur_id_client)`; `flux_ids_errors(...)`: the French reasons an accusé de réception
  gives when they do not fit; `grant_mandate` / `revoke_mandate`, audited;
- `tokens.py`: `issue_token(certifier, name, user)` / `authenticate_token(clear)` /
  `revoke_token(token, actor=…)`: API tokens, stored hashed;
- `standing.py`, `certifications.py`, `members.py`: the operators' and administrators' changes
  to a certifier, its certifications and its members, audited;
- `onboarding.py`, `invitations.py`, `tickets.py`: « se faire connaître », invitations, support.

Who may do what is in `abilities.py` (one dict of action → bool per certifier, read by pages,
menus and the API). For pages: `access.certifier_member_required(action)` (404 outside one's
certifiers, 403 when the action is refused, two-factor session required), `access.staff_required` (back office);
menus: `navigation.register_space_link` / `register_backoffice_link`; support tickets about a
deposit: link to `certifiers:ticket_new` with `?deposit_id=…&deposit_label=…&id_technique=…`.
"""

import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from passeport.core.models import BaseModel

# --------------------------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------------------------


def normalise_siret(value: str) -> str:
    """SIRET without spaces, dots or dashes (what people paste from documents)."""
    return stdnum_siret.compact(value or "")


def validate_siret(value: str) -> None:
    """A SIRET of 14 digits whose Luhn key is right (python-stdnum, `stdnum.fr.siret`)."""
    try:
        stdnum_siret.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            "Le SIRET « %(value)s » n'est pas valide : il faut les 14 chiffres figurant sur l'avis "
            "de situation SIRENE de l'organisme (la clé de contrôle ne correspond pas ou la "
            "longueur est fausse).",
            code="invalid_siret",
            params={"value": value},
        ) from exc


# idClient: exactly 8 characters (XSD `length value="8"`); we issue upper-case letters and
# digits only, which is what the CDC's own ids look like (e.g. `AB123CDE`, `E564ACB0`).
ID_CLIENT_LENGTH = 8
ID_CLIENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
validate_id_client = RegexValidator(
    r"^[A-Z0-9]{8}$",
    "L'idClient doit faire exactement 8 caractères, lettres majuscules et chiffres "
    "(exemple : AB123CDE).",
    code="invalid_id_client",
)
# idContrat: 1 to 20 characters (XSD `minLength 1`, `maxLength 20`).
validate_id_contrat = RegexValidator(
    r"^\S{1,20}$",
    "L'idContrat doit faire de 1 à 20 caractères, sans espace (exemple : 2560080000127J).",
    code="invalid_id_contrat",
)
# Certification codes as France compétences publishes them: RNCP12345, RS1234.
CERTIFICATION_CODE_RE = re.compile(r"^(RNCP|RS)\d{1,6}$")
validate_certification_code = RegexValidator(
    CERTIFICATION_CODE_RE,
    "Le code de certification doit être de la forme RNCP12345 ou RS1234 (préfixe en majuscules "
    "suivi du numéro de la fiche France compétences).",
    code="invalid_certification_code",
)


def normalise_certification_code(value: str) -> str:
    """`rncp 35340` → `RNCP35340`."""
    return re.sub(r"[\s\-_]", "", value or "").upper()


def generate_id_client() -> str:
    """A fresh idClient, unused by any certifier (8 characters, see ID_CLIENT_ALPHABET)."""
    while True:
        candidate = "".join(secrets.choice(ID_CLIENT_ALPHABET) for _ in range(ID_CLIENT_LENGTH))
        if not Certifier.objects.filter(id_client=candidate).exists():
            return candidate


def generate_id_contrat() -> str:
    """A fresh idContrat: `PP` + 12 digits (the XSD only bounds its length, 1 to 20)."""
    while True:
        candidate = "PP" + "".join(secrets.choice("0123456789") for _ in range(12))
        if not Certifier.objects.filter(id_contrat=candidate).exists():
            return candidate


# --------------------------------------------------------------------------------------------
# Certifiers
# --------------------------------------------------------------------------------------------


class CertifierQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Certifier.Status.ACTIVE)

    def for_user(self, user):
        """Certifiers `user` is a member of (any role, any certifier status).

        Anonymous users get none. Operators (staff) are not members: the back office has its
        own views and does not go through this.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def with_certification(self, code: str):
        return self.filter(certifications__code=normalise_certification_code(code))


class Certifier(BaseModel):
    """An organisation that deposits flux: a certifier, a trusted third party, or both."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        ACTIVE = "active", "Actif"
        SUSPENDED = "suspended", "Suspendu"

    siret = models.CharField(
        "SIRET",
        max_length=14,
        validators=[validate_siret],
        db_index=True,
        help_text="14 chiffres, sans espace.",
    )
    name = models.CharField("raison sociale", max_length=255)
    id_client = models.CharField(
        "idClient",
        max_length=ID_CLIENT_LENGTH,
        unique=True,
        validators=[MinLengthValidator(ID_CLIENT_LENGTH), validate_id_client],
        help_text="Identifiant CDC de 8 caractères : émetteur et certificateur dans le flux.",
    )
    id_contrat = models.CharField(
        "idContrat",
        max_length=20,
        validators=[validate_id_contrat],
        help_text="Identifiant du contrat CDC (1 à 20 caractères), porté par le certificateur.",
    )
    contact_name = models.CharField("contact métier (nom)", max_length=255, blank=True)
    contact_email = models.EmailField("contact métier (adresse électronique)", blank=True)
    contact_phone = models.CharField("contact métier (téléphone)", max_length=30, blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    is_trusted_third_party = models.BooleanField(
        "tiers de confiance",
        default=False,
        help_text="Peut déposer pour les certificateurs qui l'ont mandaté.",
    )
    suspended_reason = models.TextField("motif de suspension", blank=True)

    objects = CertifierQuerySet.as_manager()

    class Meta(BaseModel.Meta):
        verbose_name = "certificateur"
        verbose_name_plural = "certificateurs"
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.id_client})"

    def clean(self):
        self.siret = normalise_siret(self.siret)
        self.id_client = (self.id_client or "").strip().upper()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def certification_codes(self) -> set[str]:
        """Codes (RNCP…/RS…) this certifier may deposit passages for."""
        return set(self.certifications.values_list("code", flat=True))

    def active_mandators(self):
        """Active certifiers that mandate this one, through a mandate in force today."""
        return (
            Certifier.objects.active()
            .filter(mandates_given__in=Mandate.objects.in_force().filter(third_party=self))
            .distinct()
        )


class CertifierCertification(BaseModel):
    """One RNCP or RS certification a certifier holds (and may deposit passages for)."""

    class Type(models.TextChoices):
        RNCP = "RNCP", "RNCP (répertoire national des certifications professionnelles)"
        RS = "RS", "RS (répertoire spécifique)"

    certifier = models.ForeignKey(
        Certifier, on_delete=models.CASCADE, related_name="certifications"
    )
    code = models.CharField(
        "code", max_length=12, validators=[validate_certification_code], db_index=True
    )
    type = models.CharField("type", max_length=4, choices=Type.choices)
    title = models.CharField("intitulé", max_length=500, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "certification du certificateur"
        verbose_name_plural = "certifications du certificateur"
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=["certifier", "code"], name="certification_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs):
        self.code = normalise_certification_code(self.code)
        if not self.type:
            self.type = self.Type.RS if self.code.startswith("RS") else self.Type.RNCP
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


class Role(models.TextChoices):
    """What a member may do in their certifier's space."""

    ADMINISTRATOR = "administrator", "Administrateur"  # everything, incl. members and tokens
    DEPOSITOR = "depositor", "Déposant"  # deposits, corrections, tickets
    READ_ONLY = "read_only", "Lecture seule"  # sees deposits, accusés, tickets


DEPOSIT_ROLES = frozenset({Role.ADMINISTRATOR, Role.DEPOSITOR})


class Membership(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    certifier = models.ForeignKey(Certifier, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.READ_ONLY)

    class Meta(BaseModel.Meta):
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ("user__email",)
        constraints = [
            models.UniqueConstraint(fields=["user", "certifier"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.certifier.id_client} ({self.get_role_display()})"


# --------------------------------------------------------------------------------------------
# Mandates (tiers de confiance)
# --------------------------------------------------------------------------------------------


class MandateQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        """Mandates not revoked and whose dates cover `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )


class Mandate(BaseModel):
    """A certifier (mandator) lets a trusted third party deposit its passages.

    Flux sent under a mandate carry émetteur = the third party, certificateur = the mandator,
    `natureDeposant=TIERS_CONFIANCE`.
    """

    third_party = models.ForeignKey(
        Certifier,
        on_delete=models.CASCADE,
        related_name="mandates_received",
        verbose_name="tiers de confiance",
    )
    mandator = models.ForeignKey(
        Certifier,
        on_delete=models.CASCADE,
        related_name="mandates_given",
        verbose_name="certificateur mandant",
    )
    starts_on = models.DateField("début", default=timezone.localdate)
    ends_on = models.DateField("fin", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MandateQuerySet.as_manager()

    class Meta(BaseModel.Meta):
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        constraints = [
            models.CheckConstraint(
                condition=~Q(third_party=models.F("mandator")), name="mandate_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandator.id_client} → {self.third_party.id_client}"

    def clean(self):
        if self.third_party_id and self.third_party_id == self.mandator_id:
            raise ValidationError("Un organisme ne peut pas se mandater lui-même.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin du mandat précède son début."})
        if self.third_party_id and not self.third_party.is_trusted_third_party:
            raise ValidationError(
                {"third_party": "Cet organisme n'est pas déclaré comme tiers de confiance."}
            )

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.starts_on <= on
            and (self.ends_on is None or self.ends_on >= on)
        )


# --------------------------------------------------------------------------------------------
# API tokens
# --------------------------------------------------------------------------------------------

TOKEN_PREFIX = "pp_"  # noqa: S105 - a public marker, not a secret
TOKEN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # "pp_" + 8 lowercase hex characters


class ApiToken(BaseModel):
    """A bearer token for the REST API, acting for one certifier. Only its hash is stored; the
    readable `prefix` (e.g. `pp_ab12cd34`) lets people recognise it in lists and logs. Issued,
    checked and revoked by `tokens.py`."""

    certifier = models.ForeignKey(Certifier, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField("préfixe", max_length=TOKEN_PREFIX_LENGTH, unique=True)
    token_hash = models.CharField("empreinte", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# --------------------------------------------------------------------------------------------
# Onboarding (« Se faire connaître ») and invitations
# --------------------------------------------------------------------------------------------


class OnboardingRequest(BaseModel):
    """A body asks to deposit; an operator approves (a `Certifier` is created) or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", "À examiner"
        APPROVED = "approved", "Acceptée"
        REJECTED = "rejected", "Refusée"

    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    name = models.CharField("raison sociale", max_length=255)
    contact_name = models.CharField("nom et prénom du contact métier", max_length=255)
    contact_email = models.EmailField("adresse électronique du contact métier")
    contact_phone = models.CharField("téléphone du contact métier", max_length=30, blank=True)
    certification_codes = models.JSONField(
        "certifications détenues",
        default=list,
        help_text="Codes RNCP/RS déclarés par le demandeur.",
    )
    is_trusted_third_party = models.BooleanField(
        "demande en tant que tiers de confiance", default=False
    )
    message = models.TextField("message", blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("examinée le", null=True, blank=True)
    rejection_reason = models.TextField("motif du refus", blank=True)
    certifier = models.OneToOneField(
        Certifier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="onboarding_request",
    )

    class Meta(BaseModel.Meta):
        verbose_name = "demande d'accrochage"
        verbose_name_plural = "demandes d'accrochage"

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"


INVITATION_MAX_AGE = timedelta(days=7)


class Invitation(BaseModel):
    """An e-mail invitation to join a certifier with a role. The link carries a signed,
    expiring token (django.core.signing) naming this row; accepting it once consumes it."""

    certifier = models.ForeignKey(Certifier, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(BaseModel.Meta):
        verbose_name = "invitation"
        verbose_name_plural = "invitations"

    def __str__(self) -> str:
        return f"{self.email} → {self.certifier.id_client}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None

    @property
    def expires_at(self):
        return self.created_at + INVITATION_MAX_AGE

    @property
    def is_expired(self) -> bool:
        return timezone.now() > self.expires_at


# --------------------------------------------------------------------------------------------
# Support tickets
# --------------------------------------------------------------------------------------------


class TicketQuerySet(models.QuerySet):
    def for_user(self, user):
        """Tickets of the certifiers `user` is a member of."""
        return self.filter(certifier__in=Certifier.objects.for_user(user))

    def open(self):
        return self.exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])


class Ticket(BaseModel):
    """A support conversation between a certifier and the operators, possibly about one deposit
    or one passage. The deposit is referenced by id and label (the deposits app sits above us
    and may add its own link); `id_technique` names a passage of that deposit."""

    class Status(models.TextChoices):
        OPEN = "open", "Ouvert"
        WAITING_CERTIFIER = "waiting_certifier", "En attente du certificateur"
        WAITING_SUPPORT = "waiting_support", "En attente du support"
        RESOLVED = "resolved", "Résolu"
        CLOSED = "closed", "Fermé"

    class Origin(models.TextChoices):
        CERTIFIER = "certifier", "Organisme"
        OPERATOR = "operator", "Support"
        HOLDER_REPORT = "holder_report", "Signalement d'un titulaire"

    certifier = models.ForeignKey(Certifier, on_delete=models.CASCADE, related_name="tickets")
    subject = models.CharField("objet", max_length=200)
    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    origin = models.CharField("origine", max_length=20, choices=Origin.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deposit_id = models.UUIDField("dépôt concerné", null=True, blank=True, db_index=True)
    deposit_label = models.CharField("dépôt concerné (libellé)", max_length=255, blank=True)
    id_technique = models.CharField("idTechnique du passage", max_length=255, blank=True)
    passport_entry_id = models.UUIDField("entrée du passeport signalée", null=True, blank=True)
    last_message_at = models.DateTimeField("dernier message", default=timezone.now, db_index=True)

    objects = TicketQuerySet.as_manager()

    class Meta(BaseModel.Meta):
        verbose_name = "demande de support"
        verbose_name_plural = "demandes de support"
        ordering = ("-last_message_at",)

    def __str__(self) -> str:
        return self.subject

    @property
    def reference(self) -> str:
        """Short reference quoted in e-mails and on the phone."""
        return f"T-{str(self.pk)[:8].upper()}"

    @property
    def is_closed(self) -> bool:
        return self.status in {self.Status.RESOLVED, self.Status.CLOSED}


class TicketMessage(BaseModel):
    class Side(models.TextChoices):
        CERTIFIER = "certifier", "Organisme"
        OPERATOR = "operator", "Support"
        HOLDER = "holder", "Titulaire"
        SYSTEM = "system", "Passeport"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField("auteur", max_length=20, choices=Side.choices)
    body = models.TextField("message")

    class Meta(BaseModel.Meta):
        verbose_name = "message de support"
        verbose_name_plural = "messages de support"
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.get_side_display()} {self.created_at:%Y-%m-%d}"
