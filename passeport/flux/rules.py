"""Business rules of the CDC flux beyond the XSD, as pure functions over parsed values.

Every rule has a stable id listed in `RULES` with its severity, source, an example message and
the hint (docs/regles-flux.md is generated from it; tests/flux/test_rules.py checks that the
documentation lists every rule and that each example is a real message of the validator).

`PassageRules(today=..., action=...).check(values, bad)` checks one passage: `values` maps the
elements of the passage (Clark names `{urn:cdc:cpf:pc5:schema:1.0.0}local`) to their text
(None or "" for an empty or nil element) — the dict the streaming validator already built —
and `bad` is the set of local names the XSD already rejected in this passage, whose rules are
skipped (see also `superseded`) so that a wrong value is reported once. It returns a list of
`RuleResult(rule, field, message, hint)`; the caller adds line and idTechnique.
`check_certification` (type and code) and `check_nature` (natureDeposant against the émetteur
and certificateur ids) do the same for a certification.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir

from passeport.flux.dictionary import NAMESPACE, field_by_name
from passeport.flux.findings import ERROR, WARNING


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str  # what the rule checks (French)
    source: str  # where the rule comes from
    hint: str  # default hint (French)
    example: str = ""  # a message as the validator writes it (docs/regles-flux.md)


class RuleResult(NamedTuple):
    """One business rule broken by a passage or a certification; where it is (line,
    idTechnique) is the caller's to add."""

    rule: str  # id in RULES
    field: str  # local name of the element concerned
    message: str  # French
    # French; the deposits' staged verdicts keep the first three fields only (staging.py)
    hint: str = ""


_CDC_DICT = "Dictionnaire de données du flux CDC (kit v2.0.0)"
_XSD = "Schéma XSD CDC (1.1.2 / 1.1.5)"

RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        # --- Reading the file ---
        Rule("XML-ILLISIBLE", ERROR, "Le fichier ne peut pas être lu", "Système de fichiers",
             "Vérifiez le chemin du fichier et vos droits de lecture."),
        Rule("XML-VIDE", ERROR, "Le fichier est vide", "XML 1.0",
             "Déposez le fichier XML produit, pas un fichier vide."),
        Rule("XML-MAL-FORME", ERROR, "Le fichier n'est pas un XML bien formé", "XML 1.0 (W3C)",
             "Corrigez la balise à la ligne et la colonne indiquées (balise non fermée, caractère "
             "« & » ou « < » non échappé…), ou produisez à nouveau le fichier avec "
             "`passeport flux build`."),
        Rule("XML-ENCODAGE", ERROR, "Les octets ne correspondent pas à l'encodage déclaré",
             "XML 1.0 § 4.3.3",
             "Enregistrez le fichier en UTF-8 (et gardez encoding=\"UTF-8\" dans la première "
             "ligne)."),
        Rule("XML-ENCODAGE-DECLARE", WARNING, "L'encodage déclaré n'est pas UTF-8",
             "Kit CDC (fichiers attendus en UTF-8)",
             "Enregistrez le fichier en UTF-8 avec <?xml version=\"1.0\" encoding=\"UTF-8\"?>."),
        Rule("XML-DTD", ERROR, "Le fichier contient une DTD ou des entités",
             "Sécurité (OWASP XXE) ; le flux CDC n'en utilise pas",
             "Supprimez la déclaration <!DOCTYPE …> et les entités : un flux CDC n'en contient "
             "jamais."),
        Rule("XML-LIMITE", ERROR, "Le fichier dépasse une limite de l'analyseur XML",
             "Protection contre les fichiers piégés (libxml2)",
             "Vérifiez que le fichier est bien un flux produit par votre outil (profondeur ou "
             "taille de texte anormale)."),
        # --- XSD (libxml2's messages, translated) ---
        Rule("XSD-RACINE", ERROR, "L'élément racine n'est pas cpf:flux", _XSD,
             "Le fichier doit commencer par <cpf:flux xmlns:cpf=\"urn:cdc:cpf:pc5:schema:1.0.0\">."),
        Rule("XSD-ELEMENT-MANQUANT", ERROR, "Un élément obligatoire manque", _XSD,
             "Ajoutez l'élément manquant (voir docs/dictionnaire-flux.md) ; s'il n'a pas de "
             "valeur et qu'il l'autorise, écrivez-le vide avec xsi:nil=\"true\"."),
        Rule("XSD-ELEMENT-INATTENDU", ERROR,
             "Un élément est inconnu, en double ou mal placé", _XSD,
             "Vérifiez l'orthographe exacte du nom (majuscules comprises), l'espace de noms cpf: "
             "et que l'élément n'apparaît qu'une fois, dans son bloc."),
        Rule("XSD-LONGUEUR", ERROR, "Une valeur est trop courte ou trop longue", _XSD,
             "Raccourcissez ou complétez la valeur pour respecter la longueur indiquée."),
        Rule("XSD-VALEUR-LISTE", ERROR, "Une valeur n'est pas dans la liste autorisée", _XSD,
             "Utilisez exactement l'un des codes de la liste (majuscules, sans accent)."),
        Rule("XSD-MIN-MAX", ERROR, "Un nombre est hors des bornes autorisées", _XSD,
             "Indiquez un nombre entre les bornes indiquées."),
        Rule("XSD-FORMAT", ERROR, "Une valeur n'a pas le format attendu", _XSD,
             "Écrivez les dates aaaa-mm-jj (années 1900 à 2099) et l'horodatage "
             "aaaa-mm-jjThh:mm:ss+01:00."),
        Rule("XSD-TYPE", ERROR, "Une valeur n'est pas du type attendu (date, nombre, booléen)",
             _XSD,
             "Dates : aaaa-mm-jj ; nombres : chiffres seuls ; booléens : true ou false."),
        Rule("XSD-NIL", ERROR, "Mauvais usage de xsi:nil", _XSD,
             "N'utilisez xsi:nil=\"true\" que sur les éléments qui l'autorisent, et laissez "
             "alors l'élément vide."),
        Rule("XSD-ATTRIBUT", ERROR, "Un attribut n'est pas autorisé", _XSD,
             "Supprimez l'attribut : seul xsi:nil est admis dans un flux CDC."),
        Rule("XSD-TEXTE", ERROR, "Du texte figure là où seuls des éléments sont permis", _XSD,
             "Supprimez le texte isolé entre les balises de ce bloc."),
        Rule("XSD-AUTRE", ERROR, "Le contenu ne respecte pas le schéma CDC", _XSD,
             "Comparez l'élément au dictionnaire (docs/dictionnaire-flux.md)."),
        # --- Business rules ---
        Rule("REG-ID-UNIQUE", ERROR, "idTechnique en double dans le fichier",
             "CDC : unicité de l'id technique par émetteur (message « existe déjà en base »)",
             "Donnez à chaque passage un idTechnique unique et stable ; s'il s'agit du même "
             "passage, supprimez le doublon."),
        Rule("REG-TYPE-CERTIF", ERROR, "Le type de certification n'est ni RNCP ni RS", _CDC_DICT,
             "Écrivez RNCP (Répertoire national) ou RS (Répertoire spécifique)."),
        Rule("REG-CODE-CERTIF", ERROR, "Le code ne correspond pas au type de certification",
             _CDC_DICT + " ; codes des fiches France Compétences",
             "Écrivez le code de la fiche avec son préfixe : RNCP suivi de chiffres (RNCP35185) "
             "ou RS suivi de chiffres (RS5262), de même préfixe que le type."),
        Rule("REG-LANGUE-NIVEAU", ERROR,
             "Niveau de langue européen annoncé mais absent", _CDC_DICT,
             "Ajoutez niveauLangueEuropeen (A1 … C2 ou INSUFFISANT) ou mettez "
             "presenceNiveauLangueEuro à false."),
        Rule("REG-NUMERIQUE-NIVEAU", ERROR,
             "Niveau numérique européen annoncé mais absent", _CDC_DICT,
             "Ajoutez niveauNumeriqueEuropeen (score général et résultats) ou mettez "
             "presenceNiveauNumeriqueEuro à false."),
        Rule("REG-SCORING", ERROR, "Obtention par scoring sans score", _CDC_DICT,
             "Indiquez le score dans scoring, ou choisissez PAR_ADMISSION."),
        Rule("REG-DATES-VALIDITE", ERROR, "Fin de validité antérieure au début", _CDC_DICT,
             "La date de fin de validité doit être égale ou postérieure à la date d'obtention ; "
             "laissez-la vide (xsi:nil) si la certification n'expire pas."),
        Rule("REG-DATES-EXAMEN", ERROR, "Fin d'examen antérieure au début", _CDC_DICT,
             "Vérifiez les dates de début et de fin d'examen (la fin ne peut précéder le "
             "début)."),
        Rule("REG-NAISSANCE-DATE", ERROR, "La date de naissance n'existe pas ou est future",
             _CDC_DICT + " ; réconciliation d'identité CDC (année, mois, jour)",
             "Corrigez l'année, le mois et le jour de naissance (ou laissez mois et jour vides "
             "avec xsi:nil s'ils sont inconnus)."),
        Rule("REG-NAISSANCE-AGE", ERROR, "Âge du titulaire invraisemblable",
             "Passeport : un titulaire a entre 14 et 100 ans à l'obtention",
             "Vérifiez l'année de naissance (souvent inversée avec l'année d'obtention)."),
        Rule("REG-NOM-VIDE", ERROR, "Un nom ou un prénom est vide",
             "Réconciliation d'identité CDC (nom de naissance, prénom)",
             "Indiquez le nom et le prénom tels qu'à l'état civil, sans espaces seuls."),
        Rule("REG-INSEE", ERROR, "Code INSEE de commune invraisemblable",
             "INSEE, Code officiel géographique (2A/2B pour la Corse, 97x outre-mer, 99xxx "
             "étranger)",
             "Indiquez le code INSEE à 5 caractères de la commune (pas le code postal) : 2A/2B "
             "pour la Corse, 99 suivi du code pays pour une naissance à l'étranger."),
        Rule("REG-PAYS-ETRANGER", ERROR, "Naissance à l'étranger sans pays",
             "INSEE, Code officiel géographique ; réconciliation d'identité CDC",
             "Pour un code commune 99xxx, indiquez codePaysNaissance (les 3 derniers chiffres) "
             "et libellePaysNaissance."),
        Rule("REG-PAYS-INCOHERENT", WARNING, "Pays de naissance différent du code commune 99xxx",
             "INSEE, Code officiel géographique",
             "Le code pays doit reprendre les 3 derniers chiffres du code commune 99xxx."),
        Rule("REG-NIR", ERROR, "NIR invalide (13 caractères sans la clé)",
             "Décret n° 2024-1236 (art. R6113-17-1) ; structure du NIR (INSEE) ; python-stdnum",
             "Indiquez les 13 premiers caractères du numéro de sécurité sociale, sans la clé : "
             "sexe (1 ou 2), année, mois (01 à 12), département ou 99, commune ou pays, ordre."),
        Rule("REG-CREATION-COMPLET", ERROR, "Passage incomplet dans un flux de création",
             "Schéma 1.1.5 : mêmes éléments obligatoires qu'en 1.1.2 pour action=CREATION",
             "Ajoutez l'élément obligatoire manquant ; seul un flux SUPPRESSION peut se limiter "
             "à l'idTechnique."),
        Rule("REG-SUPPRESSION-CONTENU", WARNING,
             "Données ignorées dans un flux de suppression",
             "Passeport, lecture du schéma 1.1.5 (docs/regles-flux.md)",
             "Dans un flux SUPPRESSION, l'idTechnique suffit : les autres éléments sont ignorés."),
        Rule("REG-DELAI-DEPASSE", WARNING, "Obtention datant de plus de 3 mois",
             "Code du travail L6323-8 et kit CDC : transmission dans les 3 mois de l'obtention",
             "Transmettez sans attendre ; vérifiez que dateDebutValidite est bien la date "
             "d'obtention."),
        Rule("REG-DATE-FUTURE", WARNING, "Date d'obtention dans le futur", _CDC_DICT,
             "Ne déposez un passage qu'une fois la certification obtenue ; vérifiez la date."),
        Rule("REG-NATURE-DEPOSANT", WARNING,
             "Nature du déposant incohérente avec l'émetteur et le certificateur", _CDC_DICT,
             "CERTIFICATEUR si l'émetteur est le certificateur lui-même, TIERS_CONFIANCE si "
             "vous déposez pour le compte d'un autre certificateur."),
        Rule("REG-DONNEE-PROVISOIRE", WARNING, "Donnée non certifiée (provisoire)", _CDC_DICT,
             "Passez donneeCertifiee à true une fois le résultat validé par le jury."),
    ]
}  # fmt: skip

