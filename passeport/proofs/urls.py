from django.urls import path

from . import views

app_name = "proofs"

urlpatterns = [
    # Public: what any verifier reads (keys, status lists) and the verification pages.
    path("preuves/emetteur", views.issuer, name="issuer"),
    path("preuves/statuts/<int:number>", views.status_list, name="status_list"),
    path("verifier/", views.verify, name="verify"),
    path("verifier/<str:code>/", views.verify_code, name="verify_code"),
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
    path("passeport/cv/", views.cv_list, name="cv_list"),
    path("passeport/cv/nouveau/", views.cv_edit, name="cv_create"),
    path("passeport/cv/apercu/", views.cv_preview, name="cv_preview_new"),
    path("passeport/cv/<uuid:pk>/", views.cv_edit, name="cv_edit"),
    path("passeport/cv/<uuid:pk>/apercu/", views.cv_preview, name="cv_preview"),
    path("passeport/cv/<uuid:pk>/signer/", views.cv_sign, name="cv_sign"),
    path("passeport/cv/<uuid:pk>/revoquer/", views.cv_revoke, name="cv_revoke"),
    path("passeport/cv/<uuid:pk>/supprimer/", views.cv_delete, name="cv_delete"),
    path("passeport/documents/<uuid:pk>/", views.document_download, name="document_download"),
    path(
        "passeport/attestations/certification/<uuid:entry_pk>/",
        views.attestation_certification,
        name="attestation_certification",
    ),
    path(
        "passeport/attestations/prevention/",
        views.attestation_prevention,
        name="attestation_prevention",
    ),
]
