from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "passeport.passport"
    label = "passport"
    verbose_name = "Passeport du titulaire"
    default_auto_field = "django.db.models.BigAutoField"
