"""The blank spreadsheet certifiers fill in: `passeport flux template -o modele.xlsx`.

Sheet « Passages » (first, the one `flux build` reads): one column per field of the data
dictionary, in its order, headed by the French label; a comment on each header (field number,
element name, obligatory or not, what to put there, allowed values); a drop-down list (data
validation) on every enumeration, boolean and sex column; text format (`@`) on the code columns
so that Excel keeps leading zeros (01053, 01000…) and date format `jj/mm/aaaa` on date columns.
Sheet « Aide » repeats the same information as a table; sheet « Listes » (hidden) holds the
drop-down values.
"""

import os
from pathlib import Path

from passeport.flux.columns import Column, spreadsheet_columns

DATA_SHEET = "Passages"
HELP_SHEET = "Aide"
LISTS_SHEET = "Listes"
FORMATTED_ROWS = 5000  # rows given explicit formats and drop-downs
TEXT_KINDS = {"insee", "postal", "certification", "nir"}
TEXT_KEYS = {"idTechnique", "codePaysNaissance", "idDossier", "type", "scoring", "resultats"}
BOOLEAN_CHOICES = ["Oui", "Non"]
# Required in every passage of a CREATION flux (the identity ones for the état civil branch).
REQUIRED_KEYS = {
    "code", "obtentionCertification", "donneeCertifiee", "dateDebutValidite",
    "nomNaissance", "prenom1", "anneeNaissance", "sexe",
}  # fmt: skip


def drop_down_values(column: Column) -> list[str]:
    if column.spec.kind == "boolean":
        return BOOLEAN_CHOICES
    if column.spec.kind == "sexe":
        return ["M", "F"]
    if column.spec.kind == "enum":
        return list(column.spec.choices)
    return []


def column_comment(column: Column) -> str:
    lines = [f"{column.number} — {column.name}"]
    if column.key in REQUIRED_KEYS:
        lines.append("Obligatoire.")
    elif column.field is not None and column.field.nillable:
        lines.append("Peut rester vide (transmis comme non renseigné).")
    else:
        lines.append("Facultatif.")
    lines.append(column.help)
    if column.key == "idTechnique":
        lines.append("Vide : calculé à partir de la certification, du titulaire et de la date.")
    if column.key == "type":
        lines.append("Vide : déduit du code (RNCP… ou RS…).")
    values = drop_down_values(column)
    if column.spec.kind == "enum":
        lines.append(
            "Valeurs : " + " ; ".join(f"{c} ({label})" for c, label in column.spec.choices.items())
        )
    elif values:
        lines.append("Valeurs : " + ", ".join(values))
    if column.spec.kind == "date":
        lines.append("Format : jj/mm/aaaa.")
    return "\n".join(lines)


def write_template(path: str | os.PathLike, version: str = "1.1.5") -> Path:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = spreadsheet_columns(version)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    workbook.move_sheet(help_sheet, offset=-1)  # Passages, Aide, Listes
    lists.sheet_state = "hidden"
    required_fill = PatternFill("solid", fgColor="DDE5FF")
    bold = Font(bold=True)
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.key in REQUIRED_KEYS:
            cell.fill = required_fill
        comment = Comment(column_comment(column), "Passeport")
        comment.width, comment.height = 320, 200
        cell.comment = comment
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.label) + 2))
        number_format = None
        if column.spec.kind in TEXT_KINDS or column.key in TEXT_KEYS:
            number_format = "@"
        elif column.spec.kind == "date":
            number_format = "DD/MM/YYYY"
        if number_format:
            sheet.column_dimensions[letter].number_format = number_format
            for row in range(2, FORMATTED_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
        values = drop_down_values(column)
        if values:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.name)
            for offset, value in enumerate(values, start=2):
                lists.cell(row=offset, column=list_column, value=value)
            source = (
                f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(values) + 1}"
            )
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=column.label,
                error="Choisissez une valeur de la liste (ou son libellé en clair).",
                promptTitle=column.label[:32],
                prompt=column.help[:255],
                showInputMessage=True,
            )
            validation.add(f"{letter}2:{letter}{FORMATTED_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 45

    help_sheet.append(["Colonne", "N°", "Élément", "Obligatoire", "Que mettre", "Valeurs"])
    for cell in help_sheet[1]:
        cell.font = bold
    for column in columns:
        choices = column.spec.choices
        values = (
            " ; ".join(f"{c} ({label})" for c, label in choices.items())
            if choices
            else ", ".join(drop_down_values(column))
        )
        help_sheet.append(
            [column.label, column.number, column.name,
             "oui" if column.key in REQUIRED_KEYS else "non", column.help, values]
        )  # fmt: skip
    for letter, width in zip("ABCDEF", (40, 6, 28, 11, 80, 60), strict=True):
        help_sheet.column_dimensions[letter].width = width
    path = Path(path)
    workbook.save(path)
    return path
