from django.core.management.base import BaseCommand

from passeport.passport.linking import relink_unlinked_holders


class Command(BaseCommand):
    help = (
        "Rattache au registre d'identité les comptes de titulaires qui attendent leur personne "
        "(fait automatiquement après chaque import_identities)."
    )

    def handle(self, *args, **options):
        linked = relink_unlinked_holders()
        self.stdout.write(f"{linked} compte(s) rattaché(s).")
