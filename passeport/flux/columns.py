"""The spreadsheet's columns: which dictionary field each header means, and why.

A certifier's headers are whatever their office produced: « Nom de naissance », « NOM NAISSANCE »,
« nomNaissance », « 8.1 », « 8.1 - Nom de naissance », « Date de naissance (jj/mm/aaaa) »,
« Naissance date », « N° dossier CPF », « Dt jury »… `HeaderIndex.recognise` answers, for one
header, a `Recognition`: the column, the rule that matched (`RULES`, shown to the certifier) or,
when two fields are plausible, both candidates and no column — an ambiguous header is never
guessed. The rules, tried in order on the header, then on the header without its parenthesised
notes:

1. `mapping` — the explicit TOML mapping file, if any (`[colonnes]` « header » = "element…");
2. `name` — the element name or key, written as one word (« nomNaissance », « NOM_NAISSANCE »);
3. `number` — the field number alone, or with a label that names the same field
   (« 8.1 », « 8.1 - Nom de naissance »; a number and a label that disagree are ambiguous);
4. `label` — the dictionary's French label, compared folded (case, accents, punctuation,
   spaces and the little words « de », « du », « la »… ignored);
5. `synonym` — the usual names certifiers' information systems export (`SYNONYMS`);
6. `variant` — a label, name or synonym with abbreviations expanded (N°, No, Num., Nb, Dt, Cd,
   Cert., DDN, CP…), words in another order, plurals, articles and prepositions dropped or
   added, and the person the column is about (« du titulaire », « du candidat ») left out.

A folded form that two fields share, or that `AMBIGUOUS` lists (« Date », « Code postal »,
« Date de début »…), gives an ambiguous recognition. Unknown headers are reported, never
silently dropped. A column not recognised by name whose values are unique on every row and look
like identifiers may be *proposed* as `idTechnique` (`IdentifierWatch`), never taken.

Two pseudo-columns exist beside the dictionary's fields: `dateNaissance` (the birth date in one
column, split into `anneeNaissance`, `moisNaissance`, `jourNaissance`) and `resultats` (the
DigComp results « niveau/domaine/compétence » separated by « ; », e.g. « 5/3/4 ; 7/1/1 »).
"""

import datetime
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from passeport.flux import dictionary
from passeport.flux.normalisation import ValueSpec, fold

BIRTH_DATE = "dateNaissance"
RESULTS = "resultats"
ID_TECHNIQUE = "idTechnique"

# The rules, in the order they are tried; the French text says to the certifier why a column
# was recognised (the portal adds its own: remembered from the last file, chosen by hand).
RULES = {
    "mapping": "fichier de correspondance",
    "name": "nom de l'élément",
    "number": "numéro de champ",
    "label": "libellé du dictionnaire",
    "synonym": "variante usuelle",
    "variant": "variante (abréviation, ordre des mots, petits mots)",
}

_STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "et", "the"}
# Also dropped by the `variant` rule: articles, prepositions, the person the column is about,
# and the notes people add to a title (« obligatoire », « jj/mm/aaaa », « oui/non », « M/F »).
_VARIANT_DROPPED = _STOP_WORDS | {
    "un", "une", "pour", "par", "sur", "dans", "avec", "son", "sa", "ses", "leur", "ou", "of",
    "y", "vers", "obligatoire", "obtenu", "obtenue", "choisi", "choisie", "global", "globale",
    "unique", "facultatif", "facultative", "optionnel", "requis", "jj", "mm", "aaaa", "aa",
    "dd", "yyyy", "format", "oui", "non", "m", "f", "h",
}  # fmt: skip
# The person a column is about, left out by the `variant` rule (« Nom du candidat » is the
# name) — unless nothing but a generic word remains (« Numéro étudiant » is not a passage's id).
_PERSONS = {
    "titulaire", "candidat", "candidate", "apprenant", "apprenante", "stagiaire", "eleve",
    "etudiant", "etudiante", "beneficiaire", "laureat", "laureate", "personne", "individu",
}  # fmt: skip
_GENERIC = {"numero", "identifiant", "code", "reference", "nombre"}
# Abbreviations and spellings, token by token, as the `variant` rule reads them.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("n", "no", "num", "nr", "nro", "numero", "nu"), ("numero",)),
    **dict.fromkeys(("nb", "nbr", "nbre"), ("nombre",)),
    **dict.fromkeys(("dt", "dte"), ("date",)),
    "cd": ("code",),
    **dict.fromkeys(("cert", "certif", "certifs", "certificat"), ("certification",)),
    **dict.fromkeys(("id", "ident", "identif", "ids"), ("identifiant",)),
    **dict.fromkeys(("tech", "techn", "techniq"), ("technique",)),
    **dict.fromkeys(("nais", "naiss", "naissanc"), ("naissance",)),
    **dict.fromkeys(("lib", "lbl", "libel", "lib"), ("libelle",)),
    "deb": ("debut",),
    "exam": ("examen",),
    "valid": ("validite",),
    **dict.fromkeys(("insc", "inscr", "inscrip"), ("inscription",)),
    **dict.fromkeys(("mod", "modal"), ("modalite",)),
    **dict.fromkeys(("obt", "obtent"), ("obtention",)),
    "ddn": ("date", "naissance"),
    "cp": ("code", "postal"),
    "ss": ("securite", "sociale"),
    "secu": ("securite", "sociale"),
    "sex": ("sexe",),
    **dict.fromkeys(("euro", "europ", "europeenne"), ("europeen",)),
    "lang": ("langue",),
    "niv": ("niveau",),
    "doss": ("dossier",),
    **dict.fromkeys(("ref", "refs", "reference"), ("numero",)),
    "ville": ("commune",),
    **dict.fromkeys(("1er", "1ere", "premier", "premiere"), ("1",)),
    **dict.fromkeys(("2e", "2eme", "2nd", "2nde", "deuxieme", "second", "seconde"), ("2",)),
    **dict.fromkeys(("3e", "3eme", "troisieme"), ("3",)),
    "access": ("acces",),  # the schema's own spelling: voieAccessVAE
}
_NUMBER = re.compile(r"^\s*(\d{1,2}\.\d{1,2})\b[\s\-–—:.)]*|\(\s*(\d{1,2}\.\d{1,2})\s*\)")
_ORDINAL = re.compile(r"\b[Nn](?:°|º|o\b|\.)\s*(?=\d)")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ONE_WORD = re.compile(r"[A-Za-z0-9_./-]+")

# Field keys that are not spreadsheet columns: the shared nomNaissance of the NIR branch is
# the same column as the titulaire's, the DigComp results come through the `resultats` column.
_NOT_COLUMNS = {"identifiantNational/nomNaissance", "niveau", "domaineCompetenceId", "competenceId"}
_SPECIAL_KINDS = {
    "code": "certification",
    "codeInsee": "insee",
    "codePostal": "postal",
    "codePostalCentreExamen": "postal",
    "nir": "nir",
    "sexe": "sexe",
}
_KINDS = {"string": "text", "date": "date", "int": "int", "boolean": "boolean", "enum": "enum"}

