from django.urls import path

from . import views

app_name = "deposits"

urlpatterns = [
    path("<uuid:certifier_id>/", views.dashboard, name="dashboard"),
    path("<uuid:certifier_id>/deposer/", views.upload, name="upload"),
    path("<uuid:certifier_id>/<uuid:deposit_id>/", views.detail, name="detail"),
]
