from django.urls import path

from . import views

app_name = "xref"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("proposals/<int:pk>/", views.proposal_decide, name="decide"),
    path("ties/", views.shared_propose, name="shared"),
    path("ties/<int:pk>/", views.tie_decide, name="tie_decide"),
]
