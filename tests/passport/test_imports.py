"""Import commands of the other authorities, the export command and prevention reminders."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.models import AccessLog, Entry
from passeport.passport.reminders import send_prevention_reminders
from passeport.testing import factories

pytestmark = pytest.mark.django_db

NIR = "288047511204519"  # Camille Lefèvre in the test register


@pytest.fixture
def camille():
    (person,) = ensure_in_register(BY_KEY["camille"])
    return person


def test_import_trainings_csv_creates_guaranteed_entries_idempotently(camille, tmp_path):
    path = tmp_path / "agora.csv"
    path.write_text(
        "nir;reference;intitule;organisme;date_debut;date_fin;duree_heures;siret_organisme\n"
        f"{NIR};CPF-1;Anglais professionnel;Langues & Co;2024-01-08;2024-03-29;40;\n"
        f"{NIR[:13]};CPF-2;Excel avancé;Bureautique Pro;08/04/2024;;7,5;73282932000074\n",
        encoding="utf-8",
    )
    call_command("import_trainings", str(path))
    entries = Entry.objects.filter(person_id=camille.pk).order_by("source_reference")
    assert [e.title for e in entries] == ["Anglais professionnel", "Excel avancé"]
    first, second = entries
    assert first.trust == "garantie" and first.source == "agora" and first.kind == "training"
    assert first.details == {"hours": "40", "provider": "Langues & Co"}
    assert second.start_date == datetime.date(2024, 4, 8) and second.details["hours"] == "7.5"
    call_command("import_trainings", str(path))
    assert Entry.objects.count() == 2
    path.write_text(
        "nir,reference,intitule,organisme,date_debut\n"
        f"{NIR},CPF-1,Anglais professionnel (TOEIC),Langues & Co,2024-01-08\n",
        encoding="utf-8",
    )
    call_command("import_trainings", str(path))
    first.refresh_from_db()
    assert first.title == "Anglais professionnel (TOEIC)" and Entry.objects.count() == 2


def test_import_errors_name_file_line_field_and_fix(camille, tmp_path, capsys):
    path = tmp_path / "dsn.csv"
    path.write_text(
        "nir,reference,emploi,employeur,date_debut,date_fin,siret_employeur\n"
        f"{NIR},P-1,Technicienne support,Acme,2019-09-01,2021-08-31,\n"
        f"{NIR},P-2,Analyste,Acme,2021-09-01,2020-01-01,\n"
        "123,P-3,Analyste,Acme,2021-09-01,,\n"
        f"{NIR},P-4,Analyste,Acme,le 3 mars,,\n"
        f"{NIR},P-5,Analyste,Acme,2022-01-01,,12345678901234\n"
        "178113306301111,P-6,Analyste,Acme,2022-01-01,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_careers", str(path))
    err = capsys.readouterr().err
    assert "dsn.csv, ligne 3, champ « date_fin » : la date de fin précède la date de début" in err
    assert "dsn.csv, ligne 4, champ « nir » : le NIR doit compter 13 ou 15 caractères" in err
    assert "dsn.csv, ligne 5, champ « date_debut » : « le 3 mars » n'est pas une date" in err
    assert "dsn.csv, ligne 6, champ « siret_employeur »" in err
    assert "dsn.csv, ligne 7, champ « nir » : aucune personne du registre" in err
    assert "Traceback" not in err
    (entry,) = Entry.objects.all()  # the good line is imported anyway
    assert entry.source == "dsn_rgcu" and entry.kind == "experience"
    assert entry.organisation == "Acme" and entry.end_date == datetime.date(2021, 8, 31)


def test_import_careers_keeps_the_optional_job_codes_and_checks_their_form(
    camille, tmp_path, capsys
):
    path = tmp_path / "dsn.csv"
    path.write_text(
        "nir,reference,emploi,employeur,date_debut,code_rome,appellation,pcs_ese\n"
        f"{NIR},P-1,Administratrice systèmes,Acme,2019-09-01, m1801 ,489089,388A\n"
        f"{NIR},P-2,Analyste,Acme,2021-09-01,,,\n"
        f"{NIR},P-3,Analyste,Acme,2021-09-01,Z1234,,\n"
        f"{NIR},P-4,Analyste,Acme,2021-09-01,,AB12,\n"
        f"{NIR},P-5,Analyste,Acme,2021-09-01,,,38\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_careers", str(path))
    err = capsys.readouterr().err
    assert "dsn.csv, ligne 4, champ « code_rome » : « Z1234 » n'est pas un code ROME" in err
    assert (
        "dsn.csv, ligne 5, champ « appellation » : « AB12 » n'est pas un code d'appellation" in err
    )
    assert "dsn.csv, ligne 6, champ « pcs_ese » : « 38 » n'est pas un code PCS-ESE" in err
    first, second = Entry.objects.order_by("source_reference")
    assert first.details == {
        "job_title": "Administratrice systèmes",
        "code_rome": "M1801",
        "appellation": "489089",
        "pcs_ese": "388a",
    }
    assert second.details == {"job_title": "Analyste"}  # the codes are optional


def test_import_refuses_a_file_without_the_required_columns(camille, tmp_path, capsys):
    path = tmp_path / "mauvais.csv"
    path.write_text("numero,titre\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_trainings", str(path))
    assert "mauvais.csv, ligne 1 : colonne(s) manquante(s) : nir, reference" in (
        capsys.readouterr().err
    )


def test_import_prevention_json(camille, tmp_path):
    path = tmp_path / "prevention.json"
    path.write_text(
        json.dumps(
            {
                "entrees": [
                    {
                        "nir": NIR,
                        "reference": "SST-1",
                        "type_justificatif": "justificatif_reussite",
                        "intitule": "Sauveteur secouriste du travail",
                        "organisme": "Prévention Sud",
                        "date_obtention": "2025-02-10",
                        "date_expiration": "2027-02-10",
                        "risque": "secours",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    call_command("import_prevention", str(path))
    entry = Entry.objects.get()
    assert entry.kind == "prevention" and entry.trust == "garantie"
    assert entry.expires_on == datetime.date(2027, 2, 10)
    assert entry.details["attestation_type"] == "Justificatif de réussite"


def test_import_prevention_rejects_unknown_attestation_type(camille, tmp_path, capsys):
    path = tmp_path / "prev.json"
    path.write_text(
        json.dumps(
            [
                {
                    "nir": NIR,
                    "reference": "X",
                    "type_justificatif": "diplome",
                    "intitule": "x",
                    "organisme": "y",
                    "date_obtention": "2025-01-01",
                }
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_prevention", str(path))
    assert "prev.json, élément 1, champ « type_justificatif »" in capsys.readouterr().err


def test_export_passport_command_is_the_holders_download_and_is_logged(camille, client, tmp_path):
    holder = factories.HolderFactory(name="camille", person=camille)
    Entry.objects.create(
        person_id=camille.pk,
        kind="training",
        trust="garantie",
        source="agora",
        source_reference="CPF-9",
        title="Gestion de projet",
    )
    Entry.objects.create(
        holder=holder, kind="other", trust="declaree", source="titulaire", title="Permis bateau"
    )
    out = tmp_path / "export.json"
    call_command(
        "export_passport",
        "--nir",
        NIR,
        "--format",
        "json",
        "--output",
        str(out),
        "--operator",
        "Olivia",
    )
    data = json.loads(out.read_text())
    assert {e["intitule"] for e in data["entrees"]} == {"Gestion de projet", "Permis bateau"}
    assert data["compte"]["adresse_electronique"] == "camille@titulaires.test"
    log = AccessLog.objects.get()
    assert log.channel == "export" and log.accessor_label == "Opérateur Olivia"
    assert log.holder == holder
    # The holder sees the same content, and the consultation.
    client.force_login(holder.user)
    mine = json.loads(client.get("/passeport/mes-donnees/export.json").content)
    assert mine["entrees"] == data["entrees"] and mine["compte"] == data["compte"]
    page = client.get("/passeport/mes-donnees/").content.decode()
    assert "Opérateur Olivia" in page and "Demande d’accès RGPD" in page
    html = tmp_path / "export.html"
    call_command("export_passport", "--nir", NIR, "--format", "html", "--output", str(html))
    assert "Gestion de projet" in html.read_text()


def test_export_passport_unknown_or_invalid_nir(camille):
    with pytest.raises(CommandError, match="Aucune personne du registre"):
        call_command("export_passport", "--nir", "178113306301111")
    with pytest.raises(CommandError, match="13 ou 15 caractères"):
        call_command("export_passport", "--nir", "12")


def test_prevention_reminders_once_before_expiry(camille):
    holder = factories.HolderFactory(name="camille", person=camille)
    today = datetime.date(2026, 3, 1)
    soon = Entry.objects.create(
        person_id=camille.pk,
        kind="prevention",
        trust="garantie",
        source="prevention",
        source_reference="SST-A",
        title="SST",
        organisation="Prévention Sud",
        expires_on=today + datetime.timedelta(days=20),
    )
    Entry.objects.create(
        person_id=camille.pk,
        kind="prevention",
        trust="garantie",
        source="prevention",
        source_reference="SST-B",
        title="Habilitation",
        expires_on=today + datetime.timedelta(days=200),
    )
    assert send_prevention_reminders(days=60, today=today) == 1
    (message,) = mail.outbox
    assert message.to == [holder.user.email]
    assert "SST (Prévention Sud) : expire le 21/03/2026" in message.body
    assert "Habilitation" not in message.body
    soon.refresh_from_db()
    assert soon.reminder_sent_on == today
    assert send_prevention_reminders(days=60, today=today) == 0  # once only


def test_command_send_prevention_reminders(camille, capsys):
    factories.HolderFactory(name="camille", person=camille)
    Entry.objects.create(
        person_id=camille.pk,
        kind="prevention",
        trust="garantie",
        source="prevention",
        source_reference="SST-C",
        title="SST",
        expires_on=datetime.date.today() + datetime.timedelta(days=10),
    )
    call_command("send_prevention_reminders", "--jours", "30")
    assert "1 rappel(s) envoyé(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 1
