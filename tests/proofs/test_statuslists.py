"""Bitstring Status List: indices, bits, the signed list served with its cache headers, and a
SUPPRESSION flipping a credential's bit within one task run."""

import itertools
import json

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from passeport.passport.recording import withdraw_certification
from passeport.proofs import credentials, signing, statuslists, tasks
from passeport.proofs.models import Credential, StatusList


def _run_queued(task) -> int:
    """Runs the queued rows of `task` as a worker would (their arguments as stored)."""
    count = 0
    for row in DBTaskResult.objects.filter(task_path=task.module_path, status="READY"):
        task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.delete()
        count += 1
    return count


def test_indices_are_distinct_and_not_sequential(db):
    from django.db import transaction

    with transaction.atomic():
        pairs = [statuslists.allocate() for _ in range(500)]
    indices = [index for _, index in pairs]
    assert len(set(indices)) == 500
    assert all(0 <= i < StatusList.SIZE for i in indices)
    steps = {b - a for a, b in itertools.pairwise(indices)}
    assert steps != {1}


def test_bits_encode_as_gzip_base64url_multibase(db):
    bits = bytearray(StatusList.SIZE // 8)
    bits[0] = 0x80  # index 0 is the first byte's most significant bit
    encoded = statuslists.encode(bytes(bits))
    assert encoded.startswith("u") and "=" not in encoded
    assert statuslists.decode(encoded) == bytes(bits)


def test_the_served_list_is_signed_and_cacheable(client, certification):
    credential = credentials.current(certification)
    url = reverse("proofs:status_list", args=[credential.status_list.number])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={statuslists.ttl_seconds()}"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] and response["Last-Modified"]
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    assert document["credentialSubject"]["ttl"] == statuslists.ttl_seconds() * 1000
    signing.verify_proof(document)
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get(reverse("proofs:status_list", args=[999])).status_code == 404


def test_a_suppression_revokes_within_one_task_run(
    client, certification, django_capture_on_commit_callbacks
):
    credential = credentials.current(certification)
    url = reverse("proofs:status_list", args=[credential.status_list.number])
    before = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_certification("EMET0001", "IDT-1", "Suppression demandée par le flux F-2")
    assert _run_queued(tasks.revoke_for_entries) == 1  # one task for the transaction
    credential.refresh_from_db()
    assert credential.revocation_reason == Credential.RevocationReason.WITHDRAWN
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    bits = statuslists.decode(json.loads(after.content)["credentialSubject"]["encodedList"])
    index = credential.status_index
    assert bits[index // 8] & (0x80 >> (index % 8))


def test_a_rolled_back_withdrawal_revokes_nothing(certification):
    from django.db import transaction

    credential = credentials.current(certification)
    try:
        with transaction.atomic():
            withdraw_certification("EMET0001", "IDT-1", "essai")
            raise RuntimeError("annulé")
    except RuntimeError:
        pass
    assert tasks.revoke_for_entries.call([str(credential.entry_id)], "retrait") == 0
    credential.refresh_from_db()
    assert not credential.is_revoked


def test_the_daily_sweep_catches_a_lost_signal(certification):
    credential = credentials.current(certification)
    certification.withdrawn_at = certification.created_at
    certification.save(update_fields=["withdrawn_at"])  # no signal: as if it had been lost
    assert tasks.daily_credential_sweep.call() == 1
    credential.refresh_from_db()
    assert credential.revocation_reason == Credential.RevocationReason.WITHDRAWN
    assert StatusList.objects.get(pk=credential.status_list_id).stale is False
