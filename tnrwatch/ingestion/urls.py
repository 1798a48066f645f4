from django.urls import path

from . import views

app_name = "ingestion"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("capture/", views.capture, name="capture"),
    path("sources/<int:pk>/", views.source, name="source"),
    path("sources/<int:pk>/text/", views.source_text, name="source_text"),
    path("sources/<int:pk>/copy/", views.source_copy, name="source_copy"),
    path("candidates/<int:pk>/accept/", views.candidate_accept, name="accept"),
    path("candidates/<int:pk>/reject/", views.candidate_reject, name="reject"),
    path("candidates/<int:pk>/correct/", views.candidate_correct, name="correct"),
    path("documents/", views.documents, name="documents"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("merge/", views.merge, name="merge"),
    path("merges/", views.merges, name="merges"),
    path("merges/<int:pk>/undo/", views.unmerge, name="unmerge"),
]
