from django.shortcuts import render
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "pages/home.html"


class LegalView(TemplateView):
    template_name = "pages/legal.html"
    extra_context = {"title": "Mentions légales"}


class PrivacyView(TemplateView):
    template_name = "pages/privacy.html"
    extra_context = {"title": "Données personnelles"}


class AccessibilityView(TemplateView):
    template_name = "pages/accessibility.html"
    extra_context = {"title": "Déclaration d'accessibilité"}


def page_not_found(request, exception=None):
    return render(request, "404.html", {"title": "Page non trouvée"}, status=404)


def server_error(request):
    # No context processors that could fail again: the template only needs static data.
    return render(request, "500.html", {"title": "Erreur inattendue"}, status=500)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"title": "Accès refusé"}, status=403)
