from django.urls import path

from . import views

app_name = "passport"

urlpatterns = [
    path("", views.home, name="home"),
    path("parcours/", views.timeline, name="timeline"),
    path("entrees/ajouter/", views.entry_create, name="entry_create"),
    path("entrees/<uuid:pk>/", views.entry_detail, name="entry"),
    path("entrees/<uuid:pk>/modifier/", views.entry_edit, name="entry_edit"),
    path("entrees/<uuid:pk>/supprimer/", views.entry_delete, name="entry_delete"),
    path("entrees/<uuid:pk>/justificatifs/", views.document_add, name="document_add"),
    path("entrees/<uuid:pk>/signaler/", views.report_error, name="report_error"),
    path("justificatifs/<uuid:pk>/", views.document_download, name="document"),
    path("justificatifs/<uuid:pk>/supprimer/", views.document_delete, name="document_delete"),
    path("prevention/", views.prevention, name="prevention"),
    path("prevention/attestation/", views.prevention_attestation, name="prevention_attestation"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export.json", views.export_json, name="export_json"),
    path("mes-donnees/export/", views.export_html, name="export_html"),
    path("mes-donnees/supprimer-declarations/", views.delete_declared, name="delete_declared"),
    path("mes-donnees/supprimer-compte/", views.delete_account, name="delete_account"),
]
