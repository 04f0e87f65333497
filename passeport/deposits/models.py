"""Deposits of CDC flux and the outcome of each passage.

Lifecycle of a `Deposit` (statuses are the API's words):
  recu ──(reception checks fail)──▶ rejete            (accusé de réception with the reasons)
   │     (checks run by the receiving process; by a worker if that process died: `checked_at`)
   │
   └─(worker claims it)──▶ en_cours ──▶ traite | traite_avec_erreurs   (accusé de traitement)

Exactly-once processing: passages are processed by chunks; each chunk commits, in ONE
transaction, its `PassageOutcome` rows (unique per deposit and position), the passport entries
of its accepted passages (unique per émetteur and idTechnique, in the passport app) and the
deposit's progress marker (`passages_done`). A worker killed mid-chunk rolls the chunk back;
the next worker resumes after `passages_done`. A lease (`lease_owner`, `lease_expires_at`)
keeps two workers from processing the same deposit at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from passeport.core.models import BaseModel


class DepositQuerySet(models.QuerySet):
    def for_certifier(self, certifier):
        return self.filter(certifier=certifier)

    def unfinished(self):
        return self.filter(status__in=[Deposit.Status.RECEIVED, Deposit.Status.PROCESSING])


class Deposit(BaseModel):
    class Status(models.TextChoices):
        RECEIVED = "recu", "Reçu"
        REJECTED = "rejete", "Rejeté"
        PROCESSING = "en_cours", "En cours de traitement"
        PROCESSED = "traite", "Traité"
        PROCESSED_WITH_ERRORS = "traite_avec_erreurs", "Traité avec des passages rejetés"

    class Channel(models.TextChoices):
        PORTAL = "portail", "Portail (téléversement)"
        API = "api", "API"
        ONLINE = "saisie", "Saisie en ligne"
        BATCH = "lot", "Dépôt par lot (commande)"
        CORRECTION = "correction", "Correction en ligne"

    # The accusés' numeroTraitement/idTraitement: counted per certifier (deposits/reception.py
    # `next_number`), so that no certifier learns from it how many deposits others make.
    number = models.PositiveBigIntegerField("numéro de traitement")
    certifier = models.ForeignKey(
        "certifiers.Certifier",
        on_delete=models.PROTECT,
        related_name="deposits",
        verbose_name="compte déposant",
    )
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="déposé par",
    )
    api_token_prefix = models.CharField("jeton d'API", max_length=20, blank=True)
    channel = models.CharField("canal", max_length=20, choices=Channel.choices)
    correction_of = models.ForeignKey(
        "PassageOutcome",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="corrige le passage",
    )

    # The raw file, stored before anything else (private storage, never served directly).
    file_name = models.CharField("nom du fichier", max_length=255)
    file = models.FileField("fichier", upload_to="deposits/%Y/%m/", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField("reçu le", default=timezone.now)
    rejection_reasons = models.JSONField("motifs de rejet", default=list, blank=True)

    # When the reception checks' outcome was recorded: the deposit is recorded (and its watchdog
    # queued) before they run, so that a process dying during them leaves a deposit that the
    # watchdog checks again instead of one that nothing will ever process.
    checked_at = models.DateTimeField("contrôlé le", null=True, blank=True)
    # What the flux says of itself (filled by the reception checks).
    id_flux = models.CharField("idFlux", max_length=255, blank=True)
    emetteur = models.CharField("idClient émetteur", max_length=8, blank=True)
    certificateurs = models.JSONField("certificateurs", default=list, blank=True)
    schema_version = models.CharField("version du schéma", max_length=10, blank=True)
    action = models.CharField("action", max_length=20, blank=True, default="CREATION")

    # Processing progress (the exactly-once marker) and lease.
    passages_total = models.PositiveIntegerField("passages", null=True, blank=True)
    passages_done = models.PositiveIntegerField("passages traités", default=0)
    passages_ok = models.PositiveIntegerField("passages acceptés", default=0)
    passages_ko = models.PositiveIntegerField("passages rejetés", default=0)
    lease_owner = models.CharField("traité par", max_length=100, blank=True)
    lease_expires_at = models.DateTimeField("bail jusqu'à", null=True, blank=True)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    processing_started_at = models.DateTimeField("traitement commencé le", null=True, blank=True)
    processed_at = models.DateTimeField("traité le", null=True, blank=True)
    accuse = models.FileField(
        "accusé de traitement", upload_to="accuses/%Y/%m/", blank=True, max_length=255
    )
    notified_at = models.DateTimeField("déposant prévenu le", null=True, blank=True)

    objects = DepositQuerySet.as_manager()

    class Meta(BaseModel.Meta):
        verbose_name = "dépôt"
        verbose_name_plural = "dépôts"
        ordering = ("-received_at",)
        constraints = [
            # The same bytes deposited twice by the same account are the same deposit.
            models.UniqueConstraint(fields=["certifier", "sha256"], name="deposit_once_per_bytes"),
            models.UniqueConstraint(fields=["certifier", "number"], name="deposit_number_once"),
        ]
        indexes = [models.Index(fields=["certifier", "-received_at"], name="deposit_cert_idx")]

    def __str__(self) -> str:
        return f"Dépôt {self.number} — {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            self.Status.REJECTED,
            self.Status.PROCESSED,
            self.Status.PROCESSED_WITH_ERRORS,
        )

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.passages_total:
            return 0
        return min(99, int(100 * self.passages_done / self.passages_total))

    def accuse_filename(self) -> str:
        from passeport.flux.accuses import accuse_filename

        day = timezone.localtime(self.processed_at or timezone.now()).date()
        return accuse_filename(self.file_name, day)


class DepositCounter(models.Model):
    """The last `Deposit.number` given to one certifier (the accusés' idTraitement)."""

    certifier = models.OneToOneField(
        "certifiers.Certifier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de traitements"

    def __str__(self) -> str:
        return f"{self.certifier_id} : {self.last}"


class PassageOutcome(BaseModel):
    """The verdict on one passage of a deposit: accepted (OK) or rejected (KO) with the reason."""

    class Status(models.TextChoices):
        OK = "ok", "Accepté"
        KO = "ko", "Rejeté"

    # A large deposit writes 200 000 of these rows: only the indexes that queries use are kept
    # (each one costs the database on every row). Outcomes are always read through their
    # deposit: (deposit, position) and (deposit, status) serve, the FK needs no index of its own.
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # No database constraint: each of a deposit's 200 000 rows would have the database check,
    # at commit, the one deposit row that the inserting transaction itself holds locked
    # (processing.process_chunk, select_for_update) — half a second of a large deposit. The
    # ORM still cascades a deposit's deletion to its outcomes.
    deposit = models.ForeignKey(
        Deposit,
        on_delete=models.CASCADE,
        related_name="outcomes",
        db_index=False,
        db_constraint=False,
    )
    position = models.PositiveIntegerField("rang dans le fichier")
    id_technique = models.CharField("idTechnique", max_length=255)
    status = models.CharField("verdict", max_length=2, choices=Status.choices)
    message = models.TextField("message d'erreur", blank=True)
    rule = models.CharField("règle", max_length=60, blank=True)
    field = models.CharField("champ", max_length=60, blank=True)
    certification_code = models.CharField("certification", max_length=20, blank=True)
    award_date = models.DateField("date d'obtention", null=True, blank=True)
    person_id = models.UUIDField("personne", null=True, blank=True)
    entry_id = models.UUIDField("entrée du passeport", null=True, blank=True)
    corrected_by = models.ForeignKey(
        Deposit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="corrigé par le dépôt",
        db_index=False,  # the partial index below: almost every outcome has none
    )

    class Meta(BaseModel.Meta):
        verbose_name = "passage traité"
        verbose_name_plural = "passages traités"
        ordering = ("deposit", "position")
        constraints = [
            models.UniqueConstraint(fields=["deposit", "position"], name="outcome_once"),
        ]
        indexes = [
            models.Index(fields=["deposit", "status"], name="outcome_status_idx"),
            models.Index(
                fields=["corrected_by"],
                condition=Q(corrected_by__isnull=False),
                name="outcome_corrected_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id_technique} : {self.get_status_display()}"


class SpreadsheetAnalysis(BaseModel):
    """A spreadsheet deposited in the portal, between its upload and its deposit (analysis.py).

    Only what the next screen needs is kept: the stored file (with its checksum, stored before
    anything else, like a deposit), the inspection summary (columns, samples, recognition), the
    chosen mapping, and the paths of what the build wrote (XML, HTML report, rejects). An
    analysis not deposited within a day is deleted with its files (tasks.py, daily sweep).

      recu ─▶ analyse ─▶ correspondance ─(mapping chosen)─▶ construction ─▶ apercu
                                                    ─(confirmed)─▶ depose   (or echec)
    """

    class State(models.TextChoices):
        RECEIVED = "recu", "Reçu"
        INSPECTING = "analyse", "Analyse des colonnes"
        MAPPING = "correspondance", "Correspondance des colonnes"
        BUILDING = "construction", "Construction du flux"
        PREVIEW = "apercu", "Aperçu avant dépôt"
        DEPOSITED = "depose", "Déposé"
        FAILED = "echec", "Échec"

    RUNNING = (State.RECEIVED, State.INSPECTING, State.BUILDING)

    certifier = models.ForeignKey(
        "certifiers.Certifier", on_delete=models.CASCADE, related_name="+",
        verbose_name="compte déposant",
    )  # fmt: skip
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="déposé par",
    )  # fmt: skip
    file_name = models.CharField("nom du fichier", max_length=255)
    file = models.CharField("fichier stocké", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.RECEIVED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    inspection = models.JSONField("colonnes du fichier", default=dict, blank=True)
    mapping = models.JSONField("correspondance choisie", default=dict, blank=True)
    remembered = models.BooleanField("correspondance reprise de la dernière fois", default=False)
    preview = models.JSONField("aperçu de la construction", default=dict, blank=True)
    results = models.JSONField("fichiers produits", default=dict, blank=True)
    errors = models.JSONField("erreurs", default=list, blank=True)
    deposit = models.ForeignKey(
        Deposit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="dépôt",
    )  # fmt: skip

    class Meta(BaseModel.Meta):
        verbose_name = "tableur en cours de dépôt"
        verbose_name_plural = "tableurs en cours de dépôt"

    def __str__(self) -> str:
        return f"{self.file_name} : {self.get_state_display()}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING


class RememberedMapping(BaseModel):
    """A certifier's last column choices for one set of headers (mappings.py): the next file
    with the same headers is mapped the same way."""

    certifier = models.ForeignKey(
        "certifiers.Certifier", on_delete=models.CASCADE, related_name="+",
        verbose_name="compte déposant",
    )  # fmt: skip
    headers_key = models.CharField("empreinte des titres", max_length=64)
    columns = models.JSONField("titre → champ", default=dict)

    class Meta(BaseModel.Meta):
        verbose_name = "correspondance mémorisée"
        verbose_name_plural = "correspondances mémorisées"
        constraints = [
            models.UniqueConstraint(fields=["certifier", "headers_key"], name="mapping_once"),
        ]
