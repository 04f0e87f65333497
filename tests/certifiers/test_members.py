"""Members (`certifiers.members`) changed from the portal's members page: role, two-factor
reset, removal, each audited once; the last administrator cannot be demoted or removed."""

import pytest

from passeport.accounts.models import TotpDevice
from passeport.certifiers.models import Membership, Role
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def test_administrator_changes_resets_and_removes_a_member(client, univ):
    admin = factories.MemberFactory(certifier=univ, email="admin@a.fr")
    depositor = factories.MemberFactory(certifier=univ, depositor=True, email="depot@a.fr")
    membership = Membership.objects.get(user=depositor)
    factories.verified_client(client, admin)
    url = f"/certificateurs/{univ.pk}/membres/{membership.pk}/"

    for data, event in [
        ({"action": "role", "role": Role.READ_ONLY}, "certifiers.member_role_changed"),
        ({"action": "reset_two_factor"}, "certifiers.member_two_factor_reset"),
        ({"action": "remove"}, "certifiers.member_removed"),
    ]:
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        response = client.post(url, data)
        assert response.status_code == 302, data
        new = AuditEvent.objects.exclude(pk__in=before)
        assert list(new.values_list("action", "actor", "target_id")) == [
            (event, admin.pk, str(univ.pk))
        ]
        assert new.get().details["user"] == str(depositor.pk)
        if event == "certifiers.member_role_changed":
            assert Membership.objects.get(pk=membership.pk).role == Role.READ_ONLY
        if event == "certifiers.member_two_factor_reset":
            assert not TotpDevice.objects.filter(user=depositor).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_administrator_stays(client, univ):
    admin = factories.MemberFactory(certifier=univ)
    factories.verified_client(client, admin)
    url = f"/certificateurs/{univ.pk}/membres/{admin.memberships.get().pk}/"
    client.post(url, {"action": "role", "role": Role.DEPOSITOR})
    client.post(url, {"action": "remove"})
    assert admin.memberships.get().role == Role.ADMINISTRATOR
    assert not AuditEvent.objects.filter(action__startswith="certifiers.member_").exists()
