"""The row pipeline of a build, the same in the main process and in the worker processes.

    plan = make_plan(header_values, mapping, version, result)  # once per header row
    process_rows(rows, plan, out, changes, today)              # (line, values) rows

`make_plan` recognises the headers (columns.py) and picks each column's normaliser; then rows
go by batches of BATCH_ROWS, normalised column by column (each distinct value once, every fix
counted in `Changes`), checked (row_checks.py) and rendered (writer.py); each row ends in
`out.reject(RejectedRow)` or `out.passage(...)`, `out` being building's writer-side output or
a worker's (building_parallel.py).
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress

from passeport.flux import columns as cols
from passeport.flux.build_results import Anomaly, BuildResult, ChangeSummary, RejectedRow
from passeport.flux.normalisation import InvalidValue, ValueSpec, make_normaliser
from passeport.flux.row_checks import derive_and_check
from passeport.flux.rules import check_nir
from passeport.flux.writer import PassageRenderer, render_results

MEMO_SIZE = 2048
MAX_EXAMPLES = 3
BATCH_ROWS = 2000  # rows normalised together, column by column
_NIR = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}")
_RESULT = re.compile(r"\s*([1-8])?\s*/\s*(\S)?\s*/\s*(\S)?\s*")
_ALIASES = {
    "nomNaissance": ("identifiantNational/nomNaissance", "nomTitulaire"),
    "prenom1": ("prenom1Titulaire",),
}


@dataclass
class Plan:
    """Everything precomputed once for a header row."""

    cells: list[tuple[int, str, object, str, dict]]  # (index, key, normaliser, header, memo)
    headers: list[str]
    constants: dict[str, str]
    version: str
    renderer: PassageRenderer
    keys: set[str]
    auto: bool = False  # version chosen automatically: 1.1.5 only if a NIR is written
    nir_used: bool = False
    header_of: dict[str, str] = field(default_factory=dict)  # field key → its header

    def __post_init__(self):
        self.header_of = {key: header for _, key, _, header, _ in self.cells}


def make_plan(header_values, mapping, version, result: BuildResult) -> Plan:
    headers = ["" if v is None else str(v).strip() for v in header_values]
    recognised = cols.recognise_headers(headers, mapping, version)
    cells = []
    for position, column in recognised.columns.items():
        cells.append((position, column.key, _normaliser(column), headers[position], {}))
        result.columns[headers[position]] = column.key
    result.headers = headers
    if recognised.ambiguous:  # never guessed: the mapping file says which field it is
        raise cols.AmbiguousHeaders(
            [
                cols.ambiguity_message(header, keys, result.source)
                for _, header, keys in recognised.ambiguous
            ]
        )
    result.unknown_columns = [h for _, h in recognised.unknown]
    result.ignored_columns = [h for _, h in recognised.ignored]
    for _position, header, key in recognised.duplicates:
        result.warnings.append(
            Anomaly(
                None, key, header,
                f"la colonne « {header} » désigne le même champ ({key}) qu'une colonne "
                "précédente : elle est ignorée",
                "Supprimez ou renommez l'une des deux colonnes.",
                rule="BUILD-COLONNE-DOUBLE",
            )
        )  # fmt: skip
    for _position, header in recognised.unsupported:
        result.ignored_columns.append(header)
        result.warnings.append(
            Anomaly(
                None, header, header,
                f"la colonne « {header} » n'existe pas dans le schéma {recognised.version} : "
                "elle est ignorée",
                "Pour transmettre le NIR, construisez le flux au schéma 1.1.5 (--schema 1.1.5).",
                rule="BUILD-COLONNE-VERSION",
            )
        )  # fmt: skip
    for header in result.unknown_columns:
        result.warnings.append(
            Anomaly(
                None, header, header,
                f"la colonne « {header} » n'est pas reconnue : son contenu n'est pas transmis",
                "Si elle correspond à un champ du flux, renommez-la comme dans le modèle "
                "(passeport flux template) ou déclarez-la dans le fichier de correspondance "
                f'(--mapping) : [colonnes] "{header}" = "nomElement". Sinon, ignorez ce message.',
                rule="BUILD-COLONNE-INCONNUE",
            )
        )  # fmt: skip
    constants: dict[str, str] = {}
    if mapping is not None:
        for key, value in mapping.values.items():
            column = cols.resolve_field(key)
            try:
                text, _ = _normaliser(column)(value)
            except InvalidValue as exc:
                raise cols.MappingError(
                    f"{mapping.path} : [valeurs] {key} = « {value} » : {exc.message}. {exc.hint}"
                ) from None
            if text is not None:
                constants[column.key] = text
    keys = {c[1] for c in cells} | set(constants)
    text_keys = [
        c.key for c in cols.spreadsheet_columns("1.1.5") if c.spec.kind == "text" and c.field
    ] + ["identifiantNational/nomNaissance"]
    renderer = PassageRenderer(recognised.version, text_keys)
    return Plan(cells, headers, constants, recognised.version, renderer, keys, auto=version is None)


def _normaliser(column: cols.Column):
    if column.key == cols.RESULTS:
        return _results_normaliser(column.spec)
    if column.spec.kind == "nir":
        return _nir_normaliser(column.spec)
    return make_normaliser(column.spec)


def _nir_normaliser(spec: ValueSpec):
    def normalise(value):
        if isinstance(value, float) and value == int(value):
            value = str(int(value))
        text = "".join(str(value).split()).upper().replace(".", "").replace("-", "")
        if not text:
            return None, None
        change = None
        if len(text) == 15 and _NIR.fullmatch(text[:13]):
            text, change = text[:13], "clé du NIR retirée (13 premiers caractères)"
        problems: list = []
        if _NIR.fullmatch(text):
            check_nir(text, problems)
        if problems or not _NIR.fullmatch(text):
            raise InvalidValue(
                f"« {value} » n'est pas un NIR à 13 caractères",
                "Saisissez les 13 premiers caractères du numéro de sécurité sociale (sans la clé "
                "de 2 chiffres) : sexe, année, mois, département (2A/2B pour la Corse), commune, "
                "numéro d'ordre.",
            )
        return text, change

    return normalise


def _results_normaliser(spec: ValueSpec):
    def normalise(value):
        text = str(value).strip()
        if not text:
            return None, None
        triples = []
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            match = _RESULT.fullmatch(part)
            if not match:
                raise InvalidValue(
                    f"« {part.strip()} » n'est pas un résultat niveau/domaine/compétence",
                    "Écrivez chaque résultat « niveau/domaine/compétence » (niveau de 1 à 8, "
                    "domaine et compétence d'un caractère), séparés par « ; » : 5/3/4 ; 7/1/1.",
                )
            triples.append(tuple(g or "" for g in match.groups()))
        return render_results(triples), None

    return normalise


class Changes:
    def __init__(self):
        self.by_kind: dict[tuple[str, str, str], ChangeSummary] = {}

    def add(self, column: str, key: str, change: str, line: int, before, after) -> None:
        summary = self.by_kind.get((column, change))
        if summary is not None and summary.count >= MAX_EXAMPLES:
            summary.count += 1
            return
        if summary is None:
            kind = change if not change.startswith("«") else change.split("»", 1)[-1].strip()
            summary = self.by_kind.get((column, kind))
            if summary is None:
                summary = self.by_kind[(column, kind)] = ChangeSummary(column, key, kind)
            self.by_kind[(column, change)] = summary
        summary.count += 1
        if len(summary.examples) < MAX_EXAMPLES:
            summary.examples.append((line, _display(before), after))

    def _summary(self, column: str, key: str, change: str) -> ChangeSummary:
        summary = self.by_kind.get((column, change))
        if summary is None:
            kind = change if not change.startswith("«") else change.split("»", 1)[-1].strip()
            summary = self.by_kind.get((column, kind))
            if summary is None:
                summary = self.by_kind[(column, kind)] = ChangeSummary(column, key, kind)
            self.by_kind[(column, change)] = summary
        return summary

    def add_many(self, column: str, key: str, change: str, count: int) -> None:
        self._summary(column, key, change).count += count

    def example(self, column: str, change: str, line: int, before, after) -> None:
        summary = self.by_kind[(column, change)]
        if len(summary.examples) < MAX_EXAMPLES:
            summary.examples.append((line, _display(before), after))

    def summaries(self) -> list[ChangeSummary]:
        return list({id(c): c for c in self.by_kind.values()}.values())

    def merge(self, summaries: list[ChangeSummary]) -> None:
        for other in summaries:
            summary = self.by_kind.get((other.column, other.change))
            if summary is None:
                summary = self.by_kind[(other.column, other.change)] = ChangeSummary(
                    other.column, other.field, other.change
                )
            summary.count += other.count
            room = MAX_EXAMPLES - len(summary.examples)
            summary.examples.extend(other.examples[: max(room, 0)])


def _display(value) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def process_rows(rows, plan: Plan, out, changes, today) -> None:
    """Process (line, values) rows by batches."""
    batch: list = []
    for item in rows:
        batch.append(item)
        if len(batch) >= BATCH_ROWS:
            _process_batch(batch, plan, out, changes, today)
            batch = []
    if batch:
        _process_batch(batch, plan, out, changes, today)


def _process_batch(batch, plan: Plan, out, changes, today) -> None:
    """Normalise a batch column by column: each distinct value of a column is normalised once
    (most columns hold few: dates, codes, Oui/Non…) and mapped back at C speed; changes are
    counted per distinct value, anomalies and escapes located only where they occur. Then each
    row goes through the derivations, rules and rendering (`_finish_row`)."""
    rows = [values for _, values in batch]
    width = max(map(len, rows))
    if min(map(len, rows)) < width:  # CSV rows may be short
        rows = [r if len(r) == width else [*r, *([""] * (width - len(r)))] for r in rows]
    columns = list(zip(*rows, strict=True))
    keys: list[str] = []
    text_columns: list = []
    anomalies: dict[int, list[Anomaly]] = {}
    escaped: dict[int, list[str]] = {}
    for index, key, normalise, header, memo in plan.cells:
        if index >= width:
            continue
        column = columns[index]
        texts: dict = {}
        changed: list = []
        special: list = []
        for value in set(column):
            if value == "" or value is None:
                texts[value] = None
                continue
            hit = memo.get(value) if type(value) is not bool else None
            if hit is None:
                hit = _normalise_cell(normalise, value, key)
                if len(memo) < MEMO_SIZE and type(value) is not bool:
                    memo[value] = hit
            texts[value] = hit[0]
            if hit[1] is not None and hit[0] is not None:
                changed.append((value, hit))
            if hit[2]:
                special.append((value, hit))
        keys.append(key)
        text_columns.append(list(map(texts.__getitem__, column)))
        if changed:
            _count_changes(changed, column, batch, header, key, changes)
        for value, (text, problem, _) in special:
            for position in [i for i, c in enumerate(column) if c == value]:
                if text is None:
                    anomalies.setdefault(position, []).append(
                        Anomaly(batch[position][0], key, header, problem.message, problem.hint)
                    )
                else:
                    escaped.setdefault(position, []).append(key)
    finish = _finish_row
    for position, texts_row in enumerate(zip(*text_columns, strict=True)):
        # the non-empty values (normalised texts are never ""): compress and filter drop the
        # same positions, at C speed
        v = dict(zip(compress(keys, texts_row), filter(None, texts_row)))  # noqa: B905
        row_anomalies = anomalies.get(position)
        if not v and row_anomalies is None:
            continue  # a blank row (or only blank-looking cells): not a passage
        line, row = batch[position]
        finish(line, row, v, row_anomalies, escaped.get(position), plan, out, changes, today)


def _normalise_cell(normalise, cell, key: str) -> tuple:
    """(text, change, special): special is True for an invalid value (text None, change the
    InvalidValue) or a text needing XML escaping (« & < > »)."""
    try:
        text, change = normalise(cell)
    except InvalidValue as exc:
        return None, exc, True
    if key == cols.RESULTS:  # already XML (digits and single characters, escaped)
        return text, change, False
    special = text is not None and ("&" in text or "<" in text or ">" in text)
    return text, change, special


def _count_changes(changed, column, batch, header, key, changes) -> None:
    counts = Counter(column) if len(changed) > 1 else {changed[0][0]: column.count(changed[0][0])}
    for value, (_text, change, _) in changed:
        changes.add_many(header, key, change, counts[value])
    # examples: the first rows of the batch holding a changed value
    wanted = {value: hit for value, hit in changed}
    found = 0
    for position, value in enumerate(column):
        hit = wanted.get(value) if type(value) is not bool else None
        if hit is not None:
            changes.example(header, hit[1], batch[position][0], value, hit[0])
            found += 1
            if found >= MAX_EXAMPLES * len(wanted) or found >= 50:
                break


def _finish_row(line, row, v, anomalies, escaped, plan: Plan, out, changes, today) -> None:
    out.row()
    for key, text in plan.constants.items():
        if key not in v:
            v[key] = text
            if "&" in text or "<" in text or ">" in text:
                escaped = [*(escaped or ()), key]
    problems = derive_and_check(line, v, plan, changes, today)
    if problems:
        if anomalies:  # a value already reported as invalid is not also reported as missing
            invalid = {a.field for a in anomalies}
            if cols.BIRTH_DATE in invalid:
                invalid |= {"anneeNaissance", "moisNaissance", "jourNaissance"}
            problems = [
                p for p in problems if not (p.rule == "BUILD-OBLIGATOIRE" and p.field in invalid)
            ]
        anomalies = (anomalies or []) + problems
    if anomalies:
        out.reject(RejectedRow(line, list(row), anomalies))
        return
    code = v.pop("code")
    type_ = v.pop("type")
    nature = v.pop("natureDeposant", None)
    if escaped:  # values copied under another element name by the identity branch
        escaped += [alias for key in escaped for alias in _ALIASES.get(key, ())]
    out.passage(
        line, row, v["idTechnique"], code, type_, nature, plan.renderer.render(v, escaped or ())
    )