# A message of each rule as the validator writes it, for docs/regles-flux.md (checked by
# tests/flux/test_rules.py against real output).
_EXAMPLES = {
    "XML-ILLISIBLE": "Le fichier « flux.xml » ne peut pas être lu (fichier introuvable).",
    "XML-VIDE": "Le fichier « flux.xml » est vide.",
    "XML-MAL-FORME": "Le fichier n'est pas un XML bien formé (ligne 72, colonne 31) : un caractère « & » doit être écrit &amp;.",
    "XML-ENCODAGE": "Caractère invalide pour l'encodage déclaré (ligne 58, colonne 30) : le fichier n'est probablement pas enregistré en UTF-8 (accents d'un fichier Windows/ANSI).",
    "XML-ENCODAGE-DECLARE": "Le fichier est déclaré en ISO-8859-1 ; la Caisse des Dépôts attend de l'UTF-8.",
    "XML-DTD": "Le fichier contient une déclaration <!DOCTYPE …> (DTD, entités) : refusée par sécurité, aucune entité n'est lue ni développée.",
    "XML-LIMITE": "Le fichier dépasse une limite de sécurité de l'analyseur XML (ligne 1, colonne 2600).",
    "XSD-RACINE": "L'élément racine est « rapport » : un flux CDC commence par l'élément flux de l'espace de noms urn:cdc:cpf:pc5:schema:1.0.0 (cpf:flux).",
    "XSD-ELEMENT-MANQUANT": "Il manque l'élément « Donnée certifiée » (donneeCertifiee, 4.5) dans « Passage de certification » (passageCertification, 4).",
    "XSD-ELEMENT-INATTENDU": "L'élément « verbatm » n'existe pas dans le flux CDC à cet endroit.",
    "XSD-LONGUEUR": "« Identifiant client de l'émetteur » (idClient, 2.1) doit compter exactement 8 caractères, il en compte 5.",
    "XSD-VALEUR-LISTE": "La valeur « H » de « Sexe » (sexe, 8.9) n'est pas dans la liste autorisée (M, F).",
    "XSD-MIN-MAX": "La valeur « 13 » de « Mois de naissance » (moisNaissance, 8.7) est supérieure au maximum autorisé (12).",
    "XSD-FORMAT": "La valeur « 2125-12-20 » de « Date d'obtention (début de validité) » (dateDebutValidite, 4.10) n'a pas le format attendu : une date aaaa-mm-jj entre 1900 et 2099.",
    "XSD-TYPE": "La valeur « Oui » de « Donnée certifiée » (donneeCertifiee, 4.5) n'est pas valide : on attend true ou false.",
    "XSD-NIL": "« Premier prénom » (prenom1, 8.3) ne peut pas être vide avec xsi:nil : une valeur est obligatoire.",
    "XSD-ATTRIBUT": "L'attribut « lang » de « Identifiant technique du passage » (idTechnique, 4.1) n'est pas autorisé.",
    "XSD-TEXTE": "« Modalités d'inscription » (modalitesInscription, 6) contient du texte alors qu'il ne doit contenir que des éléments.",
    "XSD-AUTRE": "« Code de la certification » (code, 3.2) ne respecte pas le schéma CDC.",
    "REG-ID-UNIQUE": "L'idTechnique « P-1 » est déjà celui du passage de la ligne 17 : chaque passage doit avoir le sien.",
    "REG-TYPE-CERTIF": "Certification CQP123 : le type de certification « CQP » n'est ni RNCP ni RS.",
    "REG-CODE-CERTIF": "Certification RS5262 : le code « RS5262 » ne correspond pas au type RNCP (attendu : RNCP suivi de chiffres).",
    "REG-LANGUE-NIVEAU": "presenceNiveauLangueEuro vaut true mais niveauLangueEuropeen est absent.",
    "REG-NUMERIQUE-NIVEAU": "presenceNiveauNumeriqueEuro vaut true mais niveauNumeriqueEuropeen est absent.",
    "REG-SCORING": "L'obtention est PAR_SCORING mais le score (scoring) est vide ou nil.",
    "REG-DATES-VALIDITE": "La date de fin de validité (19/12/2025) précède la date d'obtention (20/12/2025).",
    "REG-DATES-EXAMEN": "La date de fin d'examen (30/11/2025) précède la date de début (01/12/2025).",
    "REG-NAISSANCE-DATE": "La date de naissance 30/02/1990 n'existe pas.",
    "REG-NAISSANCE-AGE": "Né(e) en 2015, le titulaire aurait 10 ans à l'obtention (20/12/2025) : âge invraisemblable (de 14 à 100 ans attendus).",
    "REG-NOM-VIDE": "« Nom de naissance » (nomNaissance, 8.1) ne contient que des espaces.",
    "REG-INSEE": "Le code INSEE de naissance « 20004 » est invraisemblable : la Corse s'écrit 2A (Corse-du-Sud) ou 2B (Haute-Corse) depuis 1976.",
    "REG-PAYS-ETRANGER": "Le code commune 99350 désigne une naissance à l'étranger mais le pays de naissance (codePaysNaissance) est absent.",
    "REG-PAYS-INCOHERENT": "Le code pays « 109 » ne correspond pas au code commune 99350 (pays 350 attendu).",
    "REG-NIR": "Le NIR est invalide : le mois de naissance (caractères 4 et 5) vaut « 13 ».",
    "REG-CREATION-COMPLET": "Il manque l'élément « Score obtenu » (scoring, 4.15), obligatoire dans un passage d'un flux CREATION.",
    "REG-SUPPRESSION-CONTENU": "Ce passage d'un flux SUPPRESSION contient d'autres éléments que l'idTechnique (dont obtentionCertification) : ils seront ignorés.",
    "REG-DELAI-DEPASSE": "La certification a été obtenue le 14/10/2025, il y a plus de 3 mois (limite : 15/10/2025) : transmission tardive.",
    "REG-DATE-FUTURE": "La date d'obtention 16/01/2026 est postérieure à aujourd'hui (15/01/2026).",
    "REG-NATURE-DEPOSANT": "Certification RNCP35185 : natureDeposant vaut CERTIFICATEUR alors que l'émetteur (AB123CDE) n'est pas le certificateur (ZZ999ZZZ) : on attend TIERS_CONFIANCE.",
    "REG-DONNEE-PROVISOIRE": "donneeCertifiee vaut false : le passage est transmis comme provisoire.",
}
RULES = {key: replace(rule, example=_EXAMPLES[key]) for key, rule in RULES.items()}

