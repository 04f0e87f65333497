from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "passeport.pages"
    label = "pages"
    verbose_name = "Pages publiques"
    default_auto_field = "django.db.models.BigAutoField"
