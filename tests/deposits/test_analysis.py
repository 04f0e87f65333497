"""A spreadsheet deposited in the portal (deposits/analysis.py): stored with its checksum,
inspected, mapped (remembered per certifier), built, previewed, deposited, swept."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from passeport.deposits import analysis as analysing
from passeport.deposits.demo import DIRTY_FILE_NAME, dirty_spreadsheet
from passeport.deposits.models import Deposit, SpreadsheetAnalysis
from passeport.flux.columns import parse_mapping
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)


def started(certifier, data=None, name=DIRTY_FILE_NAME):
    data = dirty_spreadsheet() if data is None else data
    found = analysing.start(ContentFile(data), file_name=name, certifier=certifier)
    tasks.run_worker()
    found.refresh_from_db()
    return found, data


def test_upload_stored_with_checksum_then_inspected_in_background():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    found, data = started(certifier)
    assert found.sha256 == hashlib.sha256(data).hexdigest() and found.size == len(data)
    assert default_storage.open(found.file).read() == data
    assert found.state == "correspondance" and found.progress == 100
    rows = {r["header"]: r for r in analysing.column_rows(found)}
    assert rows["Date PV"]["status"] == "unknown" and rows["Date PV"]["why"] == "non reconnue"
    assert rows["Date PV"]["choice"] == ""
    assert rows["NOM NAISSANCE"]["recognised"]["number"] == "8.1"
    assert rows["Code INSEE"]["samples"] == ["75112", "1053", "2408"]
    assert found.remembered is False


def test_mapping_build_preview_and_confirm_through_reception():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    found, _ = started(certifier)
    assert analysing.choose(found, {**found.mapping, "Date PV": "dateDebutValidite"}) == []
    tasks.run_worker()
    found.refresh_from_db()
    assert found.state == "apercu", found.errors
    preview = found.preview
    assert preview["written"] == 3 and preview["rejected"] == 1
    insee = next(c for c in preview["changes"] if c["column"] == "Code INSEE")
    assert insee["count"] == 2 and len(insee["examples"]) == 2
    assert insee["examples"][0]["before"] == "1053" and insee["examples"][0]["after"] == "01053"
    line = preview["rejected_rows"][0]
    assert line["line"] == 5 and "31/02/1996" in line["anomalies"][0]["message"]
    assert b"<cpf:passageCertification" in default_storage.open(found.results["xml"][0]).read()
    receptions = analysing.confirm(found)
    deposit = receptions[0].deposit
    assert deposit.channel == Deposit.Channel.PORTAL and deposit.file_name.endswith(".xml")
    assert found.state == "depose" and analysing.for_deposit(deposit) == found
    with pytest.raises(analysing.AnalysisError):
        analysing.confirm(found)


def test_same_headers_next_time_mapped_as_last_time_and_toml_reads_back():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    first, _ = started(certifier)
    analysing.choose(first, {**first.mapping, "Date PV": "dateDebutValidite"})
    second, _ = started(certifier, dirty_spreadsheet(rows=[]), name="autre.xlsx")
    assert second.remembered and second.mapping["Date PV"] == "dateDebutValidite"
    assert {r["why"] for r in analysing.column_rows(second)} == {"comme la dernière fois"}
    parsed = parse_mapping(analysing.mapping_toml(second))
    assert parsed.columns["Date PV"] == "dateDebutValidite"
    assert parsed.columns["Commentaire interne"] == ""
    other, _ = started(factories.CertifierFactory(codes=("RNCP35340",)))
    assert other.remembered is False  # remembered per certifier


def test_bad_choices_are_refused_with_reasons():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    found, _ = started(certifier)
    errors = analysing.choose(found, {**found.mapping, "Date PV": "nomNaissance"})
    assert any("même champ" in e for e in errors)
    assert analysing.choose(found, {**found.mapping, "Date PV": "couleur"})
    found.refresh_from_db()
    assert found.state == "correspondance"


def test_missing_mandatory_column_sends_back_to_mapping():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    found, _ = started(certifier)
    analysing.choose(found, found.mapping)  # « Date PV » left ignored: no jury date
    tasks.run_worker()
    found.refresh_from_db()
    assert found.state == "correspondance"
    assert any("dateDebutValidite" in e for e in found.errors)


def test_unusable_file_fails_with_french_message():
    certifier = factories.CertifierFactory()
    found, _ = started(certifier, b"pas un classeur", name="jury.xlsx")
    assert found.state == "echec" and "jury.xlsx" in found.errors[0]
    with pytest.raises(analysing.AnalysisError, match="format non pris en charge"):
        analysing.start(ContentFile(b"x"), file_name="jury.pdf", certifier=certifier)


def test_abandoned_analyses_deleted_after_a_day_with_their_files():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    old, _ = started(certifier)
    fresh, _ = started(certifier)
    SpreadsheetAnalysis.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    assert analysing.sweep_abandoned() == 1
    assert not default_storage.exists(old.file) and default_storage.exists(fresh.file)
    assert list(SpreadsheetAnalysis.objects.all()) == [fresh]
