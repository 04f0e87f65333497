"""`passeport flux …`: the certifiers' command-line tool. Imports no Django.

Each subcommand lives in `passeport/flux/commands/<name>.py` and provides
`register(subparsers)` (adds its parser, with `func=run`) and `run(args) -> int`.
Exit codes follow the issue's contract: 0 success, 1 data errors, 2 unreadable input or bad usage.
Any unexpected exception is turned into a French message (never a traceback).
"""

import argparse
import importlib
import pkgutil
import sys

from passeport.flux import commands


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default exit code for usage errors is 2 already
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur d'utilisation : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="passeport flux",
        description="Construire, valider et lire les flux XML de la Caisse des Dépôts "
        "(accrochage des certificateurs).",
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMANDE", parser_class=FrenchArgumentParser
    )
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: a certifier never sees a traceback
        print(
            f"passeport flux : erreur inattendue ({type(exc).__name__} : {exc}). "
            "Merci de signaler ce problème avec le fichier concerné.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
