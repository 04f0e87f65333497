from django.urls import path

from . import views

app_name = "proofs"

urlpatterns = [
    # Public: what any verifier reads (keys, status lists) and the verification pages.
    path("preuves/emetteur", views.issuer, name="issuer"),
    path("preuves/statuts/<int:number>", views.status_list, name="status_list"),
    path("verifier/", views.verify, name="verify"),
    path("verifier/attestation/<uuid:pk>/", views.credential_public, name="credential_public"),
    # The holder's.
    path("passeport/attestations-numeriques/", views.credential_list, name="credential_list"),
    path(
        "passeport/attestations-numeriques/<uuid:entry_pk>/telecharger.<str:fmt>",
        views.credential_download,
        name="credential_download",
    ),
    path(
        "passeport/attestations-numeriques/<uuid:entry_pk>/linkedin/",
        views.credential_linkedin,
        name="credential_linkedin",
    ),
]
