from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("passeport/partages/", views.shares, name="shares"),
    path("passeport/partages/<uuid:pk>/", views.share_detail, name="share"),
    path("passeport/partages/<uuid:pk>/revoquer/", views.share_revoke, name="share_revoke"),
    path("passeport/autorisations/", views.consent_list, name="consents"),
    path(
        "passeport/autorisations/<uuid:pk>/retirer/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "passeport/autorisations/applications/<int:pk>/revoquer/",
        views.token_revoke,
        name="token_revoke",
    ),
    path("p/<str:token>/", views.public, name="public"),
    path("organisations/", views.agent_home, name="agent_home"),
    path("organisations/titulaires/<uuid:pk>/", views.agent_holder, name="agent_holder"),
]
