"""The `passeport` console command.

`passeport flux …` is the certifiers' tool and never imports Django (it runs with no settings,
no database). The other subcommands drive the Django project.
"""

import argparse
import os
import sys

USAGE = """usage : passeport <commande> [options]

commandes :
  flux …      construire, valider et lire les flux XML de la Caisse des Dépôts (sans serveur)
  run         installer la base et lancer le serveur web et le worker (--demo : démonstration)
  manage …    commandes d'administration Django (migrate, create_certifier, …)
  genkey      afficher une nouvelle clé de chiffrement pour DATA_ENCRYPTION_KEYS
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "flux":
        from passeport.flux.cli import main as flux_main

        return flux_main(rest)
    if command == "run":
        from passeport.core.runner import run

        parser = argparse.ArgumentParser(prog="passeport run")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument(
            "--demo",
            action="store_true",
            help="démonstration locale : données de démo, fournisseur FranceConnect de "
            "développement, PKI de test (jamais en production)",
        )
        args = parser.parse_args(rest)
        return run(host=args.host, port=args.port, web_workers=args.workers, demo=args.demo)
    if command == "manage":
        from passeport.core.runner import use_local_environment

        use_local_environment()  # var/local.env of `make run`, if any (never overrides)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["passeport manage", *rest])
        return 0
    if command == "genkey":
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())
        return 0
    print(f"passeport : commande inconnue « {command} ».\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