# The elements each rule reads besides the one it reports: a rule finding is dropped when the
# XSD already rejected one of them in the same passage (one report per wrong value).
_BIRTH = ("anneeNaissance", "moisNaissance", "jourNaissance")
DEPENDS: dict[str, tuple[str, ...]] = {
    "REG-DATES-VALIDITE": ("dateDebutValidite", "dateFinValidite"),
    "REG-DATES-EXAMEN": ("dateDebutExamen", "dateFinExamen"),
    "REG-DELAI-DEPASSE": ("dateDebutValidite",),
    "REG-DATE-FUTURE": ("dateDebutValidite",),
    "REG-NAISSANCE-DATE": _BIRTH,
    "REG-NAISSANCE-AGE": (*_BIRTH, "dateDebutValidite"),
    "REG-SCORING": ("scoring", "obtentionCertification"),
    "REG-INSEE": ("codeInsee",),
    "REG-PAYS-ETRANGER": ("codeInsee", "codePaysNaissance"),
    "REG-PAYS-INCOHERENT": ("codeInsee", "codePaysNaissance"),
    "REG-LANGUE-NIVEAU": ("presenceNiveauLangueEuro",),
    "REG-NUMERIQUE-NIVEAU": ("presenceNiveauNumeriqueEuro",),
}


