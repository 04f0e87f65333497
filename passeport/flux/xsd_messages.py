"""libxml2's XSD validation errors, translated into French findings.

libxml2 reports schema errors in English with a stable structure: a domain (SCHEMASV), a type
(`SCHEMAV_CVC_MAXLENGTH_VALID`…) and a message `Element '{ns}name': <detail>`. We map the type
to one of our rule ids and rebuild a French sentence from the parts of the detail (value, facet
bound, expected elements) — the English text never reaches a certifier. An error type we do not
know still yields a French sentence (rule XSD-AUTRE), naming the element.
"""

from __future__ import annotations

import re

from passeport.flux.dictionary import ENUMERATIONS, NAMESPACE, fields_by_name
from passeport.flux.rules import RULES, label

_ELEMENT = re.compile(
    r"^Element '(?:\{(?P<ns>[^}]*)\})?(?P<name>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: "
)
_QNAME = re.compile(r"(?:\{[^}]*\})?([A-Za-z_][\w.-]*)")
_VALUE = re.compile(r"The value '(?P<value>.*)' is")
_LENGTH = re.compile(
    r"The value has a length of '(?P<actual>\d+)'; this (?P<how>differs from the allowed length|"
    r"underruns the allowed minimum length|exceeds the allowed maximum length) of '(?P<bound>\d+)'"
)
_BOUND = re.compile(r"The value '(?P<value>.*)' is (?P<how>less|greater) than the (?:minimum|maximum) "
                    r"value allowed \('(?P<bound>[^']*)'\)")  # fmt: skip
_DATATYPE = re.compile(r"'(?P<value>.*)' is not a valid value of the (?:local )?atomic type "
                       r"(?:'(?P<type>[^']*)')?")  # fmt: skip
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<list>.*) \)")

_TYPE_WORDS = {
    "date": "une date au format aaaa-mm-jj (par exemple 2026-01-15)",
    "dateTime": "un horodatage aaaa-mm-jjThh:mm:ss+01:00",
    "int": "un nombre entier écrit en chiffres",
    "boolean": "true ou false",
}


def _kind_of(name: str) -> str | None:
    fields = fields_by_name(name)
    return fields[0].kind if fields else None


def _expected(detail: str) -> list[str]:
    match = _EXPECTED.search(detail)
    if not match:
        return []
    return [_QNAME.fullmatch(part.strip()).group(1) for part in match.group("list").split(",")
            if _QNAME.fullmatch(part.strip())]  # fmt: skip


def _required_among(parent: str, names: list[str]) -> list[str]:
    """The names that the dictionary says are required inside `parent`."""
    out = []
    for name in names:
        for f in fields_by_name(name):
            if f.parent == parent and f.required and not f.choice:
                out.append(name)
                break
    return out


def _quote(value: str, limit: int = 80) -> str:
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"« {value} »"


