"""Deterministic idTechnique derivation."""

import uuid

import pytest

from passeport.flux.identifiers import derive_id_technique

ROW = {
    "code": "RNCP19117",
    "nomNaissance": "Dupont",
    "prenom1": "Élodie",
    "anneeNaissance": "1996",
    "moisNaissance": "11",
    "jourNaissance": "5",
    "dateDebutValidite": "2020-12-12",
}


def test_same_row_same_id_and_is_a_uuid():
    first = derive_id_technique(ROW)
    assert first == derive_id_technique(dict(ROW))
    assert uuid.UUID(first).version == 5


def test_case_and_accents_do_not_change_the_id():
    assert derive_id_technique(
        {**ROW, "nomNaissance": "DUPONT", "prenom1": "elodie"}
    ) == derive_id_technique(ROW)


def test_each_identity_part_changes_the_id():
    base = derive_id_technique(ROW)
    for name, value in [("code", "RNCP1"), ("nomNaissance", "Durand"), ("prenom1", "Anne"),
                        ("anneeNaissance", "1997"), ("jourNaissance", "6"),
                        ("dateDebutValidite", "2020-12-13")]:  # fmt: skip
        assert derive_id_technique({**ROW, name: value}) != base, name


def test_dossier_and_nir_branches():
    dossier = derive_id_technique(
        {"code": "RS1", "idDossier": "123", "dateDebutValidite": "2021-01-01"}
    )
    nir = derive_id_technique(
        {"code": "RS1", "nir": "1960575123456", "dateDebutValidite": "2021-01-01"}
    )
    assert dossier != nir
    assert dossier == derive_id_technique(
        {"code": "RS1", "idDossier": "123", "dateDebutValidite": "2021-01-01", "nomNaissance": "X"}
    )


def test_fast_uuid5_is_rfc_uuid5():
    from passeport.flux.identifiers import NAMESPACE, uuid5_text

    for name in ["", "a", "passeport-idtechnique-v1|RNCP1|dupont|élodie|1996-11-05|2020-12-12"]:
        assert uuid5_text(name) == str(uuid.uuid5(NAMESPACE, name))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"code": "RNCP19117", "nomNaissance": "Dupont", "prenom1": "Élodie", "anneeNaissance": "1996",
          "moisNaissance": "11", "jourNaissance": "5", "dateDebutValidite": "2020-12-12"},
         "b2bb4c21-2557-5c56-a855-de235a0fb9c2"),
        ({"code": "rs5262", "nomNaissance": "Le  Goff", "prenom1": "Zoé", "anneeNaissance": "1990",
          "dateDebutValidite": "2021-01-01"}, "e471a52c-6812-541c-9184-86028608c718"),
        ({"code": "RS1", "idDossier": " 123 ", "dateDebutValidite": "2021-01-01"},
         "4cf28334-d1f8-5942-ad32-c0cd8aec299d"),
        ({"code": "RS1", "nir": "1800475123456", "dateDebutValidite": "2021-01-01"},
         "516d4da7-be55-5f41-affc-3ee7a1c25077"),
    ],
)  # fmt: skip
def test_derivation_is_stable_forever(values, expected):
    """Golden values: a re-deposit must give the same ids as the first deposit, whatever the
    version of Passeport that built them (docs/construire-un-flux.md)."""
    assert derive_id_technique(values) == expected
