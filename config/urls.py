from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("passeport.pages.urls")),
    path("compte/", include("passeport.accounts.urls")),
    path("back-office/", include("passeport.core.urls")),
    path("back-office/admin/", admin.site.urls),
]

handler403 = "passeport.pages.views.permission_denied"
handler404 = "passeport.pages.views.page_not_found"
handler500 = "passeport.pages.views.server_error"
