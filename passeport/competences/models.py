"""Reference data (ROME, RNCP/RS, ESCO) as the producers publish it, and the holder's choices.

Referentials are versioned: every row belongs to one `ReferentialVersion`, a new release is
loaded beside the current one and becomes current at the end of its import, in the same
transaction (`loading.py`), so a page reads one whole version or the other, never a mix. Old
versions stay: an entry, a goal or a provenance that cites a code which has since disappeared
still finds its label and says from which version it comes.

Referential rows are keyed by the producers' codes inside their version (`code_ogr`, `code` of
a ROME fiche, `RNCP35340`…) rather than by foreign keys to each other: they are written in bulk
(COPY on PostgreSQL) and read as whole tables into `referential.py`'s in-memory index.

The holder's side is small: what they confirmed, hid or declared (`CompetenceChoice`), the
appellation they accepted for an experience (`AppellationChoice`) and their professional goal
(`ProfessionalGoal`). Deduced competences themselves are never stored: they are recomputed from
the entries and the current referentials (`profiles.py`), so they follow every new entry and
every new release, and nothing deduced can drift into a stored « garantie ».
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from passeport.core.models import BaseModel


class ReferentialVersion(BaseModel):
    """One release of one referential, as read from its files."""

    class Kind(models.TextChoices):
        ROME = "rome", "ROME (France Travail)"
        RNCP = "rncp", "RNCP / RS (France Compétences)"
        ESCO = "esco", "ESCO (Commission européenne)"

    kind = models.CharField("référentiel", max_length=10, choices=Kind)
    # What the files call themselves: `v460` (suffix of the ROME file names), `2024-02-22` (date
    # of a France Compétences export), `1.2.0` (ESCO); never written in code.
    label = models.CharField("version", max_length=100)
    title = models.CharField("intitulé de la version", max_length=300, blank=True)
    published_on = models.DateField("publiée le", null=True, blank=True)
    language = models.CharField("langue", max_length=10, blank=True)
    source_name = models.CharField("fichier ou dossier importé", max_length=300)
    # SHA-256 of the files' contents: the same release imported twice is recognised even when
    # its folder was renamed; a republished release with the same label is a new version.
    checksum = models.CharField("empreinte SHA-256", max_length=64)
    is_current = models.BooleanField("version en vigueur", default=False)
    counts = models.JSONField("lignes chargées", default=dict, blank=True)
    warnings = models.JSONField("avertissements", default=list, blank=True)
    seconds = models.FloatField("durée de l'import (s)", default=0)

    class Meta(BaseModel.Meta):
        verbose_name = "version de référentiel"
        verbose_name_plural = "versions de référentiels"
        constraints = [
            models.UniqueConstraint(fields=["kind", "checksum"], name="referential_once"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_current=True), name="referential_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"

    @property
    def display(self) -> str:
        """« ROME v460 (publiée le 18/09/2025) »: what a provenance line shows."""
        short = {"rome": "ROME", "rncp": "RNCP/RS", "esco": "ESCO"}[self.kind]
        text = f"{short} {self.label}"
        if self.published_on:
            text += f" (publiée le {self.published_on:%d/%m/%Y})"
        return text


class ReferentialRow(models.Model):
    """A row of one release. Sequential ids: written in bulk, never shown in a URL."""

    # DB_CASCADE: dropping an old release deletes its rows in the database, not row by row
    # through the ORM's collector (hundreds of thousands of rows). Not indexed alone: every
    # lookup index starts with the version.
    version = models.ForeignKey(
        ReferentialVersion, on_delete=models.DB_CASCADE, related_name="+", db_index=False
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        label = getattr(self, "libelle", "") or getattr(self, "uri", "")
        code = getattr(self, "code", "") or getattr(self, "code_ogr", "")
        return f"{code} {label}".strip() or f"{type(self).__name__} {self.pk}"


class Category(models.TextChoices):
    """The three kinds of competence of ROME 4.0 (rubriques of `descriptif_rubrique`)."""

    SAVOIR_FAIRE = "savoir-faire", "Savoir-faire"
    SAVOIR_ETRE = "savoir-etre", "Savoir-être professionnel"
    SAVOIR = "savoir", "Savoir"
    CONTEXTE = "contexte", "Contexte de travail"


class Core(models.TextChoices):
    """`coeur_metier` of `coherence_item`: Principale, Émergente, or empty."""

    PRINCIPALE = "principale", "Cœur de métier"
    EMERGENTE = "emergente", "Émergente"
    NONE = "", "—"


class RomeFiche(ReferentialRow):
    code = models.CharField("code ROME", max_length=5)
    code_ogr = models.CharField("code OGR", max_length=12)
    libelle = models.CharField("intitulé", max_length=300)
    # ROME 4.0 splits historical fiches (532 parents) into finer ones (1 584 in all).
    parent_code = models.CharField("fiche parente", max_length=5, blank=True)
    grand_domaine_code = models.CharField("grand domaine", max_length=1, blank=True)
    grand_domaine = models.CharField("libellé du grand domaine", max_length=300, blank=True)
    domaine_code = models.CharField("domaine professionnel", max_length=3, blank=True)
    domaine = models.CharField("libellé du domaine professionnel", max_length=300, blank=True)
    definition = models.TextField("définition", blank=True)
    acces = models.TextField("accès au métier", blank=True)
    riasec = models.CharField("RIASEC", max_length=2, blank=True)
    tags = models.JSONField("caractéristiques", default=list, blank=True)

    class Meta:
        verbose_name = "fiche métier ROME"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="rome_fiche_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.libelle}"


class RomeAppellation(ReferentialRow):
    code_ogr = models.CharField("code OGR", max_length=12)
    libelle = models.CharField("appellation", max_length=300)
    libelle_court = models.CharField("appellation courte", max_length=300, blank=True)
    fiche_code = models.CharField("fiche", max_length=5)
    parent_code = models.CharField("fiche parente", max_length=5, blank=True)
    principale = models.BooleanField("appellation principale de la fiche", default=False)
    peu_usitee = models.BooleanField("peu usitée", default=False)

    class Meta:
        verbose_name = "appellation ROME"
        constraints = [
            models.UniqueConstraint(fields=["version", "code_ogr"], name="rome_appellation_code"),
        ]


class RomeItem(ReferentialRow):
    """A savoir-faire (compétence or macro-compétence), savoir-être, savoir or work context."""

    class Nature(models.TextChoices):
        COMPETENCE = "competence", "Compétence"
        MACRO = "macro", "Macro-compétence"
        SAVOIR = "savoir", "Savoir"
        CONTEXTE = "contexte", "Contexte de travail"

    code_ogr = models.CharField("code OGR", max_length=12)
    libelle = models.CharField("libellé", max_length=500)
    categorie = models.CharField("catégorie", max_length=15, choices=Category)
    nature = models.CharField("nature", max_length=12, choices=Nature)
    # Savoir-faire: the macro-compétence it belongs to (its code OGR, and its code such as
    # `3B101`: domain 3, enjeu B, objective 1, macro 01 — ROME 4.0's competence tree).
    macro_code_ogr = models.CharField("macro-compétence", max_length=12, blank=True)
    macro_code = models.CharField("code de la macro-compétence", max_length=10, blank=True)
    # Savoirs: categorie_savoir / sous_categorie_savoir; savoir-faire: Technique, Transverse…;
    # contexts: their type (Horaires et durée du travail…).
    groupe = models.CharField("groupe", max_length=300, blank=True)
    sous_groupe = models.CharField("sous-groupe", max_length=300, blank=True)
    definition = models.TextField("définition", blank=True)

    class Meta:
        verbose_name = "item du ROME"
        constraints = [
            models.UniqueConstraint(fields=["version", "code_ogr"], name="rome_item_code"),
        ]


class RomeFicheItem(ReferentialRow):
    fiche_code = models.CharField("fiche", max_length=5)
    item_code = models.CharField("item", max_length=12)
    coeur_metier = models.CharField("cœur de métier", max_length=12, choices=Core, blank=True)

    class Meta:
        verbose_name = "item d'une fiche ROME"
        indexes = [models.Index(fields=["version", "fiche_code"], name="rome_ficheitem_fiche")]


class RomeMobility(ReferentialRow):
    fiche_code = models.CharField("fiche", max_length=5)
    target_code = models.CharField("fiche cible", max_length=5)
    ordre = models.PositiveIntegerField("ordre")

    class Meta:
        verbose_name = "mobilité ROME"
        indexes = [models.Index(fields=["version", "fiche_code"], name="rome_mobility_fiche")]


class RomeGroup(ReferentialRow):
    """A node of ROME 4.0's competence tree (domaine, enjeu, objectif), when its file is loaded."""

    class Level(models.TextChoices):
        DOMAINE = "domaine", "Domaine de compétences"
        ENJEU = "enjeu", "Enjeu"
        OBJECTIF = "objectif", "Objectif"

    level = models.CharField("niveau", max_length=10, choices=Level)
    code = models.CharField("code", max_length=10)
    libelle = models.CharField("libellé", max_length=300)

    class Meta:
        verbose_name = "nœud de l'arborescence des compétences"
        constraints = [
            models.UniqueConstraint(fields=["version", "level", "code"], name="rome_group_code"),
        ]


