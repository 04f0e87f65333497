import pytest
from django.core.management import CommandError, call_command

from passeport.deposits.models import Deposit
from passeport.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_deposit_command_batch(tmp_path, capsys):
    factories.CertifierFactory(sample=True)
    factories.register_holders(4)
    good = tmp_path / "promo.xml"
    good.write_bytes(factories.sample_flux(4))
    bad = tmp_path / "faux.xml"
    bad.write_bytes(b"<rien/>")
    with pytest.raises(CommandError, match="2 fichier"):
        call_command(
            "deposit",
            str(good),
            str(bad),
            str(tmp_path / "absent.xml"),
            "--certifier",
            "ab123cde",
            "--wait",
        )
    out, err = capsys.readouterr()
    assert "promo.xml : reçu, dépôt n°" in out and "(4 passages)" in out
    assert "accepté(s)" in out
    assert "faux.xml : rejeté à la réception" in err
    assert "absent.xml : lecture impossible" in err
    assert Deposit.objects.filter(channel=Deposit.Channel.BATCH).count() == 2
    call_command("deposit", str(good), "--certifier", "AB123CDE")
    assert "déjà déposé" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Aucun organisme"):
        call_command("deposit", str(good), "--certifier", "ZZZZZZZZ")
