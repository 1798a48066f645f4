from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.report_form, name="form"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("help/", views.help_directory, name="help"),
    path("safety/", views.safety, name="safety"),
]
