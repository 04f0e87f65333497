from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    name = "passeport.competences"
    label = "competences"
    verbose_name = "Compétences et avenir professionnel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import abilities  # noqa: F401 - registers the abilities of this app's objects
