"""The deposit pipeline end to end: reception, processing by a real worker, accusés."""

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from passeport.deposits.models import Deposit, PassageOutcome
from passeport.deposits.reception import receive
from passeport.flux.accuses import read_accuse
from passeport.passport.models import Entry
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)


def deposit_bytes(data: bytes, certifier, user=None, name="flux.xml"):
    return receive(ContentFile(data), file_name=name, certifier=certifier, user=user)


def test_small_deposit_is_processed_with_accuse(tmp_path):
    certifier = factories.CertifierFactory(sample=True)
    user = factories.MemberFactory(
        certifier=certifier, email="depositaire@example.fr", depositor=True
    )
    factories.register_holders(12)
    reception = deposit_bytes(factories.sample_flux(12), certifier, user)
    deposit = reception.deposit
    assert deposit.status == Deposit.Status.RECEIVED, deposit.rejection_reasons
    assert deposit.passages_total == 12
    tasks.run_worker()
    deposit.refresh_from_db()
    ok = factories.expected_ok(12)
    assert deposit.passages_ok == ok
    assert deposit.passages_ko == 12 - ok
    assert deposit.status == (
        Deposit.Status.PROCESSED_WITH_ERRORS if ok < 12 else Deposit.Status.PROCESSED
    )
    accuse = read_accuse(deposit.accuse.read())
    assert accuse.nom_fichier == "flux.xml"
    assert accuse.id_traitement == str(deposit.number)
    assert len(accuse.accepted) == ok and len(accuse.rejected) == 12 - ok
    assert Entry.objects.filter(deposit_id=deposit.pk).count() == ok
    assert PassageOutcome.objects.filter(deposit=deposit).count() == 12
    assert len(mail.outbox) == 1 and "Accusé de traitement disponible" in mail.outbox[0].subject


def test_receive_refuses_oversized_files_while_streaming(settings):
    import os

    from passeport.deposits.reception import FileTooLarge

    def stored_files():
        root = settings.PRIVATE_STORAGE_ROOT
        return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}

    settings.MAX_UPLOAD_BYTES = 2048
    certifier = factories.CertifierFactory(sample=True)
    before = stored_files()
    with pytest.raises(FileTooLarge, match="taille maximale"):
        deposit_bytes(factories.sample_flux(5), certifier)
    assert Deposit.objects.count() == 0
    assert stored_files() == before  # the partial file was removed
