from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.workspace_search, name="workspace"),
    path("export.csv", views.workspace_export, {"fmt": "csv"}, name="workspace_export_csv"),
    path("export.json", views.workspace_export, {"fmt": "json"}, name="workspace_export_json"),
]
