"""`passeport flux template`: the blank spreadsheet to fill in, one column per field."""

import sys

from passeport.flux.template import write_template


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "template",
        help="écrire le tableur modèle (colonnes du dictionnaire, listes déroulantes)",
        description="Écrit un tableur vierge : une colonne par champ du flux, dans l'ordre du "
        "dictionnaire, avec un commentaire d'aide sur chaque titre et des listes déroulantes.",
    )
    parser.add_argument("-o", "--output", required=True, metavar="modele.xlsx")
    parser.add_argument("--schema", default="1.1.5", choices=["1.1.2", "1.1.5"],
                        help="version du schéma (1.1.5 ajoute la colonne NIR)")  # fmt: skip
    parser.set_defaults(func=run)


def run(args) -> int:
    if not args.output.lower().endswith(".xlsx"):
        print(f"passeport flux template : -o {args.output} : le modèle doit être un fichier .xlsx.",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        path = write_template(args.output, args.schema)
    except OSError as exc:
        print(f"passeport flux template : {args.output} : écriture impossible ({exc.strerror}).",
              file=sys.stderr)  # fmt: skip
        return 2
    print(f"Modèle écrit dans {path}.")
    return 0