class Certification(ReferentialRow):
    """An RNCP or RS fiche of France Compétences."""

    code = models.CharField("numéro de fiche", max_length=20)  # RNCP35340, RS6117
    intitule = models.CharField("intitulé", max_length=1000)
    abrege = models.CharField("abrégé", max_length=50, blank=True)
    abrege_libelle = models.CharField("libellé de l'abrégé", max_length=300, blank=True)
    niveau = models.CharField("niveau (cadre national)", max_length=20, blank=True)
    niveau_libelle = models.CharField("libellé du niveau", max_length=300, blank=True)
    actif = models.BooleanField("active", default=False)
    etat = models.CharField("état de la fiche", max_length=50, blank=True)
    type_enregistrement = models.CharField("type d'enregistrement", max_length=100, blank=True)
    date_effet = models.DateField("date d'effet", null=True, blank=True)
    date_fin_enregistrement = models.DateField("fin d'enregistrement", null=True, blank=True)
    nsf = models.JSONField("NSF", default=list, blank=True)
    formacodes = models.JSONField("Formacode", default=list, blank=True)
    certificateurs = models.JSONField("certificateurs", default=list, blank=True)

    class Meta:
        verbose_name = "fiche RNCP / RS"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="certification_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.intitule}"


class CertificationBloc(ReferentialRow):
    certification_code = models.CharField("fiche", max_length=20)
    code = models.CharField("code du bloc", max_length=30)  # RNCP35340BC01
    libelle = models.CharField("intitulé", max_length=1000)
    position = models.PositiveIntegerField("rang")
    # [{"position", "niveau" (1 compétence, 2 savoir-faire under it), "parent", "libelle"}]
    competences = models.JSONField("compétences du bloc", default=list, blank=True)

    class Meta:
        verbose_name = "bloc de compétences"
        indexes = [
            models.Index(fields=["version", "certification_code"], name="certification_bloc_fiche")
        ]


