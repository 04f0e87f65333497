"""Value normalisers: what a certifier's spreadsheet holds → what the CDC schema accepts.

Each normaliser is built once per column (`make_normaliser(spec)`) and then called for every
cell: `normalise(value) -> (text | None, change | None)`. `text` is the XML value (None for an
empty cell), `change` a short French description of the automatic fix when the value had to be
changed (reported to the user, never silent), and an invalid value raises `InvalidValue` with a
message and a hint. The spreadsheet cell keeps its type (python-calamine): a date cell is a
`date`, a number a `float`, so the fast paths are type checks, not parsing.

Every facet of the schema (lengths, ranges, enumerations, date pattern `(19|20)yy-mm-dd`) is
enforced here, so that a row that went through its normalisers is valid without re-parsing.
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (1900 date system, leap-year bug)


class InvalidValue(ValueError):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


Normaliser = Callable[[object], tuple[str | None, str | None]]


@dataclass(frozen=True)
class ValueSpec:
    """What a normaliser needs to know about one element (an adapter over the dictionary)."""

    name: str
    kind: str  # text | code | insee | postal | date | boolean | sexe | enum | int | certification
    label: str = ""
    min_length: int | None = None
    max_length: int | None = None
    length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: dict[str, str] = field(default_factory=dict)  # code → French label


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, every run of non-alphanumerics a single space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _clean_text(value) -> tuple[str | None, str | None]:
    """Cell → stripped text with doubled spaces collapsed; numbers written without `.0`."""
    if value is None:
        return None, None
    if type(value) is str:
        if not value:
            return None, None
        if value.isprintable() and value[0] != " " and value[-1] != " " and "  " not in value:
            return value, None  # the usual case, checked at C speed
        text = value.strip()
        if not text:
            return None, None
        if not text.isprintable() or "  " in text:
            text = " ".join(text.split())
            if not text.isprintable():
                text = "".join(c for c in text if c.isprintable())
                return text or None, "caractères de contrôle supprimés"
            return text, "espaces superflus supprimés"
        if len(text) != len(value):
            return text, "espaces superflus supprimés"
        return text, None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, float):
        return _number_text(value), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat(), None
    return str(value).strip() or None, None


def _check_length(spec: ValueSpec, text: str) -> None:
    size = len(text)
    if spec.length is not None and size != spec.length:
        raise InvalidValue(
            f"« {text} » fait {size} caractère(s) au lieu de {spec.length}",
            f"Saisissez exactement {spec.length} caractères.",
        )
    if spec.max_length is not None and size > spec.max_length:
        raise InvalidValue(
            f"« {_short(text)} » fait {size} caractères, au-delà du maximum de {spec.max_length}",
            f"Raccourcissez la valeur à {spec.max_length} caractères au plus.",
        )
    if spec.min_length is not None and size < spec.min_length:
        raise InvalidValue(
            f"« {text} » est trop court (minimum {spec.min_length} caractères)",
            f"Saisissez au moins {spec.min_length} caractères.",
        )


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def text_normaliser(spec: ValueSpec) -> Normaliser:
    check = spec.length is not None or spec.max_length is not None or spec.min_length is not None

    def normalise(value):
        text, change = _clean_text(value)
        if text is not None and check:
            _check_length(spec, text)
        return text, change

    return normalise


def _padded_code(spec: ValueSpec, width: int, what: str) -> Normaliser:
    """INSEE or postal codes: digits that lost their leading zero (Excel number) get it back."""

    def normalise(value):
        change = None
        if isinstance(value, float | int) and not isinstance(value, bool):
            if value != int(value) or value < 0:
                raise InvalidValue(f"« {value} » n'est pas un {what}", f"Saisissez le {what}.")
            text = str(int(value))
        else:
            text, change = _clean_text(value)
            if text is None:
                return None, None
            text = text.upper()
            if text.endswith(".0") and text[:-2].isdigit():
                text = text[:-2]
        if text.isdigit() and len(text) == width - 1:
            text = text.zfill(width)
            change = f"zéro initial rétabli ({what} lu comme un nombre)"
        _check_length(spec, text)
        return text, change

    return normalise


# INSEE commune codes (Code officiel géographique): département 01-19, 21-95, 2A/2B (Corsica
# since 1976), overseas 971-978 and 984-989, 99 + country code for births abroad.
_INSEE = re.compile(
    r"(?:0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-8]\d{2}|98[4-9]\d{2}|99\d{3}"
)


def insee_normaliser(spec: ValueSpec) -> Normaliser:
    inner = _padded_code(spec, 5, "code INSEE")

    def normalise(value):
        text, change = inner(value)
        if text is not None and (not _INSEE.fullmatch(text) or text.endswith("000")):
            raise InvalidValue(
                f"« {text} » n'est pas un code INSEE de commune",
                "Saisissez les 5 caractères du code officiel géographique de la commune "
                "(2A ou 2B pour la Corse, 99 suivi du code pays pour une naissance à "
                "l'étranger), à ne pas confondre avec le code postal.",
            )
        return text, change

    return normalise


def postal_normaliser(spec: ValueSpec) -> Normaliser:
    return _padded_code(spec, 5, "code postal")


_DATE_PATTERNS = (
    (
        re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?.*)?"),
        "ymd",
    ),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?"), "ymd"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"), "dmy"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})"), "dmy2"),
)


def _check_date(day: datetime.date, original) -> str:
    if not 1900 <= day.year <= 2099:
        raise InvalidValue(
            f"la date « {original} » (année {day.year}) est hors des années 1900 à 2099",
            "Vérifiez l'année : le schéma de la Caisse des Dépôts n'accepte que 19xx et 20xx.",
        )
    return day.isoformat()


def parse_date(value) -> tuple[str | None, str | None]:
    """Any date a spreadsheet may hold → `aaaa-mm-jj`."""
    if isinstance(value, datetime.datetime):
        change = None if value.time() == datetime.time() else "heure ignorée"
        return _check_date(value.date(), value), change
    if isinstance(value, datetime.date):
        return _check_date(value, value), None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _serial_date(value, value)
    text, _ = _clean_text(value)
    if text is None:
        return None, None
    if text.isdigit() and 4 < len(text) <= 6:
        return _serial_date(int(text), text)
    if re.fullmatch(r"\d+\.0+", text):
        return _serial_date(int(float(text)), text)
    for pattern, order in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        a, b, c = (int(g) for g in match.groups())
        if order == "dmy2":
            raise InvalidValue(
                f"la date « {text} » n'a que deux chiffres pour l'année",
                "Saisissez l'année sur quatre chiffres (jj/mm/aaaa), par exemple 15/11/1996.",
            )
        year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
        try:
            parsed = datetime.date(year, month, day)
        except ValueError:
            raise InvalidValue(
                f"« {text} » n'est pas une date réelle",
                "Vérifiez le jour et le mois (format jj/mm/aaaa, par exemple 15/11/1996).",
            ) from None
        iso = _check_date(parsed, text)
        return iso, None if iso == text else "date convertie au format aaaa-mm-jj"
    raise InvalidValue(
        f"« {_short(text)} » n'est pas une date",
        "Saisissez une date au format jj/mm/aaaa (par exemple 15/11/1996).",
    )


def _serial_date(serial: float, original) -> tuple[str, str]:
    if serial != int(serial) or not 1 <= serial <= 73050:  # 73050 = 2099-12-31
        raise InvalidValue(
            f"« {original} » n'est pas une date",
            "Saisissez une date au format jj/mm/aaaa (par exemple 15/11/1996).",
        )
    day = EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    return _check_date(day, original), "numéro de série Excel converti en date"


def date_normaliser(spec: ValueSpec) -> Normaliser:
    return parse_date


_TRUE = {"oui", "o", "x", "1", "vrai", "true", "yes", "y", "v"}
_FALSE = {"non", "n", "0", "faux", "false", "no", "f"}


def boolean_normaliser(spec: ValueSpec) -> Normaliser:
    def normalise(value):
        if value is True or value is False:
            return ("true" if value else "false"), None
        if isinstance(value, float | int) and value in (0, 1):
            return ("true" if value else "false"), None
        text, _ = _clean_text(value)
        if text is None:
            return None, None
        key = fold(text)
        if key in _TRUE:
            return "true", (None if text == "true" else f"« {text} » lu comme oui (true)")
        if key in _FALSE:
            return "false", (None if text == "false" else f"« {text} » lu comme non (false)")
        raise InvalidValue(
            f"« {_short(text)} » n'est ni oui ni non",
            "Saisissez Oui ou Non (ou O/N, 1/0, Vrai/Faux).",
        )

    return normalise


_SEXE = {
    "m": "M", "h": "M", "homme": "M", "masculin": "M", "1": "M", "garcon": "M", "mr": "M",
    "monsieur": "M", "f": "F", "femme": "F", "feminin": "F", "2": "F", "fille": "F",
    "mme": "F", "madame": "F",
}  # fmt: skip


def sexe_normaliser(spec: ValueSpec) -> Normaliser:
    def normalise(value):
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _number_text(value)
        text, _ = _clean_text(value)
        if text is None:
            return None, None
        if text == "M" or text == "F":
            return text, None
        code = _SEXE.get(fold(text))
        if code is None:
            raise InvalidValue(
                f"« {_short(text)} » n'est pas un sexe reconnu",
                "Saisissez M (masculin) ou F (féminin).",
            )
        return code, f"« {text} » lu comme {code}"

    return normalise


def enum_normaliser(spec: ValueSpec) -> Normaliser:
    """Enumerations: the code itself, its case/space variants, or its French label."""
    lookup: dict[str, str] = {}
    for code, label in spec.choices.items():
        lookup[fold(code)] = code
        if label:
            lookup[fold(label)] = code
    codes = set(spec.choices)
    listing = ", ".join(
        f"{code} ({label})" if label else code for code, label in spec.choices.items()
    )

    def normalise(value):
        text, _ = _clean_text(value)
        if text is None:
            return None, None
        if text in codes:
            return text, None
        code = lookup.get(fold(text))
        if code is None:
            raise InvalidValue(
                f"« {_short(text)} » n'est pas une valeur autorisée",
                f"Choisissez l'une des valeurs : {listing}.",
            )
        return code, f"« {_short(text)} » lu comme {code}"

    return normalise


def int_normaliser(spec: ValueSpec) -> Normaliser:
    low, high = spec.min_value, spec.max_value
    bounds = f"entre {low} et {high}" if low is not None and high is not None else "entier"

    def normalise(value):
        change = None
        if isinstance(value, float | int) and not isinstance(value, bool):
            if value != int(value):
                raise InvalidValue(
                    f"« {value} » n'est pas un nombre entier", f"Saisissez {bounds}."
                )
            number = int(value)
        else:
            text, change = _clean_text(value)
            if text is None:
                return None, None
            try:
                number = (
                    int(float(text.replace(",", "."))) if text.strip("0123456789") else int(text)
                )
            except ValueError:
                raise InvalidValue(
                    f"« {_short(text)} » n'est pas un nombre", f"Saisissez un nombre {bounds}."
                ) from None
            if str(number) != text:
                change = f"« {text} » écrit {number}"
        if (low is not None and number < low) or (high is not None and number > high):
            raise InvalidValue(
                f"{number} est hors des valeurs permises", f"Saisissez un nombre {bounds}."
            )
        return str(number), change

    return normalise


_CERTIFICATION = re.compile(r"(RNCP|RS)\s*[-_ ]?\s*0*(\d+)", re.IGNORECASE)


def certification_normaliser(spec: ValueSpec) -> Normaliser:
    """`RNCP 12345`, `rncp12345` → `RNCP12345` (France compétences' registration code)."""

    def normalise(value):
        if isinstance(value, float | int) and not isinstance(value, bool):
            raise InvalidValue(
                f"« {_number_text(value)} » ne précise pas le répertoire",
                "Saisissez le code complet avec son préfixe : RNCP12345 ou RS1234.",
            )
        text, change = _clean_text(value)
        if text is None:
            return None, None
        match = _CERTIFICATION.fullmatch(text)
        if not match:
            raise InvalidValue(
                f"« {_short(text)} » n'est pas un code de certification RNCP ou RS",
                "Saisissez le code de la fiche France compétences : RNCP suivi du numéro "
                "(RNCP12345) ou RS suivi du numéro (RS1234).",
            )
        code = match.group(1).upper() + match.group(2)
        if code != text:
            change = f"« {text} » écrit {code}"
        _check_length(spec, code)
        return code, change

    return normalise


def certification_type(code: str) -> str:
    """The répertoire (`type`) derived from a normalised certification code."""
    return "RNCP" if code.startswith("RNCP") else "RS"


_FACTORIES = {
    "text": text_normaliser,
    "code": text_normaliser,
    "insee": insee_normaliser,
    "postal": postal_normaliser,
    "date": date_normaliser,
    "boolean": boolean_normaliser,
    "sexe": sexe_normaliser,
    "enum": enum_normaliser,
    "int": int_normaliser,
    "certification": certification_normaliser,
}


def make_normaliser(spec: ValueSpec) -> Normaliser:
    try:
        return _FACTORIES[spec.kind](spec)
    except KeyError:
        raise ValueError(f"unknown value kind {spec.kind!r} for {spec.name}") from None
