"""Menus of the certifier space and of the operators' back office, extensible by other apps.

The deposits app (above us) adds its pages from its `AppConfig.ready()`:

    from passeport.certifiers import navigation
    navigation.register_space_link("Tableau de bord", "deposits:dashboard", order=10)
    navigation.register_backoffice_link("Dépôts", "deposits_backoffice:list", order=20)

Space links are reversed with the certifier's id as only argument (`<uuid:certifier_id>`);
back-office links take no argument. Templates render them with `{% load certifiers_nav %}`
`{% space_nav certifier %}` / `{% backoffice_nav %}` (already in the base templates
`certifiers/space_base.html` and `backoffice/base.html`, which pages extend).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    order: int = 50
    # Space only: the certifier ability (certifiers/abilities.py) the link's page requires;
    # the link is shown exactly when the page would let the member in.
    ability: str = "view"


SPACE_LINKS: list[NavLink] = []
BACKOFFICE_LINKS: list[NavLink] = []


def _register(links: list[NavLink], link: NavLink) -> None:
    if all(existing.url_name != link.url_name for existing in links):
        links.append(link)
        links.sort(key=lambda item: (item.order, item.label))


def register_space_link(label: str, url_name: str, *, order: int = 50, ability="view") -> None:
    _register(SPACE_LINKS, NavLink(label, url_name, order, ability))


def register_backoffice_link(label: str, url_name: str, *, order: int = 50) -> None:
    _register(BACKOFFICE_LINKS, NavLink(label, url_name, order))


register_space_link("Accueil de l'espace", "certifiers:space", order=0)
register_space_link("Support", "certifiers:tickets", order=60)
register_space_link("Membres", "certifiers:members", order=70, ability="manage_members")
register_space_link("Jetons d'API", "certifiers:tokens", order=80, ability="manage_tokens")

register_backoffice_link("Accueil", "backoffice:home", order=0)
register_backoffice_link("Demandes d'accrochage", "backoffice:onboarding_list", order=10)
register_backoffice_link("Certificateurs", "backoffice:certifiers", order=15)
register_backoffice_link("Support", "backoffice:tickets", order=60)
register_backoffice_link("État du service", "core:status", order=90)
