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
    """The real reason when the code gave one (our `PermissionDenied` messages are written for
    the user, in French), else the generic one."""
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"title": "Accès refusé", "reason": reason}, status=403)


def csrf_failure(request, reason=""):
    """A form refused by Django's CSRF check (settings.CSRF_FAILURE_VIEW): almost always a page
    left open until its session changed (expired, or logged in or out in another tab), or a
    browser refusing cookies. Say so in plain French and offer to reload the form."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("Referer", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(
        request,
        "403_csrf.html",
        {
            "title": "Formulaire expiré",
            "reload_url": referer if referer and same_site else request.get_full_path(),
            "no_cookie": reason == REASON_NO_CSRF_COOKIE,
        },
        status=403,
    )
