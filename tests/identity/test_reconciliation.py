"""Every branch of the CDC reconciliation cascade, with the CDC's exact messages."""

import datetime

import pytest

from passeport.identity.register import (
    MSG_SEVERAL,
    MSG_STEP1,
    MSG_STEP2,
    MSG_STEP3,
    Criteria,
    MatchStatus,
    PivotIdentity,
    find_by_pivot,
    reconcile,
    reconcile_many,
)
from passeport.testing import factories

pytestmark = pytest.mark.django_db

BORN = datetime.date(1996, 11, 15)


def criteria(**overrides) -> Criteria:
    values = {
        "birth_name": "Dupont",
        "first_name": "Antoine",
        "sex": "M",
        "birth_year": 1996,
        "birth_month": 11,
        "birth_day": 15,
    }
    values.update(overrides)
    return Criteria(**values)


def test_messages_are_the_cdc_wordings():
    assert MSG_STEP1 == "Aucun titulaire ne correspond aux critères obligatoires"
    assert MSG_STEP2 == (
        "Aucun titulaire ne correspond aux critères obligatoires enrichis du jour et du mois "
        "de naissance"
    )
    assert MSG_STEP3 == "Aucun titulaire ne correspond aux critères de réconciliation"
    assert MSG_SEVERAL == "Plusieurs titulaires ont été identifiés"


def test_step1_single_candidate_is_found_despite_spelling():
    person = factories.PersonFactory(birth_name="Le Bœuf-Dupont", given_names="Jean-Éric Paul")
    match = reconcile(criteria(birth_name="LE BOEUF DUPONT", first_name="jean eric"))
    assert match.status is MatchStatus.FOUND
    assert match.person_id == person.id
    assert match.step == 1
    assert match.message == ""


def test_step1_no_candidate():
    factories.PersonFactory()
    match = reconcile(criteria(birth_name="Durand"))
    assert match.status is MatchStatus.NONE
    assert match.message == MSG_STEP1
    assert match.step == 1


@pytest.mark.parametrize(
    "override",
    [{"sex": "F"}, {"birth_year": 1997}, {"first_name": "Julien"}],
)
def test_step1_each_mandatory_criterion_counts(override):
    # prenom1 is compared with the FIRST given name only: « Julien » is the second one.
    factories.PersonFactory()
    assert reconcile(criteria(**override)).message == MSG_STEP1


def test_birth_name_not_usage_name():
    # The register's birth name is what counts; a passage sending the usage name fails step 1.
    factories.PersonFactory(birth_name="Martin", given_names="Claire", sex="F")
    assert reconcile(criteria(birth_name="Martin", first_name="Claire", sex="F")).found
    assert (
        reconcile(criteria(birth_name="Durand-Martin", first_name="Claire", sex="F")).message
        == MSG_STEP1
    )


def test_missing_mandatory_criterion_is_step1():
    factories.PersonFactory()
    assert reconcile(criteria(birth_year=None)).message == MSG_STEP1
    assert reconcile(criteria(sex="")).message == MSG_STEP1


def test_step2_narrows_homonyms_by_day_and_month():
    factories.PersonFactory(birth_date=datetime.date(1996, 3, 2))
    wanted = factories.PersonFactory(birth_date=BORN)
    match = reconcile(criteria())
    assert match.found and match.person_id == wanted.id and match.step == 2


def test_step2_no_candidate():
    factories.PersonFactory(birth_date=datetime.date(1996, 3, 2))
    factories.PersonFactory(birth_date=datetime.date(1996, 4, 2))
    match = reconcile(criteria())
    assert match.status is MatchStatus.NONE
    assert match.message == MSG_STEP2
    assert match.step == 2


def test_step2_day_month_inverted_is_reported():
    factories.PersonFactory(birth_date=datetime.date(1996, 11, 3))
    factories.PersonFactory(birth_date=datetime.date(1996, 1, 1))
    assert reconcile(criteria(birth_month=3, birth_day=11)).message == MSG_STEP2


