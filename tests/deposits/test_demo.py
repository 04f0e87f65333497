import pytest

from passeport.deposits.models import Deposit, PassageOutcome
from passeport.identity.register import MSG_SEVERAL, MSG_STEP1, MSG_STEP2
from passeport.passport.models import Entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_deposits_are_processed_once():
    from passeport.accounts import demo as accounts_demo
    from passeport.certifiers import demo as certifiers_demo
    from passeport.deposits import demo
    from passeport.identity import demo as identity_demo

    accounts_demo.seed()
    identity_demo.seed()
    certifiers_demo.seed()
    demo.seed()
    demo.seed()
    deposits = Deposit.objects.filter(certifier__id_client="DEMOUNIV").order_by("received_at")
    assert [d.status for d in deposits] == ["traite", "traite_avec_erreurs"]
    assert [d.passages_ok for d in deposits] == [4, 2]
    messages = set(PassageOutcome.objects.filter(status="ko").values_list("message", flat=True))
    assert messages == {MSG_STEP1, MSG_SEVERAL, MSG_STEP2}
    camille = Entry.objects.get(id_technique="DEMO-2026-0001")
    assert camille.person.birth_name == "Lefèvre"
    assert Entry.objects.filter(emetteur_id="DEMOUNIV").count() == 6
