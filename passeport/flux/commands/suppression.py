"""`passeport flux suppression`: a 1.1.5 SUPPRESSION flux to withdraw deposited passages."""

import os
import sys

from passeport.flux.suppression import SuppressionError, build_suppression, read_ids


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "suppression",
        help="construire un flux SUPPRESSION (schéma 1.1.5) pour retirer des passages",
        description="Construit un flux de suppression (schéma 1.1.5, action SUPPRESSION) : "
        "chaque passage à retirer est désigné par son idTechnique, dans sa certification.",
    )
    parser.add_argument("--ids", nargs="+", required=True, metavar="FICHIER|ID",
                        help="les idTechnique, ou un fichier (texte : un par ligne, « code;id » "
                        "admis ; tableur : colonne idTechnique et éventuellement code)")  # fmt: skip
    parser.add_argument("--code", help="code de la certification (RNCP12345, RS1234) par défaut")
    parser.add_argument("--emetteur", required=True)
    parser.add_argument("--certificateur", required=True)
    parser.add_argument("--contrat", required=True)
    parser.add_argument("-o", "--output", required=True, metavar="FLUX.xml")
    parser.set_defaults(func=run)


def run(args) -> int:
    try:
        if len(args.ids) == 1 and os.path.isfile(args.ids[0]):
            pairs = read_ids(args.ids[0], args.code)
        else:
            from passeport.flux.suppression import certification_code

            code = certification_code(args.code, "--code")
            pairs = [(code, value.strip()) for value in args.ids if value.strip()]
        result = build_suppression(
            pairs,
            args.output,
            emetteur=args.emetteur,
            certificateur=args.certificateur,
            contrat=args.contrat,
        )
    except SuppressionError as exc:
        print(f"passeport flux suppression : {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"passeport flux suppression : {args.output} : écriture impossible "
              f"({exc.strerror or exc}).", file=sys.stderr)  # fmt: skip
        return 2
    if result.duplicates:
        print(f"Attention : {len(result.duplicates)} idTechnique en double, écrit(s) une seule "
              "fois.", file=sys.stderr)  # fmt: skip
    files = ", ".join(str(p) for p in result.files)
    print(f"{result.passages} passage(s) à supprimer écrit(s) dans {files} (schéma 1.1.5, "
          "action SUPPRESSION).")  # fmt: skip
    return 0
