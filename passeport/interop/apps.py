from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "passeport.interop"
    label = "interop"
    verbose_name = "Interopérabilité : exports et imports aux formats standards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from passeport.passport import signals

        from . import receivers

        signals.home_panels.connect(receivers.exchange_panel, dispatch_uid="interop.exchange_panel")
