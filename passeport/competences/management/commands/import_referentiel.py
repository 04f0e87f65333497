"""`python manage.py import_referentiel rome|rncp|esco PATH`: load an official referential.

    import_referentiel rome ROME_4_0_v460.zip        # the France Travail CSV set (folder or zip)
    import_referentiel rncp export-fiches-csv-2024-02-22.zip   # France Compétences CSV export
    import_referentiel rncp export_fiches_RNCP_2026-09-29.xml  # … or its XML export
    import_referentiel esco "ESCO dataset - v1.2.0 - fr"       # ESCO CSV, any language

Idempotent; the new release becomes current at the end, in one transaction (loading.py).
"""

from django.core.management.base import BaseCommand, CommandError

from passeport.competences.loading import Reporter, import_referential
from passeport.competences.progress import Progress
from passeport.competences.reading.sources import ReferentialError


class TerminalReporter(Reporter):
    def __init__(self, stream, quiet: bool):
        self.stream = stream
        self.quiet = quiet
        self.bar: Progress | None = None

    def phase(self, label, total=None):
        self.done()
        if not self.quiet:
            self.bar = Progress(label, total=total, stream=self.stream)

    def advance(self, rows):
        if self.bar is not None:
            self.bar.advance(rows)

    def done(self):
        if self.bar is not None:
            self.bar.finish()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Importe un référentiel officiel (ROME de France Travail, fiches RNCP/RS de France "
        "Compétences, ESCO) depuis ses fichiers publiés. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["rome", "rncp", "esco"], help="le référentiel")
        parser.add_argument("path", help="dossier, zip ou fichier tel que publié")
        parser.add_argument("--quiet", action="store_true", help="sans barre de progression")

    def handle(self, *args, kind, path, quiet, verbosity, **options):
        reporter = TerminalReporter(self.stderr._out, quiet or verbosity == 0)
        try:
            result = import_referential(kind, path, reporter=reporter)
        except ReferentialError as exc:
            reporter.done()
            raise CommandError(
                f"{exc}\nRien n'a été chargé : la version en vigueur reste celle d'avant."
            ) from None
        for warning in result.warnings:
            self.stderr.write(f"Avertissement : {warning}")
        self.stdout.write(result.summary())