# What certifiers' information systems and offices call the fields (compared folded, and by
# the `variant` rule too). Only names that mean ONE field: a name two fields could carry
# belongs in AMBIGUOUS.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("code rncp", "code rs", "code certification", "certification", "code fiche",
             "numero fiche", "rncp", "code france competences", "code diplome", "fiche rncp",
             "numero rncp", "code fiche rncp", "code titre", "code rncp rs", "rncp rs",
             "code repertoire", "fiche", "numero fiche rncp"),
    "type": ("repertoire", "type certification", "type fiche", "type repertoire"),
    "natureDeposant": ("nature deposant", "deposant", "qualite deposant"),
    "idTechnique": ("id technique", "identifiant passage", "id passage", "identifiant technique",
                    "reference passage", "cle passage", "uuid", "guid", "id unique", "cle unique",
                    "identifiant unique", "numero passage", "id resultat", "id inscription",
                    "identifiant inscription", "reference inscription", "numero inscription",
                    "id candidature", "numero candidature"),
    "urlPreuve": ("url preuve", "lien preuve", "preuve", "url verification",
                  "lien verification", "url badge", "lien badge", "url", "lien",
                  "url attestation", "lien attestation", "url parchemin"),
    "libelleOption": ("option", "specialite", "parcours", "libelle specialite",
                      "libelle parcours", "mention specialite", "dominante"),
    "obtentionCertification": ("obtention", "mode obtention", "type obtention",
                               "modalite obtention", "admission scoring"),
    "donneeCertifiee": ("certifiee", "resultat definitif", "donnee certifiee", "definitif",
                        "resultat certifie", "statut definitif", "provisoire definitif",
                        "certifie"),
    "dateDebutExamen": ("debut examen", "date examen", "date epreuve", "date debut epreuve",
                        "date passage examen", "date session", "debut session",
                        "date debut session", "date evaluation"),
    "dateFinExamen": ("fin examen", "date fin epreuve", "fin epreuve", "fin session",
                      "date fin session"),
    "modalitePassageExamen": ("modalite examen", "modalite passage", "mode passage examen",
                              "distance presentiel", "examen distance", "mode examen",
                              "examen distance presentiel"),
    "codePostalCentreExamen": ("cp centre examen", "code postal examen", "code postal centre",
                               "code postal lieu examen", "cp examen", "cp centre"),
    "dateDebutValidite": ("date obtention", "date jury", "date certification", "date delivrance",
                          "date diplome", "date validation", "debut validite",
                          "date deliberation", "date deliberation jury", "date reussite",
                          "date admission", "date decision jury", "jury", "date pv jury",
                          "date proces verbal", "date obtention diplome", "obtenu le",
                          "delivre le", "date attribution", "date effet",
                          "date delivrance diplome"),
    "dateFinValidite": ("fin validite", "date expiration", "expire le", "valable jusqu",
                        "date peremption", "validite jusqu", "date limite validite"),
    "presenceNiveauLangueEuro": ("presence niveau langue", "presence cecrl",
                                 "niveau langue present"),
    "niveauLangueEuropeen": ("niveau langue", "niveau cecrl", "cecrl", "niveau cecr", "cecr",
                             "niveau langue obtenu", "niveau europeen langue"),
    "presenceNiveauNumeriqueEuro": ("presence niveau numerique", "presence digcomp",
                                    "niveau numerique present"),
    "scoreGeneral": ("score numerique", "score general", "score pix", "score digcomp",
                     "score global numerique", "niveau numerique", "niveau digcomp"),
    RESULTS: ("resultats competence", "resultats digcomp", "resultats competences numeriques",
              "competences numeriques", "detail digcomp", "resultats par competence"),
    "scoring": ("score", "note", "note obtenue", "score obtenu", "note finale", "moyenne",
                "note globale", "points"),
    "mentionValidee": ("mention", "mention obtenue", "mention jury", "appreciation"),
    "modaliteAcces": ("voie acces", "modalite acces", "acces", "voie formation",
                      "mode acces", "type acces", "voie obtention", "type formation",
                      "statut formation", "regime inscription", "voie", "filiere",
                      "voie acces certification"),
    "voieAccessVAE": ("voie vae", "type vae", "acces vae", "modalite vae", "vae"),
    "initiativeInscription": ("initiative", "initiative inscription", "origine inscription",
                              "financeur", "prescripteur", "inscription initiative"),
    "dateInscription": ("inscrit le", "date entree", "date entree formation",
                        "date debut formation", "date inscription examen"),
    "idDossier": ("numero dossier cpf", "dossier cpf", "id dossier", "numero dossier",
                  "reference cpf", "numero cpf", "id cpf", "dossier", "reference dossier"),
    "nomTitulaire": ("nom titulaire dossier", "nom dossier cpf", "nom cpf"),
    "prenom1Titulaire": ("prenom titulaire dossier", "prenom dossier cpf", "prenom cpf"),
    "nomNaissance": ("nom", "nom famille", "nom jeune fille", "nom patronymique", "patronyme",
                     "nom naissance titulaire", "nom civil", "nom etat civil", "last name",
                     "surname", "family name", "nom jf", "nom naissance", "birth name"),
    "nomUsage": ("nom marital", "nom epouse", "nom usuel", "nom marie", "nom marital usage",
                 "nom utilise", "nom d usage"),
    "prenom1": ("prenom", "prenoms", "premier prenom", "prenom 1", "first name", "given name",
                "prenom usuel", "prenom principal"),
    "prenom2": ("deuxieme prenom", "second prenom", "prenom 2", "autre prenom",
                "middle name"),
    "prenom3": ("troisieme prenom", "prenom 3"),
    "sexe": ("genre", "civilite", "sexe titulaire", "gender", "sex", "h f", "m f",
             "masculin feminin"),
    BIRTH_DATE: ("date naissance", "ne le", "nee le", "ne e le", "naissance", "ddn",
                 "date naissance titulaire", "birth date", "date of birth", "birthdate",
                 "dob", "ne e", "date anniversaire"),
    "anneeNaissance": ("annee naissance", "an naissance", "annee", "annee ne",
                       "millesime naissance", "year of birth"),
    "moisNaissance": ("mois naissance", "mois ne"),
    "jourNaissance": ("jour naissance", "jour ne", "quantieme naissance"),
    "codeInsee": ("code insee", "insee", "code insee naissance", "insee naissance",
                  "code commune naissance", "code insee commune naissance", "numero insee",
                  "code insee commune", "cog naissance", "code officiel geographique",
                  "code commune insee", "insee lieu naissance", "code insee lieu naissance",
                  "numero insee commune naissance"),
    "codePostal": ("code postal naissance", "cp naissance", "code postal lieu naissance",
                   "code postal ville naissance", "code postal commune naissance"),
    "libelleCommuneNaissance": ("commune naissance", "ville naissance", "lieu naissance",
                                "localite naissance", "ville natale", "ne a", "nee a", "ne e a",
                                "libelle commune naissance", "lieu de naissance ville",
                                "commune", "birth place", "place of birth"),
    "codePaysNaissance": ("code pays", "code pays naissance", "code iso pays",
                          "code pays iso", "pays iso", "code pays insee"),
    "libellePaysNaissance": ("pays naissance", "pays", "nationalite naissance",
                             "pays natal", "libelle pays", "country of birth"),
    "commentairesMEN": ("commentaire", "commentaires", "observations", "remarques",
                        "commentaire men", "remarque", "observation"),
    "nir": ("numero securite sociale", "nss", "numero ss", "nir titulaire", "securite sociale",
            "numero securite", "numero sociale", "n secu",
            "immatriculation securite sociale", "numero immatriculation"),
    "verbatim": ("texte libre", "precision"),
}  # fmt: skip