def superseded(rule: str, name: str | None, rejected: set | frozenset) -> bool:
    """True when a rule finding repeats what the XSD already said about this passage."""
    if not rejected or not rule.startswith("REG-") or rule == "REG-ID-UNIQUE":
        return False
    return name in rejected or any(dep in rejected for dep in DEPENDS.get(rule, ()))


_N = f"{{{NAMESPACE}}}"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _q(name: str) -> str:
    return _N + name


ID = _q("idTechnique")
PASSAGE = _q("passageCertification")
OBTENTION = _q("obtentionCertification")
DONNEE_CERTIFIEE = _q("donneeCertifiee")
DEBUT_EXAMEN, FIN_EXAMEN = _q("dateDebutExamen"), _q("dateFinExamen")
DEBUT_VALIDITE, FIN_VALIDITE = _q("dateDebutValidite"), _q("dateFinValidite")
PRESENCE_LANGUE, NIVEAU_LANGUE = _q("presenceNiveauLangueEuro"), _q("niveauLangueEuropeen")
PRESENCE_NUM, NIVEAU_NUM = _q("presenceNiveauNumeriqueEuro"), _q("niveauNumeriqueEuropeen")
SCORING = _q("scoring")
TITULAIRE, DOSSIER, IDENTIFIANT = _q("titulaire"), _q("dossierFormation"), _q("identifiantNational")
NOM_NAISSANCE, NOM_USAGE = _q("nomNaissance"), _q("nomUsage")
PRENOMS = (_q("prenom1"), _q("prenom2"), _q("prenom3"))
ANNEE, MOIS, JOUR = _q("anneeNaissance"), _q("moisNaissance"), _q("jourNaissance")
SEXE = _q("sexe")
CODE_INSEE, CODE_PAYS = _q("codeInsee"), _q("codePaysNaissance")
NOM_TITULAIRE, PRENOM_TITULAIRE = _q("nomTitulaire"), _q("prenom1Titulaire")
NIR = _q("nir")
IDENTIFICATION, MODALITES = _q("identificationTitulaire"), _q("modalitesInscription")

# Children of passageCertification required in 1.1.2, hence in a 1.1.5 CREATION flux.
CREATION_REQUIRED = tuple(
    (_q(name), name)
    for name in (
        "obtentionCertification",
        "donneeCertifiee",
        "dateDebutValidite",
        "dateFinValidite",
        "presenceNiveauLangueEuro",
        "presenceNiveauNumeriqueEuro",
        "scoring",
        "mentionValidee",
        "modalitesInscription",
        "identificationTitulaire",
    )
)

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# INSEE commune codes: département 01-19, 21-95 (20 split into 2A/2B in 1976), 2A/2B, overseas
# 971-978 and 984-989 (3-digit département, 2-digit commune), 99 + country code for abroad.
_INSEE_RE = re.compile(
    r"(?:(?:0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-8]\d{2}|98[4-9]\d{2}|99\d{3})"
)
_CODE_RE = {"RNCP": re.compile(r"RNCP\d+"), "RS": re.compile(r"RS\d+")}
NAME_FIELDS = (
    (NOM_NAISSANCE, "nomNaissance"),
    (_q("prenom1"), "prenom1"),
    (_q("prenom2"), "prenom2"),
    (_q("prenom3"), "prenom3"),
    (NOM_USAGE, "nomUsage"),
    (NOM_TITULAIRE, "nomTitulaire"),
    (PRENOM_TITULAIRE, "prenom1Titulaire"),
)
MIN_AGE, MAX_AGE = 14, 100


