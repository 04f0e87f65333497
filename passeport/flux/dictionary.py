"""The data dictionary of the CDC certifiers' flux: one `Field` per XML element, as plain data.

This module is the single source every other part of `passeport.flux` (and the portal) reads:
the XML builder, the spreadsheet template and column recognition, the online entry form, the
validation messages. It imports nothing but the standard library.

Facts (element names, types, facets, cardinalities, enumeration codes) come from the published
CDC schema `version="1.1.2"` (kit « v2.0.0 ») and from the published description of the 2026
evolution `1.1.5` (`flux/action`, `identificationTitulaire/identifiantNational{nir, nomNaissance}`).
French labels and help sentences are ours.

Field numbers (« 8.1 » …) — documented in docs/dictionnaire-flux.md:

* Blocks 1 to 9, each introduced by its container element, which carries the bare block number:
  1 flux, 2 emetteur, 3 certification, 4 passageCertification, 5 niveauNumeriqueEuropeen,
  6 modalitesInscription, 7 dossierFormation, 8 titulaire, 9 identifiantNational.
* Inside a block, elements are numbered 1, 2, 3… in the order of the schema, wrappers that do not
  open a block of their own included (e.g. 2.2 certificateurs, 8.10 codeCommuneNaissance).
* A number is never reused nor renumbered: an element added by a future schema version takes the
  next free number of its block, wherever it sits in the document.

`path` is the tuple of element names from the block's scope root: from `passageCertification`
for passage fields (`scope == "passage"`), from `certification` for certification fields, from
`flux` for flux fields. `xpath` is the full path from the root element `flux`.

`required` means minOccurs ≥ 1 *inside its parent*: `titulaire/nomNaissance` is required when a
`titulaire` is present, and `titulaire` itself belongs to a choice (`choice` names the choice).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NAMESPACE = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
VERSIONS = ("1.1.2", "1.1.5")
BOTH = VERSIONS
V115 = ("1.1.5",)

# The date and dateTime patterns of the CDC schema (a restriction of xsd:date / xsd:dateTime).
DATE_PATTERN = r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
DATETIME_PATTERN = (
    r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"T(2[0-3]|[01][0-9]):[0-5][0-9]:[0-5][0-9](\+|-)(:2[0-3]|[01][0-9]):[0-5][0-9]"
)

# Enumerations, keyed by the schema's simple type name: (CDC code, French label), schema order.
ENUMERATIONS: dict[str, list[tuple[str, str]]] = {
    "natureDeposant": [
        ("CERTIFICATEUR", "Certificateur"),
        ("TIERS_CONFIANCE", "Tiers de confiance"),
    ],
    "obtentionCertification": [
        ("PAR_ADMISSION", "Par admission"),
        ("PAR_SCORING", "Par scoring"),
    ],
    "modalitePassageExamen": [
        ("A_DISTANCE", "À distance"),
        ("EN_PRESENTIEL", "En présentiel"),
        ("MIXTE", "Mixte"),
    ],
    "niveauCECRL": [
        ("A1", "A1 — introductif"),
        ("A2", "A2 — intermédiaire"),
        ("B1", "B1 — seuil"),
        ("B2", "B2 — avancé"),
        ("C1", "C1 — autonome"),
        ("C2", "C2 — maîtrise"),
        ("INSUFFISANT", "Insuffisant"),
    ],
    "mention": [
        ("SANS_MENTION", "Sans mention"),
        ("MENTION_ASSEZ_BIEN", "Mention assez bien"),
        ("MENTION_BIEN", "Mention bien"),
        ("MENTION_TRES_BIEN", "Mention très bien"),
        (
            "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY",
            "Mention très bien avec félicitations du jury",
        ),
    ],
    "modaliteAcces": [
        ("FORMATION_INITIALE_HORS_APPRENTISSAGE", "Formation initiale hors apprentissage"),
        ("FORMATION_INITIALE_APPRENTISSAGE", "Formation initiale en apprentissage"),
        (
            "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
            "Formation continue hors contrat de professionnalisation",
        ),
        (
            "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
            "Formation continue en contrat de professionnalisation",
        ),
        ("VAE", "Validation des acquis de l'expérience (VAE)"),
        ("EQUIVALENCE_DIPLOME_ETRANGER", "Équivalence de diplôme étranger"),
        ("CANDIDAT_LIBRE", "Candidat libre"),
    ],
    "voieAccesVAE": [
        ("CONGES_VAE", "Congé VAE"),
        ("VAE_CLASSIQUE", "VAE classique"),
    ],
    "initiativeInscription": [
        ("CERTIFIE", "À l'initiative du certifié"),
        ("OF", "À l'initiative de l'organisme de formation"),
        ("POLE_EMPLOI", "À l'initiative de Pôle emploi / France Travail"),
        ("EMPLOYEUR", "À l'initiative de l'employeur"),
        ("AUTRE", "Autre"),
    ],
    "genre": [
        ("M", "Masculin"),
        ("F", "Féminin"),
    ],
    # 1.1.5 only.
    "action": [
        ("CREATION", "Création (nouveaux passages)"),
        ("SUPPRESSION", "Suppression (retrait de passages déjà déposés)"),
    ],
}

KINDS = ("group", "string", "date", "datetime", "int", "boolean", "enum")


@dataclass(frozen=True)
class Field:
    name: str  # the CDC element name, verbatim
    number: str  # stable field number, see the module docstring
    scope: str  # "flux" | "certification" | "passage"
    path: tuple[str, ...]  # element names from the scope root (see the module docstring)
    label: str  # French label, as a certifier reads it
    help: str  # one French sentence: what to put there
    kind: str  # one of KINDS
    required: bool = True  # minOccurs >= 1 inside its parent
    nillable: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: str | None = None  # the schema's simple type name, key of ENUMERATIONS
    repeated: bool = False  # maxOccurs="unbounded"
    choice: str | None = None  # name of the enclosing choice (a branch of it)
    versions: tuple[str, ...] = BOTH
    example: str | None = None
    key: str = field(default="")  # unique key: name, or "parent/name" when the name is shared

    @property
    def parent(self) -> str | None:
        return self.path[-2] if len(self.path) > 1 else _SCOPE_ROOT[self.scope]

    @property
    def xpath(self) -> tuple[str, ...]:
        """Element names from the root `flux` down to this element."""
        return _SCOPE_PREFIX[self.scope] + self.path

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(CDC code, French label) pairs of an enumeration, [] for other kinds."""
        return list(ENUMERATIONS[self.enum]) if self.enum else []

    @property
    def block(self) -> int:
        return int(self.number.split(".")[0])

    def in_version(self, version: str) -> bool:
        return version in self.versions


