"""The checks of one spreadsheet row, once its cells are normalised (build_rows.py).

    missing_columns(plan)                          -> field keys no column gives
    derive_and_check(line, values, plan, changes, today) -> [Anomaly]

`derive_and_check` fills in what can be derived (certification type from its code, the birth
date split into year/month/day, the presence flags, the idTechnique), each derivation counted
in `changes`, then checks what the schema cannot express: required values per identification
branch (NIR, CPF file, civil status), dates in order, a plausible age (rule ids of
docs/regles-flux.md, the same as the validator's in rules.py). `values` (field key → text) is
changed in place to the passage as it will be written.
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING

from passeport.flux import columns as cols
from passeport.flux.build_results import Anomaly
from passeport.flux.identifiers import derive_id_technique
from passeport.flux.normalisation import certification_type

if TYPE_CHECKING:  # build_rows imports this module
    from passeport.flux.build_rows import Changes, Plan

MIN_AGE, MAX_AGE = 14, 100  # plausible age at the award (rule REG-NAISSANCE-AGE, rules.py)

# Fields a row cannot do without (or the mapping's [valeurs] must give), by identity branch;
# the online entry form marks them required (with the civil status branch, the one without NIR
# nor CPF file).
REQUIRED = ("code", "obtentionCertification", "donneeCertifiee", "dateDebutValidite")
TITULAIRE_REQUIRED = ("nomNaissance", "prenom1", "anneeNaissance", "sexe")
_TITULAIRE_KEYS = (
    "nomNaissance", "nomUsage", "prenom1", "prenom2", "prenom3", "anneeNaissance",
    "moisNaissance", "jourNaissance", "sexe", "codeInsee", "codePostal",
    "libelleCommuneNaissance", "codePaysNaissance", "libellePaysNaissance", "commentairesMEN",
)  # fmt: skip

_DOSSIER_KEYS = ("idDossier", "nomTitulaire", "prenom1Titulaire")
_PRESENCE = (  # (flag, level, other level, rule)
    ("presenceNiveauLangueEuro", "niveauLangueEuropeen", None, "REG-LANGUE-NIVEAU"),
    ("presenceNiveauNumeriqueEuro", "scoreGeneral", cols.RESULTS, "REG-NUMERIQUE-NIVEAU"),
)


def missing_columns(plan: Plan) -> list[str]:
    keys = plan.keys
    missing = [k for k in REQUIRED if k not in keys]
    identity = (
        "nir" in keys
        or "idDossier" in keys
        or (
            {"nomNaissance", "prenom1", "sexe"} <= keys
            and ({"anneeNaissance", cols.BIRTH_DATE} & keys)
        )
    )
    if not identity:
        for key in ("nomNaissance", "prenom1", "sexe"):
            if key not in keys:
                missing.append(key)
        if not {"anneeNaissance", cols.BIRTH_DATE} & keys:
            missing.append(cols.BIRTH_DATE)
    return missing


def derive_and_check(line, v: dict, plan: Plan, changes: Changes, today) -> list[Anomaly]:
    """Derivations (each reported) and the rules the schema cannot express."""
    out: list[Anomaly] = []
    # -- the certification: type from code (REG-CODE-CERTIF)
    code = v.get("code")
    if code:
        derived = certification_type(code)
        given = v.get("type")
        if given is None:
            v["type"] = derived
        elif given.upper() != derived:
            out.append(_anomaly(line, plan, "type", f"le type « {given} » ne correspond pas au "
                                f"code {code}", f"Indiquez {derived} (ou corrigez le code).",
                                "REG-CODE-CERTIF"))  # fmt: skip
        else:
            v["type"] = derived
    # -- birth date in one column
    birth = v.pop(cols.BIRTH_DATE, None)
    if birth:
        year, month, day = _split_birth(birth)
        for key, part in (("anneeNaissance", year), ("moisNaissance", month),
                          ("jourNaissance", day)):  # fmt: skip
            if key not in v:
                v[key] = part
            elif v[key] != part:
                out.append(_anomaly(line, plan, key, f"la date de naissance {birth} et la "
                                    f"colonne {key} ({v[key]}) ne concordent pas",
                                    "Corrigez l'une des deux colonnes."))  # fmt: skip
    # -- presence flags derived from the levels when empty
    for flag, level, other, rule in _PRESENCE:
        has_level = level in v or (other is not None and other in v)
        given = v.get(flag)
        if given is None:
            v[flag] = "true" if has_level else "false"
            changes.add(plan.header_of.get(flag) or flag, flag,
                        "déduit de la présence du niveau", line, "", v[flag])  # fmt: skip
        elif given == "true" and not has_level:
            out.append(_anomaly(line, plan, level, "le niveau est absent alors que "
                                f"{flag} vaut Oui", "Indiquez le niveau atteint, ou mettez Non "
                                "dans la colonne de présence.", rule))  # fmt: skip
    # -- required values
    for key in REQUIRED:
        if key not in v:
            out.append(_anomaly(line, plan, key, "valeur obligatoire absente",
                                required_hint(key), "BUILD-OBLIGATOIRE"))  # fmt: skip
    if v.get("obtentionCertification") == "PAR_SCORING" and "scoring" not in v:
        out.append(_anomaly(line, plan, "scoring", "le score est absent pour une obtention "
                            "PAR_SCORING", "Indiquez le score obtenu, ou choisissez "
                            "PAR_ADMISSION.", "REG-SCORING"))  # fmt: skip
    for start, end, rule in (
        ("dateDebutValidite", "dateFinValidite", "REG-DATES-VALIDITE"),
        ("dateDebutExamen", "dateFinExamen", "REG-DATES-EXAMEN"),
    ):
        if start in v and end in v and v[end] < v[start]:
            out.append(_anomaly(line, plan, end, f"{end} ({v[end]}) est antérieure à {start} "
                                f"({v[start]})", "Vérifiez les deux dates (jour et mois "
                                "inversés ?).", rule))  # fmt: skip
    out.extend(_identity(line, v, plan, changes, today))
    if not out and "idTechnique" not in v:
        v["idTechnique"] = derive_id_technique(v)
    return out


def required_hint(key: str) -> str:
    """How to fill a missing required value (REQUIRED, TITULAIRE_REQUIRED)."""
    if key in TITULAIRE_REQUIRED:
        return (
            "Renseignez l'état civil : nom de naissance, premier prénom, sexe et année de "
            "naissance."
        )
    hints = {
        "code": "Indiquez le code de la fiche France compétences (RNCP12345 ou RS1234).",
        "obtentionCertification": "Indiquez PAR_ADMISSION (décision d'un jury) ou PAR_SCORING.",
        "donneeCertifiee": "Indiquez Oui si le résultat est définitif, Non s'il est provisoire.",
        "dateDebutValidite": "Indiquez la date d'obtention (date du jury), jj/mm/aaaa.",
    }
    return hints.get(key, "Renseignez cette valeur.")


def _identity(line, v: dict, plan: Plan, changes: Changes, today) -> list[Anomaly]:
    """Choose the identification branch (NIR, CPF file, civil status) and check it."""
    out: list[Anomaly] = []
    if v.get("nir") and plan.version == "1.1.5":
        if "nomNaissance" not in v:
            out.append(_anomaly(line, plan, "nomNaissance", "le nom de naissance est absent",
                                "Indiquez le nom de naissance de la personne.",
                                "BUILD-OBLIGATOIRE"))  # fmt: skip
            return out
        nir, name = v["nir"], v["nomNaissance"]
        for key in (*_TITULAIRE_KEYS, *_DOSSIER_KEYS):
            v.pop(key, None)
        v["nir"], v["identifiantNational/nomNaissance"] = nir, name
        plan.nir_used = True
        return out
    v.pop("nir", None)
    if v.get("idDossier"):
        for key, fallback, size in (("nomTitulaire", "nomNaissance", 30),
                                    ("prenom1Titulaire", "prenom1", 20)):  # fmt: skip
            if key not in v and v.get(fallback):
                if len(v[fallback]) > size:
                    out.append(_anomaly(line, plan, key, f"« {v[fallback]} » dépasse les {size} "
                                        "caractères du dossier CPF", "Indiquez le nom tel qu'il "
                                        "figure sur le dossier CPF.", "BUILD-VALEUR"))  # fmt: skip
                    continue
                v[key] = v[fallback]
            if key not in v:
                out.append(_anomaly(line, plan, key, "valeur obligatoire pour un dossier CPF",
                                    "Indiquez le nom et le premier prénom du titulaire du "
                                    "dossier CPF.", "BUILD-OBLIGATOIRE"))  # fmt: skip
        for key in _TITULAIRE_KEYS:
            v.pop(key, None)
        return out
    for key in _DOSSIER_KEYS:
        v.pop(key, None)
    for key in TITULAIRE_REQUIRED:
        if key not in v:
            out.append(_anomaly(line, plan, key, "valeur obligatoire absente",
                                required_hint(key), "BUILD-OBLIGATOIRE"))  # fmt: skip
    if "anneeNaissance" in v:
        born = _birth_date(v["anneeNaissance"], v.get("moisNaissance"), v.get("jourNaissance"))
        if born is None:
            year = v["anneeNaissance"]
            month, day = v.get("moisNaissance") or 1, v.get("jourNaissance") or 1
            out.append(_anomaly(line, plan, "jourNaissance", f"le {day}/{month}/{year} n'existe "
                                "pas", "Vérifiez le jour et le mois de naissance.",
                                "REG-NAISSANCE-DATE"))  # fmt: skip
        else:
            award = v.get("dateDebutValidite")
            reference = _iso_date(award) if award else today
            age = (
                reference.year
                - born.year
                - ((reference.month, reference.day) < (born.month, born.day))
            )
            if born > today or not MIN_AGE <= age <= MAX_AGE:
                out.append(_anomaly(line, plan, "anneeNaissance", f"une naissance le "
                                    f"{born:%d/%m/%Y} donne {age} ans à la date d'obtention",
                                    "Vérifiez l'année de naissance (et qu'elle n'a pas été "
                                    "confondue avec une autre date).", "REG-NAISSANCE-AGE"))  # fmt: skip
        if "jourNaissance" in v and "moisNaissance" not in v:
            out.append(_anomaly(line, plan, "moisNaissance", "le jour de naissance est donné "
                                "sans le mois", "Indiquez le mois de naissance.",
                                "REG-NAISSANCE-DATE"))  # fmt: skip
    insee = v.get("codeInsee")
    if insee:
        v.pop("codePostal", None)
        if insee.startswith("99") and "codePaysNaissance" not in v:
            out.append(_anomaly(line, plan, "codePaysNaissance", f"le code {insee} désigne une "
                                "naissance à l'étranger mais le pays n'est pas indiqué",
                                "Indiquez le code pays de naissance (3 caractères).",
                                "REG-PAYS-ETRANGER"))  # fmt: skip
    return out


@functools.lru_cache(maxsize=65536)
def _birth_date(year: str, month: str | None, day: str | None) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@functools.lru_cache(maxsize=65536)
def _split_birth(birth: str) -> tuple[str, str, str]:
    year, month, day = birth.split("-")
    return year, str(int(month)), str(int(day))


def _header_of(plan: Plan, key: str) -> str | None:
    return plan.header_of.get(key)


def _anomaly(line, plan, key, message, hint, rule="BUILD-VALEUR") -> Anomaly:
    return Anomaly(line, key, _header_of(plan, key), message, hint, rule)


def duplicate_anomaly(line, plan: Plan, id_technique: str, first: int) -> Anomaly:
    return Anomaly(
        line, "idTechnique", _header_of(plan, "idTechnique"),
        f"idTechnique « {id_technique} » déjà utilisé ligne {first} : deux lignes "
        "décrivent le même passage (même certification, même titulaire, même date)",
        "Supprimez la ligne en double, ou donnez à chaque passage un idTechnique "
        "différent.",
        rule="REG-ID-UNIQUE",
    )  # fmt: skip
