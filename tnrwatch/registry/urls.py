from django.urls import path, register_converter

from tnrwatch.network import views as network_views

from . import views
from .views.kinds import KindConverter, NodeKindConverter, ReplyKindConverter

app_name = "workspace"

register_converter(KindConverter, "wskind")
register_converter(ReplyKindConverter, "wsreplykind")
register_converter(NodeKindConverter, "wsnodekind")

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit, name="audit"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/evidence/", views.claim_evidence_add, name="claim_evidence_add"),
    path("claims/<int:pk>/status/", views.claim_status, name="claim_status"),
    path("claims/<int:pk>/marking/", views.claim_marking, name="claim_marking"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/marking/", views.evidence_marking, name="evidence_marking"),
    path("claims/<int:pk>/publish/", views.claim_publish, name="claim_publish"),
    path("claims/<int:pk>/unpublish/", views.claim_unpublish, name="claim_unpublish"),
    path("claims/<int:pk>/propose/", views.claim_publish_propose, name="claim_publish_propose"),
    path("stations/<int:pk>/status/", views.station_status, name="station_status"),
    path("sources/<int:pk>/reuse/", views.source_reuse, name="source_reuse"),
    path("<wskind:kind>/", views.entity_list, name="entity_list"),
    path("<wskind:kind>/new/", views.entity_create, name="entity_create"),
    path("<wskind:kind>/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("<wsnodekind:kind>/<int:pk>/network/", network_views.workspace_network, name="network"),
    path("<wsnodekind:kind>/<int:pk>/network/graphml/", network_views.workspace_network_export, {"fmt": "graphml"},
         name="network_graphml"),
    path("<wskind:kind>/<int:pk>/edit/", views.entity_edit, name="entity_edit"),
    path("<wskind:kind>/<int:pk>/marking/", views.entity_marking, name="entity_marking"),
    path("<wsreplykind:kind>/<int:pk>/reply/", views.reply_create, name="reply_create"),
]