_SCOPE_ROOT = {"flux": "flux", "certification": "certification", "passage": "passageCertification"}
_PASSAGE_PREFIX = (
    "emetteur",
    "certificateurs",
    "certificateur",
    "certifications",
    "certification",
    "passageCertifications",
    "passageCertification",
)
_SCOPE_PREFIX = {
    "flux": ("flux",),
    "certification": ("flux", *_PASSAGE_PREFIX[:5]),
    "passage": ("flux", *_PASSAGE_PREFIX),
}


def _text(lo: int, hi: int) -> dict:
    return {"kind": "string", "min_length": lo, "max_length": hi}


def _exact(n: int) -> dict:
    return {"kind": "string", "min_length": n, "max_length": n}


def _int(lo: int, hi: int) -> dict:
    return {"kind": "int", "min": lo, "max": hi}


_DATE = {"kind": "date", "pattern": DATE_PATTERN}
_BOOL = {"kind": "boolean"}
_GROUP = {"kind": "group"}


def _enum(type_name: str) -> dict:
    return {"kind": "enum", "enum": type_name}


# (number, scope, path, label, help, facets, extra) in schema order.
_ROWS: list[tuple] = [
    # ---- Block 1: the flux ----
    ("1", "flux", (), "Flux", "Le fichier déposé : un flux par dépôt.", _GROUP, {}),
    (
        "1.1",
        "flux",
        ("idFlux",),
        "Identifiant du flux",
        "Un identifiant unique que vous donnez à ce fichier (par exemple un UUID).",
        _text(1, 50),
        {"example": "6e3c7378-bda4-497a-9bd6-dc203f903ed9"},
    ),
    (
        "1.2",
        "flux",
        ("horodatage",),
        "Date et heure de création du flux",
        "La date et l'heure de production du fichier, avec le décalage horaire "
        "(aaaa-mm-jjThh:mm:ss+01:00).",
        {"kind": "datetime", "pattern": DATETIME_PATTERN},
        {"example": "2026-01-15T14:24:12+01:00"},
    ),
    (
        "1.3",
        "flux",
        ("action",),
        "Action du flux",
        "CREATION pour déposer des passages, SUPPRESSION pour retirer des passages déjà déposés "
        "(schéma 1.1.5 seulement).",
        _enum("action"),
        {"versions": V115, "example": "CREATION"},
    ),
    # ---- Block 2: émetteur and certificateur ----
    (
        "2",
        "flux",
        ("emetteur",),
        "Émetteur",
        "L'organisme qui dépose le fichier.",
        _GROUP,
        {},
    ),
    (
        "2.1",
        "flux",
        ("emetteur", "idClient"),
        "Identifiant client de l'émetteur",
        "L'identifiant à 8 caractères attribué par la Caisse des Dépôts à l'organisme qui dépose.",
        _exact(8),
        {"example": "AB123CDE", "key": "emetteur/idClient"},
    ),
    (
        "2.2",
        "flux",
        ("emetteur", "certificateurs"),
        "Certificateurs",
        "Le certificateur pour le compte duquel le fichier est déposé.",
        _GROUP,
        {},
    ),
    (
        "2.3",
        "flux",
        ("emetteur", "certificateurs", "certificateur"),
        "Certificateur",
        "Le certificateur qui délivre les certifications du fichier.",
        _GROUP,
        {},
    ),
    (
        "2.4",
        "flux",
        ("emetteur", "certificateurs", "certificateur", "idClient"),
        "Identifiant client du certificateur",
        "L'identifiant à 8 caractères attribué par la Caisse des Dépôts au certificateur.",
        _exact(8),
        {"example": "E564ACB0", "key": "certificateur/idClient"},
    ),
    (
        "2.5",
        "flux",
        ("emetteur", "certificateurs", "certificateur", "idContrat"),
        "Numéro de contrat",
        "Le numéro du contrat d'accrochage signé avec la Caisse des Dépôts (20 caractères "
        "au plus).",
        _text(1, 20),
        {"example": "2560080000127J"},
    ),
    (
        "2.6",
        "flux",
        ("emetteur", "certificateurs", "certificateur", "certifications"),
        "Certifications",
        "La liste des certifications dont des passages sont déposés.",
        _GROUP,
        {},
    ),
    # ---- Block 3: the certification ----
    (
        "3",
        "certification",
        (),
        "Certification",
        "Une certification RNCP ou RS et ses passages.",
        _GROUP,
        {"repeated": True},
    ),
    (
        "3.1",
        "certification",
        ("type",),
        "Type de certification",
        "RNCP pour une certification du Répertoire national, RS pour le Répertoire spécifique.",
        _text(1, 255),
        {"example": "RNCP"},
    ),
    (
        "3.2",
        "certification",
        ("code",),
        "Code de la certification",
        "Le code de la fiche France Compétences, préfixe compris (RNCP35185, RS5262…).",
        _text(1, 100),
        {"example": "RNCP19117"},
    ),
    (
        "3.3",
        "certification",
        ("natureDeposant",),
        "Nature du déposant",
        "CERTIFICATEUR si vous déposez vos propres passages, TIERS_CONFIANCE si vous déposez "
        "pour le compte d'un certificateur.",
        _enum("natureDeposant"),
        {"required": False, "example": "CERTIFICATEUR"},
    ),
    (
        "3.4",
        "certification",
        ("passageCertifications",),
        "Passages de certification",
        "La liste des passages (un par titulaire) de cette certification.",
        _GROUP,
        {},
    ),
    # ---- Block 4: the passage ----
    (
        "4",
        "passage",
        (),
        "Passage de certification",
        "L'obtention d'une certification par une personne.",
        _GROUP,
        {"repeated": True},
    ),
    (
        "4.1",
        "passage",
        ("idTechnique",),
        "Identifiant technique du passage",
        "Votre identifiant unique et stable de ce passage : il sert à le retrouver dans les "
        "accusés et à le supprimer.",
        _text(1, 255),
        {"example": "db855769-bcd6-4253-93cf-e666db666c0a"},
    ),
    (
        "4.2",
        "passage",
        ("urlPreuve",),
        "URL de la preuve",
        "L'adresse web où l'on peut vérifier l'obtention (parchemin, badge…), si elle existe.",
        _text(1, 255),
        {"required": False, "example": "https://diplomes.example.fr/verif/123"},
    ),
    (
        "4.3",
        "passage",
        ("libelleOption",),
        "Libellé de l'option",
        "L'option, la spécialité ou le parcours obtenu, si la certification en comporte.",
        _text(1, 255),
        {"required": False, "example": "Option commerce international"},
    ),
    (
        "4.4",
        "passage",
        ("obtentionCertification",),
        "Mode d'obtention",
        "PAR_ADMISSION si la certification est obtenue par décision d'un jury, PAR_SCORING si "
        "elle est obtenue par un score.",
        _enum("obtentionCertification"),
        {"example": "PAR_ADMISSION"},
    ),
    (
        "4.5",
        "passage",
        ("donneeCertifiee",),
        "Donnée certifiée",
        "true si le résultat est définitif (validé par le jury), false s'il est provisoire.",
        _BOOL,
        {"example": "true"},
    ),
    (
        "4.6",
        "passage",
        ("dateDebutExamen",),
        "Date de début de l'examen",
        "Le premier jour des épreuves (aaaa-mm-jj).",
        _DATE,
        {"required": False, "example": "2025-06-02"},
    ),
    (
        "4.7",
        "passage",
        ("dateFinExamen",),
        "Date de fin de l'examen",
        "Le dernier jour des épreuves (aaaa-mm-jj), égal ou postérieur au premier.",
        _DATE,
        {"required": False, "example": "2025-06-06"},
    ),
    (
        "4.8",
        "passage",
        ("modalitePassageExamen",),
        "Modalité de passage de l'examen",
        "A_DISTANCE, EN_PRESENTIEL ou MIXTE.",
        _enum("modalitePassageExamen"),
        {"required": False, "example": "EN_PRESENTIEL"},
    ),
    (
        "4.9",
        "passage",
        ("codePostalCentreExamen",),
        "Code postal du centre d'examen",
        "Le code postal du lieu des épreuves, avec son zéro initial (01000 et non 1000).",
        _text(1, 9),
        {"required": False, "example": "75009"},
    ),
    (
        "4.10",
        "passage",
        ("dateDebutValidite",),
        "Date d'obtention (début de validité)",
        "La date de délivrance de la certification (date du jury), à transmettre dans les 3 mois.",
        _DATE,
        {"example": "2025-07-01"},
    ),
    (
        "4.11",
        "passage",
        ("dateFinValidite",),
        "Date de fin de validité",
        "La date de fin de validité si la certification expire ; sinon laisser vide "
        "(écrit xsi:nil).",
        _DATE,
        {"nillable": True, "example": "2030-06-30"},
    ),
    (
        "4.12",
        "passage",
        ("presenceNiveauLangueEuro",),
        "Présence d'un niveau de langue européen",
        "true si la certification atteste un niveau du cadre européen des langues (CECRL), "
        "sinon false.",
        _BOOL,
        {"example": "false"},
    ),
    (
        "4.13",
        "passage",
        ("niveauLangueEuropeen",),
        "Niveau de langue européen (CECRL)",
        "Le niveau atteint (A1 à C2 ou INSUFFISANT), obligatoire si la présence d'un niveau de "
        "langue est true.",
        _enum("niveauCECRL"),
        {"required": False, "example": "B2"},
    ),
    (
        "4.14",
        "passage",
        ("presenceNiveauNumeriqueEuro",),
        "Présence d'un niveau numérique européen",
        "true si la certification atteste un niveau du cadre européen des compétences numériques "
        "(DigComp), sinon false.",
        _BOOL,
        {"example": "false"},
    ),
    (
        "5",
        "passage",
        ("niveauNumeriqueEuropeen",),
        "Niveau numérique européen",
        "Le score général et les résultats par compétence DigComp, obligatoire si la présence "
        "d'un niveau numérique est true.",
        _GROUP,
        {"required": False},
    ),
    (
        "5.1",
        "passage",
        ("niveauNumeriqueEuropeen", "scoreGeneral"),
        "Score général numérique",
        "Le score général obtenu, entier de 1 à 1000.",
        _int(1, 1000),
        {"required": False, "example": "890"},
    ),
    (
        "5.2",
        "passage",
        ("niveauNumeriqueEuropeen", "resultats"),
        "Résultats par compétence",
        "La liste des résultats par domaine et compétence DigComp.",
        _GROUP,
        {"required": False},
    ),
    (
        "5.3",
        "passage",
        ("niveauNumeriqueEuropeen", "resultats", "resultat"),
        "Résultat",
        "Un résultat : niveau atteint dans une compétence d'un domaine.",
        _GROUP,
        {"required": False, "repeated": True},
    ),
    (
        "5.4",
        "passage",
        ("niveauNumeriqueEuropeen", "resultats", "resultat", "niveau"),
        "Niveau atteint",
        "Le niveau DigComp atteint, entier de 1 à 8.",
        _int(1, 8),
        {"required": False, "example": "5"},
    ),
    (
        "5.5",
        "passage",
        ("niveauNumeriqueEuropeen", "resultats", "resultat", "domaineCompetenceId"),
        "Domaine de compétence",
        "Le numéro du domaine DigComp, un seul caractère (1 à 5).",
        _exact(1),
        {"required": False, "example": "3"},
    ),
    (
        "5.6",
        "passage",
        ("niveauNumeriqueEuropeen", "resultats", "resultat", "competenceId"),
        "Compétence",
        "Le numéro de la compétence dans son domaine, un seul caractère.",
        _exact(1),
        {"required": False, "example": "4"},
    ),
    (
        "4.15",
        "passage",
        ("scoring",),
        "Score obtenu",
        "Le score ou la note obtenue ; obligatoire pour une obtention PAR_SCORING, sinon laisser "
        "vide (écrit xsi:nil).",
        _text(1, 255),
        {"nillable": True, "example": "12.4"},
    ),
    (
        "4.16",
        "passage",
        ("mentionValidee",),
        "Mention",
        "La mention obtenue ; laisser vide (écrit xsi:nil) si la certification n'en délivre pas.",
        _enum("mention"),
        {"nillable": True, "example": "MENTION_BIEN"},
    ),
    (
        "6",
        "passage",
        ("modalitesInscription",),
        "Modalités d'inscription",
        "Comment la personne a accédé à la certification.",
        _GROUP,
        {},
    ),
    (
        "6.1",
        "passage",
        ("modalitesInscription", "modaliteAcces"),
        "Modalité d'accès",
        "La voie d'accès (formation initiale, apprentissage, formation continue, VAE…) ; vide "
        "(xsi:nil) si inconnue.",
        _enum("modaliteAcces"),
        {"nillable": True, "example": "FORMATION_INITIALE_HORS_APPRENTISSAGE"},
    ),
    (
        "6.2",
        "passage",
        ("modalitesInscription", "voieAccessVAE"),
        "Voie d'accès VAE",
        "Pour une VAE : CONGES_VAE ou VAE_CLASSIQUE.",
        _enum("voieAccesVAE"),
        {"required": False, "example": "VAE_CLASSIQUE"},
    ),
    (
        "6.3",
        "passage",
        ("modalitesInscription", "initiativeInscription"),
        "Initiative de l'inscription",
        "Qui a pris l'initiative de l'inscription (le certifié, l'organisme de formation, "
        "l'employeur…).",
        _enum("initiativeInscription"),
        {"required": False, "example": "CERTIFIE"},
    ),
    (
        "6.4",
        "passage",
        ("modalitesInscription", "dateInscription"),
        "Date d'inscription",
        "La date d'inscription à la certification (aaaa-mm-jj).",
        _DATE,
        {"required": False, "example": "2024-09-02"},
    ),
    (
        "4.17",
        "passage",
        ("identificationTitulaire",),
        "Identification du titulaire",
        "L'identité du titulaire : par son dossier de formation CPF, par son état civil, ou "
        "(1.1.5) par son NIR.",
        _GROUP,
        {},
    ),
    (
        "7",
        "passage",
        ("identificationTitulaire", "dossierFormation"),
        "Dossier de formation CPF",
        "À utiliser si la formation a été financée par le CPF : le numéro de dossier suffit à "
        "identifier la personne.",
        _GROUP,
        {"choice": "identificationTitulaire"},
    ),
    (
        "7.1",
        "passage",
        ("identificationTitulaire", "dossierFormation", "idDossier"),
        "Numéro de dossier CPF",
        "Le numéro du dossier de formation Mon Compte Formation (13 caractères au plus).",
        _text(1, 13),
        {"example": "1234567891011"},
    ),
    (
        "7.2",
        "passage",
        ("identificationTitulaire", "dossierFormation", "nomTitulaire"),
        "Nom du titulaire du dossier",
        "Le nom du titulaire tel qu'il figure sur le dossier CPF (30 caractères au plus).",
        _text(1, 30),
        {"example": "Dupont"},
    ),
    (
        "7.3",
        "passage",
        ("identificationTitulaire", "dossierFormation", "prenom1Titulaire"),
        "Prénom du titulaire du dossier",
        "Le premier prénom du titulaire tel qu'il figure sur le dossier CPF (20 caractères au "
        "plus).",
        _text(1, 20),
        {"example": "Antoine"},
    ),
    (
        "8",
        "passage",
        ("identificationTitulaire", "titulaire"),
        "Titulaire (état civil)",
        "L'état civil du titulaire, tel qu'il figure sur sa pièce d'identité.",
        _GROUP,
        {"choice": "identificationTitulaire"},
    ),
    (
        "8.1",
        "passage",
        ("identificationTitulaire", "titulaire", "nomNaissance"),
        "Nom de naissance",
        "Le nom de famille à la naissance, tel qu'il figure sur l'acte de naissance.",
        _text(1, 60),
        {"example": "Dupont"},
    ),
    (
        "8.2",
        "passage",
        ("identificationTitulaire", "titulaire", "nomUsage"),
        "Nom d'usage",
        "Le nom d'usage (par exemple le nom d'époux ou d'épouse) ; vide (xsi:nil) s'il n'y en a "
        "pas.",
        _text(1, 60),
        {"nillable": True, "example": "Martin"},
    ),
    (
        "8.3",
        "passage",
        ("identificationTitulaire", "titulaire", "prenom1"),
        "Premier prénom",
        "Le premier prénom de l'état civil.",
        _text(1, 60),
        {"example": "Antoine"},
    ),
    (
        "8.4",
        "passage",
        ("identificationTitulaire", "titulaire", "prenom2"),
        "Deuxième prénom",
        "Le deuxième prénom de l'état civil, s'il existe.",
        _text(1, 60),
        {"required": False, "example": "Julien"},
    ),
    (
        "8.5",
        "passage",
        ("identificationTitulaire", "titulaire", "prenom3"),
        "Troisième prénom",
        "Le troisième prénom de l'état civil, s'il existe.",
        _text(1, 60),
        {"required": False, "example": "Philippe"},
    ),
    (
        "8.6",
        "passage",
        ("identificationTitulaire", "titulaire", "anneeNaissance"),
        "Année de naissance",
        "L'année de naissance sur quatre chiffres.",
        _int(1900, 2099),
        {"example": "1996"},
    ),
    (
        "8.7",
        "passage",
        ("identificationTitulaire", "titulaire", "moisNaissance"),
        "Mois de naissance",
        "Le mois de naissance (1 à 12) ; vide (xsi:nil) s'il est inconnu.",
        _int(1, 12),
        {"nillable": True, "example": "11"},
    ),
    (
        "8.8",
        "passage",
        ("identificationTitulaire", "titulaire", "jourNaissance"),
        "Jour de naissance",
        "Le jour de naissance (1 à 31) ; vide (xsi:nil) s'il est inconnu.",
        _int(1, 31),
        {"nillable": True, "example": "15"},
    ),
    (
        "8.9",
        "passage",
        ("identificationTitulaire", "titulaire", "sexe"),
        "Sexe",
        "M ou F, comme à l'état civil.",
        _enum("genre"),
        {"example": "F"},
    ),
    (
        "8.10",
        "passage",
        ("identificationTitulaire", "titulaire", "codeCommuneNaissance"),
        "Commune de naissance",
        "La commune de naissance, par son code INSEE (de préférence) ou à défaut son code postal.",
        _GROUP,
        {},
    ),
    (
        "8.11",
        "passage",
        ("identificationTitulaire", "titulaire", "codeCommuneNaissance", "codeInseeNaissance"),
        "Code INSEE de naissance",
        "Enveloppe du code INSEE de la commune de naissance.",
        _GROUP,
        {"choice": "codeCommuneNaissance"},
    ),
    (
        "8.12",
        "passage",
        (
            "identificationTitulaire",
            "titulaire",
            "codeCommuneNaissance",
            "codeInseeNaissance",
            "codeInsee",
        ),
        "Code INSEE de la commune de naissance",
        "Le code officiel géographique à 5 caractères (31555, 2A004 ; 99xxx pour une naissance à "
        "l'étranger, avec le pays).",
        _exact(5),
        {"example": "31555"},
    ),
    (
        "8.13",
        "passage",
        ("identificationTitulaire", "titulaire", "codeCommuneNaissance", "codePostalNaissance"),
        "Code postal de naissance",
        "Enveloppe du code postal de la commune de naissance.",
        _GROUP,
        {"choice": "codeCommuneNaissance"},
    ),
    (
        "8.14",
        "passage",
        (
            "identificationTitulaire",
            "titulaire",
            "codeCommuneNaissance",
            "codePostalNaissance",
            "codePostal",
        ),
        "Code postal de la commune de naissance",
        "Le code postal de la commune de naissance, si le code INSEE n'est pas connu ; vide "
        "(xsi:nil) s'il est inconnu.",
        _text(1, 9),
        {"nillable": True, "example": "31000"},
    ),
    (
        "8.15",
        "passage",
        ("identificationTitulaire", "titulaire", "libelleCommuneNaissance"),
        "Commune de naissance (libellé)",
        "Le nom de la commune de naissance.",
        _text(1, 60),
        {"required": False, "example": "Toulouse"},
    ),
    (
        "8.16",
        "passage",
        ("identificationTitulaire", "titulaire", "codePaysNaissance"),
        "Code du pays de naissance",
        "Le code pays à 3 caractères (code INSEE du pays, par exemple 100 pour la France), "
        "obligatoire pour une naissance à l'étranger.",
        _exact(3),
        {"required": False, "example": "100"},
    ),
    (
        "8.17",
        "passage",
        ("identificationTitulaire", "titulaire", "libellePaysNaissance"),
        "Pays de naissance (libellé)",
        "Le nom du pays de naissance.",
        _text(1, 60),
        {"required": False, "example": "France"},
    ),
    (
        "8.18",
        "passage",
        ("identificationTitulaire", "titulaire", "commentairesMEN"),
        "Commentaires",
        "Un commentaire libre sur l'identité (250 caractères au plus).",
        _text(1, 250),
        {"required": False, "example": "Né à l'étranger, acte transcrit à Nantes"},
    ),
    (
        "9",
        "passage",
        ("identificationTitulaire", "identifiantNational"),
        "Identifiant national (NIR)",
        "L'identification par le numéro de sécurité sociale (schéma 1.1.5 seulement).",
        _GROUP,
        {"choice": "identificationTitulaire", "versions": V115},
    ),
    (
        "9.1",
        "passage",
        ("identificationTitulaire", "identifiantNational", "nir"),
        "NIR (13 caractères, sans la clé)",
        "Les 13 premiers caractères du numéro de sécurité sociale, sans la clé de 2 chiffres "
        "(2A/2B admis pour la Corse).",
        _exact(13),
        {"versions": V115, "example": "1961131555123"},
    ),
    (
        "9.2",
        "passage",
        ("identificationTitulaire", "identifiantNational", "nomNaissance"),
        "Nom de naissance (avec le NIR)",
        "Le nom de famille à la naissance de la personne identifiée par le NIR.",
        _text(1, 60),
        {"versions": V115, "example": "Dupont", "key": "identifiantNational/nomNaissance"},
    ),
    (
        "4.18",
        "passage",
        ("verbatim",),
        "Verbatim",
        "Un texte libre complémentaire sur le passage (255 caractères au plus).",
        _text(1, 255),
        {"required": False, "example": "TOSA"},
    ),
]