# Headers that two or more fields could carry: never guessed (shown to the certifier, reported
# by the CLI with the candidates). Compared as the `variant` rule reads a header.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "date": ("dateDebutValidite", "dateDebutExamen", BIRTH_DATE, "dateInscription"),
    "date debut": ("dateDebutValidite", "dateDebutExamen"),
    "date fin": ("dateFinValidite", "dateFinExamen"),
    "debut": ("dateDebutValidite", "dateDebutExamen"),
    "fin": ("dateFinValidite", "dateFinExamen"),
    "code": ("code", "codeInsee", "codePostal", "codePaysNaissance"),
    "code postal": ("codePostal", "codePostalCentreExamen"),
    "identifiant": (ID_TECHNIQUE, "idDossier", "nir"),
    "numero": (ID_TECHNIQUE, "idDossier", "nir"),
    "niveau": ("niveauLangueEuropeen", "scoreGeneral"),
    "niveau europeen": ("niveauLangueEuropeen", "scoreGeneral"),
    "presence niveau": ("presenceNiveauLangueEuro", "presenceNiveauNumeriqueEuro"),
    "presence niveau europeen": ("presenceNiveauLangueEuro", "presenceNiveauNumeriqueEuro"),
    "resultat": ("donneeCertifiee", RESULTS, "mentionValidee"),
    "resultats": ("donneeCertifiee", RESULTS, "mentionValidee"),
    "modalite": ("modaliteAcces", "modalitePassageExamen", "obtentionCertification"),
    "mode": ("modaliteAcces", "modalitePassageExamen", "obtentionCertification"),
    "libelle": ("libelleOption", "libelleCommuneNaissance", "libellePaysNaissance"),
    "statut": ("donneeCertifiee", "modaliteAcces"),
    "score niveau": ("scoring", "scoreGeneral"),
    "commune code": ("codeInsee", "codePostal"),
    "lieu": ("libelleCommuneNaissance", "codePostalCentreExamen"),
    "type": ("type", "modaliteAcces", "obtentionCertification"),
}


class MappingError(ValueError):
    """A mapping file that cannot be used; the message is French and names the file."""


