from django.apps import AppConfig


def is_operator(user) -> bool:
    """Operators (staff) see every certifier's data: they log in with two factors too."""
    return user.is_staff


class AccountsConfig(AppConfig):
    name = "passeport.accounts"
    label = "accounts"
    verbose_name = "Comptes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import twofactor

        twofactor.register_requirement(is_operator)
