"""API tokens (`certifiers.tokens`): stored hashed, shown once, checked in constant time,
refused once revoked or when their certifier is suspended; issuing and revoking audited."""

from unittest import mock

import pytest

from passeport.certifiers import tokens
from passeport.certifiers.models import ApiToken, Certifier
from passeport.certifiers.tokens import authenticate_token, issue_token, revoke_token
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_hashed_and_shown_once():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    user = factories.UserFactory()
    token, clear = issue_token(univ, "Logiciel de scolarité", user)
    assert clear.startswith(token.prefix) and token.prefix.startswith("pp_")
    assert len(token.prefix) == 11 and len(clear) > 50
    stored = ApiToken.objects.get(pk=token.pk)
    assert clear not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.token_hash == tokens.hash_token(clear)
    assert stored.created_by == user
    [event] = AuditEvent.objects.filter(action="certifiers.token_issued")
    assert event.actor == user and event.target_id == str(token.pk)
    assert clear not in str(event.details)

    assert stored.last_used_at is None
    assert authenticate_token(clear) == token
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    # wrong secret with the right prefix, garbage, empty: rejected
    assert authenticate_token(clear[:-1] + ("A" if clear[-1] != "A" else "B")) is None
    assert authenticate_token("pp_00000000_" + "x" * 43) is None
    assert authenticate_token("") is None and authenticate_token(None) is None
    assert authenticate_token(clear[:11]) is None


def test_token_compare_is_constant_time():
    token = factories.ApiTokenFactory()
    with mock.patch.object(tokens.hmac, "compare_digest", wraps=tokens.hmac.compare_digest) as spy:
        assert authenticate_token(token.clear) is not None
    spy.assert_called_once()


def test_revoked_token_and_suspended_certifier_rejected():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    token = factories.ApiTokenFactory(certifier=univ)
    univ.status = Certifier.Status.SUSPENDED
    univ.save()
    assert authenticate_token(token.clear) is None
    univ.status = Certifier.Status.ACTIVE
    univ.save()
    assert revoke_token(token)
    assert token.is_revoked and ApiToken.objects.get(pk=token.pk).is_revoked
    assert authenticate_token(token.clear) is None


def test_revoking_is_audited_once():
    actor = factories.UserFactory()
    token = factories.ApiTokenFactory()
    assert revoke_token(token, actor=actor) is True
    revoked_at = token.revoked_at
    assert revoke_token(token, actor=actor) is False  # already revoked: nothing changes
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    [event] = AuditEvent.objects.filter(action="certifiers.token_revoked")
    assert event.actor == actor and event.target_id == str(token.pk)


def test_two_tokens_never_share_a_prefix():
    univ = factories.CertifierFactory(id_client="UNIVAAAA", codes=())
    prefixes = {issue_token(univ, f"t{i}")[0].prefix for i in range(20)}
    assert len(prefixes) == 20
    taken = next(iter(prefixes))[3:]
    with mock.patch.object(tokens.secrets, "token_hex", side_effect=[taken, "0badcafe"]):
        token, clear = issue_token(univ, "collision")
    assert token.prefix == "pp_0badcafe" and authenticate_token(clear) == token
