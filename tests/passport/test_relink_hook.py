"""An identity import attaches accounts whose person was missing (through a background task)."""

import io

import pytest
from django.core.management import call_command

from passeport.passport.models import Holder
from passeport.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)  # db_worker closes connections


def test_identity_import_attaches_waiting_accounts():
    import json

    holder = factories.HolderFactory(name="nadia")
    holder.pivot_identity = json.dumps(
        {
            "given_name": "Nadia",
            "family_name": "Belkacem",
            "birthdate": "1985-02-20",
            "gender": "female",
            "birthplace": "13055",
            "birthcountry": "99100",
        }
    )
    holder.save()
    from passeport.identity.importing import import_identities

    csv_text = (
        "nir,nom_naissance,prenoms,sexe,date_naissance,code_insee_naissance,"
        "code_pays_naissance\n"
        "285021305512345,BELKACEM,NADIA,F,1985-02-20,13055,99100\n"
    )
    import_identities(io.BytesIO(csv_text.encode()))
    holder.refresh_from_db()
    assert holder.person_id is None  # not yet: the task is queued
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay")
    holder.refresh_from_db()
    assert holder.link_status == Holder.LinkStatus.LINKED and holder.person_id is not None


def test_relink_holders_command(capsys):
    import datetime
    import json

    from passeport.identity.models import Person

    holder = factories.HolderFactory(name="inès")
    holder.pivot_identity = json.dumps(
        {
            "given_name": "Inès",
            "family_name": "Petit-Roux",
            "birthdate": "1993-08-19",
            "gender": "female",
            "birthplace": "59350",
            "birthcountry": "99100",
        }
    )
    holder.save()
    call_command("relink_holders")
    assert "0 compte(s) rattaché(s)." in capsys.readouterr().out
    Person.build(
        nir="293085935009912",
        birth_name="PETIT ROUX",
        given_names="INES",
        sex="F",
        birth_date=datetime.date(1993, 8, 19),
        birth_commune="59350",
        birth_country="99100",
    ).save()
    call_command("relink_holders")
    assert "1 compte(s) rattaché(s)." in capsys.readouterr().out
    holder.refresh_from_db()
    assert holder.link_status == Holder.LinkStatus.LINKED
