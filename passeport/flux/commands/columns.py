"""`passeport flux columns`: how each column of a spreadsheet is recognised, and a starting
mapping file (`--toml`) to adjust and give to `passeport flux build --mapping`."""

import sys

from passeport.flux import columns as cols
from passeport.flux.inspection import inspect_spreadsheet


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "columns",
        help="montrer comment chaque colonne d'un tableur est reconnue",
        description="Lit le tableur et montre, pour chaque colonne, son titre, des exemples de "
        "valeurs, le champ du flux reconnu et la règle qui l'a reconnu (ou les candidats d'un "
        "titre ambigu). --toml écrit le fichier de correspondance correspondant, à compléter. "
        "Codes de sortie : 0 toutes les colonnes reconnues, 1 des colonnes ambiguës ou "
        "inconnues, 2 fichier illisible.",
    )
    parser.add_argument("input", metavar="TABLEUR", help="fichier .xlsx, .ods ou .csv")
    parser.add_argument("--mapping", metavar="FICHIER.toml", help="correspondance à appliquer")
    parser.add_argument("--toml", metavar="CORRESPONDANCE.toml",
                        help="écrire la correspondance reconnue (à compléter)")  # fmt: skip
    parser.set_defaults(func=run)


def run(args) -> int:
    try:
        mapping = cols.load_mapping(args.mapping) if args.mapping else None
    except cols.MappingError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    inspection = inspect_spreadsheet(args.input, mapping=mapping)
    for error in inspection.errors:
        print(f"Erreur : {error}", file=sys.stderr)
    if inspection.errors:
        return 2
    index = cols.header_index()
    print(f"{args.input} : titres ligne {inspection.header_line}, {inspection.rows} ligne(s).")
    unsettled = 0
    for column in inspection.columns:
        samples = " | ".join(column.samples) or "(vide)"
        if column.status in ("recognised", "duplicate"):
            found = index.by_key[column.key].describe()
            rule = cols.RULES.get(column.rule, column.rule)
            what = f"{found} — {rule}"
            if column.duplicate_of:
                what += f" ; même champ que « {column.duplicate_of} » : ignorée"
        elif column.status == "ignored":
            what = "ignorée (fichier de correspondance)"
        elif column.status == "ambiguous":
            unsettled += 1
            what = "AMBIGU : " + " ou ".join(index.by_key[k].describe() for k in column.candidates)
        else:
            unsettled += 1
            what = "non reconnue"
            if column.proposed:
                what += " — valeurs uniques : est-ce l'identifiant du passage (idTechnique) ?"
        print(f"  « {column.header} » [{samples}] → {what}")
    if args.toml:
        kept = [c for c in inspection.columns if c.status != "duplicate"]
        chosen = cols.Mapping(
            columns={c.header: c.key or "" for c in kept},
            values=dict(mapping.values) if mapping else {},
        )
        notes = {}
        for c in kept:
            if c.status == "ambiguous":
                notes[c.header] = "AMBIGU, à choisir : " + " ou ".join(c.candidates)
            elif c.proposed:
                notes[c.header] = (
                    "valeurs uniques : écrivez \"idTechnique\" si c'est l'identifiant du passage"
                )
        text = cols.dump_mapping(
            chosen,
            title=f"Correspondance des colonnes de {args.input} (passeport flux columns).\n"
            '"" : colonne ignorée. Vérifiez les colonnes ambiguës, inconnues ou proposées.',
            notes=notes,
        )
        try:
            with open(args.toml, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            print(f"Erreur : {args.toml} : écriture impossible ({exc.strerror}).", file=sys.stderr)
            return 2
        print(f"Correspondance écrite dans {args.toml}.")
    return 1 if unsettled else 0
