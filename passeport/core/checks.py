"""Deployment checks (`manage.py check --deploy`): no demo-only switch in a deployment.

The local demo (`make run`, i.e. `passeport run --demo`) turns on things that must never serve
the public: a development identity provider that lets anyone log in as anyone, a test PKI
generated on the spot whose signatures prove nothing, cookies sent over plain HTTP. A deployment
runs `check --deploy`; each switch left on is an error there, so the check fails loudly.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

DEMO_SWITCHES = [
    (
        "FRANCECONNECT_DEV_PROVIDER",
        "passeport.E001",
        "Le fournisseur d'identité de développement (/fc-dev/) est activé : n'importe qui peut "
        "s'y connecter sous n'importe quelle identité.",
        "Retirez FRANCECONNECT_DEV_PROVIDER et FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG, et "
        "configurez FRANCECONNECT_ISSUER, FRANCECONNECT_CLIENT_ID et FRANCECONNECT_CLIENT_SECRET.",
    ),
    (
        "PROOFS_DEV_PKI",
        "passeport.E002",
        "Les preuves sont signées par une PKI de test générée localement : ces signatures ne "
        "prouvent rien.",
        "Retirez PROOFS_DEV_PKI et donnez PROOFS_SIGNING_PKCS12, son mot de passe et "
        "PROOFS_ED25519_KEYS (docs/preuves.md).",
    ),
    (
        "PASSEPORT_INSECURE_HTTP",
        "passeport.E003",
        "Les cookies de session et CSRF sont envoyés en HTTP non chiffré (démonstration locale).",
        "Retirez PASSEPORT_INSECURE_HTTP et servez le site en HTTPS.",
    ),
]


@register(Tags.security, deploy=True)
def demo_switches_off(app_configs=None, **kwargs):
    return [
        Error(message, hint=hint, id=code)
        for name, code, message, hint in DEMO_SWITCHES
        if getattr(settings, name)
    ]
