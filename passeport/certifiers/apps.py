from django.apps import AppConfig


class CertifiersConfig(AppConfig):
    name = "passeport.certifiers"
    label = "certifiers"
    verbose_name = "Certificateurs"
    default_auto_field = "django.db.models.BigAutoField"
