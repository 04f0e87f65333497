"""Demo sharing (idempotent): a mission locale with an agent, Camille Lefèvre's consent to it, a
share link of her passport, and two OAuth clients (an application acting for holders, the
mission locale's back end), with fixed, documented, public demo credentials."""

import datetime

from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import get_application_model

from passeport.accounts.demo import DEMO_PASSWORD, TOTP_HOWTO, enrol_demo_totp
from passeport.accounts.models import User
from passeport.franceconnect.dev_provider import subject
from passeport.passport.models import Holder

from . import links
from .models import Agent, Consent, OAuthClient, Organisation, Share
from .scopes import CONSENTS, all_scopes

AGENT_EMAIL = "agent@demo.passeport.localhost"
ORGANISATION = "Mission locale de démonstration"
DEMO_SHARE_TOKEN = "sh_de30de30_lien-de-demonstration-public-du-passeport-de-camille"  # noqa: S105
DEMO_SHARE_CODE = "2026"
# Without an access code: what bench/bench_sharing.py loads (a code needs a form per visit).
DEMO_OPEN_SHARE_TOKEN = "sh_de31de31_lien-de-demonstration-sans-code-du-passeport-de-camille"  # noqa: S105
APP_ID, APP_SECRET = "appli-carriere-demo", "secret-public-de-demonstration-appli-carriere"
ORG_ID, ORG_SECRET = "mission-locale-demo", "secret-public-de-demonstration-mission-locale"


def _application(client_id, secret, name, grant, organisation=None):
    Application = get_application_model()
    application = Application.objects.filter(client_id=client_id).first()
    if application is None:
        application = Application.objects.create(
            client_id=client_id,
            client_secret=secret,  # hashed by django-oauth-toolkit on save
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=grant,
            redirect_uris=f"{settings.SITE_URL}/oauth/demo/retour/"
            if grant == Application.GRANT_AUTHORIZATION_CODE
            else "",
        )
    OAuthClient.objects.get_or_create(
        application=application,
        defaults={"organisation": organisation, "description": "Client de démonstration"},
    )
    return application


def seed() -> list[tuple[str, str, str]]:
    organisation, _ = Organisation.objects.get_or_create(
        name=ORGANISATION, defaults={"kind": Organisation.Kind.MISSION_LOCALE}
    )
    user, created = User.objects.get_or_create(
        email=AGENT_EMAIL, defaults={"first_name": "Amina", "last_name": "Conseillère"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Agent.objects.get_or_create(user=user, defaults={"organisation": organisation})
    enrol_demo_totp(user)

    logins = [
        (f"Agente, {ORGANISATION}", AGENT_EMAIL, f"{DEMO_PASSWORD} {TOTP_HOWTO}"),
    ]
    camille = Holder.objects.filter(
        fc_sub=subject(settings.FRANCECONNECT_CLIENT_ID, "camille")
    ).first()
    if camille is not None:
        if not Consent.objects.filter(holder=camille, organisation=organisation).exists():
            Consent.objects.create(
                holder=camille,
                organisation=organisation,
                sections=["certifications", "formations", "experiences"],
                expires_at=timezone.now() + datetime.timedelta(days=180),
            )
        if not Share.objects.filter(prefix=DEMO_SHARE_TOKEN[: links.PREFIX_LENGTH]).exists():
            links.create_share(
                camille,
                label="Candidature de démonstration",
                kind=Share.Kind.PASSPORT,
                access_code=DEMO_SHARE_CODE,
                clear=DEMO_SHARE_TOKEN,
            )
        if not Share.objects.filter(prefix=DEMO_OPEN_SHARE_TOKEN[: links.PREFIX_LENGTH]).exists():
            links.create_share(
                camille,
                label="Lien de démonstration sans code",
                kind=Share.Kind.PASSPORT,
                clear=DEMO_OPEN_SHARE_TOKEN,
            )
        logins.append(
            (
                "Lien de partage de Camille Lefèvre",
                f"{settings.SITE_URL}/p/{DEMO_SHARE_TOKEN}/",
                f"code d'accès {DEMO_SHARE_CODE}",
            )
        )
    Application = get_application_model()
    _application(
        APP_ID, APP_SECRET, "Appli carrière (démonstration)", Application.GRANT_AUTHORIZATION_CODE
    )
    _application(
        ORG_ID,
        ORG_SECRET,
        f"Système d'information — {ORGANISATION}",
        Application.GRANT_CLIENT_CREDENTIALS,
        organisation,
    )
    sections = " ".join(scope for scope in all_scopes() if scope.endswith(":lecture"))
    logins += [
        (
            "Client OAuth (code d'autorisation + PKCE, agit pour un titulaire)",
            APP_ID,
            f"secret {APP_SECRET} ; /oauth/authorize/, /oauth/token/ (docs/api.md)",
        ),
        (
            f"Client OAuth de la {ORGANISATION} (client credentials)",
            ORG_ID,
            f"secret {ORG_SECRET} ; portées « {CONSENTS} » + rubriques ({sections[:40]}…)",
        ),
    ]
    return logins
