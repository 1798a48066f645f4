from django.urls import path

from . import inbox_views as views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox_list, name="list"),
    path("key/", views.key_setup, name="key"),
    path("unlock/", views.key_unlock, name="unlock"),
    path("lock/", views.key_lock, name="lock"),
    path("delete/", views.reports_delete_bulk, name="delete_bulk"),
    path("recipients/", views.recipients, name="recipients"),
    path("resources/", views.resources, name="resources"),
    path("resources/<int:pk>/", views.resources, name="resource"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/delete/", views.report_delete, name="delete"),
    path("<int:pk>/rekey/", views.report_rekey, name="rekey"),
    path("<int:pk>/files/<int:position>/", views.attachment_download, name="attachment"),
    path("<int:pk>/files/<int:position>/strip/", views.attachment_strip, name="strip"),
    path("<int:pk>/<slug:action>/", views.report_act, name="act"),
]
