"""`python manage.py import_identities FILE.csv`: load the identity register (see importing.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from passeport.core.models import AuditEvent
from passeport.identity.importing import ImportFileError, import_identities


class Command(BaseCommand):
    help = (
        "Importe le répertoire d'identités depuis un CSV (colonnes nir, nom_naissance, prenoms, "
        "sexe, date_naissance, code_insee_naissance, code_pays_naissance). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, file, batch_size, verbosity, **options):
        started = time.perf_counter()

        def progress(report):
            if verbosity >= 2:
                self.stdout.write(f"  {report.lines} lignes lues…")

        try:
            report = import_identities(file, batch_size=batch_size, progress=progress)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        AuditEvent.record(
            "identity.import",
            lines=report.lines,
            created=report.created,
            updated=report.updated,
            errors=report.error_count,
        )
        for message in report.errors:
            self.stderr.write(message)
        if report.error_count > len(report.errors):
            self.stderr.write(f"… et {report.error_count - len(report.errors)} autres erreurs.")
        rate = report.lines / elapsed if elapsed else 0
        self.stdout.write(
            f"{report.lines} lignes lues : {report.created} personnes créées, "
            f"{report.updated} mises à jour, {report.error_count} lignes en erreur "
            f"({elapsed:.1f} s, {rate:.0f} lignes/s)."
        )
        if report.error_count:
            raise CommandError(
                f"{report.error_count} ligne(s) n'ont pas été importées : corrigez-les et "
                "relancez l'import (les lignes déjà importées seront simplement mises à jour)."
            )
