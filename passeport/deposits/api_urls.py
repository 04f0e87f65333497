from django.urls import path

from . import api

app_name = "deposits_api"

urlpatterns = [
    path("depots", api.deposits, name="list"),
    path("depots/<uuid:deposit_id>", api.deposit_detail, name="detail"),
    path("depots/<uuid:deposit_id>/accuse-traitement", api.accuse_traitement, name="accuse"),
    path("openapi.json", api.openapi, name="openapi"),
]
