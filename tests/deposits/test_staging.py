"""The passages kept at reception (staging.py): the processing reads them instead of the XML,
with exactly what the XML gives, and falls back to the XML whenever they cannot serve."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from passeport.deposits import business_rules, processing, staging
from passeport.deposits.models import Deposit, PassageOutcome
from passeport.deposits.reading import Header, iter_flux
from passeport.deposits.reception import receive
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)

BAD_DATES = (
    r"<cpf:dateFinValidite[^>]*?(/>|>[^<]*</cpf:dateFinValidite>)",
    "<cpf:dateFinValidite>2001-01-01</cpf:dateFinValidite>",
)


def _flux(passages=40, seed=3, bad=(4, 17)) -> bytes:
    """A sample flux whose passages number `bad` break a business rule (REG-DATES-VALIDITE)."""
    data = factories.sample_flux(passages, seed=seed).decode()
    parts = data.split("<cpf:passageCertification>")
    for index in bad:
        parts[index + 1] = re.sub(*BAD_DATES, parts[index + 1], count=1)
    return "<cpf:passageCertification>".join(parts).encode()


def _receive(data: bytes, certifier):
    reception = receive(ContentFile(data), file_name="flux.xml", certifier=certifier)
    assert reception.deposit.status == Deposit.Status.RECEIVED, reception.deposit.rejection_reasons
    return reception.deposit


def _staged(deposit, start_after=0, today=None):
    return staging.staged_passages(
        deposit.file.name,
        sha256=deposit.sha256,
        header=Header.from_json(deposit.certificateurs),
        start_after=start_after,
        today=today or timezone.localdate(),
    )


def test_staged_passages_are_what_the_xml_gives(monkeypatch):
    monkeypatch.setattr(staging, "CHUNK", 7)  # several chunks for a small file
    deposit = _receive(_flux(), factories.CertifierFactory(sample=True))
    checker = business_rules.checker(deposit.schema_version, deposit.action)
    declared = Header.from_json(deposit.certificateurs)
    with default_storage.open(deposit.file.name, "rb") as stream:
        from_xml = list(iter_flux(stream, declared=declared))
    staged = list(_staged(deposit))
    assert len(staged) == len(from_xml) == 40
    for kept, read in zip(staged, from_xml, strict=True):
        assert (kept.position, kept.line, kept.identification) == (
            read.position,
            read.line,
            read.identification,
        )
        assert kept.local_values(staging.FIELDS) == read.local_values(staging.FIELDS)
        assert (kept.certificateur, kept.certification) == (read.certificateur, read.certification)
        expected = business_rules.first_error(read, checker)
        assert kept.rule_error == (
            (expected.rule, expected.field, expected.message) if expected else None
        )
    assert [p.position for p in staged if p.rule_error] == [5, 18]


def test_a_resumed_deposit_reads_from_its_marker(monkeypatch):
    monkeypatch.setattr(staging, "CHUNK", 7)
    deposit = _receive(_flux(), factories.CertifierFactory(sample=True))
    for start_after in (0, 6, 7, 8, 21, 39, 40):
        positions = [p.position for p in _staged(deposit, start_after=start_after)]
        assert positions == list(range(start_after + 1, 41)), start_after


def test_a_staged_passage_refuses_a_value_it_did_not_keep():
    deposit = _receive(_flux(5, bad=()), factories.CertifierFactory(sample=True))
    passage = next(iter(_staged(deposit)))
    assert passage.value("idTechnique")
    with pytest.raises(KeyError):
        passage.value("codePostalCentreExamen")


def test_the_processing_reads_the_staged_passages_not_the_xml(monkeypatch):
    factories.register_holders(40, seed=3)
    deposit = _receive(_flux(), factories.CertifierFactory(sample=True))

    def no_xml(*args, **kwargs):
        raise AssertionError("the XML was read again")

    monkeypatch.setattr(processing, "iter_flux", no_xml)
    tasks.run_worker()
    deposit.refresh_from_db()
    assert deposit.passages_ok == factories.expected_ok(40, seed=3, skip=(4, 17))
    ko = PassageOutcome.objects.filter(deposit=deposit, rule="REG-DATES-VALIDITE")
    assert sorted(ko.values_list("position", flat=True)) == [5, 18]
    assert "précède la date d'obtention" in ko.first().message
    assert staging.path_of(deposit.file.name).exists() is False  # removed once processed


def test_another_day_or_other_bytes_read_the_xml():
    deposit = _receive(_flux(5, bad=()), factories.CertifierFactory(sample=True))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _staged(deposit, today=tomorrow) is None  # the rules depend on the day
    deposit.sha256 = "0" * 64
    assert _staged(deposit) is None


def test_another_python_or_a_damaged_file_reads_the_xml(monkeypatch):
    deposit = _receive(_flux(5, bad=()), factories.CertifierFactory(sample=True))
    assert _staged(deposit) is not None
    monkeypatch.setattr(staging, "_PYTHON", "3.99")  # marshal's format is Python's own
    assert _staged(deposit) is None
    monkeypatch.undo()
    path = staging.path_of(deposit.file.name)
    path.write_bytes(staging.MAGIC + b"\xff not marshal data")
    assert _staged(deposit) is None


def test_same_outcomes_with_and_without_staging():
    factories.register_holders(40, seed=3)
    certifier = factories.CertifierFactory(sample=True)
    staged = _receive(_flux(), certifier)
    tasks.run_worker()
    with_staging = list(
        PassageOutcome.objects.filter(deposit=staged)
        .order_by("position")
        .values_list("position", "status", "message", "rule", "field")
    )
    # The same passages from another émetteur's account, without a staged file.
    other = factories.CertifierFactory(sample=True, id_client="ZZ999ZZZ")
    data = _flux().replace(b"AB123CDE", b"ZZ999ZZZ")
    deposit = _receive(data, other)
    staging.remove(deposit.file.name)
    tasks.run_worker()
    without = list(
        PassageOutcome.objects.filter(deposit=deposit)
        .order_by("position")
        .values_list("position", "status", "message", "rule", "field")
    )
    assert [row[:2] for row in without] == [row[:2] for row in with_staging]
    assert [row[3:] for row in without] == [row[3:] for row in with_staging]


def test_a_full_disk_while_staging_costs_nothing_but_speed(monkeypatch, tmp_path):
    factories.register_holders(10, seed=3)
    unwritable = tmp_path / "absent" / "x.passages"  # its folder does not exist: open fails
    monkeypatch.setattr(staging, "path_of", lambda name: unwritable)
    deposit = _receive(_flux(10, bad=(2,)), factories.CertifierFactory(sample=True))
    assert not unwritable.exists()
    tasks.run_worker()
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PROCESSED_WITH_ERRORS
    assert deposit.passages_ok + deposit.passages_ko == 10
    assert PassageOutcome.objects.get(deposit=deposit, status="ko", position=3).rule == (
        "REG-DATES-VALIDITE"
    )


def test_a_reception_validates_in_its_own_process(monkeypatch):
    """Even a file and a machine for which the flux library would fork its XSD pass (large
    enough, two idle cores): a reception costs one process, the server's."""
    from passeport.flux import validation_parallel

    monkeypatch.setattr(validation_parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(validation_parallel, "idle_cores", lambda: 2.0)

    def no_fork(*args, **kwargs):
        raise AssertionError("la réception a lancé un second processus")

    monkeypatch.setattr(validation_parallel, "run", no_fork)
    deposit = _receive(_flux(4, bad=(2,)), factories.CertifierFactory(sample=True))
    assert deposit.status == Deposit.Status.RECEIVED
    assert deposit.passages_total == 4
