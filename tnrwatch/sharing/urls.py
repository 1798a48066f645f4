from django.urls import path, register_converter

from . import csv_views, taxii, views


class RowIdConverter:
    """A database id small enough for a 64-bit column: a huge number is a 404, never a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowIdConverter, "sharing_pk")

app_name = "sharing"

urlpatterns = [
    path("stix/extension-definition.json", views.extension_definition, name="extension_definition"),
    path("stix/extension-schema.json", views.extension_schema, name="extension_schema"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/<sharing_pk:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/import/", csv_views.upload, name="csv_upload"),
    path("partners/import/<sharing_pk:pk>/", csv_views.preview, name="csv_preview"),
    path("taxii2/", taxii.discovery, name="taxii-discovery"),
    path("taxii2/api/", taxii.api_root, name="taxii-api-root"),
    path("taxii2/api/status/<str:status_id>/", taxii.status, name="taxii-status"),
    path("taxii2/api/collections/", taxii.collections, name="taxii-collections"),
    path("taxii2/api/collections/<str:collection_id>/", taxii.collection, name="taxii-collection"),
    path("taxii2/api/collections/<str:collection_id>/objects/", taxii.objects, name="taxii-objects"),
    path("taxii2/api/collections/<str:collection_id>/manifest/", taxii.manifest, name="taxii-manifest"),
    path("taxii2/api/collections/<str:collection_id>/objects/<str:object_id>/", taxii.object_detail, name="taxii-object"),
    path("taxii2/api/collections/<str:collection_id>/objects/<str:object_id>/versions/", taxii.object_versions, name="taxii-versions"),
]
