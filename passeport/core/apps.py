from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "passeport.core"
    label = "core"
    verbose_name = "Socle commun"
    default_auto_field = "django.db.models.BigAutoField"
