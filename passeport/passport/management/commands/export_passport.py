"""`manage.py export_passport --nir NIR --format json`: the GDPR data-access request (art. 15).

Same content as the holder's own download (`passport.export.passport_data`); the read is written
to the person's access log (« Qui a consulté mon passeport »).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from passeport.passport import export
from passeport.passport.access import log_access
from passeport.passport.models import AccessLog


class Command(BaseCommand):
    help = "Exporte tout le passeport d'une personne (demande d'accès RGPD), par son NIR."

    def add_arguments(self, parser):
        parser.add_argument("--nir", required=True, help="NIR de la personne (13 ou 15 caractères)")
        parser.add_argument("--format", choices=["json", "html"], default="json")
        parser.add_argument("--output", help="fichier à écrire (sinon : sortie standard)")
        parser.add_argument("--operator", default="", help="qui fait l'export (journalisé)")
        parser.add_argument(
            "--motif",
            default="Demande d’accès RGPD (article 15)",
            help="motif affiché au titulaire dans « Qui a consulté mon passeport »",
        )

    def handle(self, *args, **options):
        from passeport.identity import keys
        from passeport.identity.importing import check_nir
        from passeport.identity.models import Person

        try:
            nir = check_nir(options["nir"])
        except ValueError as exc:
            raise CommandError(f"--nir : {exc}.") from None
        person_id = (
            Person.objects.filter(nir_hash=keys.nir_key(nir)).values_list("id", flat=True).first()
        )
        if person_id is None:
            raise CommandError(
                "Aucune personne du registre d'identité n'a ce NIR : rien n'est conservé à son "
                "sujet dans le passeport (vérifiez le NIR)."
            )
        operator = options["operator"].strip()
        log_access(
            person_id=person_id,
            accessor_label=f"Opérateur {operator}".strip() if operator else "Opérateur (export)",
            channel=AccessLog.Channel.EXPORT,
            purpose=options["motif"],
        )
        data = export.passport_data(person_id=person_id)
        if options["format"] == "json":
            content = export.to_json(data) + "\n"
        else:
            content = render_to_string("passport/export_standalone.html", {"data": data})
        if options["output"]:
            Path(options["output"]).write_text(content, encoding="utf-8")
            self.stderr.write(f"Export écrit dans {options['output']}.")
        else:
            self.stdout.write(content, ending="")