def label(name: str) -> str:
    """« Libellé (n°) » of an element for messages; the name itself when unknown."""
    try:
        f = field_by_name(name)
    except KeyError:
        return f"« {name} »"
    return f"« {f.label} » ({name}, {f.number})"


def _hint(rule: str) -> str:
    return RULES[rule].hint


def months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class PassageRules:
    """The business rules of one passage, for a reference date `today`."""

    def __init__(self, today: dt.date | None = None, action: str | None = None):
        self.today = today or dt.date.today()
        self.today_iso = self.today.isoformat()
        self.late_iso = months_before(self.today, 3).isoformat()
        self.action = action  # 1.1.5: "CREATION" | "SUPPRESSION" | None (1.1.2)

    def check(self, v: dict, bad: set | frozenset = frozenset()) -> list[RuleResult]:
        out: list[RuleResult] = []
        get = v.get
        if self.action == "SUPPRESSION":
            extra = [k for k in v if k not in (ID, PASSAGE) and k.startswith(_N)]
            if extra:
                first = extra[0][len(_N) :]
                out.append(
                    RuleResult(
                        "REG-SUPPRESSION-CONTENU",
                        first,
                        f"Ce passage d'un flux SUPPRESSION contient d'autres éléments que "
                        f"l'idTechnique (dont {first}) : ils seront ignorés.",
                        _hint("REG-SUPPRESSION-CONTENU"),
                    )
                )
            return out
        if self.action == "CREATION":
            for clark, name in CREATION_REQUIRED:
                if clark not in v:
                    out.append(
                        RuleResult(
                            "REG-CREATION-COMPLET",
                            name,
                            f"Il manque l'élément {label(name)}, obligatoire dans un passage "
                            "d'un flux CREATION.",
                            _hint("REG-CREATION-COMPLET"),
                        )
                    )
        # Dates: ISO strings compare like dates once they have the aaaa-mm-jj shape.
        debut = get(DEBUT_VALIDITE)
        debut_ok = (
            debut is not None and "dateDebutValidite" not in bad and _DATE_RE.fullmatch(debut)
        )
        fin = get(FIN_VALIDITE)
        if (
            debut_ok
            and fin
            and "dateFinValidite" not in bad
            and _DATE_RE.fullmatch(fin)
            and fin < debut
        ):
            out.append(
                RuleResult(
                    "REG-DATES-VALIDITE",
                    "dateFinValidite",
                    f"La date de fin de validité ({_fr(fin)}) précède la date d'obtention "
                    f"({_fr(debut)}).",
                    _hint("REG-DATES-VALIDITE"),
                )
            )
        d1, d2 = get(DEBUT_EXAMEN), get(FIN_EXAMEN)
        if (
            d1
            and d2
            and d2 < d1
            and "dateDebutExamen" not in bad
            and "dateFinExamen" not in bad
            and _DATE_RE.fullmatch(d1)
            and _DATE_RE.fullmatch(d2)
        ):
            out.append(
                RuleResult(
                    "REG-DATES-EXAMEN",
                    "dateFinExamen",
                    f"La date de fin d'examen ({_fr(d2)}) précède la date de début ({_fr(d1)}).",
                    _hint("REG-DATES-EXAMEN"),
                )
            )
        if debut_ok:
            if debut > self.today_iso:
                out.append(
                    RuleResult(
                        "REG-DATE-FUTURE",
                        "dateDebutValidite",
                        f"La date d'obtention {_fr(debut)} est postérieure à aujourd'hui "
                        f"({_fr(self.today_iso)}).",
                        _hint("REG-DATE-FUTURE"),
                    )
                )
            elif debut < self.late_iso:
                out.append(
                    RuleResult(
                        "REG-DELAI-DEPASSE",
                        "dateDebutValidite",
                        f"La certification a été obtenue le {_fr(debut)}, il y a plus de "
                        f"3 mois (limite : {_fr(self.late_iso)}) : transmission tardive.",
                        _hint("REG-DELAI-DEPASSE"),
                    )
                )
        if get(PRESENCE_LANGUE) in ("true", "1") and NIVEAU_LANGUE not in v:
            out.append(
                RuleResult(
                    "REG-LANGUE-NIVEAU",
                    "niveauLangueEuropeen",
                    "presenceNiveauLangueEuro vaut true mais niveauLangueEuropeen est absent.",
                    _hint("REG-LANGUE-NIVEAU"),
                )
            )
        if get(PRESENCE_NUM) in ("true", "1") and NIVEAU_NUM not in v:
            out.append(
                RuleResult(
                    "REG-NUMERIQUE-NIVEAU",
                    "niveauNumeriqueEuropeen",
                    "presenceNiveauNumeriqueEuro vaut true mais niveauNumeriqueEuropeen est "
                    "absent.",
                    _hint("REG-NUMERIQUE-NIVEAU"),
                )
            )
        if (
            get(OBTENTION) == "PAR_SCORING"
            and SCORING in v
            and not (get(SCORING) or "").strip()
            and "scoring" not in bad
        ):
            out.append(
                RuleResult(
                    "REG-SCORING",
                    "scoring",
                    "L'obtention est PAR_SCORING mais le score (scoring) est vide ou nil.",
                    _hint("REG-SCORING"),
                )
            )
        if get(DONNEE_CERTIFIEE) in ("false", "0"):
            out.append(
                RuleResult(
                    "REG-DONNEE-PROVISOIRE",
                    "donneeCertifiee",
                    "donneeCertifiee vaut false : le passage est transmis comme provisoire.",
                    _hint("REG-DONNEE-PROVISOIRE"),
                )
            )
        for clark, name in NAME_FIELDS:
            value = get(clark)
            if value is not None and not value.strip() and name not in bad:
                if clark == NOM_USAGE and value == "":
                    continue  # nil nomUsage: allowed (the XSD checks nil vs empty)
                out.append(
                    RuleResult(
                        "REG-NOM-VIDE",
                        name,
                        f"{label(name)} ne contient que des espaces.",
                        _hint("REG-NOM-VIDE"),
                    )
                )
        if TITULAIRE in v:
            self._birth(v, bad, debut if debut_ok else None, out)
            self._insee(v, bad, out)
        if NIR in v and "nir" not in bad:
            check_nir(get(NIR) or "", out)
        return out

    def _birth(self, v, bad, award: str | None, out: list) -> None:
        if {"anneeNaissance", "moisNaissance", "jourNaissance"} & bad:
            return
        try:
            year = int(v[ANNEE])
        except (KeyError, TypeError, ValueError):
            return
        month_text, day_text = v.get(MOIS), v.get(JOUR)
        month = int(month_text) if month_text and month_text.strip().isdigit() else None
        day = int(day_text) if day_text and day_text.strip().isdigit() else None
        if day is not None and month is None:
            out.append(
                RuleResult(
                    "REG-NAISSANCE-DATE",
                    "moisNaissance",
                    f"Le jour de naissance ({day}) est indiqué sans le mois.",
                    _hint("REG-NAISSANCE-DATE"),
                )
            )
            return
        if month is not None and day is not None:
            try:
                birth = dt.date(year, month, day)
            except ValueError:
                out.append(
                    RuleResult(
                        "REG-NAISSANCE-DATE",
                        "jourNaissance",
                        f"La date de naissance {day:02d}/{month:02d}/{year} n'existe pas.",
                        _hint("REG-NAISSANCE-DATE"),
                    )
                )
                return
        else:
            try:
                birth = dt.date(year, month or 1, 1)
            except ValueError:  # month 13 or year 0: the XSD reports it
                return
        if birth > self.today:
            out.append(
                RuleResult(
                    "REG-NAISSANCE-DATE",
                    "anneeNaissance",
                    f"La date de naissance ({_birth_text(year, month, day)}) est dans le futur.",
                    _hint("REG-NAISSANCE-DATE"),
                )
            )
            return
        try:
            reference = dt.date.fromisoformat(award) if award else self.today
        except ValueError:  # a wrong date the XSD reports (2025-13-45 has the aaaa-mm-jj shape)
            reference = self.today
        age = reference.year - year - ((reference.month, reference.day) < (month or 1, day or 1))
        if not MIN_AGE <= age <= MAX_AGE:
            out.append(
                RuleResult(
                    "REG-NAISSANCE-AGE",
                    "anneeNaissance",
                    f"Né(e) en {year}, le titulaire aurait {age} ans à l'obtention "
                    f"({_fr(reference.isoformat())}) : âge invraisemblable (de {MIN_AGE} à "
                    f"{MAX_AGE} ans attendus).",
                    _hint("REG-NAISSANCE-AGE"),
                )
            )

    def _insee(self, v, bad, out: list) -> None:
        code = v.get(CODE_INSEE)
        if code is None or "codeInsee" in bad:
            return
        if not _INSEE_RE.fullmatch(code) or code.endswith("000"):
            if code[:2] == "20" and code.isdigit():
                detail = "la Corse s'écrit 2A (Corse-du-Sud) ou 2B (Haute-Corse) depuis 1976"
            elif code[:2].upper() in ("2A", "2B") and code[:2] not in ("2A", "2B"):
                detail = "écrivez 2A ou 2B en majuscules"
            elif code.isdigit() and code[:2] in ("00", "96"):
                detail = f"aucun département ne porte le numéro {code[:2]}"
            else:
                detail = "ce n'est pas un code de commune de l'INSEE"
            out.append(
                RuleResult(
                    "REG-INSEE",
                    "codeInsee",
                    f"Le code INSEE de naissance « {code} » est invraisemblable : {detail}.",
                    _hint("REG-INSEE"),
                )
            )
            return
        if code.startswith("99"):
            pays = v.get(CODE_PAYS)
            if not pays:
                out.append(
                    RuleResult(
                        "REG-PAYS-ETRANGER",
                        "codePaysNaissance",
                        f"Le code commune {code} désigne une naissance à l'étranger mais le "
                        "pays de naissance (codePaysNaissance) est absent.",
                        _hint("REG-PAYS-ETRANGER"),
                    )
                )
            elif "codePaysNaissance" not in bad and pays != code[2:]:
                out.append(
                    RuleResult(
                        "REG-PAYS-INCOHERENT",
                        "codePaysNaissance",
                        f"Le code pays « {pays} » ne correspond pas au code commune {code} "
                        f"(pays {code[2:]} attendu).",
                        _hint("REG-PAYS-INCOHERENT"),
                    )
                )


