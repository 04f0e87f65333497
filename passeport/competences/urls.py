from django.urls import path

from . import views

app_name = "competences"

urlpatterns = [
    # Public reference pages, each also as JSON at the same path + « .json ».
    path("metiers/<str:code>.json", views.fiche_metier_json, name="fiche_metier_json"),
    path("metiers/<str:code>/", views.fiche_metier, name="fiche_metier"),
    path(
        "certifications/<str:code>.json",
        views.fiche_certification_json,
        name="fiche_certification_json",
    ),
    path("certifications/<str:code>/", views.fiche_certification, name="fiche_certification"),
    # The holder's pages, beside the passport's.
    path("passeport/competences/", views.my_competences, name="mine"),
    path("passeport/competences/choix/", views.competence_action, name="action"),
    path("passeport/competences/ajouter/", views.competence_declare, name="declare"),
    path(
        "passeport/competences/appellations/<uuid:entry_id>/",
        views.appellation_answer,
        name="appellation",
    ),
    path("passeport/avenir/", views.avenir, name="avenir"),
    path("passeport/avenir/objectif/", views.goal, name="goal"),
]
