from django.apps import AppConfig


class FranceconnectConfig(AppConfig):
    name = "passeport.franceconnect"
    label = "franceconnect"
    verbose_name = "FranceConnect"
    default_auto_field = "django.db.models.BigAutoField"
