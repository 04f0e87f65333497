from django import template
from django.urls import NoReverseMatch, reverse

from passeport.certifiers import navigation
from passeport.core import abilities

register = template.Library()


def _items(request, links, args=()):
    current = request.path if request else ""
    items = []
    for link in links:
        try:
            url = reverse(link.url_name, args=args)
        except NoReverseMatch:  # an app registered a link whose URL is not installed
            continue
        items.append({"label": link.label, "url": url, "current": current == url})
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