class AmbiguousHeaders(MappingError):
    """Headers two fields could carry: the build needs a mapping (one message per header)."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Column:
    key: str  # the dictionary field key, or BIRTH_DATE / RESULTS
    number: str
    label: str
    help: str
    spec: ValueSpec
    field: dictionary.Field | None = None
    versions: tuple[str, ...] = dictionary.VERSIONS

    @property
    def name(self) -> str:
        return self.field.name if self.field else self.key

    def describe(self) -> str:
        """« Nom de naissance (8.1, nomNaissance) », as the certifier reads it."""
        return f"{self.label} ({self.number}, {self.name})"


@dataclass(frozen=True)
class Recognition:
    """What one header was recognised as: a column and the rule that matched, or, for an
    ambiguous header, no column and the plausible `candidates`; for an unknown one, nothing."""

    header: str
    column: Column | None = None
    rule: str = ""  # a key of RULES
    candidates: tuple[Column, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.column is None and len(self.candidates) > 1

    @property
    def status(self) -> str:
        """recognised | ambiguous | unknown"""
        if self.column is not None:
            return "recognised"
        return "ambiguous" if self.ambiguous else "unknown"

    @property
    def explanation(self) -> str:
        """Why, in French: « libellé du dictionnaire », « ambigu : … ou … », « non reconnue »."""
        if self.column is not None:
            return RULES.get(self.rule, self.rule)
        if self.ambiguous:
            return "ambigu : " + " ou ".join(c.describe() for c in self.candidates)
        return "non reconnue"


def header_key(text: str) -> str:
    """A header folded for comparison: « Nom de naissance » → « nom naissance »."""
    text = re.sub(r"([a-z])([A-Z0-9])", r"\1 \2", str(text))  # camelCase → words
    return " ".join(w for w in fold(text).split() if w not in _STOP_WORDS)


def variant_key(text: str) -> tuple[str, ...]:
    """A header as the `variant` rule reads it: folded, abbreviations expanded, plurals made
    singular, little words and the person left out, in no particular order.
    « N° de dossier CPF » and « dossier CPF numéro » → ('cpf', 'dossier', 'numero')."""
    text = re.sub(r"([a-z])([A-Z0-9])", r"\1 \2", str(text))
    text = _ORDINAL.sub(" ", text)  # « Prénom n°2 » is « Prénom 2 »
    words: set[str] = set()
    for word in fold(text).split():
        if word.isdigit() and len(word) > 1:
            continue  # « Note /20 », « Score (sur 100) »: a scale, not a word
        for expanded in _ABBREVIATIONS.get(word, (word,)):
            if expanded in _VARIANT_DROPPED:
                continue
            expanded = _singular(expanded)
            expanded = _ABBREVIATIONS.get(expanded, (expanded,))[0]
            if expanded not in _VARIANT_DROPPED:
                words.add(expanded)
    if not words - _PERSONS <= _GENERIC:
        words -= _PERSONS
    return tuple(sorted(words))


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if word.endswith("eaux"):
        return word[:-1]
    return word


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def _spec(f: dictionary.Field) -> ValueSpec:
    kind = _SPECIAL_KINDS.get(f.name) or _KINDS[f.kind]
    length = f.min_length if f.min_length is not None and f.min_length == f.max_length else None
    return ValueSpec(
        name=f.key,
        kind=kind,
        label=f.label,
        min_length=None if length else f.min_length,
        max_length=None if length else f.max_length,
        length=length,
        min_value=f.min,
        max_value=f.max,
        choices=dict(f.choices),
    )


def spreadsheet_columns(version: str = "1.1.5") -> list[Column]:
    """Every column a spreadsheet may have, in the dictionary's order (the template's order)."""
    columns: list[Column] = []
    for f in dictionary.FIELDS:
        if f.is_group or f.scope == "flux" or f.key in _NOT_COLUMNS or version not in f.versions:
            continue
        columns.append(
            Column(f.key, f.number, f.label, f.help, _spec(f), field=f, versions=f.versions)
        )
        if f.name == "scoreGeneral":
            columns.append(
                Column(
                    RESULTS,
                    "5.3",
                    "Résultats par compétence numérique",
                    "Les résultats DigComp « niveau/domaine/compétence » séparés par « ; » "
                    "(par exemple 5/3/4 ; 7/1/1).",
                    ValueSpec(name=RESULTS, kind="text", max_length=2000),
                )
            )
    return columns


def birth_date_column() -> Column:
    return Column(
        BIRTH_DATE,
        "8.6",
        "Date de naissance",
        "La date de naissance complète (jj/mm/aaaa), à la place des colonnes année, mois, jour.",
        ValueSpec(name=BIRTH_DATE, kind="date"),
    )


class HeaderIndex:
    """Every way of naming every column of a schema version, built once (`header_index`)."""

    def __init__(self, version: str = "1.1.5"):
        self.version = version
        self.columns = [*spreadsheet_columns(version), birth_date_column()]
        self.by_key = {c.key: c for c in self.columns}
        self._exact: dict[str, Column] = {}  # the element name or key, as the CDC writes it
        self._names: dict[str, Column] = {}  # the same, any case, « _ » or « - » between words
        self._numbers: dict[str, Column] = {}
        self._labels: dict[str, Column] = {}
        self._phrases: dict[str, set[str]] = {}  # synonyms folded, little words kept
        self._synonyms: dict[str, set[str]] = {}  # synonyms folded, little words dropped
        self._variants: dict[tuple[str, ...], set[str]] = {}
        for column in self.columns:
            for name in {column.key, column.name}:
                self._exact.setdefault(name, column)
                self._names.setdefault(_compact(name), column)
            if column.field is not None:  # the birth-date column borrows 8.6 from the year
                self._numbers[column.number] = column
            labels = {column.label, _PAREN.sub(" ", column.label)}
            for label in labels:
                self._labels.setdefault(header_key(label), column)
            for synonym in SYNONYMS.get(column.key, ()):
                self._phrases.setdefault(fold(synonym), set()).add(column.key)
                self._synonyms.setdefault(header_key(synonym), set()).add(column.key)
            for text in (*labels, *SYNONYMS.get(column.key, ())):
                key = variant_key(text)
                if key:
                    self._variants.setdefault(key, set()).add(column.key)
        for column in self.columns:  # names written as words last: never shadow a label
            key = variant_key(re.sub(r"([a-z])([A-Z])", r"\1 \2", column.name))
            if key and key not in self._variants:
                self._variants[key] = {column.key}
        self._ambiguous = {
            variant_key(text): tuple(k for k in keys if k in self.by_key)
            for text, keys in AMBIGUOUS.items()
        }

    def recognise(self, header) -> Recognition:
        """One header → its Recognition (see the module docstring for the rules' order)."""
        text = "" if header is None else str(header).strip()
        if not text:
            return Recognition(text)
        found = self._numbered(text)
        if found is not None:
            return found
        return self._by_words_or_notes(text, text)

    def resolve(self, name: str) -> Column | None:
        """A column from a mapping value: element name, key, number or label (not a guess)."""
        name = str(name).strip()
        if name in self.by_key:
            return self.by_key[name]
        if name in self._numbers:
            return self._numbers[name]
        recognition = self.recognise(name)
        return recognition.column if recognition.rule in ("name", "label", "number") else None

    def _numbered(self, text: str) -> Recognition | None:
        match = _NUMBER.search(text)
        if not match:
            return None
        numbered = self._numbers.get(match.group(1) or match.group(2))
        rest = _NUMBER.sub(" ", text).strip(" -–—:.")
        named = self._by_words_or_notes(rest, text) if rest else None
        if numbered is None:
            return named if named is not None else Recognition(text)
        if named is None or named.status == "unknown" or named.column is numbered:
            return Recognition(text, numbered, "number")
        if named.column is not None and named.column.key == BIRTH_DATE and numbered.number == "8.6":
            return Recognition(text, named.column, "number")  # « 8.6 Date de naissance »
        others = named.candidates or (named.column,)
        if named.column is None and any(c.key == numbered.key for c in others):
            return Recognition(text, numbered, "number")  # the number picks one of the words'
        return Recognition(
            text, None, "", (numbered, *(c for c in others if c.key != numbered.key))
        )

    def _by_words_or_notes(self, text: str, header: str) -> Recognition:
        """The words of a header; if unknown, the same without its notes in parentheses."""
        found = self._by_words(text, header)
        if found.status == "unknown":
            stripped = _PAREN.sub(" ", text).strip()
            if stripped and stripped != text:
                found = self._by_words(stripped, header)
        return found

    def _by_words(self, text: str, header: str) -> Recognition:
        if text in self._exact:
            return Recognition(header, self._exact[text], "name")
        variant = variant_key(text)
        ambiguous = self._ambiguous.get(variant) if variant else None
        if ambiguous is None and _ONE_WORD.fullmatch(text):
            column = self._names.get(_compact(text))
            if column is not None:
                return Recognition(header, column, "name")
        folded = header_key(text)
        if folded in self._labels:
            return Recognition(header, self._labels[folded], "label")
        if ambiguous is not None:  # « Date », « Code », « Code postal »…: never guessed
            return self._one_of(header, ambiguous, "variant", in_given_order=True)
        keys = self._phrases.get(fold(text)) or self._synonyms.get(folded)
        if keys is not None:
            return self._one_of(header, keys, "synonym")
        keys = self._variants.get(variant) if variant else None
        if keys is not None:
            return self._one_of(header, keys, "variant")
        return Recognition(header)

    def _one_of(self, header: str, keys, rule: str, in_given_order=False) -> Recognition:
        """The one column of `keys`, or an ambiguous recognition (candidates in the order
        AMBIGUOUS gives, the likeliest first; else in the dictionary's order)."""
        order = keys if in_given_order else [k for k in self.by_key if k in set(keys)]
        columns = tuple(self.by_key[k] for k in dict.fromkeys(order) if k in self.by_key)
        if len(columns) == 1:
            return Recognition(header, columns[0], rule)
        return Recognition(header, None, "", columns)


@functools.lru_cache(maxsize=4)
def header_index(version: str = "1.1.5") -> HeaderIndex:
    return HeaderIndex(version)


def recognise(header, version: str = "1.1.5") -> Recognition:
    """One header → its Recognition (column and rule, candidates if ambiguous)."""
    return header_index(version).recognise(header)


def resolve_field(name: str, version: str = "1.1.5") -> Column | None:
    """A column from a mapping value: element name, key, number or label."""
    return header_index(version).resolve(name)


@dataclass
class HeaderMapping:
    """Result of header recognition: column index → Column, plus what was not recognised."""

    columns: dict[int, Column] = field(default_factory=dict)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (index, header)
    ambiguous: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)  # + keys
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)  # (index, header, key)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # mapped to "" explicitly
    unsupported: list[tuple[int, str]] = field(default_factory=list)  # not in this version
    recognitions: dict[int, Recognition] = field(default_factory=dict)  # every header cell
    version: str = "1.1.2"

    def keys(self) -> set[str]:
        return {c.key for c in self.columns.values()}


