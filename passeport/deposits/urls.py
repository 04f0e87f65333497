from django.urls import path

from . import views

app_name = "deposits"

urlpatterns = [
    path("<uuid:certifier_id>/", views.dashboard, name="dashboard"),
    path("<uuid:certifier_id>/deposer/", views.upload, name="upload"),
    path("<uuid:certifier_id>/saisir/", views.entry, name="entry"),
    path("<uuid:certifier_id>/<uuid:deposit_id>/", views.detail, name="detail"),
    path("<uuid:certifier_id>/<uuid:deposit_id>/etat/", views.status, name="status"),
    path("<uuid:certifier_id>/<uuid:deposit_id>/accuse-traitement/", views.accuse, name="accuse"),
    path(
        "<uuid:certifier_id>/<uuid:deposit_id>/passages-rejetes.xlsx", views.rejects, name="rejects"
    ),
    path(
        "<uuid:certifier_id>/<uuid:deposit_id>/passages/<uuid:outcome_id>/corriger/",
        views.correct,
        name="correct",
    ),
]
