from django.urls import path

from . import backoffice

app_name = "deposits_backoffice"

urlpatterns = [
    path("", backoffice.deposit_list, name="list"),
    path("<uuid:deposit_id>/", backoffice.deposit_detail, name="detail"),
    path("<uuid:deposit_id>/retraiter/", backoffice.reprocess, name="reprocess"),
    path("repertoire-identites/", backoffice.identities, name="identities"),
]
