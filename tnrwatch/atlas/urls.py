from django.urls import path

from . import views

app_name = "atlas"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.home, name="compare"),
    path("stations/", views.home, name="stations"),
    path("incidents/", views.home, name="incidents"),
    path("sources/", views.home, name="sources"),
    path("search/", views.home, name="search"),
]