class CertificationRome(ReferentialRow):
    certification_code = models.CharField("fiche", max_length=20)
    rome_code = models.CharField("code ROME", max_length=5)
    libelle = models.CharField("intitulé ROME cité", max_length=300, blank=True)

    class Meta:
        verbose_name = "code ROME d'une certification"
        indexes = [
            models.Index(fields=["version", "certification_code"], name="certification_rome_fiche"),
            models.Index(fields=["version", "rome_code"], name="certification_rome_code"),
        ]


class CertificationSuccession(ReferentialRow):
    ancienne = models.CharField("ancienne certification", max_length=20)
    nouvelle = models.CharField("nouvelle certification", max_length=20)

    class Meta:
        verbose_name = "succession de certifications"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "ancienne", "nouvelle"], name="certification_succession"
            ),
        ]


class EscoOccupation(ReferentialRow):
    uri = models.CharField("URI", max_length=200)
    code = models.CharField("code", max_length=30, blank=True)
    isco_group = models.CharField("groupe ISCO", max_length=10, blank=True)
    libelle = models.CharField("libellé", max_length=500)
    alt_labels = models.TextField("autres libellés", blank=True)  # one per line

    class Meta:
        verbose_name = "profession ESCO"
        constraints = [
            models.UniqueConstraint(fields=["version", "uri"], name="esco_occupation_uri"),
        ]


class EscoSkill(ReferentialRow):
    uri = models.CharField("URI", max_length=200)
    skill_type = models.CharField("type", max_length=30, blank=True)
    reuse_level = models.CharField("transférabilité", max_length=30, blank=True)
    libelle = models.CharField("libellé", max_length=500)
    alt_labels = models.TextField("autres libellés", blank=True)

    class Meta:
        verbose_name = "aptitude ou connaissance ESCO"
        constraints = [models.UniqueConstraint(fields=["version", "uri"], name="esco_skill_uri")]


