from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class FranceconnectConfig(AppConfig):
    name = "passeport.franceconnect"
    label = "franceconnect"
    verbose_name = "FranceConnect"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The development identity provider lets anyone log in as anyone: never in production.
        if (
            settings.FRANCECONNECT_DEV_PROVIDER
            and not settings.DEBUG
            and not settings.FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG
        ):
            raise ImproperlyConfigured(
                "FRANCECONNECT_DEV_PROVIDER est activé alors que DEBUG est désactivé : le "
                "fournisseur d'identité de développement ne doit jamais servir en production. "
                "Pour une démonstration locale, ajoutez FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG=1."
            )
