from django.apps import AppConfig


class CertifiersConfig(AppConfig):
    name = "passeport.certifiers"
    label = "certifiers"
    verbose_name = "Certificateurs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from passeport.accounts import twofactor

        from . import abilities, receivers  # noqa: F401 - abilities register themselves

        # Every member of a certifier logs in with a second factor (PRODUCT.md: « two-factor
        # login (TOTP) »); accounts cannot import us, so we register the rule there.
        twofactor.register_requirement(is_certifier_member)
        twofactor.register_landing(certifier_space_url)
        receivers.connect()


def is_certifier_member(user) -> bool:
    from .models import Membership

    return Membership.objects.filter(user=user).exists()


def certifier_space_url(user) -> str | None:
    """After login, members land on their certifiers (their space if they have only one),
    operators on the back office."""
    from django.urls import reverse

    if is_certifier_member(user):
        return reverse("certifiers:home")
    return reverse("backoffice:home") if user.is_staff else None