def check_nir(nir: str, out: list[RuleResult]) -> None:
    """The 13-character NIR of 1.1.5 (no key). Messages never repeat the whole number."""

    def fail(detail: str) -> None:
        out.append(
            RuleResult("REG-NIR", "nir", f"Le NIR est invalide : {detail}.", _hint("REG-NIR"))
        )

    nir = nir.strip().upper()
    if len(nir) != 13:
        return fail(f"il compte {len(nir)} caractères au lieu de 13 (sans la clé)")
    if nir[0] not in "123478":
        return fail(f"le premier chiffre (sexe) vaut « {nir[0]} » au lieu de 1 ou 2")
    if not nir[1:5].isdigit():
        return fail("l'année et le mois de naissance (caractères 2 à 5) doivent être des chiffres")
    month = int(nir[3:5])
    if not (1 <= month <= 12 or month == 20 or 30 <= month <= 42 or month >= 50):
        return fail(f"le mois de naissance (caractères 4 et 5) vaut « {nir[3:5]} »")
    department = nir[5:7]
    if department in ("2A", "2B"):
        pass
    elif not department.isdigit() or department in ("00",):
        return fail(f"le département de naissance (caractères 6 et 7) vaut « {department} »")
    elif department == "97" and nir[7] not in "12345678":
        return fail(f"le département d'outre-mer « 97{nir[7]} » n'existe pas")
    if not nir[7:].isdigit():
        return fail("les caractères 8 à 13 (commune ou pays, rang) doivent être des chiffres")
    try:
        # stdnum checks the structure of the full 15-character NIR; we rebuild the key.
        stdnum_nir.validate(nir + stdnum_nir.calc_check_digits(nir))
    except StdnumError:
        return fail("sa structure ne correspond pas à celle d'un NIR")
    return None


