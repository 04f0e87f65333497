"""Operator command: create an active certifier with its ids and certifications, and an API
token written to a file (mode 600) or printed.

    python manage.py create_certifier --siret 73282932000074 --name "Université X" \\
        --id-client UNIVX001 --id-contrat 2560080000127J --certification RNCP35340 \\
        [--certification RS6117] [--trusted-third-party] [--token-file jeton.txt] \\
        [--admin-email scolarite@univ-x.fr]
"""

import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from passeport.core.models import AuditEvent

from ... import invitations
from ...models import (
    Certifier,
    CertifierCertification,
    Role,
    normalise_certification_code,
    normalise_siret,
    validate_certification_code,
)
from ...tokens import issue_token


def _messages(exc: ValidationError) -> str:
    """`idClient : …; SIRET : …` with the fields' French names."""
    if hasattr(exc, "message_dict"):
        parts = []
        for field, msgs in exc.message_dict.items():
            label = "" if field == "__all__" else Certifier._meta.get_field(field).verbose_name
            parts.append(f"{label} : {' '.join(msgs)}" if label else " ".join(msgs))
        return " ; ".join(parts)
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Crée un certificateur actif (SIRET, raison sociale, idClient, idContrat, "
        "certifications) et un jeton d'API écrit dans un fichier (droits 600) ou affiché."
    )

    def add_arguments(self, parser):
        parser.add_argument("--siret", required=True, help="SIRET (14 chiffres)")
        parser.add_argument("--name", required=True, help="raison sociale")
        parser.add_argument("--id-client", required=True, help="idClient CDC (8 caractères)")
        parser.add_argument("--id-contrat", required=True, help="idContrat CDC (1 à 20 caractères)")
        parser.add_argument(
            "--certification",
            action="append",
            default=[],
            metavar="CODE",
            help="code RNCP… ou RS… (répétable)",
        )
        parser.add_argument("--contact-email", default="", help="adresse du contact métier")
        parser.add_argument(
            "--trusted-third-party", action="store_true", help="organisme tiers de confiance"
        )
        parser.add_argument(
            "--token-file",
            type=Path,
            help="fichier où écrire le jeton d'API (créé avec les droits 600) ; "
            "sans cette option le jeton est affiché",
        )
        parser.add_argument("--token-name", default="Jeton créé par create_certifier")
        parser.add_argument(
            "--admin-email",
            help="invite cette adresse comme premier administrateur (courriel avec un lien "
            "valable 7 jours, aussi affiché ici)",
        )

    def handle(self, *args, **options):
        certifier = Certifier(
            siret=normalise_siret(options["siret"]),
            name=options["name"].strip(),
            id_client=options["id_client"].strip().upper(),
            id_contrat=options["id_contrat"].strip(),
            contact_email=options["contact_email"],
            is_trusted_third_party=options["trusted_third_party"],
            status=Certifier.Status.ACTIVE,
        )
        try:
            certifier.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise CommandError(f"Certificateur refusé : {_messages(exc)}") from exc
        taken = Certifier.objects.filter(id_client=certifier.id_client).first()
        if taken is not None:
            raise CommandError(
                f"L'idClient {certifier.id_client} est déjà attribué à « {taken.name} » : "
                "choisissez-en un autre."
            )

        if options["admin_email"]:
            try:
                validate_email(options["admin_email"])
            except ValidationError as exc:
                raise CommandError(
                    f"--admin-email {options['admin_email']} : adresse électronique invalide."
                ) from exc

        codes = []
        for raw in options["certification"]:
            code = normalise_certification_code(raw)
            try:
                validate_certification_code(code)
            except ValidationError as exc:
                raise CommandError(f"--certification {raw} : {_messages(exc)}") from exc
            codes.append(code)
        if not codes and not certifier.is_trusted_third_party:
            raise CommandError(
                "Indiquez au moins une certification (--certification RNCP35340) : un "
                "certificateur ne peut déposer que pour ses certifications."
            )

        token_file: Path | None = options["token_file"]
        if token_file is not None:
            if token_file.exists():
                raise CommandError(
                    f"Le fichier {token_file} existe déjà : choisissez un autre nom (le jeton "
                    "n'est jamais écrit par-dessus un fichier existant)."
                )
            if not token_file.parent.is_dir():
                raise CommandError(f"Le dossier {token_file.parent} n'existe pas.")

        with transaction.atomic():
            certifier.save()
            for code in codes:
                CertifierCertification.objects.get_or_create(certifier=certifier, code=code)
            token, clear = issue_token(certifier, options["token_name"])
            AuditEvent.record(
                "certifiers.created_by_command",
                target=certifier,
                id_client=certifier.id_client,
                token_prefix=token.prefix,
            )
            invitation = None
            if options["admin_email"]:
                invitation = invitations.invite(
                    certifier, options["admin_email"], Role.ADMINISTRATOR
                )
            if token_file is not None:
                # O_EXCL: never follow or overwrite; 0o600: the token is a password.
                fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(clear + "\n")

        self.stdout.write(
            self.style.SUCCESS(
                f"Certificateur créé : {certifier.name} — idClient {certifier.id_client}, "
                f"idContrat {certifier.id_contrat}, certifications : {', '.join(codes) or 'aucune'}."
            )
        )
        if invitation is not None and invitation.mail_sent:
            self.stdout.write(
                f"Invitation envoyée à {invitation.email} (administrateur) : "
                f"{invitations.invitation_url(invitation)}"
            )
        elif invitation is not None:
            self.stderr.write(
                f"L'invitation de {invitation.email} (administrateur) est créée mais le courriel "
                "n'a pas pu être envoyé (serveur de courriel injoignable : vérifiez EMAIL_HOST, "
                "EMAIL_PORT et leurs identifiants). Transmettez vous-même ce lien, valable "
                f"{invitations.INVITATION_MAX_AGE.days} jours : "
                f"{invitations.invitation_url(invitation)} — ou invitez à nouveau cette adresse "
                "depuis le back-office (fiche du certificateur, bouton « Inviter »)."
            )
        if token_file is not None:
            self.stdout.write(
                f"Jeton d'API ({token.prefix}…) écrit dans {token_file} (droits 600)."
            )
        else:
            self.stdout.write(
                f"Jeton d'API (affiché une seule fois, conservez-le comme un mot de passe) :\n{clear}"
            )
