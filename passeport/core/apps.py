from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "passeport.core"
    label = "core"
    verbose_name = "Socle commun"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
