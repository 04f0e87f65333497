"""`passeport flux accuse`: read a CDC accusé de traitement, explain it, hand back the rows."""

import sys
from collections import Counter
from pathlib import Path

from passeport.flux.accuses import AccuseError, read_accuse
from passeport.flux.accuses_source import SourceError, rejected_rows_from_source
from passeport.flux.rejects import write_rejects

SHOWN_IDS = 10


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "accuse",
        help="lire un accusé de traitement de la Caisse des Dépôts",
        description="Résume un accusé de traitement, explique chaque rejet et comment le "
        "corriger ; avec --source et --rejects, écrit les lignes rejetées dans un tableur à "
        "corriger. Codes de sortie : 0 aucun rejet, 1 des passages rejetés, 2 fichier illisible.",
    )
    parser.add_argument("accuse", metavar="ACCUSE.xml")
    parser.add_argument("--source", metavar="TABLEUR|FLUX.xml",
                        help="le tableur ou le flux déposé, pour retrouver les lignes rejetées")  # fmt: skip
    parser.add_argument("--mapping", metavar="FICHIER.toml",
                        help="correspondance des colonnes du tableur (comme pour build)")  # fmt: skip
    parser.add_argument("--rejects", metavar="A-CORRIGER.xlsx",
                        help="tableur des passages rejetés à corriger (nécessite --source)")  # fmt: skip
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.rejects and not args.source:
        print("passeport flux accuse : --rejects nécessite --source (le tableur ou le flux "
              "déposé, où retrouver les passages rejetés).", file=sys.stderr)  # fmt: skip
        return 2
    try:
        accuse = read_accuse(args.accuse)
    except AccuseError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    print(f"Accusé de traitement du fichier {accuse.nom_fichier or '?'} "
          f"(idFlux {accuse.id_flux or '?'}, traitement {accuse.id_traitement or '?'})")  # fmt: skip
    print(f"  {len(accuse.accepted)} passage(s) accepté(s), {len(accuse.rejected)} rejeté(s).")
    for code, passages in accuse.rejected_by_code().items():
        explanation = passages[0].explanation
        messages = Counter(p.message for p in passages)
        print()
        print(f"{len(passages)} rejet(s) : « {messages.most_common(1)[0][0]} »"
              + (f" (et {len(messages) - 1} variante(s))" if len(messages) > 1 else ""))  # fmt: skip
        print(f"  Pourquoi : {explanation.explanation}")
        print(f"  Que faire : {explanation.fix}")
        ids = [p.id_technique for p in passages]
        shown = ", ".join(ids[:SHOWN_IDS]) + (
            f" … (+{len(ids) - SHOWN_IDS})" if len(ids) > SHOWN_IDS else ""
        )
        print(f"  idTechnique : {shown}")
        if code == "id-technique-deja-en-base":
            emitters = {p.explanation.params.get("emetteur") for p in passages} - {None}
            if emitters:
                print(f"  Émetteur concerné : {', '.join(sorted(emitters))}")
    if args.source:
        try:
            headers, rows, missing = rejected_rows_from_source(args.source, accuse, args.mapping)
        except SourceError as exc:
            print(f"Erreur : {exc}", file=sys.stderr)
            return 2
        print()
        print(f"{len(rows)} passage(s) rejeté(s) retrouvé(s) dans {args.source}.")
        if missing:
            print(f"Attention : {len(missing)} idTechnique rejeté(s) absent(s) de {args.source} "
                  f"({', '.join(missing[:SHOWN_IDS])}) : vérifiez que c'est bien le fichier "
                  "déposé.", file=sys.stderr)  # fmt: skip
        for line, _values, anomalies, _hints in rows[:50]:
            print(f"  {args.source}, ligne {line} : {anomalies[0]}")
        if args.rejects:
            try:
                path = write_rejects(Path(args.rejects), headers, rows)
            except OSError as exc:
                print(f"Erreur : {args.rejects} : écriture impossible ({exc.strerror or exc}).",
                      file=sys.stderr)  # fmt: skip
                return 2
            print(
                f"Lignes à corriger écrites dans {path} (colonnes « Anomalies » et « Comment corriger »)."
            )
    return 1 if accuse.rejected else 0