def test_step3_commune_decides():
    factories.PersonFactory(birth_commune="75056")
    wanted = factories.PersonFactory(birth_commune="31555")
    match = reconcile(criteria(birth_commune="31555"))
    assert match.found and match.person_id == wanted.id and match.step == 3


def test_step3_second_given_name_decides():
    factories.PersonFactory(given_names="Antoine Paul")
    wanted = factories.PersonFactory(given_names="Antoine Julien Philippe")
    match = reconcile(criteria(other_given_names=("julien",)))
    assert match.found and match.person_id == wanted.id


def test_step3_country_decides():
    factories.PersonFactory(birth_commune="", birth_country="99109")
    wanted = factories.PersonFactory(birth_commune="", birth_country="99100")
    match = reconcile(criteria(birth_country="100"))
    assert match.found and match.person_id == wanted.id


def test_step3_nobody_matches_the_optional_data():
    factories.PersonFactory(birth_commune="75056")
    factories.PersonFactory(birth_commune="69123")
    match = reconcile(criteria(birth_commune="31555"))
    assert match.status is MatchStatus.NONE
    assert match.message == MSG_STEP3
    assert match.step == 3


def test_step3_still_several():
    factories.PersonFactory(birth_commune="31555")
    factories.PersonFactory(birth_commune="31555")
    match = reconcile(criteria(birth_commune="31555"))
    assert match.status is MatchStatus.AMBIGUOUS
    assert match.message == MSG_SEVERAL
    assert match.person_id is None


def test_step3_without_optional_data_is_ambiguous():
    factories.PersonFactory()
    factories.PersonFactory()
    assert reconcile(criteria()).message == MSG_SEVERAL


def test_nir_branch_found_and_checks_birth_name():
    nir = factories.nir("F", 1988, 4)
    person = factories.PersonFactory(
        birth_name="Lefèvre",
        given_names="Anne",
        sex="F",
        birth_date=datetime.date(1988, 4, 1),
        nir=nir,
    )
    match = reconcile(Criteria(birth_name="LEFEVRE", nir=nir[:13]))
    assert match.found and match.person_id == person.id and match.step == 0
    wrong_name = reconcile(Criteria(birth_name="Martin", nir=nir[:13]))
    assert wrong_name.status is MatchStatus.NONE
    assert wrong_name.message == MSG_STEP3


def test_nir_branch_unknown_nir():
    factories.PersonFactory()
    match = reconcile(Criteria(birth_name="Dupont", nir=factories.nir()[:13]))
    assert match.message == MSG_STEP1


def test_reconcile_many_mixes_branches_in_order():
    single = factories.PersonFactory(birth_name="Seul", given_names="Unique")
    factories.PersonFactory(birth_date=datetime.date(1996, 3, 2))
    twin = factories.PersonFactory(birth_date=BORN)
    nir = factories.nir()
    by_nir = factories.PersonFactory(birth_name="Nirou", given_names="Nina", nir=nir)
    results = reconcile_many(
        [
            criteria(birth_name="Seul", first_name="Unique"),
            criteria(),
            criteria(birth_name="Personne"),
            Criteria(birth_name="Nirou", nir=nir[:13]),
        ]
    )
    assert [r.person_id for r in results] == [single.id, twin.id, None, by_nir.id]
    assert results[2].message == MSG_STEP1


