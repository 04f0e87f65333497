"""Starts the recurring background tasks of every app, idempotently (run after `migrate`).

Each app with recurring work provides `passeport/<app>/scheduling.py` with
`ensure_scheduled() -> list[tuple[str, datetime, bool]]`: it queues the first run of each of its
daily tasks unless one is pending and returns (label, planned run, queued now). Apps are asked in
INSTALLED_APPS order, as `seed_demo` does; core itself imports none of them (ARCHITECTURE.md).
"""

from importlib import import_module, util

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Planifie les tâches périodiques (rappels…) si elles ne le sont pas déjà (idempotent)."

    def handle(self, *args, **options):
        planned = []
        for config in apps.get_app_configs():
            if not config.name.startswith("passeport."):
                continue
            module_name = f"{config.name}.scheduling"
            if util.find_spec(module_name) is None:
                continue
            try:
                planned.extend(import_module(module_name).ensure_scheduled())
            except ImproperlyConfigured as exc:  # a bad setting: say which, no traceback
                raise CommandError(str(exc)) from exc
        self.stdout.write("Tâches périodiques :")
        for label, run_after, created in planned:
            state = "planifiée" if created else "déjà planifiée"
            when = timezone.localtime(run_after)
            self.stdout.write(
                f"  {label} : {state}, prochaine exécution le {when:%d/%m/%Y à %H:%M}"
            )
