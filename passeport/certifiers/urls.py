from django.urls import path

from . import views

app_name = "certifiers"

urlpatterns = [
    path("", views.my_certifiers, name="home"),
    path("se-faire-connaitre/", views.onboarding_form, name="onboarding"),
    path("se-faire-connaitre/envoyee/", views.onboarding_done, name="onboarding_done"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation"),
    path("<uuid:certifier_id>/", views.space, name="space"),
    path("<uuid:certifier_id>/membres/", views.members, name="members"),
    path(
        "<uuid:certifier_id>/membres/<uuid:membership_id>/",
        views.member_update,
        name="member_update",
    ),
    path(
        "<uuid:certifier_id>/invitations/<uuid:invitation_id>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<uuid:certifier_id>/jetons/", views.tokens, name="tokens"),
    path(
        "<uuid:certifier_id>/jetons/<uuid:token_id>/revoquer/",
        views.token_revoke,
        name="token_revoke",
    ),
    path("<uuid:certifier_id>/support/", views.ticket_list, name="tickets"),
    path("<uuid:certifier_id>/support/nouvelle/", views.ticket_new, name="ticket_new"),
    path("<uuid:certifier_id>/support/<uuid:ticket_id>/", views.ticket_detail, name="ticket"),
]
