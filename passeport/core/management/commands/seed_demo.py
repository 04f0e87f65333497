"""Loads the demo data of every app, idempotently (a second run creates nothing new).

Each app that has demo data provides `passeport/<app>/demo.py` with
`seed() -> list[tuple[str, str, str]]` returning the demo logins it knows of, as
(role, login, password or how to log in). Apps are seeded in INSTALLED_APPS order, which is the
dependency order (ARCHITECTURE.md).
"""

from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent) et affiche les identifiants."

    def handle(self, *args, **options):
        logins: list[tuple[str, str, str]] = []
        for config in apps.get_app_configs():
            if not config.name.startswith("passeport."):
                continue
            module_name = f"{config.name}.demo"
            if util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                logins.extend(import_module(module_name).seed())
        self.stdout.write("Données de démonstration prêtes. Identifiants :")
        width = max((len(role) for role, _, _ in logins), default=0)
        for role, login, secret in logins:
            self.stdout.write(f"  {role.ljust(width)}  {login}  {secret}")
