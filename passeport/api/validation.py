"""ninja's validation errors (pydantic's, in English) said in French, as one problem.

A malformed identifier in a path is a 404 like an unknown one (nothing tells a malformed id
from an id that does not exist, or that belongs to someone else); other parameters a 400 that
names each faulty field and what it should be.
"""

from .pagination import invalid_page
from .problems import ApiProblem

# pydantic error types → what the value should be.
EXPECTED = {
    "missing": "est obligatoire",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "float_parsing": "doit être un nombre",
    "bool_parsing": "doit valoir true ou false",
    "uuid_parsing": "doit être un identifiant (UUID)",
    "uuid_type": "doit être un identifiant (UUID)",
    "date_parsing": "doit être une date AAAA-MM-JJ",
    "date_from_datetime_parsing": "doit être une date AAAA-MM-JJ",
    "datetime_parsing": "doit être une date et heure ISO 8601",
    "string_type": "doit être un texte",
    "string_too_short": "est trop court",
    "string_too_long": "est trop long",
    "greater_than_equal": "doit être au moins {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than_equal": "doit être au plus {le}",
    "less_than": "doit être inférieur à {lt}",
    "enum": "doit être l'une des valeurs : {expected}",
    "literal_error": "doit être l'une des valeurs : {expected}",
    "json_invalid": "n'est pas un JSON valide",
    "model_attributes_type": "doit être un objet JSON",
    "dict_type": "doit être un objet JSON",
    "list_type": "doit être une liste",
    "extra_forbidden": "n'est pas un champ accepté",
}

PLACES = {"path": "chemin", "query": "paramètre", "body": "corps", "form": "formulaire"}


def _field(loc) -> tuple[str, str]:
    place = str(loc[0]) if loc else ""
    names = [str(part) for part in loc[1:] if part not in ("payload",)]
    return place, ".".join(names) or place


def _message(error: dict) -> str:
    template = EXPECTED.get(error.get("type", ""), "n'est pas une valeur acceptée")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def problem_for(errors: list[dict]) -> ApiProblem:
    located = [(_field(error.get("loc", ())), error) for error in errors]
    if any(place == "path" for (place, _), _ in located):
        return ApiProblem(
            404,
            "Ressource introuvable",
            "Cet identifiant n'est pas valide : aucune ressource ne le porte.",
        )
    if located and all(place == "query" and name == "page" for (place, name), _ in located):
        problem = invalid_page(1)
        problem.detail = "Le paramètre page doit être un entier à partir de 1."
        return problem
    lines = [
        f"{PLACES.get(place, place)} « {name} » : {_message(error)}"
        for (place, name), error in located
    ]
    return ApiProblem(
        400,
        "Requête invalide",
        " ; ".join(lines) + ".",
        erreurs=[
            {"champ": name, "emplacement": PLACES.get(place, place), "message": _message(error)}
            for (place, name), error in located
        ],
    )
