"""The project's user model, custom from day one.

One model for every person who logs in: certifier staff and operators (e-mail + password,
two-factor later), holders (FranceConnect). What a user may do comes from their relations
(certifier memberships, holder profile) and Django permissions, not from a type column.
"""

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from passeport.core.crypto import EncryptedTextField


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = None
    email = models.EmailField("adresse électronique", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ("email",)

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class TotpDevice(models.Model):
    """The user's authenticator app (TOTP, RFC 6238, through pyotp).

    The shared secret is encrypted at rest. `confirmed_at` is set once the user has typed a
    first right code (enrolment); `last_used_step` refuses a code used twice in its 30 s window.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField("secret partagé")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    confirmed_at = models.DateTimeField("activé le", null=True, blank=True)
    last_used_step = models.BigIntegerField("dernier pas de temps utilisé", null=True, blank=True)

    class Meta:
        verbose_name = "application d'authentification"
        verbose_name_plural = "applications d'authentification"

    def __str__(self) -> str:
        return f"TOTP {self.user}"


class RecoveryCode(models.Model):
    """A single-use code that replaces a TOTP code (lost phone). Only a keyed hash is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField("empreinte", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"
        verbose_name_plural = "codes de secours"

    def __str__(self) -> str:
        return f"code de secours {self.user}"


class Session(AbstractBaseSession):
    """A database session that names its user, so that one query loads both (sessions.py)."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
