from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "passeport.sharing"
    label = "sharing"
    verbose_name = "Partages et consentements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from passeport.accounts import twofactor

        from . import abilities  # noqa: F401 - registers the abilities of the sharing objects

        # Agents read holders' data: they log in with two factors, like certifiers' members.
        twofactor.register_requirement(is_agent)
        twofactor.register_landing(agent_space_url)


def is_agent(user) -> bool:
    from .models import Agent

    return Agent.objects.filter(user=user).exists()


def agent_space_url(user) -> str | None:
    from django.urls import reverse

    return reverse("sharing:agent_home") if is_agent(user) else None