def test_a_batch_decides_each_passage_as_alone():
    # Passages sharing a step-1 key (same name, first name, sex, year) are decided each on its
    # own birth day, commune…: the batch counts candidates per passage, not per key.
    march = factories.PersonFactory(birth_date=datetime.date(1996, 3, 2))
    factories.PersonFactory(birth_date=BORN, birth_commune="75056")
    toulouse = factories.PersonFactory(birth_date=BORN, birth_commune="31555")
    batch = [
        criteria(birth_month=3, birth_day=2),
        criteria(birth_commune="31555"),
        criteria(),
        criteria(birth_month=None, birth_day=None),
        criteria(birth_month=7, birth_day=14),
        criteria(birth_commune="69123"),
    ]
    together = reconcile_many(batch)
    assert together == [reconcile(item) for item in batch]
    assert [m.person_id for m in together[:2]] == [march.id, toulouse.id]
    assert [m.step for m in together] == [2, 3, 3, 2, 2, 3]
    assert [m.message for m in together[2:]] == [MSG_SEVERAL, MSG_STEP2, MSG_STEP2, MSG_STEP3]


def test_criteria_from_flux_values():
    values = {
        "nomNaissance": "Dupont",
        "prenom1": "Antoine",
        "prenom2": "Julien",
        "sexe": "M",
        "anneeNaissance": "1996",
        "moisNaissance": "11",
        "jourNaissance": "15",
        "codeInsee": "31555",
        "codePaysNaissance": "100",
    }
    built = Criteria.from_flux(values)
    assert built == criteria(
        birth_commune="31555", birth_country="100", other_given_names=("Julien",)
    )


def test_pivot_identity_found_none_ambiguous():
    person = factories.PersonFactory(given_names="Antoine Julien")
    pivot = PivotIdentity(
        family_name="DUPONT",
        given_names="Antoine Julien",
        birthdate="1996-11-15",
        gender="male",
        birthplace="31555",
        birthcountry="99100",
    )
    match = find_by_pivot(pivot)
    assert match.found and match.person_id == person.id
    # Every pivot field counts: another given-name list, another birthplace → nobody.
    other = PivotIdentity(**{**pivot.__dict__, "given_names": "Antoine"})
    assert find_by_pivot(other).status is MatchStatus.NONE
    elsewhere = PivotIdentity(**{**pivot.__dict__, "birthplace": "75056"})
    assert find_by_pivot(elsewhere).status is MatchStatus.NONE
    factories.PersonFactory(given_names="Antoine Julien")
    assert find_by_pivot(pivot).status is MatchStatus.AMBIGUOUS


def test_pivot_identity_born_abroad_and_incomplete():
    person = factories.PersonFactory(
        birth_name="Silva", given_names="Ana", sex="F", birth_commune="", birth_country="99139"
    )
    pivot = PivotIdentity("Silva", "Ana", datetime.date(1996, 11, 15), "female", "", "99139")
    assert find_by_pivot(pivot).person_id == person.id
    assert find_by_pivot(PivotIdentity("Silva", "", "1996-11-15", "female")).status is (
        MatchStatus.NONE
    )
    assert find_by_pivot(PivotIdentity("Silva", "Ana", "pas une date", "female")).status is (
        MatchStatus.NONE
    )


def test_identity_is_encrypted_at_rest():
    from django.db import connection

    nir = factories.nir()
    person = factories.PersonFactory(birth_name="Chiffré", nir=nir)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nir, identity_data FROM identity_person WHERE id = %s",
            [person.id.hex if connection.vendor == "sqlite" else person.id],
        )
        stored_nir, stored_identity = cursor.fetchone()
    assert nir not in stored_nir and "Chiffr" not in stored_identity
    fresh = type(person).objects.get(pk=person.pk)
    assert fresh.nir == nir and fresh.birth_name == "Chiffré"
    assert str(fresh) == f"Personne {person.pk}"


def test_demo_register_is_idempotent_and_has_homonyms():
    from passeport.identity import demo
    from passeport.identity.models import Person

    demo.seed()
    demo.seed()
    assert Person.objects.count() == len(demo.DEMO_PEOPLE)
    lea = criteria(
        birth_name="Martin", first_name="Léa", sex="F", birth_year=2001, birth_month=6, birth_day=21
    )
    assert reconcile(lea).message == MSG_SEVERAL
    assert reconcile(Criteria(**{**lea.__dict__, "birth_commune": "44109"})).found
