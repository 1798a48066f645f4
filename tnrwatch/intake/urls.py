from django.urls import path

from tnrwatch.atlas import views

app_name = "intake"

urlpatterns = [path("", views.home, name="form")]
