from django.core.management.base import BaseCommand

from passeport.passport.reminders import DEFAULT_DAYS, send_prevention_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels avant expiration des formations de prévention (à lancer chaque jour)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jours",
            type=int,
            default=DEFAULT_DAYS,
            help=f"délai avant expiration (défaut : {DEFAULT_DAYS} jours)",
        )

    def handle(self, *args, **options):
        sent = send_prevention_reminders(days=options["jours"])
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
