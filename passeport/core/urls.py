from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("statut/", views.status_page, name="status"),
]
