from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    name = "passeport.competences"
    label = "competences"
    verbose_name = "Compétences et avenir professionnel"
    default_auto_field = "django.db.models.BigAutoField"
