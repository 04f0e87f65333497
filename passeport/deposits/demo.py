"""Demo deposits (idempotent): processed deposits of the demo university, so that the demo
holders have guaranteed certifications and the certifier's dashboard has something to show.

Built like an online entry (flux builder → `reception.receive` → processing), with a fixed
idFlux and timestamp: the bytes are the same at every run, so a second run finds the deposits
already there (same SHA-256) and processes nothing again.
"""

from django.core.files.base import ContentFile

from passeport.certifiers.models import Certifier
from passeport.flux.building import build_flux

from . import processing
from .models import Deposit
from .reception import receive

DEMO_CERTIFIER = "DEMOUNIV"


def _passage(id_technique, code, award, name, first, sex, born, commune, **extra) -> dict:
    year, month, day = born.split("-")
    row = {
        "type": "RS" if code.startswith("RS") else "RNCP",
        "code": code,
        "idTechnique": id_technique,
        "obtentionCertification": "PAR_ADMISSION",
        "donneeCertifiee": "true",
        "dateDebutValidite": award,
        "presenceNiveauLangueEuro": "false",
        "presenceNiveauNumeriqueEuro": "false",
        "mentionValidee": "MENTION_BIEN",
        "modaliteAcces": "FORMATION_INITIALE_HORS_APPRENTISSAGE",
        "nomNaissance": name,
        "prenom1": first,
        "anneeNaissance": year,
        "moisNaissance": month,
        "jourNaissance": day,
        "sexe": sex,
        "codeInsee": commune,
    }
    row.update(extra)
    return row


# Accepted: the demo holders of the identity register (passeport/identity/demo.py).
SPRING = [
    _passage(
        "DEMO-2026-0001",
        "RNCP35340",
        "2026-06-30",
        "Lefèvre",
        "Camille",
        "F",
        "1988-04-12",
        "75112",
    ),
    _passage(
        "DEMO-2026-0002",
        "RNCP34383",
        "2026-07-03",
        "Dupont",
        "Antoine",
        "M",
        "1996-11-15",
        "31555",
        prenom2="Julien",
    ),
    _passage(
        "DEMO-2026-0003",
        "RS6117",
        "2026-07-03",
        "Da Silva",
        "Ana",
        "F",
        "1999-05-03",
        "99139",
        codePaysNaissance="139",
    ),
    _passage(
        "DEMO-2026-0004", "RNCP35340", "2026-06-30", "N'Diaye", "Moussa", "M", "2002-01-30", "69123"
    ),
]
# Autumn session: two accepted, three rejected by the reconciliation (unknown holder,
# homonyms without birth commune, day and month inverted) — the KO passages to correct online.
AUTUMN = [
    _passage(
        "DEMO-2026-0101", "RNCP35340", "2026-10-02", "Bernard", "Éric", "M", "1985-02-07", "13055"
    ),
    _passage(
        "DEMO-2026-0102", "RS6117", "2026-10-02", "Petit-Roux", "Inès", "F", "1993-08-19", "59350"
    ),
    _passage(
        "DEMO-2026-0103", "RNCP35340", "2026-09-18", "Durand", "Hugo", "M", "2000-03-14", "75056"
    ),
    _passage(
        "DEMO-2026-0104",
        "RNCP34383",
        "2026-09-18",
        "Martin",
        "Léa",
        "F",
        "2001-06-21",
        "",
        codePaysNaissance="100",
    ),
    _passage(
        "DEMO-2026-0105", "RNCP34383", "2026-09-18", "Martin", "Léa", "F", "2001-12-06", "33063"
    ),
]
DEMO_DEPOSITS = [
    ("promotion-juin-2026.xml", "demo-flux-2026-06", "2026-07-10T10:00:00+02:00", SPRING),
    ("session-automne-2026.xml", "demo-flux-2026-10", "2026-10-09T14:30:00+02:00", AUTUMN),
]


def seed() -> list[tuple[str, str, str]]:
    certifier = Certifier.objects.filter(id_client=DEMO_CERTIFIER).first()
    if certifier is None:
        return []
    for file_name, id_flux, stamp, rows in DEMO_DEPOSITS:
        if Deposit.objects.filter(certifier=certifier, file_name=file_name).exists():
            continue
        result = build_flux(
            rows=rows,
            emetteur=certifier.id_client,
            certificateur=certifier.id_client,
            contrat=certifier.id_contrat,
            schema="1.1.2",
            id_flux=id_flux,
            horodatage=stamp,
        )
        if not result.xml:
            raise RuntimeError(
                f"Flux de démonstration invalide : {result.errors} "
                f"{[a.text() for r in result.rejected for a in r.anomalies]}"
            )
        deposit = receive(
            ContentFile(result.xml),
            file_name=file_name,
            certifier=certifier,
            channel=Deposit.Channel.BATCH,
        ).deposit
        if not deposit.is_finished:
            processing.process(deposit.pk, owner="demo")
    return []


# A spreadsheet as a scolarité office exports it, to try the portal's spreadsheet deposit: an
# INSEE code read as a number (1053), « H » for the sex, labels instead of the dictionary's
# codes, a column the builder does not know by name (« Date PV », the jury's date, to map on
# screen), an internal column to ignore, and one row with an impossible birth date.
DIRTY_HEADERS = ["Code RNCP", "NOM NAISSANCE", "Prénom", "Sexe", "Date de naissance", "Date PV",
                 "Mode d'obtention", "Donnée certifiée", "Code INSEE", "Modalité d'accès",
                 "Commentaire interne"]  # fmt: skip
DIRTY_ROWS = [
    ["RNCP35340", "Lefèvre", "Camille", "F", "12/04/1988", "30/06/2026", "Par admission", "Oui",
     75112, "Formation initiale hors apprentissage", "dossier complet"],
    ["RNCP35340", "Martin", "Hugo", "H", "03/02/1995", "30/06/2026", "Par admission", "Oui",
     1053, "Formation initiale hors apprentissage", ""],
    ["RNCP35340", "Bernard", "Inès", "F", "21/09/1999", "30/06/2026", "Par admission", "Oui",
     2408, "VAE", "jury de juin"],
    ["RNCP35340", "Durand", "Léa", "F", "31/02/1996", "30/06/2026", "Par admission", "Oui",
     31555, "VAE", "à revoir"],
]  # fmt: skip
DIRTY_FILE_NAME = "exemple-jury-a-corriger.xlsx"


def dirty_spreadsheet(path=None, *, rows=None, headers=None) -> bytes:
    """The example spreadsheet (xlsx bytes; also written to `path` when given)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers or DIRTY_HEADERS)
    for row in DIRTY_ROWS if rows is None else rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        with open(path, "wb") as handle:
            handle.write(data)
    return data
