from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("mentions-legales/", views.LegalView.as_view(), name="legal"),
    path("donnees-personnelles/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibilite/", views.AccessibilityView.as_view(), name="accessibility"),
]
