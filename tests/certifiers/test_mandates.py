"""Mandates of trusted third parties (`certifiers.mandates`): the (émetteur, certificateur)
pairs a depositor may send, the French reasons when a flux's ids do not fit, granting and
revoking a mandate, each audited once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from passeport.certifiers.mandates import (
    allowed_flux_ids,
    can_deposit_for,
    flux_ids_errors,
    grant_mandate,
    revoke_mandate,
)
from passeport.certifiers.models import Certifier, CertifierCertification, Mandate
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def test_certifier_alone_deposits_only_for_itself():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    assert allowed_flux_ids(univ) == {("UNIVAAAA", "UNIVAAAA")}
    assert can_deposit_for(univ, "UNIVAAAA")
    assert not can_deposit_for(univ, "OTHERAAA")


def test_mandate_rules():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    factories.CertifierFactory(id_client="OTHERAAA", codes=())
    third = factories.CertifierFactory(id_client="TIERSAAA", trusted_third_party=True, codes=())
    today = timezone.localdate()
    mandate = factories.MandateFactory(third_party=third, mandator=univ)

    assert allowed_flux_ids(third) == {("TIERSAAA", "TIERSAAA"), ("TIERSAAA", "UNIVAAAA")}
    assert can_deposit_for(third, "UNIVAAAA")
    assert not can_deposit_for(third, "OTHERAAA")  # no mandate from this one
    assert not can_deposit_for(univ, "TIERSAAA")  # mandates are one way
    assert list(third.active_mandators()) == [univ]

    # dates: not yet started, ended
    mandate.starts_on = today + timedelta(days=1)
    mandate.save()
    assert not can_deposit_for(third, "UNIVAAAA")
    assert can_deposit_for(third, "UNIVAAAA", on=today + timedelta(days=1))
    mandate.starts_on, mandate.ends_on = today - timedelta(days=10), today - timedelta(days=1)
    mandate.save()
    assert not can_deposit_for(third, "UNIVAAAA")
    mandate.ends_on = None
    mandate.save()
    assert mandate.is_in_force()

    # a suspended mandator cannot be deposited for; a suspended third party deposits nothing
    univ.status = Certifier.Status.SUSPENDED
    univ.save()
    assert not can_deposit_for(third, "UNIVAAAA")
    univ.status = Certifier.Status.ACTIVE
    univ.save()
    third.status = Certifier.Status.SUSPENDED
    third.save()
    assert allowed_flux_ids(third) == set()
    third.status = Certifier.Status.ACTIVE
    third.save()

    # a third party that loses its status loses its mandates' effect
    third.is_trusted_third_party = False
    third.save()
    assert not can_deposit_for(third, "UNIVAAAA")
    third.is_trusted_third_party = True
    third.save()

    revoke_mandate(mandate)
    assert not can_deposit_for(third, "UNIVAAAA")
    assert not mandate.is_in_force()


def test_flux_ids_errors_explain_in_french():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", id_contrat="CONTRAT1", codes=())
    CertifierCertification.objects.create(certifier=univ, code="RNCP35340")
    third = factories.CertifierFactory(
        id_client="TIERSAAA", trusted_third_party=True, codes=(), mandators=[univ]
    )

    assert flux_ids_errors(univ, "UNIVAAAA", "UNIVAAAA", "CONTRAT1", ["RNCP35340"]) == []
    assert (
        flux_ids_errors(third, "TIERSAAA", "UNIVAAAA", "CONTRAT1", ["RNCP35340"], "TIERS_CONFIANCE")
        == []
    )
    [error] = flux_ids_errors(univ, "TIERSAAA", "UNIVAAAA")
    assert "émetteur TIERSAAA ne correspond pas au compte déposant (UNIVAAAA)" in error
    [error] = flux_ids_errors(univ, "UNIVAAAA", "TIERSAAA")
    assert "n'est pas autorisé à déposer pour le certificateur TIERSAAA" in error
    errors = flux_ids_errors(third, "TIERSAAA", "UNIVAAAA", "WRONG", ["RS1"], "CERTIFICATEUR")
    assert len(errors) == 3
    assert "idContrat WRONG" in errors[0]
    assert "certification RS1 n'est pas rattachée" in errors[1]
    assert "indiquez TIERS_CONFIANCE" in errors[2]
    univ.status = Certifier.Status.SUSPENDED
    univ.save()
    [error] = flux_ids_errors(univ, "UNIVAAAA", "UNIVAAAA")
    assert "suspendu" in error


def test_grant_and_revoke_are_audited_once():
    operator = factories.UserFactory(staff=True)
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    third = factories.CertifierFactory(id_client="TIERSAAA", trusted_third_party=True, codes=())
    today = timezone.localdate()

    mandate = grant_mandate(univ, third, starts_on=today, actor=operator)
    assert Mandate.objects.get() == mandate and mandate.created_by == operator
    assert mandate.ends_on is None and can_deposit_for(third, "UNIVAAAA")
    [created] = AuditEvent.objects.filter(action="certifiers.mandate_created")
    assert created.actor == operator and created.target_id == str(mandate.pk)
    assert created.details == {"mandator": "UNIVAAAA", "third_party": "TIERSAAA"}

    assert revoke_mandate(mandate, actor=operator) is True
    revoked_at = mandate.revoked_at
    assert revoke_mandate(mandate, actor=operator) is False  # already revoked: nothing changes
    mandate.refresh_from_db()
    assert mandate.revoked_at == revoked_at and mandate.revoked_by == operator
    assert not can_deposit_for(third, "UNIVAAAA")
    [revoked] = AuditEvent.objects.filter(action="certifiers.mandate_revoked")
    assert revoked.actor == operator and revoked.target_id == str(mandate.pk)
