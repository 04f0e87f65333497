"""`create_certifier` (operator command) and the demo data."""

import io
import os
import stat

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passeport.accounts import demo as accounts_demo
from passeport.accounts import twofactor
from passeport.accounts.models import User
from passeport.certifiers import demo
from passeport.certifiers.mandates import can_deposit_for
from passeport.certifiers.models import ApiToken, Certifier, Mandate
from passeport.certifiers.tokens import authenticate_token

pytestmark = pytest.mark.django_db

ARGS = [
    "--siret",
    "732 829 320 00074",
    "--name",
    "Université X",
    "--id-client",
    "univx001",
    "--id-contrat",
    "2560080000127J",
    "--certification",
    "RNCP35340",
    "--certification",
    "rs6117",
]


def run(*args):
    out = io.StringIO()
    call_command("create_certifier", *args, stdout=out)
    return out.getvalue()


def test_creates_certifier_and_writes_token_file_mode_600(tmp_path):
    token_file = tmp_path / "jeton.txt"
    output = run(*ARGS, "--token-file", str(token_file))
    certifier = Certifier.objects.get(id_client="UNIVX001")
    assert certifier.siret == "73282932000074" and certifier.is_active
    assert certifier.certification_codes() == {"RNCP35340", "RS6117"}
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    clear = token_file.read_text().strip()
    assert authenticate_token(clear).certifier == certifier
    assert clear not in output and str(token_file) in output
    # never overwrites an existing file
    with pytest.raises(CommandError, match="existe déjà"):
        run(*[a if a != "univx001" else "univx002" for a in ARGS], "--token-file", str(token_file))
    assert not Certifier.objects.filter(id_client="UNIVX002").exists()


def test_prints_the_token_without_file():
    output = run(*ARGS)
    [token] = ApiToken.objects.all()
    clear = output.strip().splitlines()[-1]
    assert clear.startswith(token.prefix) and authenticate_token(clear) == token


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--siret", "73282932000075"), "SIRET"),
        (("--id-client", "ABC"), "idClient"),
        (("--id-contrat", "X" * 21), "idContrat"),
        (("--certification", "DIPLOME1"), "RNCP12345 ou RS1234"),
    ],
)
def test_errors_in_french_and_nothing_created(change, message):
    args = list(ARGS)
    index = args.index(change[0])
    args[index + 1] = change[1]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert Certifier.objects.count() == 0 and ApiToken.objects.count() == 0


def test_duplicate_id_client_refused():
    run(*ARGS)
    with pytest.raises(CommandError, match="idClient"):
        run(*ARGS)
    assert Certifier.objects.count() == 1


def test_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_certifier",
            "--siret",
            "123",
            "--name",
            "X",
            "--id-client",
            "ABCDEFGH",
            "--id-contrat",
            "1",
            "--certification",
            "RNCP1",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
        check=False,
    )
    assert result.returncode != 0
    assert "SIRET" in result.stderr and "Traceback" not in result.stderr


def test_demo_seed_is_idempotent_and_documented(client):
    first = demo.seed()
    second = demo.seed()
    assert first == second
    assert Certifier.objects.filter(id_client__in=["DEMOUNIV", "DEMOTIER"]).count() == 2
    assert ApiToken.objects.count() == 1
    university = Certifier.objects.get(id_client="DEMOUNIV")
    assert university.name == "Université de démonstration"
    assert {"RNCP35340", "RS6117"} <= university.certification_codes()
    assert authenticate_token(demo.DEMO_API_TOKEN).certifier == university
    third = Certifier.objects.get(id_client="DEMOTIER")
    assert can_deposit_for(third, "DEMOUNIV") and Mandate.objects.count() == 1
    logins = "\n".join(" ".join(item) for item in first)
    assert accounts_demo.DEMO_TOTP_SECRET in logins and demo.DEMO_API_TOKEN in logins

    # the demo administrator logs in like everyone else: password, then TOTP code
    admin = User.objects.get(email=demo.UNIVERSITY_ADMIN_EMAIL)
    assert twofactor.is_required(admin)
    response = client.post(
        "/compte/connexion/", {"username": admin.email, "password": "Passeport-Demo-2026"}
    )
    assert response["Location"] == "/compte/connexion/code/"
    response = client.post(
        "/compte/connexion/code/", {"code": pyotp.TOTP(accounts_demo.DEMO_TOTP_SECRET).now()}
    )
    assert response.status_code == 302
    assert client.get(f"/certificateurs/{university.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True)  # the mail leaves when the command's work commits
def test_admin_email_gets_an_invitation():
    from django.core import mail

    from passeport.certifiers.models import Invitation

    with pytest.raises(CommandError, match="adresse électronique invalide"):
        run(*ARGS, "--admin-email", "pas-une-adresse")
    assert Certifier.objects.count() == 0
    output = run(*ARGS, "--admin-email", "Chef@Univ-X.fr")
    assert "Invitation envoyée à chef@univ-x.fr" in output
    invitation = Invitation.objects.get()
    assert invitation.email == "chef@univ-x.fr" and invitation.role == "administrator"
    assert "/certificateurs/invitation/" in output
    [message] = mail.outbox
    assert message.to == ["chef@univ-x.fr"] and "UNIVX001" in message.body


@pytest.mark.django_db(transaction=True)
def test_an_invitation_that_could_not_be_mailed_says_so(settings, caplog):
    """No mail server: no SMTP traceback, no « Invitation envoyée », the link to hand over."""
    from passeport.testing.pgcluster import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_certifier", *ARGS, "--admin-email", "chef@univ-x.fr", stdout=out, stderr=err
    )
    assert "Invitation envoyée" not in out.getvalue()
    assert "le courriel n'a pas pu être envoyé" in err.getvalue()
    assert "/certificateurs/invitation/" in err.getvalue()
    failures = [r for r in caplog.records if "impossible" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is None
    assert "chef@univ-x.fr" not in failures[0].getMessage()