def translate(type_name: str, message: str) -> tuple[str, str | None, str, str]:
    """(rule, field, French message, French hint) for one libxml2 schema error."""
    head = _ELEMENT.match(message)
    name = head.group("name") if head else None
    namespace = head.group("ns") if head else None
    attribute = head.group("attr") if head else None
    detail = message[head.end() :] if head else message
    what = label(name) if name else "Un élément"

    def result(rule: str, text: str, hint: str | None = None):
        return rule, name, text, hint or RULES[rule].hint

    if type_name == "SCHEMAV_CVC_ELT_1" or "No matching global declaration" in detail:
        found = f"{{{namespace}}}{name}" if namespace else name
        return result(
            "XSD-RACINE",
            f"L'élément racine est « {found} » : un flux CDC commence par l'élément flux de "
            f"l'espace de noms {NAMESPACE}.",
        )
    if (
        type_name == "SCHEMAV_ELEMENT_CONTENT"
        or "Missing child" in detail
        or "not expected" in (detail)
    ):
        expected = _expected(detail)
        if "Missing child" in detail:
            required = _required_among(name, expected) or expected
            listed = ", ".join(required)
            if len(required) == 1:
                text = f"Il manque l'élément {label(required[0])} dans {what}."
                return "XSD-ELEMENT-MANQUANT", required[0], text, RULES["XSD-ELEMENT-MANQUANT"].hint
            text = f"Il manque dans {what} l'un des éléments suivants : {listed}."
            return result("XSD-ELEMENT-MANQUANT", text)
        if namespace is None and name and any(f for f in fields_by_name(name)):
            return result(
                "XSD-ELEMENT-INATTENDU",
                f"L'élément « {name} » n'a pas d'espace de noms : il doit être écrit cpf:{name} "
                f"(espace de noms {NAMESPACE}).",
                "Préfixez chaque élément par cpf: et déclarez xmlns:cpf sur l'élément racine.",
            )
        if namespace not in (None, NAMESPACE):
            return result(
                "XSD-ELEMENT-INATTENDU",
                f"L'élément « {name} » appartient à l'espace de noms « {namespace} », inconnu du "
                "flux CDC.",
            )
        if not fields_by_name(name):
            text = f"L'élément « {name} » n'existe pas dans le flux CDC à cet endroit."
            if expected:
                text += f" Éléments possibles ici : {', '.join(expected[:8])}."
            return result(
                "XSD-ELEMENT-INATTENDU",
                text,
                "Vérifiez l'orthographe exacte (majuscules comprises) dans "
                "docs/dictionnaire-flux.md.",
            )
        return result(
            "XSD-ELEMENT-INATTENDU",
            f"L'élément {what} est en double ou n'est pas à sa place ici.",
        )
    if type_name in (
        "SCHEMAV_CVC_LENGTH_VALID",
        "SCHEMAV_CVC_MINLENGTH_VALID",
        "SCHEMAV_CVC_MAXLENGTH_VALID",
    ):
        match = _LENGTH.search(detail)
        if match:
            actual, bound = match.group("actual"), match.group("bound")
            how = match.group("how")
            if actual == "0":
                text = f"{what} est vide."
                hint = (
                    "Indiquez une valeur ; si l'information n'existe pas et que l'élément "
                    "l'autorise, écrivez-le avec xsi:nil=\"true\", sinon retirez-le s'il est "
                    "facultatif."
                )
                return result("XSD-LONGUEUR", text, hint)
            if how.startswith("differs"):
                text = f"{what} doit compter exactement {bound} caractères, il en compte {actual}."
            elif how.startswith("underruns"):
                text = f"{what} doit compter au moins {bound} caractères, il en compte {actual}."
            else:
                text = f"{what} compte {actual} caractères, au-delà du maximum de {bound}."
            return result("XSD-LONGUEUR", text)
    if type_name == "SCHEMAV_CVC_ENUMERATION_VALID":
        value = _VALUE.search(detail)
        fields = fields_by_name(name) if name else []
        codes = (
            [c for c, _ in ENUMERATIONS.get(fields[0].enum, [])]
            if fields and fields[0].enum
            else []
        )
        shown = _quote(value.group("value")) if value else "donnée"
        text = f"La valeur {shown} de {what} n'est pas dans la liste autorisée"
        text += f" ({', '.join(codes)})." if codes else "."
        return result("XSD-VALEUR-LISTE", text)
    if type_name in ("SCHEMAV_CVC_MININCLUSIVE_VALID", "SCHEMAV_CVC_MAXINCLUSIVE_VALID"):
        match = _BOUND.search(detail)
        if match:
            word = (
                "inférieure au minimum" if match.group("how") == "less" else "supérieure au maximum"
            )
            return result(
                "XSD-MIN-MAX",
                f"La valeur {_quote(match.group('value'))} de {what} est {word} autorisé "
                f"({match.group('bound')}).",
            )
    if type_name == "SCHEMAV_CVC_PATTERN_VALID":
        value = _VALUE.search(detail)
        shown = _quote(value.group("value")) if value else "donnée"
        kind = _kind_of(name) if name else None
        if kind == "date":
            expected = "une date aaaa-mm-jj entre 1900 et 2099"
        elif kind == "datetime":
            expected = "un horodatage aaaa-mm-jjThh:mm:ss avec décalage horaire (+01:00)"
        else:
            expected = "le format attendu"
        return result(
            "XSD-FORMAT", f"La valeur {shown} de {what} n'a pas le format attendu : {expected}."
        )
    if (
        type_name.startswith("SCHEMAV_CVC_DATATYPE_VALID")
        or "is not a valid value of the" in detail
    ):
        match = _DATATYPE.search(detail)
        shown = _quote(match.group("value")) if match else "donnée"
        kind = _kind_of(name) if name else None
        expected = {
            "date": _TYPE_WORDS["date"],
            "datetime": _TYPE_WORDS["dateTime"],
            "int": _TYPE_WORDS["int"],
            "boolean": _TYPE_WORDS["boolean"],
        }.get(kind or "", "une valeur du type attendu")
        return result(
            "XSD-TYPE", f"La valeur {shown} de {what} n'est pas valide : on attend {expected}."
        )
    if type_name == "SCHEMAV_CVC_ELT_3_1" or "is not 'nillable'" in detail:
        return result(
            "XSD-NIL",
            f"{what} ne peut pas être vide avec xsi:nil : une valeur est obligatoire.",
            'Indiquez une valeur : cet élément n\'accepte pas xsi:nil="true".',
        )
    if type_name.startswith("SCHEMAV_CVC_ELT_3_2") or "'nilled'" in detail:
        return result(
            "XSD-NIL",
            f'{what} est marqué xsi:nil="true" mais contient une valeur.',
            'Retirez xsi:nil="true" pour garder la valeur, ou videz l\'élément.',
        )
    if attribute or type_name in ("SCHEMAV_CVC_COMPLEX_TYPE_3_2_1", "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2",
                                  "SCHEMAV_CVC_TYPE_3_1_1"):  # fmt: skip
        attr = attribute.split("}")[-1] if attribute else "?"
        return result("XSD-ATTRIBUT", f"L'attribut « {attr} » de {what} n'est pas autorisé.")
    if type_name == "SCHEMAV_CVC_COMPLEX_TYPE_2_3" or "Character content" in detail:
        return result(
            "XSD-TEXTE", f"{what} contient du texte alors qu'il ne doit contenir que des éléments."
        )
    return result("XSD-AUTRE", f"{what} ne respecte pas le schéma CDC.")
