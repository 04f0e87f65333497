from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.TotpVerifyView.as_view(), name="login_code"),
    path("double-authentification/activer/", views.TotpSetupView.as_view(), name="totp_setup"),
    path(
        "double-authentification/codes-de-secours/",
        views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("securite/", views.SecurityView.as_view(), name="security"),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
