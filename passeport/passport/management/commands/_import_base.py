"""Shared body of the import_trainings / import_careers / import_prevention commands."""

from django.core.management.base import BaseCommand, CommandError

from passeport.passport.imports import FEEDS, ImportFileError, import_file


class ImportCommand(BaseCommand):
    feed_name = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", help="fichiers CSV ou JSON (docs/formats-import.md)"
        )

    def handle(self, *args, **options):
        feed = FEEDS[self.feed_name]
        failed = False
        for path in options["files"]:
            try:
                report = import_file(path, self.feed_name)
            except ImportFileError as exc:
                self.stderr.write(str(exc))
                failed = True
                continue
            for error in report.errors:
                self.stderr.write(error)
            self.stdout.write(f"Import {feed.name} — {report.summary()}")
            failed = failed or bool(report.errors)
        if failed:
            raise CommandError(
                "Des lignes n'ont pas été importées (détail ci-dessus) ; corrigez-les et relancez "
                "l'import : les lignes déjà importées ne seront pas dupliquées."
            )
