"""Middleware of the project."""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Every answer of the application is `Cache-Control: private, no-store` unless its view
    said otherwise: passport pages, exports, documents, accusés, KO spreadsheets, API answers —
    nearly every page shows someone's personal data, and a shared cache (a proxy, a
    CDN) or the browser's disk must keep none of it (RFC 9111 §5.2.2.3 and §5.2.2.7). One rule
    for all, so that a new page cannot forget it; static files are answered before it
    (whitenoise, above it in settings.MIDDLEWARE) and keep their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
