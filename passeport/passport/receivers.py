"""Reactions of the passport to events of lower apps (connected in apps.py)."""

from django.db import transaction


def identity_import_finished(sender, instance, **kwargs):
    """An identity-register import ended: accounts waiting for their person may attach now."""
    if instance.finished_at is None:
        return
    from .tasks import relink_holders_task

    transaction.on_commit(relink_holders_task.enqueue)
