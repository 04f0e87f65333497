"""Share links: created by the holder, opened by a visitor, revoked; every view logged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from passeport.passport.models import AccessLog
from passeport.sharing import links
from passeport.sharing.models import Share, ShareView
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return factories.HolderFactory(linked=True)


def test_token_is_long_random_and_stored_hashed(holder):
    share = factories.ShareFactory(holder=holder)
    clear = share.clear_token
    assert clear.startswith("sh_") and len(clear) >= 50
    row = Share.objects.get(pk=share.pk)
    assert clear not in (row.token_hash, row.prefix) and row.token_hash == links.hash_token(clear)
    assert links.find_share(clear) == row
    # Same prefix, another secret: not found (the hash is compared, not the prefix).
    assert links.find_share(row.prefix + "_" + "x" * 43) is None
    assert links.find_share(clear[:-1] + ("A" if clear[-1] != "A" else "B")) is None
    assert links.find_share("") is None and links.find_share("sh_court") is None


def test_access_code_is_hashed(holder):
    share = factories.ShareFactory(holder=holder, code="7391")
    assert "7391" not in share.access_code_hash
    assert links.check_access_code(share, "7391")
    assert not links.check_access_code(share, "0000") and not links.check_access_code(share, "")


@pytest.mark.parametrize(
    ("days", "message"), [(0, "dans le futur"), (-3, "dans le futur"), (400, "dans un an")]
)
def test_expiry_must_be_within_a_year(holder, days, message):
    with pytest.raises(ValidationError, match=message):
        links.create_share(
            holder,
            label="x",
            kind=Share.Kind.PASSPORT,
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
        )


def test_default_expiry_is_thirty_days(holder):
    share = factories.ShareFactory(holder=holder)
    assert (share.expires_at.date() - timezone.localdate()).days == 30


def test_entries_of_someone_else_cannot_be_shared(holder):
    theirs = factories.EntryFactory()
    with pytest.raises(ValidationError, match="au moins une entrée"):
        links.create_share(holder, label="x", kind=Share.Kind.ENTRIES, entries=[theirs])
    with pytest.raises(ValidationError):
        links.create_share(holder, label="x", kind=Share.Kind.ENTRIES, entries=[])


def test_visitor_sees_only_what_is_shared_with_trust_in_words(client, holder):
    guaranteed = factories.CertificationFactory(person=holder.person, title="Master Chimie")
    declared = factories.EntryFactory(holder=holder, title="Stage au labo")
    hidden = factories.EntryFactory(holder=holder, title="Entrée non partagée")
    other = factories.EntryFactory(title="Passeport d'un autre")
    share = factories.ShareFactory(
        holder=holder, kind=Share.Kind.ENTRIES, entries=[guaranteed, declared]
    )
    response = client.get(f"/p/{share.clear_token}/", HTTP_USER_AGENT="Mozilla/5.0 Firefox/130.0")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Master Chimie" in html and "Stage au labo" in html
    assert hidden.title not in html and other.title not in html
    assert "Garantie" in html and "Déclarée" in html
    assert "Dépôt d&#x27;un organisme certificateur" in html  # the guaranteed entry's source
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["Cache-Control"] == "private, no-store"
    # The NIR is never on the page (the register person's NIR is encrypted, never decrypted).
    from passeport.identity.models import Person

    nir = Person.objects.get(pk=holder.person_id).nir
    assert nir not in html
    view = ShareView.objects.get(share=share)
    assert view.outcome == ShareView.Outcome.SHOWN and view.browser == "Firefox"
    assert view.address_hash and "127.0.0.1" not in view.address_hash
    log = AccessLog.objects.get(holder=holder)
    assert log.channel == AccessLog.Channel.SHARE and "Candidature" in log.accessor_label


def test_withdrawn_entry_disappears_from_the_link(client, holder):
    entry = factories.CertificationFactory(person=holder.person, title="Retirée")
    share = factories.ShareFactory(holder=holder)
    assert "Retirée" in client.get(f"/p/{share.clear_token}/").content.decode()
    entry.withdrawn_at = timezone.now()
    entry.save()
    assert "Retirée" not in client.get(f"/p/{share.clear_token}/").content.decode()


def test_revoked_link_answers_410_and_is_logged(client, holder):
    share = factories.ShareFactory(holder=holder)
    assert client.get(f"/p/{share.clear_token}/").status_code == 200
    links.revoke(share, actor=holder.user)
    response = client.get(f"/p/{share.clear_token}/")
    assert response.status_code == 410
    assert "révoqué ce lien" in response.content.decode()
    assert list(share.views.values_list("outcome", flat=True).order_by("created_at")) == [
        ShareView.Outcome.SHOWN,
        ShareView.Outcome.REVOKED,
    ]


def test_expired_link_answers_410(client, holder):
    share = factories.ShareFactory(holder=holder)
    Share.objects.filter(pk=share.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(f"/p/{share.clear_token}/")
    assert response.status_code == 410 and "a expiré" in response.content.decode()
    assert share.views.get().outcome == ShareView.Outcome.EXPIRED


def test_unknown_token_is_404(client):
    assert client.get("/p/sh_00000000_inconnu-inconnu-inconnu-inconnu-inconnu/").status_code == 404


def test_access_code_then_rate_limited(client, holder):
    factories.CertificationFactory(person=holder.person, title="Secret")
    share = factories.ShareFactory(holder=holder, code="7391")
    url = f"/p/{share.clear_token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Secret" not in page.content.decode()
    assert "code d’accès" in page.content.decode()
    wrong = client.post(url, {"code": "0000"})
    assert wrong.status_code == 200 and "pas le bon" in wrong.content.decode()
    assert "Secret" not in wrong.content.decode()
    right = client.post(url, {"code": "7391"})
    assert right.status_code == 200 and "Secret" in right.content.decode()
    for _ in range(4):
        client.post(url, {"code": "0000"})
    locked = client.post(url, {"code": "7391"})  # even the right code, once locked
    assert locked.status_code == 429 and 1 <= int(locked["Retry-After"]) <= 900
    assert "Trop de codes erronés pour ce lien" in locked.content.decode()
    assert "Secret" not in locked.content.decode()
    assert share.views.filter(outcome=ShareView.Outcome.WRONG_CODE).count() == 5


def test_browser_family_never_keeps_the_whole_user_agent():
    assert links.browser_family("Mozilla/5.0 (X11) AppleWebKit Chrome/120 Safari/537") == "Chrome"
    assert links.browser_family("Mozilla/5.0 Edg/120 Chrome/120") == "Edge"
    assert links.browser_family("curl/8.5") == "curl"
    assert links.browser_family("") == "inconnu"
    assert links.browser_family("Bot/1") == "autre"


def test_share_tokens_are_masked_in_logs():
    from passeport.core.logging import redact

    token = "sh_0123abcd_" + "Zx9-_" * 9
    assert redact(f"GET /p/{token}/ 410") == "GET /p/sh_0123abcd_[jeton masqué]/ 410"
