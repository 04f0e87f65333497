from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    name = "passeport.competences"
    label = "competences"
    verbose_name = "Compétences et avenir professionnel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from passeport.passport import signals

        from . import abilities, receivers  # noqa: F401 - abilities register themselves

        signals.export_sections.connect(
            receivers.export_sections, dispatch_uid="competences.export_sections"
        )
        signals.home_panels.connect(receivers.goal_panel, dispatch_uid="competences.goal_panel")