def check_certification(
    type_: str | None, code: str | None, bad: set | frozenset = frozenset()
) -> list[RuleResult]:
    out: list[RuleResult] = []
    if type_ is None or code is None or "type" in bad:
        return out
    if type_ not in _CODE_RE:
        out.append(
            RuleResult(
                "REG-TYPE-CERTIF",
                "type",
                f"Le type de certification « {type_} » n'est ni RNCP ni RS.",
                _hint("REG-TYPE-CERTIF"),
            )
        )
        return out
    if "code" not in bad and not _CODE_RE[type_].fullmatch(code):
        expected = "RNCP suivi de chiffres" if type_ == "RNCP" else "RS suivi de chiffres"
        out.append(
            RuleResult(
                "REG-CODE-CERTIF",
                "code",
                f"Le code « {code} » ne correspond pas au type {type_} (attendu : {expected}).",
                _hint("REG-CODE-CERTIF"),
            )
        )
    return out


def check_nature(
    nature: str | None, emetteur: str | None, certificateur: str | None
) -> list[RuleResult]:
    if not nature or not emetteur or not certificateur:
        return []
    if emetteur != certificateur and nature == "CERTIFICATEUR":
        detail = (
            f"l'émetteur ({emetteur}) n'est pas le certificateur ({certificateur}) : on attend "
            "TIERS_CONFIANCE"
        )
    elif emetteur == certificateur and nature == "TIERS_CONFIANCE":
        detail = f"l'émetteur est le certificateur lui-même ({emetteur}) : on attend CERTIFICATEUR"
    else:
        return []
    return [
        RuleResult(
            "REG-NATURE-DEPOSANT",
            "natureDeposant",
            f"natureDeposant vaut {nature} alors que {detail}.",
            _hint("REG-NATURE-DEPOSANT"),
        )
    ]


def _fr(iso: str) -> str:
    """2026-01-15 -> 15/01/2026 (how a certifier reads dates)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if len(iso) == 10 else iso


def _birth_text(year: int, month: int | None, day: int | None) -> str:
    if month and day:
        return f"{day:02d}/{month:02d}/{year}"
    if month:
        return f"{month:02d}/{year}"
    return str(year)
