"""Shared model base: every domain object has a UUID primary key and its timestamps."""

import uuid

from django.db import models


class BaseModel(models.Model):
    # UUIDs, not sequential ids: object ids appear in URLs and must not be guessable or countable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True
        ordering = ("-created_at",)
