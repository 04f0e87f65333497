from django.apps import AppConfig


class ProofsConfig(AppConfig):
    name = "passeport.proofs"
    label = "proofs"
    verbose_name = "Preuves : CV signés, attestations numériques, vérification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import abilities, receivers  # noqa: F401 - registers the abilities

        receivers.connect()
