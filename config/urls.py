from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("passeport.pages.urls")),
    path("compte/", include("passeport.accounts.urls")),
    path("certificateurs/", include("passeport.certifiers.urls")),
    path("back-office/", include("passeport.certifiers.backoffice_urls")),
    path("passeport/", include("passeport.passport.urls")),
    path("", include("passeport.competences.urls")),
    path("", include("passeport.proofs.urls")),
    path("franceconnect/", include("passeport.franceconnect.urls")),
    # Development identity provider: every view answers 404 unless FRANCECONNECT_DEV_PROVIDER.
    path("fc-dev/", include("passeport.franceconnect.dev_urls")),
    path("back-office/", include("passeport.core.urls")),
    path("depots/", include("passeport.deposits.urls")),
    path("back-office/depots/", include("passeport.deposits.backoffice_urls")),
    path("back-office/admin/", admin.site.urls),
    path("", include("passeport.sharing.urls")),
    path("passeport/", include("passeport.interop.urls")),
    path("oauth/", include("passeport.sharing.oauth")),
    # The API (/api/v1/…, and the Open Badges host API under /ims/): one django-ninja API whose
    # routers name their full paths; last, so that it never shadows a page.
    path("", include("passeport.api.urls")),
]

handler403 = "passeport.pages.views.permission_denied"
handler404 = "passeport.pages.views.page_not_found"
handler500 = "passeport.pages.views.server_error"
