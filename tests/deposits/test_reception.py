"""Reception: deposit numbers (the accusés' numeroTraitement) are counted per certifier."""

import pytest

from passeport.testing import factories

pytestmark = pytest.mark.django_db


def test_each_certifier_counts_its_own_deposits():
    a = factories.CertifierFactory(sample=True)
    b = factories.CertifierFactory(sample=True, id_client="CD456EFG")
    first_a = factories.DepositFactory(certifier=a, seed=1)
    first_b = factories.DepositFactory(certifier=b, seed=2)
    second_a = factories.DepositFactory(certifier=a, seed=3)
    # B learns nothing of A's volume from its numbers.
    assert (first_a.number, first_b.number, second_a.number) == (1, 1, 2)
    duplicate = factories.DepositFactory(certifier=a, seed=3)
    assert duplicate.pk == second_a.pk  # the same bytes again: the same deposit, no new number
    assert factories.DepositFactory(certifier=a, seed=4).number == 3
