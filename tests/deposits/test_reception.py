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


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            "promo.xml : ce fichier est une image PNG, pas un flux XML.",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00xl/workbook.xml", "ce fichier est un classeur Excel (.xlsx)"),
        ("utf-16", "le fichier est enregistré en UTF-16 ; la Caisse des Dépôts attend de l'UTF-8"),
        ("comment", "un commentaire <!-- … --> dépasse 10 Mo"),
    ],
    ids=["png", "xlsx", "utf-16", "commentaire"],
)
def test_files_that_are_not_a_flux_are_told_what_they_are(data, expected):
    certifier = factories.CertifierFactory(sample=True)
    flux = factories.sample_flux(2)
    if data == "utf-16":
        data = flux.decode().encode("utf-16")
    elif data == "comment":
        data = flux.replace(
            b"<cpf:flux", b"<!--" + b"x" * (11 * 1024 * 1024) + b"-->\n<cpf:flux", 1
        )
    deposit = factories.DepositFactory(certifier=certifier, data=data, file_name="promo.xml")
    assert deposit.status == "rejete"
    reasons = " ".join(deposit.rejection_reasons)
    assert expected in reasons
    assert "élément racine" not in reasons and "Start tag" not in reasons
