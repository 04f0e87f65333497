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


class AuditEvent(BaseModel):
    """Who did what to which object, for operator actions and sensitive changes.

    Never holds identity data in clear (no NIR, no names in `details`): ids and codes only.
    """

    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("action", max_length=100, db_index=True)
    target_type = models.CharField("type d'objet", max_length=100, blank=True)
    target_id = models.CharField(
        "identifiant de l'objet", max_length=100, blank=True, db_index=True
    )
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    @classmethod
    def record(cls, action: str, *, actor=None, target=None, **details) -> "AuditEvent":
        return cls.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            target_type=type(target)._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            details=details,
        )


class WorkerHeartbeat(BaseModel):
    """Written by the `worker_heartbeat` task: proof that a background worker runs tasks.

    The operator's status page enqueues one and shows the latest; `token` identifies the request
    that enqueued it, so each run is traceable (and a task run twice would show twice).
    """

    token = models.CharField(max_length=64, db_index=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()

    class Meta(BaseModel.Meta):
        verbose_name = "signal de vie du worker"
        verbose_name_plural = "signaux de vie des workers"

    def __str__(self) -> str:
        return f"{self.hostname} (pid {self.pid}) {self.created_at:%Y-%m-%d %H:%M:%S}"
