from django.urls import path

from . import views

app_name = "franceconnect"

urlpatterns = [
    path("", views.login_page, name="login"),
    path("connexion/", views.start, name="start"),
    path("retour/", views.callback, name="callback"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("deconnexion/retour/", views.logout_return, name="logout_return"),
]
