"""Operator back office: every deposit, reprocessing (audited), identity register imports."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from passeport.core.models import AuditEvent
from passeport.deposits.models import Deposit, PassageOutcome
from passeport.deposits.reception import receive
from passeport.identity.models import IdentityImport, Person
from passeport.passport.models import Entry
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(client):

    user = factories.UserFactory(email="operateur@example.fr", staff=True)
    client.force_login(user)
    return user


def test_operator_lists_any_deposit_and_reprocesses(client, operator):
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(6)
    deposit = receive(
        ContentFile(factories.sample_flux(6)), file_name="f.xml", certifier=certifier
    ).deposit
    tasks.run_worker()
    deposit.refresh_from_db()
    ok, ko = deposit.passages_ok, deposit.passages_ko
    page = client.get("/back-office/depots/").content.decode()
    assert "f.xml" in page and "Université de Démo" in page
    assert client.get("/back-office/depots/?statut=rejete").content.decode().count("f.xml") == 0
    detail = client.get(f"/back-office/depots/{deposit.pk}/").content.decode()
    assert "Retraiter entièrement le dépôt" in detail

    response = client.post(f"/back-office/depots/{deposit.pk}/retraiter/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="deposit.reprocess", actor=operator).exists()
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.RECEIVED and deposit.passages_done == 0
    tasks.run_worker()
    deposit.refresh_from_db()
    # Same verdicts: its own passport entries are not « already in base » for itself.
    assert (deposit.passages_ok, deposit.passages_ko) == (ok, ko)
    assert PassageOutcome.objects.filter(deposit=deposit).count() == 6
    assert Entry.objects.filter(deposit_id=deposit.pk).count() == ok


def test_back_office_is_for_operators_only(client):

    user = factories.UserFactory(email="quelqu.un@example.fr")
    client.force_login(user)
    response = client.get("/back-office/depots/")
    assert response.status_code == 302 and "connexion" in response.url


def test_identity_import_from_the_back_office(client, operator):
    csv = (
        "nir,nom_naissance,prenoms,sexe,date_naissance,code_insee_naissance,code_pays_naissance\n"
        f"{factories.nir()},Durand,Paul,M,1990-05-17,31555,99100\n"
        "123,Durand,Paul,M,1990-05-17,31555,99100\n"
    ).encode()
    response = client.post(
        "/back-office/depots/repertoire-identites/",
        {"fichier": SimpleUploadedFile("registre.csv", csv, "text/csv")},
    )
    assert response.status_code == 302
    tasks.run_worker()
    assert Person.objects.count() == 1
    record = IdentityImport.objects.get()
    assert (record.lines, record.created) == (2, 1)
    assert "ligne 3" in record.errors[0]
    page = client.get("/back-office/depots/repertoire-identites/").content.decode()
    assert "registre.csv" in page and "1 personne" in page