@dataclass
class Mapping:
    """A TOML mapping file: headers → fields, and constant values for every row."""

    columns: dict[str, str] = field(default_factory=dict)  # header → key ("" = ignore)
    values: dict[str, object] = field(default_factory=dict)  # key → constant value
    path: str = ""


def recognise_headers(
    headers: list, mapping: Mapping | None = None, version: str | None = None
) -> HeaderMapping:
    """Map each header cell to a Column. `version` None: 1.1.5 if a NIR column is present."""
    index = header_index("1.1.5")
    explicit = {header_key(k): v for k, v in (mapping.columns if mapping else {}).items()}
    result = HeaderMapping()
    seen: dict[str, int] = {}
    for position, raw in enumerate(headers):
        header = "" if raw is None else str(raw).strip()
        if not header:
            continue
        target = explicit.get(header_key(header))
        if target is not None:
            if target == "":
                result.ignored.append((position, header))
                continue
            column = index.resolve(target)
            if column is None:
                raise MappingError(
                    f"{mapping.path} : la colonne « {header} » est associée à « {target} », qui "
                    "n'est pas un champ du flux. Utilisez le nom de l'élément (nomNaissance), "
                    "son numéro (8.1) ou son libellé."
                )
            recognition = Recognition(header, column, "mapping")
        else:
            recognition = index.recognise(header)
        result.recognitions[position] = recognition
        column = recognition.column
        if recognition.ambiguous:
            keys = tuple(c.key for c in recognition.candidates)
            result.ambiguous.append((position, header, keys))
            continue
        if column is None:
            result.unknown.append((position, header))
            continue
        if column.key in seen:
            result.duplicates.append((position, header, column.key))
            continue
        seen[column.key] = position
        result.columns[position] = column
    if version is None:
        version = "1.1.5" if "nir" in seen else "1.1.2"
    result.version = version
    if version != "1.1.5":
        for position, column in list(result.columns.items()):
            if version not in column.versions:
                del result.columns[position]
                result.unsupported.append((position, str(headers[position]).strip()))
    return result


