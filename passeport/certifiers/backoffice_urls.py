"""Operators' back office (`/back-office/`), namespace `backoffice`. Other apps add their own
URL modules under /back-office/ and their menu entries through `navigation`."""

from django.urls import path

from . import backoffice_views as views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("accrochage/", views.onboarding_list, name="onboarding_list"),
    path("accrochage/<uuid:request_id>/", views.onboarding_detail, name="onboarding_detail"),
    path("certificateurs/", views.certifier_list, name="certifiers"),
    path("certificateurs/<uuid:certifier_id>/", views.certifier_detail, name="certifier"),
    path("support/", views.ticket_list, name="tickets"),
    path("support/<uuid:ticket_id>/", views.ticket_detail, name="ticket"),
]
