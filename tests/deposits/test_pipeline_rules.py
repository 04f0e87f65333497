"""Every branch of the processing: reception verdicts, CDC duplicate rule, provisional data,
SUPPRESSION, business rules, identification branches, trusted third parties."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile

from passeport.certifiers.models import Mandate
from passeport.deposits.models import Deposit, PassageOutcome
from passeport.deposits.reception import receive
from passeport.flux.suppression import build_suppression
from passeport.identity.models import Person
from passeport.passport.models import Entry
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)

DUPLICATE = (
    "Le passage certification avec le bcr émetteur AB123CDE et l'id technique partenaire {} "
    "existe déjà en base"
)


def deposit(data: bytes, certifier, name="flux.xml") -> Deposit:
    reception = receive(ContentFile(data), file_name=name, certifier=certifier)
    tasks.run_worker()
    reception.deposit.refresh_from_db()
    return reception.deposit


def outcomes(d: Deposit) -> list[tuple[str, str, str]]:
    return list(
        PassageOutcome.objects.filter(deposit=d)
        .order_by("position")
        .values_list("id_technique", "status", "message")
    )


def one_passage_flux(**changes) -> bytes:
    """The official-example-like sample passage 5 of seed 1, with text replacements."""
    data = factories.sample_flux(1, seed=7).decode()
    for old, new in changes.items():
        data = re.sub(old, new, data, count=1)
    return data.encode()


@pytest.fixture
def certifier():
    return factories.CertifierFactory(sample=True)


def test_xsd_invalid_file_is_rejected_with_line_and_processes_nothing(certifier):
    data = (
        factories.sample_flux(3)
        .decode()
        .replace("<cpf:sexe>M</cpf:sexe>", "<cpf:sexe>X</cpf:sexe>", 1)
    )
    data = data.replace("<cpf:sexe>F</cpf:sexe>", "<cpf:sexe>X</cpf:sexe>", 1)
    d = deposit(data.encode(), certifier)
    assert d.status == Deposit.Status.REJECTED
    assert re.search(r"flux\.xml, ligne \d+ : La valeur « X » de « Sexe »", d.rejection_reasons[0])
    assert PassageOutcome.objects.count() == 0 and Entry.objects.count() == 0


def test_not_xml_and_empty_files_are_rejected(certifier):
    assert "n'est pas un XML bien formé" in deposit(b"pas du xml", certifier).rejection_reasons[0]
    broken = deposit(
        b'<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0"><cpf:idFlux>x</cpf:flux>',
        certifier,
        "casse.xml",
    )
    assert broken.status == Deposit.Status.REJECTED
    assert broken.rejection_reasons[0].startswith("casse.xml, ligne 1")
    assert "le fichier est vide" in deposit(b"  ", certifier, "vide.xml").rejection_reasons[0]


def test_ids_of_another_account_or_contract_or_certification_are_rejected(certifier):
    wrong_contract = factories.sample_flux(2).replace(b"2560080000127J", b"AUTRECONTRAT")
    reasons = deposit(wrong_contract, certifier).rejection_reasons
    assert any("L'idContrat AUTRECONTRAT ne correspond pas" in r for r in reasons)
    bare = factories.CertifierFactory(
        sample=True, id_client="EF789GHJ", name="Sans certification", codes=()
    )
    reasons = deposit(factories.sample_flux(2, emetteur="EF789GHJ"), bare).rejection_reasons
    assert any("La certification RNCP35185 n'est pas rattachée" in r for r in reasons)


def test_trusted_third_party_deposits_only_for_its_mandators(certifier):
    third = factories.CertifierFactory(
        sample=True, id_client="TP234TPX", name="Tiers", trusted_third_party=True
    )
    data = factories.sample_flux(3, emetteur="TP234TPX", certificateur="AB123CDE")
    refused = deposit(data, third, "sans-mandat.xml")
    assert refused.status == Deposit.Status.REJECTED
    assert (
        "n'est pas autorisé à déposer pour le certificateur AB123CDE"
        in (refused.rejection_reasons[0])
    )
    Mandate.objects.create(
        third_party=third, mandator=certifier, starts_on=datetime.date(2020, 1, 1)
    )
    factories.register_holders(3)
    accepted = deposit(data + b" ", third, "avec-mandat.xml")
    assert accepted.status in (Deposit.Status.PROCESSED, Deposit.Status.PROCESSED_WITH_ERRORS)
    assert accepted.passages_ok >= 1
    entry = Entry.objects.filter(deposit_id=accepted.pk).first()
    assert (entry.emetteur_id, entry.certificateur_id) == ("TP234TPX", "AB123CDE")
    assert entry.organisation == "Université de Démo"


def test_id_technique_unique_per_emetteur_across_deposits(certifier):
    factories.register_holders(4)
    first = deposit(factories.sample_flux(4), certifier, "premier.xml")
    accepted = [i for i, status, _ in outcomes(first) if status == "ok"]
    rejected = [i for i, status, _ in outcomes(first) if status == "ko"]
    assert accepted
    # The same passages again (other bytes: a space at the end): accepted ones are duplicates,
    # rejected ones are processed again.
    second = deposit(factories.sample_flux(4) + b"\n", certifier, "second.xml")
    by_id = {i: (status, message) for i, status, message in outcomes(second)}
    for id_technique in accepted:
        assert by_id[id_technique] == ("ko", DUPLICATE.format(id_technique))
    for id_technique in rejected:
        assert by_id[id_technique][1] != DUPLICATE.format(id_technique)
    assert Entry.objects.count() == len(accepted)


def test_rejected_passage_may_come_again_with_the_same_id(certifier):
    first = deposit(factories.sample_flux(4, seed=2), certifier)
    assert first.passages_ok == 0
    factories.register_holders(4, seed=2)
    again = deposit(factories.sample_flux(4, seed=2) + b" ", certifier)
    assert again.passages_ok >= 1
    assert all(DUPLICATE.format(i) != m for i, _s, m in outcomes(again))


def test_same_id_twice_in_one_file(certifier):
    factories.register_holders(2)
    data = factories.sample_flux(2).decode()
    ids = re.findall(r"<cpf:idTechnique>([^<]+)</cpf:idTechnique>", data)
    data = data.replace(ids[1], ids[0])
    d = deposit(data.encode(), certifier)
    results = outcomes(d)
    assert results[0][0] == results[1][0] == ids[0]
    assert results[1][1] == "ko"


def test_provisional_then_confirmed(certifier):
    factories.register_holders(1, seed=7)
    provisional = deposit(
        one_passage_flux(**{"<cpf:donneeCertifiee>true": "<cpf:donneeCertifiee>false"}),
        certifier,
    )
    entry = Entry.objects.get()
    if provisional.passages_ok == 0:
        pytest.skip("le titulaire du passage d'exemple n'est pas réconciliable")
    assert entry.provisional is True
    confirmed = deposit(one_passage_flux(), certifier)
    assert confirmed.passages_ok == 1
    entry.refresh_from_db()
    assert entry.provisional is False and entry.deposit_id == confirmed.pk
    assert Entry.objects.count() == 1


def test_business_rule_error_makes_the_passage_ko(certifier):
    factories.register_holders(1, seed=7)
    data = one_passage_flux(
        **{
            r"<cpf:dateFinValidite[^>]*?(/>|>[^<]*</cpf:dateFinValidite>)": "<cpf:dateFinValidite>2001-01-01</cpf:dateFinValidite>"
        }
    )
    d = deposit(data, certifier)
    ((_id, status, message),) = outcomes(d)
    assert status == "ko"
    assert "précède la date d'obtention" in message
    assert PassageOutcome.objects.get().rule == "REG-DATES-VALIDITE"


def test_identifiant_national_and_suppression_115(certifier):
    nir = factories.nir("F", 1990, 3)
    Person.build(
        nir=nir,
        birth_name="Lefèvre",
        given_names="Anne",
        sex="F",
        birth_date=datetime.date(1990, 3, 2),
    ).save()
    data = factories.sample_flux(1, seed=7, version="1.1.5").decode()
    data = re.sub(
        r"<cpf:identificationTitulaire>.*</cpf:identificationTitulaire>",
        "<cpf:identificationTitulaire><cpf:identifiantNational>"
        f"<cpf:nir>{nir[:13]}</cpf:nir><cpf:nomNaissance>LEFEVRE</cpf:nomNaissance>"
        "</cpf:identifiantNational></cpf:identificationTitulaire>",
        data,
        flags=re.S,
    )
    created = deposit(data.encode(), certifier)
    assert created.schema_version == "1.1.5", created.rejection_reasons
    assert created.passages_ok == 1, outcomes(created)
    entry = Entry.objects.get()
    assert entry.person_id == Person.objects.get().pk

    result = build_suppression(
        [("RNCP35185", entry.id_technique), ("RNCP35185", "INCONNU-1")],
        None,
        emetteur="AB123CDE",
        certificateur="AB123CDE",
        contrat="2560080000127J",
    )
    withdrawal = deposit(result.xml, certifier, "suppression.xml")
    assert withdrawal.action == "SUPPRESSION"
    verdicts = {i: (s, m) for i, s, m in outcomes(withdrawal)}
    assert verdicts[entry.id_technique] == ("ok", "")
    assert verdicts["INCONNU-1"][0] == "ko" and "rien à supprimer" in verdicts["INCONNU-1"][1]
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None
    from passeport.core.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="passport.certification_withdrawn", target_id=str(entry.pk)
    ).exists()


def test_dossier_formation_branch_is_explained(certifier):
    data = factories.sample_flux(1, seed=7).decode()
    data = re.sub(
        r"<cpf:identificationTitulaire>.*</cpf:identificationTitulaire>",
        "<cpf:identificationTitulaire><cpf:dossierFormation>"
        "<cpf:idDossier>1234567891011</cpf:idDossier><cpf:nomTitulaire>Dupont"
        "</cpf:nomTitulaire><cpf:prenom1Titulaire>Antoine</cpf:prenom1Titulaire>"
        "</cpf:dossierFormation></cpf:identificationTitulaire>",
        data,
        flags=re.S,
    )
    d = deposit(data.encode(), certifier)
    ((_id, status, message),) = outcomes(d)
    assert status == "ko" and "dossier de formation 1234567891011" in message
