from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "passeport.deposits"
    label = "deposits"
    verbose_name = "Dépôts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from passeport.certifiers import navigation

        from . import abilities  # noqa: F401 - abilities register themselves

        navigation.register_space_link("Dépôts et accusés", "deposits:dashboard", order=10)
        navigation.register_space_link(
            "Déposer des fichiers",
            "deposits:upload",
            order=11,
            ability="deposit",
        )
        navigation.register_space_link(
            "Saisir un passage", "deposits:entry", order=12, ability="deposit"
        )
        navigation.register_backoffice_link("Dépôts", "deposits_backoffice:list", order=20)
        navigation.register_backoffice_link(
            "Répertoire d'identités", "deposits_backoffice:identities", order=30
        )
