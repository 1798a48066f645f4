from django.urls import include, path

from tnrwatch.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("tnrwatch.atlas.urls")),
    path("api/v1/", include("tnrwatch.atlas.api_urls")),
    path("accounts/", include("tnrwatch.accounts.urls")),
    path("workspace/search/", include("tnrwatch.search.urls")),
    path("workspace/xref/", include("tnrwatch.xref.urls")),
    path("workspace/", include("tnrwatch.registry.urls")),
    path("report/", include("tnrwatch.intake.urls")),
    path("inbox/", include("tnrwatch.intake.inbox_urls")),
    path("ingestion/", include("tnrwatch.ingestion.urls")),
    path("", include("tnrwatch.sharing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "tnrwatch.core.views.bad_request"
handler403 = "tnrwatch.core.views.permission_denied"
handler404 = "tnrwatch.core.views.page_not_found"
handler500 = "tnrwatch.core.views.server_error"