def ambiguity_message(header: str, keys: tuple[str, ...], source: str = "") -> str:
    """The French message for an ambiguous header (the CLI stops on it: --mapping decides)."""
    index = header_index("1.1.5")
    candidates = " ou ".join(index.by_key[k].describe() for k in keys if k in index.by_key)
    where = f"{source} : " if source else ""
    return (
        f"{where}le titre de colonne « {header} » est ambigu : il peut désigner {candidates}. "
        "Rien n'est deviné : précisez-le dans le fichier de correspondance (--mapping), par "
        f'exemple [colonnes] "{header}" = "{keys[0]}", ou "" pour ignorer la colonne.'
    )


def count_recognised(values, mapping: Mapping | None = None) -> int:
    """How many cells of a row are recognised (or ambiguous) headers: a header row has two."""
    index = header_index("1.1.5")
    explicit = {header_key(k) for k in (mapping.columns if mapping else {})}
    count = 0
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if header_key(value) in explicit or index.recognise(value).status != "unknown":
            count += 1
    return count


def find_header_row(rows, mapping: Mapping | None = None, search: int = 10):
    """(line, values) of the first of the first `search` non-blank rows with at least two
    recognised headers, or None; `rows` (an iterator of (line, values)) is left after it."""
    for _ in range(search):
        try:
            line, values = next(rows)
        except StopIteration:
            return None
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if count_recognised(values, mapping) >= 2:
            return line, values
    return None


def _parse_mapping(data: dict, name: str) -> Mapping:
    unknown_tables = set(data) - {"colonnes", "columns", "valeurs", "values"}
    if unknown_tables:
        raise MappingError(
            f"{name} : section(s) inconnue(s) {', '.join(sorted(unknown_tables))} ; seules "
            "[colonnes] et [valeurs] sont permises."
        )
    columns = {**data.get("columns", {}), **data.get("colonnes", {})}
    values = {**data.get("values", {}), **data.get("valeurs", {})}
    for header, target in columns.items():
        if not isinstance(target, str):
            raise MappingError(
                f"{name} : [colonnes] « {header} » doit être associé à un texte (nom de "
                'l\'élément, par exemple "nomNaissance").'
            )
    resolved_values: dict[str, object] = {}
    for key, value in values.items():
        column = resolve_field(key)
        if column is None:
            raise MappingError(
                f"{name} : [valeurs] « {key} » n'est pas un champ du flux. Utilisez le nom de "
                "l'élément (obtentionCertification), son numéro (4.4) ou son libellé."
            )
        resolved_values[column.key] = value
    return Mapping(columns=columns, values=resolved_values, path=name)