class EscoIscoGroup(ReferentialRow):
    uri = models.CharField("URI", max_length=200)
    code = models.CharField("code ISCO", max_length=10)
    libelle = models.CharField("libellé", max_length=500)

    class Meta:
        verbose_name = "groupe ISCO"
        constraints = [models.UniqueConstraint(fields=["version", "uri"], name="esco_isco_uri")]


class EscoOccupationSkill(ReferentialRow):
    occupation_uri = models.CharField("profession", max_length=200)
    skill_uri = models.CharField("aptitude", max_length=200)
    relation = models.CharField("relation", max_length=20)  # essential | optional

    class Meta:
        verbose_name = "aptitude d'une profession ESCO"
        indexes = [
            models.Index(fields=["version", "occupation_uri"], name="esco_occskill_occupation")
        ]


class EscoRomeLink(ReferentialRow):
    """A line of the ROME ↔ ESCO mapping published by France Travail, when loaded with ESCO."""

    # A ROME code (M1805) or an appellation's OGR code, as the mapping gives it.
    rome_code = models.CharField("code ROME ou appellation", max_length=12)
    occupation_uri = models.CharField("profession ESCO", max_length=200)
    relation = models.CharField("relation SKOS", max_length=20)  # exactMatch, narrowMatch…

    class Meta:
        verbose_name = "correspondance ROME–ESCO"
        indexes = [models.Index(fields=["version", "rome_code"], name="esco_rome_link_code")]


class CompetenceChoice(BaseModel):
    """What the holder decided about one competence: confirmed, hidden, or declared their own."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmee", "Confirmée"
        HIDDEN = "masquee", "Masquée"
        DECLARED = "declaree", "Déclarée"

    holder = models.ForeignKey(
        "passport.Holder", on_delete=models.CASCADE, related_name="competence_choices"
    )
    # The competence's key in `deduction.py`: `rome:<code OGR>` for a referential item,
    # `bloc:<wording>` for a certifier's own words, `libre:<wording>` for a free declaration.
    key = models.CharField("compétence", max_length=600)
    status = models.CharField("statut", max_length=10, choices=Status)
    # A declared competence's wording and category (the others take theirs from the referential).
    libelle = models.CharField("libellé", max_length=500, blank=True)
    categorie = models.CharField("catégorie", max_length=15, choices=Category, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "choix du titulaire sur une compétence"
        verbose_name_plural = "choix des titulaires sur leurs compétences"
        constraints = [
            models.UniqueConstraint(fields=["holder", "key"], name="competence_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} : {self.get_status_display()}"


class AppellationChoice(BaseModel):
    """The holder's answer to an appellation suggested from an experience's job title."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmee", "Confirmée par le titulaire"
        REFUSED = "refusee", "Refusée par le titulaire"

    holder = models.ForeignKey(
        "passport.Holder", on_delete=models.CASCADE, related_name="appellation_choices"
    )
    entry = models.ForeignKey(
        "passport.Entry", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    status = models.CharField("réponse", max_length=10, choices=Status)
    # Confirmed: the appellation chosen; refused: empty (no suggestion is applied).
    appellation_code = models.CharField("appellation (code OGR)", max_length=12, blank=True)
    libelle = models.CharField("appellation", max_length=300, blank=True)
    fiche_code = models.CharField("fiche ROME", max_length=5, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name = "appellation choisie pour une expérience"
        verbose_name_plural = "appellations choisies pour des expériences"
        constraints = [
            models.UniqueConstraint(fields=["holder", "entry"], name="appellation_choice_once"),
        ]


class ProfessionalGoal(BaseModel):
    """The occupation the holder aims at: « Mon avenir » and the passport show the gap to it.

    Hung on the holder's account (the user): `settings.SESSION_USER_RELATED` loads it with the
    session, so the passport page knows whether there is a goal without a query of its own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional_goal"
    )
    fiche_code = models.CharField("fiche ROME visée", max_length=5)
    libelle = models.CharField("métier visé", max_length=300)

    class Meta(BaseModel.Meta):
        verbose_name = "objectif professionnel"
        verbose_name_plural = "objectifs professionnels"

    def __str__(self) -> str:
        return f"{self.fiche_code} {self.libelle}"
