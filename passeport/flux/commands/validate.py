"""`passeport flux validate FILE… [--schema …] [--format text|json|html] [-o OUT]`.

Exit codes: 0 no error (warnings allowed), 1 at least one error, 2 a file cannot be read or bad
usage (unknown schema, output not writable). Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from passeport.flux.reports import SINKS
from passeport.flux.validation import validate_file
from passeport.flux.xsd import SchemaError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu aaaa-mm-jj)") from exc


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="valider un ou plusieurs flux XML (schéma XSD et règles métier)",
        description="Valide des flux XML CDC : schéma XSD puis règles métier du dictionnaire. "
        "Chaque constat donne la ligne, l'idTechnique du passage, le champ, ce qui ne va pas "
        "et comment corriger.",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FICHIER", help="flux XML à valider (- : l'entrée standard)"
    )
    parser.add_argument(
        "--schema",
        default="auto",
        metavar="1.1.2|1.1.5|auto|FICHIER.xsd",
        help="version du schéma, auto (défaut : 1.1.5 si action ou identifiantNational), "
        "ou le chemin d'un XSD officiel téléchargé",
    )
    parser.add_argument("--format", choices=sorted(SINKS), default="text", help="format du rapport")
    parser.add_argument(
        "-o", "--output", metavar="SORTIE", help="écrire le rapport dans ce fichier"
    )
    parser.add_argument(
        "--date-reference",
        type=_date,
        default=None,
        metavar="AAAA-MM-JJ",
        help="date du jour pour les règles de délai (défaut : aujourd'hui)",
    )
    parser.add_argument(
        "--processus",
        choices=["auto", "1", "2"],
        default="auto",
        help="auto (défaut) : un second processus valide le schéma quand un cœur est libre ; "
        "1 : un seul processus (machine partagée) ; 2 : toujours deux",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    """Each finding goes to the report sink as it is found (reports.py): the report is
    written while the files are validated, in memory bounded by the file's structure."""
    if args.output:
        try:
            out = open(args.output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as exc:
            print(
                f"passeport flux validate : impossible d'écrire « {args.output} » "
                f"({exc.strerror}).",
                file=sys.stderr,
            )
            return 2
    else:
        out = sys.stdout
    sink = SINKS[args.format](out, several=len(args.files) > 1)
    reports = []
    try:
        for path in args.files:
            stdin = path == "-"
            name = "(entrée standard)" if stdin else None
            try:
                sink.begin(name or path)
                report = validate_file(
                    sys.stdin.buffer if stdin else path,
                    schema=args.schema,
                    today=args.date_reference,
                    parallel={"auto": None, "1": False, "2": True}[args.processus],
                    name=name,
                    on_finding=sink.add,
                )
            except SchemaError as exc:
                print(f"passeport flux validate : {exc}", file=sys.stderr)
                if args.output:
                    out.close()
                    Path(args.output).unlink(missing_ok=True)
                return 2
            sink.end(report)
            reports.append(report)
        sink.close()
    finally:
        if args.output and not out.closed:
            out.close()
    if args.output:
        summary = ", ".join(
            f"{r.file} : {r.errors} erreur(s), {r.warnings} avertissement(s)" for r in reports
        )
        print(f"Rapport écrit dans {args.output} ({summary}).")
    if any(not r.readable for r in reports):
        return 2
    return 1 if any(r.errors for r in reports) else 0
