from django.apps import AppConfig
from django.db.models.signals import post_save


class PassportConfig(AppConfig):
    name = "passeport.passport"
    label = "passport"
    verbose_name = "Passeport du titulaire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import abilities, receivers  # noqa: F401 - abilities register themselves

        # The identity app saves its IdentityImport with `finished_at` at the end of every
        # import (command or back office): the hook « attach when the person later appears ».
        post_save.connect(
            receivers.identity_import_finished,
            sender="identity.IdentityImport",
            dispatch_uid="passport.identity_import_finished",
        )
