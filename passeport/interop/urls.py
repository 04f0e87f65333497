from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("exporter/json-resume.json", views.export_json_resume, name="export_json_resume"),
    path("exporter/europass.xml", views.export_europass, name="export_europass"),
    path("exporter/passeport.json", views.export_passport, name="export_passport"),
]
