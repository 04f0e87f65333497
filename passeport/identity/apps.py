from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "passeport.identity"
    label = "identity"
    verbose_name = "Répertoire d'identités"
    default_auto_field = "django.db.models.BigAutoField"
