"""`python manage.py deposit FILE… --certifier ID`: deposit files that arrived by other means.

The same pipeline as the portal and the API (`reception.receive`): each file is stored with its
SHA-256, checked, then queued for the workers; `--wait` processes the queue in this process and
prints each deposit's outcome. `--certifier` is the depositing account's idClient (or UUID).
"""

import contextlib
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passeport.certifiers.models import Certifier
from passeport.deposits.models import Deposit
from passeport.deposits.reception import DepositError, receive


class Command(BaseCommand):
    help = "Dépose des flux XML pour un organisme (même traitement que le portail et l'API)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER")
        parser.add_argument(
            "--certifier",
            required=True,
            help="idClient (8 caractères) ou identifiant de l'organisme déposant",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="traite la file ici et affiche le résultat de chaque dépôt",
        )

    def handle(self, *args, files, certifier, wait, **options):
        account = self._certifier(certifier)
        deposits, failures = [], 0
        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as stream:
                    reception = receive(
                        stream,
                        file_name=path.name,
                        certifier=account,
                        channel=Deposit.Channel.BATCH,
                    )
            except OSError as exc:
                self.stderr.write(f"{name} : lecture impossible ({exc.strerror}).")
                failures += 1
                continue
            except DepositError as exc:
                self.stderr.write(f"{name} : {exc.detail}")
                failures += 1
                continue
            deposit = reception.deposit
            deposits.append(deposit)
            if reception.duplicate:
                self.stdout.write(
                    f"{name} : déjà déposé (dépôt n° {deposit.number}, "
                    f"{deposit.get_status_display().lower()})."
                )
            elif deposit.status == Deposit.Status.REJECTED:
                failures += 1
                self.stderr.write(f"{name} : rejeté à la réception (dépôt n° {deposit.number}) :")
                for reason in deposit.rejection_reasons:
                    self.stderr.write(f"  - {reason}")
            else:
                self.stdout.write(
                    f"{name} : reçu, dépôt n° {deposit.number} "
                    f"({deposit.passages_total} passages), en file de traitement."
                )
        if wait and deposits:
            from django.core.management import call_command

            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
            for deposit in deposits:
                deposit.refresh_from_db()
                if deposit.status == Deposit.Status.REJECTED:
                    continue
                self.stdout.write(
                    f"Dépôt n° {deposit.number} ({deposit.file_name}) : "
                    f"{deposit.get_status_display().lower()} — {deposit.passages_ok} accepté(s), "
                    f"{deposit.passages_ko} rejeté(s)."
                )
        if failures:
            raise CommandError(f"{failures} fichier(s) non déposé(s) ou rejeté(s).")

    @staticmethod
    def _certifier(value: str) -> Certifier:
        query = Certifier.objects.filter(id_client=value.strip().upper())
        with contextlib.suppress(ValueError):
            query = query | Certifier.objects.filter(pk=uuid.UUID(value))
        certifier = query.first()
        if certifier is None:
            raise CommandError(
                f"Aucun organisme d'idClient « {value} » : vérifiez l'identifiant (8 caractères)."
            )
        return certifier