def _toml_error(name: str, exc: Exception) -> MappingError:
    return MappingError(
        f"{name} : fichier de correspondance TOML invalide ({exc}). Chaque ligne doit "
        'avoir la forme "Titre de colonne" = "nomElement".'
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read a TOML mapping file (`[colonnes]` and `[valeurs]`). Raises MappingError."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise MappingError(f"{name} : lecture impossible ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(name, exc) from None
    return _parse_mapping(data, name)


def parse_mapping(text: str | bytes, name: str = "correspondance.toml") -> Mapping:
    """A mapping file's content (an API upload, the portal's saved choices)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MappingError(
                f"{name} : le fichier de correspondance doit être enregistré en UTF-8."
            ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(name, exc) from None
    return _parse_mapping(data, name)


def _toml_string(text: str) -> str:
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped) + '"'


def dump_mapping(mapping: Mapping, *, title: str = "", notes: dict | None = None) -> str:
    """The TOML text of a mapping, as `passeport flux build --mapping` reads it back: one line
    per header, the field's label (or `notes[header]`) as a comment ("" = column ignored)."""
    index = header_index("1.1.5")
    lines = []
    if title:
        lines += [f"# {line}" for line in title.splitlines()]
    lines.append("[colonnes]")
    for header, key in mapping.columns.items():
        column = index.by_key.get(key)
        note = (notes or {}).get(header) or (
            f"{column.label} ({column.number})" if column else "colonne ignorée"
        )
        lines.append(f"{_toml_string(header)} = {_toml_string(key)}  # {note}")
    if mapping.values:
        lines += ["", "[valeurs]"]
        for key, value in mapping.values.items():
            rendered = (
                ("true" if value else "false") if isinstance(value, bool) else _toml_string(value)
            )
            lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"


# -- a column proposed as idTechnique: unique on every row, values that look like identifiers --
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./:#-]*")
_DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}")
_NIR_LIKE = re.compile(r"[1-478]\d{4}(?:\d{2}|2A|2B)\d{6}(?:\d{2})?")


class IdentifierWatch:
    """Watches the cells of unrecognised columns, row by row, and keeps those whose values are
    all present, all distinct and shaped like identifiers (letters, digits, - _ . / : #, at
    least one digit; not a date, not a NIR, not the row numbers 1, 2, 3…). `proposal()` gives
    the first such column: proposed to the certifier as idTechnique, never taken silently."""

    def __init__(self, positions, max_length: int = 255):
        self.max_length = max_length
        self.seen: dict[int, set[str]] = {p: set() for p in positions}
        self.integers: dict[int, list[int]] = {p: [0, 0, 0] for p in positions}  # min, max, n
        self.rows = 0

    def add(self, values) -> None:
        if not self.seen:
            return
        self.rows += 1
        for position in list(self.seen):
            value = values[position] if position < len(values) else None
            text = self._text(value)
            seen = self.seen[position]
            if text is None or text in seen:
                del self.seen[position]
                continue
            seen.add(text)
            if text.isdigit() and len(text) < 10:
                number, stats = int(text), self.integers[position]
                stats[0] = number if stats[2] == 0 else min(stats[0], number)
                stats[1] = max(stats[1], number)
                stats[2] += 1

    def _text(self, value) -> str | None:
        if isinstance(value, bool | datetime.date | datetime.time):
            return None
        if isinstance(value, float):
            if value != int(value):
                return None
            value = int(value)
        text = str(value).strip() if value is not None else ""
        if (
            not text
            or len(text) > self.max_length
            or not _IDENTIFIER.fullmatch(text)
            or not any(c.isdigit() for c in text)
            or _DATE_LIKE.fullmatch(text)
            or _NIR_LIKE.fullmatch(text)
        ):
            return None
        return text

    def proposal(self) -> int | None:
        if self.rows < 2:
            return None
        for position in sorted(self.seen):
            low, high, count = self.integers[position]
            if count == self.rows and high - low + 1 == count and low <= 1:
                continue  # 1, 2, 3…: the rows' numbers, not a stable identifier of a passage
            return position
        return None
