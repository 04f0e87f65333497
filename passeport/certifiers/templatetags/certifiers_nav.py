from django import template
from django.urls import NoReverseMatch, reverse

from passeport.certifiers import navigation
from passeport.core import abilities

register = template.Library()


def _items(request, links, args=()):
    """The menu's links; `current` is "page" on the link of this very page, "true" on the link
    of the section it belongs to (the longest link its address starts with, the first link, the
    menu's home, being the section of none): WAI-ARIA `aria-current`, DSFR sidemenu."""
    path = request.path if request else ""
    items = []
    for link in links:
        try:
            url = reverse(link.url_name, args=args)
        except NoReverseMatch:  # an app registered a link whose URL is not installed
            continue
        items.append({"label": link.label, "url": url, "current": ""})
    exact = [item for item in items if item["url"] == path]
    if exact:
        exact[0]["current"] = "page"
    else:
        sections = [item for item in items[1:] if path.startswith(item["url"])]
        if sections:
            max(sections, key=lambda item: len(item["url"]))["current"] = "true"
    return items


@register.inclusion_tag("certifiers/nav.html", takes_context=True)
def space_nav(context, certifier):
    request = context.get("request")
    allowed = abilities.for_request(request, certifier)
    links = [link for link in navigation.SPACE_LINKS if allowed[link.ability]]
    return {
        "items": _items(request, links, args=[certifier.pk]),
        "nav_label": f"Menu de l'espace {certifier.name}",
        "nav_id": "space-nav",
    }


@register.inclusion_tag("certifiers/nav.html", takes_context=True)
def backoffice_nav(context):
    return {
        "items": _items(context.get("request"), navigation.BACKOFFICE_LINKS),
        "nav_label": "Menu du back-office",
        "nav_id": "backoffice-nav",
    }
