"""deposits.bulk: the batch insert of a large deposit's rows, and its ids."""

import time
import uuid

import pytest

from passeport.deposits import bulk
from passeport.deposits.models import Deposit, PassageOutcome
from passeport.testing import factories


def test_new_ids_are_distinct_time_ordered_version_7_uuids():
    before = time.time_ns() // 1_000_000
    ids = bulk.new_ids(5000)
    after = time.time_ns() // 1_000_000
    assert len(ids) == len(set(ids)) == 5000
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    assert all(before <= i.int >> 80 <= after for i in ids)  # their millisecond (RFC 9562)
    assert len({i.int & ((1 << 74) - 1) for i in ids}) == 5000  # random beyond it
    time.sleep(0.002)
    assert min(bulk.new_ids(10)) > max(ids)  # later ids sort after: the index's end
    assert bulk.new_ids(0) == []


@pytest.mark.django_db
def test_insert_gives_each_row_its_own_id_and_keeps_given_ones():
    deposit = Deposit.objects.create(
        number=1,
        certifier=factories.CertifierFactory(sample=True),
        file_name="f.xml",
        size=1,
        sha256="0" * 64,
    )
    given = uuid.uuid4()
    rows = [
        {"deposit_id": deposit.pk, "position": n, "id_technique": f"T{n}", "status": "ok"}
        for n in range(1, 4)
    ]
    rows[1]["id"] = given
    bulk.insert(PassageOutcome, rows)
    outcomes = {o.position: o for o in PassageOutcome.objects.filter(deposit=deposit)}
    assert outcomes[2].id == given
    assert len({o.id for o in outcomes.values()}) == 3
    assert {o.id.version for o in outcomes.values()} == {4, 7}  # the given one is a uuid4
    assert all(o.created_at is not None for o in outcomes.values())
