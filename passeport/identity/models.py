"""The identity register: the stand-in for the national register the CDC queries.

Nothing identifying is stored in clear. The NIR and the civil-status data are encrypted at rest
(`passeport.core.crypto`, Fernet); lookups go through keyed hashes (HMAC-SHA256) of the
normalised matching keys of the CDC's reconciliation cascade (see `keys.py`), so the database
can answer « who has this birth name, first name, sex and birth year? » without holding them.
"""

import datetime
import json
from functools import cached_property

from django.db import models

from passeport.core.crypto import EncryptedTextField
from passeport.core.models import BaseModel

from . import keys


class Person(BaseModel):
    """One entry of the identity register (a person known to the civil-status register)."""

    nir = EncryptedTextField("NIR (chiffré)")
    # Keyed hash of the first 13 characters of the NIR: the identity of the entry for re-imports
    # and the lookup of the 1.1.5 `identifiantNational` branch.
    nir_hash = models.CharField("empreinte du NIR", max_length=64)
    # birth_name, given_names (space-separated), sex (M/F), birth_date (ISO), birth_commune
    # (INSEE), birth_country (INSEE 99XXX) as one encrypted JSON document: one encryption per
    # person instead of six keeps the import of millions of rows fast.
    identity_data = EncryptedTextField("identité (chiffrée)")
    step1_hash = models.CharField("clé d'étape 1", max_length=64)
    step2_hash = models.CharField("clé d'étape 2", max_length=64)
    birth_name_hash = models.CharField("empreinte du nom de naissance", max_length=64)
    given_names_hash = models.CharField("empreinte des prénoms", max_length=64)
    commune_hash = models.CharField("empreinte de la commune", max_length=64, blank=True)
    country_hash = models.CharField("empreinte du pays", max_length=64, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "personne du répertoire"
        verbose_name_plural = "personnes du répertoire"
        # Declared here rather than with unique=/db_index= on the fields: on PostgreSQL those
        # add a second, `varchar_pattern_ops` index per column for LIKE queries, useless on
        # hashes and paid for on every row of a million-row import.
        constraints = [models.UniqueConstraint(fields=["nir_hash"], name="person_nir_hash_uniq")]
        indexes = [
            # Covering on PostgreSQL: the reconciliation's step-1 lookups read only the index
            # (an index-only scan), never the table's large encrypted rows (register.py).
            models.Index(
                fields=["step1_hash"], include=["id", "step2_hash"], name="person_step1_idx"
            ),
            models.Index(fields=["step2_hash"], name="person_step2_idx"),
        ]

    def __str__(self) -> str:
        # Never the name or the NIR: this string ends up in logs and admin pages.
        return f"Personne {self.pk}"

    @classmethod
    def build(
        cls,
        *,
        nir: str,
        birth_name: str,
        given_names: str,
        sex: str,
        birth_date: datetime.date,
        birth_commune: str = "",
        birth_country: str = "",
    ) -> "Person":
        """An unsaved Person with every hash computed from the normalised values."""
        identity = {
            "birth_name": birth_name.strip(),
            "given_names": " ".join(given_names.split()),
            "sex": sex,
            "birth_date": birth_date.isoformat(),
            "birth_commune": birth_commune,
            "birth_country": birth_country,
        }
        return cls(
            nir=nir,
            nir_hash=keys.nir_key(nir),
            identity_data=json.dumps(identity, ensure_ascii=False, separators=(",", ":")),
            **keys.person_keys(
                birth_name=birth_name,
                given_names=given_names,
                sex=sex,
                birth_date=birth_date,
                birth_commune=birth_commune,
                birth_country=birth_country,
            ),
        )

    @cached_property
    def identity(self) -> dict:
        return json.loads(self.identity_data or "{}")

    @property
    def birth_name(self) -> str:
        return self.identity.get("birth_name", "")

    @property
    def given_names(self) -> list[str]:
        return self.identity.get("given_names", "").split()

    @property
    def sex(self) -> str:
        return self.identity.get("sex", "")

    @property
    def birth_date(self) -> datetime.date | None:
        value = self.identity.get("birth_date")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def birth_commune(self) -> str:
        return self.identity.get("birth_commune", "")

    @property
    def birth_country(self) -> str:
        return self.identity.get("birth_country", "")

    @property
    def display_name(self) -> str:
        return f"{' '.join(self.given_names)} {self.birth_name}".strip()


class IdentityImport(BaseModel):
    """A run of `import_identities` (command or back office): counts only, never identities."""

    source_name = models.CharField("fichier", max_length=255)
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    lines = models.PositiveIntegerField("lignes lues", default=0)
    created = models.PositiveIntegerField("personnes créées", default=0)
    updated = models.PositiveIntegerField("personnes mises à jour", default=0)
    errors = models.JSONField("erreurs", default=list, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "import du répertoire"
        verbose_name_plural = "imports du répertoire"

    def __str__(self) -> str:
        return f"Import {self.source_name} ({self.created_at:%Y-%m-%d %H:%M})"
