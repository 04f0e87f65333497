from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "passeport.deposits"
    label = "deposits"
    verbose_name = "Dépôts"
    default_auto_field = "django.db.models.BigAutoField"
