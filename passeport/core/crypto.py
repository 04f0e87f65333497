"""Encryption at rest and keyed hashes for personal data (NIR, identity).

No home-made crypto: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) encrypts, and
HMAC-SHA256 (stdlib) gives deterministic lookup keys, so that a value can be found by equality
without being stored in clear. Keys come from the environment (settings.DATA_ENCRYPTION_KEYS,
settings.DATA_HASH_KEY); the first encryption key encrypts, all of them decrypt (rotation).
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.DATA_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.DATA_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or altered data: never return garbage
        raise ValueError("donnée chiffrée illisible avec les clés configurées") from exc


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of an already normalised value; `purpose` separates the uses of the key."""
    key = hashlib.sha256(f"{purpose}:{settings.DATA_HASH_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; it cannot be filtered on (use a keyed-hash column)."""

    description = "Texte chiffré au repos"

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value in (None, "") else encrypt(value)