def _build(rows: list[tuple]) -> tuple[Field, ...]:
    fields = []
    for number, scope, path, label, help_text, facets, extra in rows:
        name = path[-1] if path else _SCOPE_ROOT[scope]
        extra = dict(extra)
        fields.append(
            Field(
                name=name,
                number=number,
                scope=scope,
                path=path,
                label=label,
                help=help_text,
                key=extra.pop("key", name),
                **facets,
                **extra,
            )
        )
    return tuple(fields)


FIELDS: tuple[Field, ...] = _build(_ROWS)
"""Every element, in schema document order (groups included, see `Field.is_group`)."""

_BY_KEY = {f.key: f for f in FIELDS}
_BY_NUMBER = {f.number: f for f in FIELDS}
_BY_NAME: dict[str, list[Field]] = {}
for _f in FIELDS:
    _BY_NAME.setdefault(_f.name, []).append(_f)


def field_by_name(name: str) -> Field:
    """The field for an element name, a unique key (``"certificateur/idClient"``) or a number.

    Names shared by several elements resolve to the first in schema order (``idClient`` → the
    émetteur's, ``nomNaissance`` → the titulaire's); use the key for the others.
    Raises KeyError for an unknown name.
    """
    if name in _BY_KEY:
        return _BY_KEY[name]
    if name in _BY_NUMBER:
        return _BY_NUMBER[name]
    return _BY_NAME[name][0]


def fields_by_name(name: str) -> list[Field]:
    """Every field with this element name (``idClient`` and ``nomNaissance`` have two)."""
    return list(_BY_NAME.get(name, []))


def field_by_path(xpath: tuple[str, ...] | list[str]) -> Field | None:
    """The field at this path: a full path from `flux`, or a passage path."""
    xpath = tuple(xpath)
    for f in FIELDS:
        if f.xpath == xpath or (f.scope == "passage" and f.path == xpath):
            return f
    return None


def passage_fields(version: str = "1.1.5", *, leaves_only: bool = True) -> list[Field]:
    """The fields inside a passageCertification (leaves by default) present in `version`."""
    return [
        f
        for f in FIELDS
        if f.scope == "passage"
        and f.path
        and version in f.versions
        and not (leaves_only and f.is_group)
    ]


def leaf_fields(version: str = "1.1.5") -> list[Field]:
    """Every value-carrying field (no group) of `version`, in schema order."""
    return [f for f in FIELDS if not f.is_group and version in f.versions]


def enumeration_label(type_name: str, code: str) -> str | None:
    """The French label of an enumeration code, None when the code is unknown."""
    return dict(ENUMERATIONS.get(type_name, ())).get(code)
