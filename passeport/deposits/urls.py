from django.urls import path

from . import analysis_views, views

app_name = "deposits"

urlpatterns = [
    path("verifier-mon-fichier/", views.check_file, name="check"),
    path("<uuid:certifier_id>/", views.dashboard, name="dashboard"),
    path("<uuid:certifier_id>/deposer/", views.upload, name="upload"),
    path("<uuid:certifier_id>/saisir/", views.entry, name="entry"),
    path("<uuid:certifier_id>/tableurs/exemple.xlsx", analysis_views.example, name="example"),
    path(
        "<uuid:certifier_id>/tableurs/<uuid:analysis_id>/",
        analysis_views.progress,
        name="analysis",
    ),
    path(
        "<uuid:certifier_id>/tableurs/<uuid:analysis_id>/etat/",
        analysis_views.state,
        name="analysis_state",
    ),
    path(
        "<uuid:certifier_id>/tableurs/<uuid:analysis_id>/colonnes/",
        analysis_views.columns,
        name="analysis_columns",
    ),
    path(
        "<uuid:certifier_id>/tableurs/<uuid:analysis_id>/apercu/",
        analysis_views.preview,
        name="analysis_preview",
    ),
    path(
        "<uuid:certifier_id>/tableurs/<uuid:analysis_id>/correspondance.toml",
        analysis_views.mapping_file,
        name="analysis_mapping",
    ),
    path(
        "<uuid:certifier_id>/tableurs/<uuid:analysis_id>/<str:kind>/",
        analysis_views.download,
        name="analysis_download",
    ),
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
