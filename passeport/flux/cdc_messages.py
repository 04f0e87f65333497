"""The rejection messages of the CDC's accusé de traitement, explained in plain French.

The wordings are the exact ones seen in real accusés (see docs/construire-un-flux.md,
« Lire un accusé de traitement »). The CDC reconciles each passage with the CPF holders'
register in three steps (CDC page « Malgré la vérification de l'identité des certifiés, les
passages sont toujours KO »): 1. nomNaissance + prénom + sexe + année de naissance;
2. if several match, + mois and jour de naissance; 3. if still several, + commune de
naissance and the other optional identity data. Each message below is the failure of one step.

Parameterised messages (the duplicate `idTechnique`) are recognised by pattern, and their
parameters (`emetteur`, `id_technique`) are returned so that a report can name them.
"""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KnownMessage:
    code: str  # stable identifier, used in reports and docs
    pattern: re.Pattern
    explanation: str
    fix: str
    fields: tuple[str, ...] = ()  # the flux elements to look at first


@dataclass(frozen=True)
class Explanation:
    message: str  # the CDC's message, verbatim
    code: str
    known: bool
    explanation: str
    fix: str
    fields: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)


def _exact(text: str) -> re.Pattern:
    return re.compile(r"\s*" + re.escape(text) + r"\s*\.?\s*", re.IGNORECASE)


_IDENTITY_FIELDS = ("nomNaissance", "prenom1", "sexe", "anneeNaissance")

KNOWN_MESSAGES: tuple[KnownMessage, ...] = (
    KnownMessage(
        code="reconciliation-etape-2",
        pattern=_exact(
            "Aucun titulaire ne correspond aux critères obligatoires enrichis "
            "du jour et du mois de naissance"
        ),
        explanation=(
            "Plusieurs titulaires de compte CPF ont le même nom de naissance, prénom, sexe et "
            "année de naissance que ce passage, mais aucun n'a le jour et le mois de naissance "
            "transmis."
        ),
        fix=(
            "Vérifiez le jour et le mois de naissance (une inversion jour/mois est fréquente, "
            "par exemple 03/11 au lieu de 11/03) puis redéposez le passage."
        ),
        fields=("jourNaissance", "moisNaissance"),
    ),
    KnownMessage(
        code="reconciliation-etape-1",
        pattern=_exact("Aucun titulaire ne correspond aux critères obligatoires"),
        explanation=(
            "La Caisse des Dépôts n'a trouvé aucun titulaire de compte CPF ayant à la fois ce "
            "nom de naissance, ce premier prénom, ce sexe et cette année de naissance."
        ),
        fix=(
            "Vérifiez le nom de naissance (et non le nom d'usage ou d'épouse), l'orthographe et "
            "les accents du premier prénom, le sexe et l'année de naissance, par exemple sur la "
            "pièce d'identité fournie à l'inscription. Si tout est exact, le titulaire n'a "
            "peut-être pas encore activé son compte sur moncompteformation.gouv.fr : "
            "redéposez le passage plus tard."
        ),
        fields=_IDENTITY_FIELDS,
    ),
    KnownMessage(
        code="reconciliation-plusieurs-titulaires",
        pattern=_exact("Plusieurs titulaires ont été identifiés"),
        explanation=(
            "Même avec la date de naissance complète, plusieurs titulaires de compte CPF "
            "correspondent : la Caisse des Dépôts ne peut pas savoir lequel a obtenu la "
            "certification."
        ),
        fix=(
            "Ajoutez les données facultatives d'identité : code INSEE de la commune de "
            "naissance (ou pays de naissance pour une naissance à l'étranger), deuxième et "
            "troisième prénoms, nom d'usage. Puis redéposez le passage."
        ),
        fields=("codeInsee", "codePaysNaissance", "prenom2", "prenom3", "nomUsage"),
    ),
    KnownMessage(
        code="reconciliation-criteres",
        pattern=_exact("Aucun titulaire ne correspond aux critères de réconciliation"),
        explanation=(
            "La Caisse des Dépôts n'a pu rattacher ce passage à aucun titulaire de compte CPF "
            "avec les données d'identité transmises."
        ),
        fix=(
            "Vérifiez le nom de naissance, le premier prénom, le sexe, la date et la commune "
            "de naissance sur la pièce d'identité du titulaire, puis redéposez le passage."
        ),
        fields=(*_IDENTITY_FIELDS, "moisNaissance", "jourNaissance", "codeInsee"),
    ),
    KnownMessage(
        code="id-technique-deja-en-base",
        pattern=re.compile(
            r"\s*Le passage certification avec le bcr [ée]metteur\s+(?P<emetteur>\S+)\s+et "
            r"l['’]id technique partenaire\s+(?P<id_technique>.+?)\s+existe d[ée]j[àa] en base"
            r"\s*\.?\s*",
            re.IGNORECASE,
        ),
        explanation=(
            "Un passage portant cet identifiant technique (idTechnique) a déjà été déposé et "
            "accepté par cet émetteur : la Caisse des Dépôts ne l'enregistre pas une seconde "
            "fois."
        ),
        fix=(
            "S'il s'agit du même passage déposé à nouveau, il n'y a rien à faire : il est déjà "
            "dans le passeport du titulaire. S'il s'agit d'un autre passage, donnez-lui un "
            "idTechnique qui n'a jamais été utilisé. Pour corriger un passage déjà accepté, "
            "retirez-le d'abord par un flux SUPPRESSION (passeport flux suppression)."
        ),
        fields=("idTechnique",),
    ),
)


def explain(message: str) -> Explanation:
    """Explain a CDC message; unknown messages are passed through with general advice."""
    text = " ".join((message or "").split())
    for known in KNOWN_MESSAGES:
        match = known.pattern.fullmatch(text)
        if match:
            return Explanation(
                message=message,
                code=known.code,
                known=True,
                explanation=known.explanation,
                fix=known.fix,
                fields=known.fields,
                params={k: v for k, v in match.groupdict().items() if v is not None},
            )
    return Explanation(
        message=message,
        code="inconnu",
        known=False,
        explanation=f"Message de la Caisse des Dépôts : « {text} ».",
        fix=(
            "Ce message n'est pas encore répertorié. Vérifiez les données du passage citées "
            "dans le message ; en cas de doute, contactez l'assistance de la Caisse des Dépôts "
            "en joignant l'accusé de traitement."
        ),
    )
