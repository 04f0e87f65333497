"""Rules of the certifiers' models: SIRET/ids validation, membership, mandates (who may do
what: test_abilities.py; tokens: test_tokens.py)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.certifiers import models as cm
from passeport.certifiers.models import (
    Certifier,
    CertifierCertification,
    Mandate,
)
from passeport.testing import factories

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"


def test_siret_validated_with_luhn_key():
    certifier = Certifier(siret="73282932000075", name="X", id_client="ABCDEFGH", id_contrat="1")
    with pytest.raises(ValidationError) as exc:
        certifier.full_clean()
    assert "SIRET" in str(exc.value)
    certifier.siret = cm.normalise_siret("732 829 320 00074")
    certifier.full_clean()
    assert certifier.siret == VALID_SIRET


@pytest.mark.parametrize("bad", ["ABC", "ABCDEFGHI", "abcdefgh", "ABCD EFG"])
def test_id_client_is_exactly_eight_characters(bad):
    certifier = Certifier(siret=VALID_SIRET, name="X", id_client=bad, id_contrat="1")
    with pytest.raises(ValidationError) as exc:
        certifier.full_clean()
    assert "id_client" in exc.value.message_dict


def test_id_contrat_length_and_id_client_unique():
    certifier = Certifier(siret=VALID_SIRET, name="X", id_client="ABCDEFGH", id_contrat="1" * 21)
    with pytest.raises(ValidationError) as exc:
        certifier.full_clean()
    assert "id_contrat" in exc.value.message_dict
    factories.CertifierFactory(id_client="ABCDEFGH", codes=())
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CertifierFactory(id_client="ABCDEFGH", codes=())


def test_generated_ids_are_fresh_and_valid():
    factories.CertifierFactory(id_client="ABCDEFGH", codes=())
    with mock.patch.object(cm.secrets, "choice", side_effect=list("ABCDEFGH" + "ZZZZZZZZ")):
        assert cm.generate_id_client() == "ZZZZZZZZ"  # the taken one was skipped
    id_client, id_contrat = cm.generate_id_client(), cm.generate_id_contrat()
    cm.validate_id_client(id_client)
    cm.validate_id_contrat(id_contrat)


def test_certification_codes_normalised_and_queryable():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    CertifierCertification.objects.create(certifier=univ, code="rncp 35340", title="Licence")
    cert = CertifierCertification.objects.create(certifier=univ, code="RS6117")
    assert cert.type == "RS"
    assert univ.certification_codes() == {"RNCP35340", "RS6117"}
    assert list(Certifier.objects.with_certification("RNCP35340")) == [univ]
    with pytest.raises(ValidationError):
        CertifierCertification(certifier=univ, code="XYZ12", type="RS").full_clean()


def test_for_user():
    a, _b = (
        factories.CertifierFactory(id_client="AAAAAAAA", codes=()),
        factories.CertifierFactory(id_client="BBBBBBBB", codes=()),
    )
    admin = factories.MemberFactory(certifier=a, administrator=True)
    assert list(Certifier.objects.for_user(admin)) == [a]
    assert list(Certifier.objects.for_user(mock.Mock(is_authenticated=False))) == []


def test_mandate_validation():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    other = factories.CertifierFactory(id_client="OTHERAAA", codes=())
    third = factories.CertifierFactory(id_client="TIERSAAA", trusted_third_party=True, codes=())
    Mandate(third_party=third, mandator=univ).full_clean()
    # a mandate to a body that is not a trusted third party is refused by validation
    with pytest.raises(ValidationError):
        Mandate(third_party=other, mandator=univ).full_clean()
    with pytest.raises(ValidationError):
        Mandate(third_party=third, mandator=third).full_clean()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        Mandate(
            third_party=third, mandator=univ, starts_on=today, ends_on=today - timedelta(days=1)
        ).full_clean()
    assert "ends_on" in exc.value.message_dict
