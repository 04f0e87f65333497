"""`passeport flux build`: a spreadsheet of passages → a valid CDC flux + the rows to correct."""

import sys
from pathlib import Path

from passeport.flux.building import build_flux
from passeport.flux.rejects import write_build_rejects, write_report


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="construire un flux XML à partir d'un tableur (xlsx, ods, csv)",
        description="Construit un flux XML valide à partir d'un tableur : une ligne par passage. "
        "Les lignes à corriger sont écartées (--rejects) avec l'explication. Codes de sortie : "
        "0 toutes les lignes écrites, 1 flux écrit sans certaines lignes, 2 rien n'a pu être "
        "écrit.",
    )
    parser.add_argument("input", metavar="TABLEUR", help="fichier .xlsx, .ods ou .csv")
    parser.add_argument("-o", "--output", required=True, metavar="FLUX.xml",
                        help="flux à écrire (au-delà de 200 000 passages : FLUX-1.xml, FLUX-2.xml…)")  # fmt: skip
    parser.add_argument("--emetteur", required=True, help="idClient de l'émetteur (8 caractères)")
    parser.add_argument("--certificateur", required=True, help="idClient du certificateur")
    parser.add_argument("--contrat", required=True, help="numéro de contrat (idContrat)")
    parser.add_argument("--mapping", metavar="FICHIER.toml", help="correspondance des colonnes")
    parser.add_argument("--schema", default="auto", help="1.1.2, 1.1.5, auto ou chemin d'un XSD")
    parser.add_argument("--rejects", metavar="A-CORRIGER.xlsx", help="lignes à corriger")
    parser.add_argument("--report", metavar="RAPPORT.html|.json", help="rapport détaillé")
    parser.set_defaults(func=run)


def run(args) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".xml":
        print(
            f"passeport flux build : -o {output} : le flux doit avoir l'extension .xml.",
            file=sys.stderr,
        )
        return 2
    result = build_flux(
        args.input,
        output,
        emetteur=args.emetteur,
        certificateur=args.certificateur,
        contrat=args.contrat,
        schema=args.schema,
        mapping=args.mapping,
    )
    for error in result.errors:
        print(f"Erreur : {error}", file=sys.stderr)
    for warning in result.warnings:
        print(f"Attention : {args.input} : {warning.message}. {warning.hint}", file=sys.stderr)
    if result.files:
        names = ", ".join(str(p) for p in result.files)
        print(f"{result.written} passage(s) écrit(s) dans {names} (schéma {result.version}).")
    for change in result.changes:
        print(f"  corrigé automatiquement : colonne « {change.column} », {change.change} "
              f"({change.count} ligne(s))")  # fmt: skip
    if result.rejected:
        print(f"{result.rejected_count} ligne(s) à corriger, non écrite(s) :", file=sys.stderr)
        for row in result.rejected[:50]:
            for anomaly in row.anomalies:
                print(f"  {args.input}, ligne {row.line}, {anomaly.text()}. {anomaly.hint}",
                      file=sys.stderr)  # fmt: skip
        if result.rejected_count > 50:
            print(f"  … et {result.rejected_count - 50} autre(s) ligne(s) : voir --rejects.",
                  file=sys.stderr)  # fmt: skip
    elif not result.errors and not result.written:
        print(f"Erreur : {args.input} : aucune ligne de passage trouvée.", file=sys.stderr)
    try:
        if args.rejects and result.rejected:
            path = write_build_rejects(args.rejects, result)
            print(f"Lignes à corriger écrites dans {path} (colonnes « Anomalies » et « Comment "
                  "corriger »).")  # fmt: skip
        if args.report:
            write_report(args.report, result)
            print(f"Rapport écrit dans {args.report}.")
    except OSError as exc:
        print(f"Erreur : {exc.filename or ''} : écriture impossible ({exc.strerror or exc}).",
              file=sys.stderr)  # fmt: skip
        return 2
    return result.exit_code
