from django.urls import path, register_converter

from tnrwatch.network import views as network_views
from tnrwatch.search import views as search_views

from . import views


class RecordIdConverter:
    """A database id: digits only, and small enough for a 64-bit integer column (never a 500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class CountryCodeConverter:
    regex = "[A-Za-z]{2}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value.lower()


class NetworkKindConverter:
    regex = "stations|organisations|people|addresses"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class NetworkFormatConverter:
    regex = "graphml|ftm|stix"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordIdConverter, "record_id")
register_converter(CountryCodeConverter, "iso2")
register_converter(NetworkKindConverter, "netkind")
register_converter(NetworkFormatConverter, "netformat")

app_name = "atlas"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("countries/<iso2:iso2>/", views.country, name="country"),
    path("countries/<iso2:iso2>/claims/", views.country_claims, name="country_claims"),
    path("countries/<iso2:iso2>/sources/", views.country_sources, name="country_sources"),
    path("stations/", views.stations, name="stations"),
    path("stations/<record_id:pk>/", views.station, name="station"),
    path("organisations/<record_id:pk>/", views.organization, name="organization"),
    path("responses/<record_id:pk>/", views.response, name="response"),
    path("<netkind:kinds>/<record_id:pk>/network/", network_views.public_network, name="network"),
    path("<netkind:kinds>/<record_id:pk>/network/<netformat:fmt>/", network_views.public_network_export,
         name="network_export"),
    path("people/<record_id:pk>/", views.person, name="person"),
    path("addresses/<record_id:pk>/", views.address, name="address"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<record_id:pk>/", views.campaign, name="campaign"),
    path("incidents/", views.incidents, name="incidents"),
    path("sources/", views.sources, name="sources"),
    path("sources/<record_id:pk>/", views.source, name="source"),
    path("sources/<record_id:pk>/text/", views.source_text, name="source_text"),
    path("sources/<record_id:pk>/copy/", views.source_copy, name="source_copy"),
    path("claims/<record_id:pk>/", views.claim, name="claim"),
    path("search/", views.search, name="search"),
    path("search/export.csv", search_views.public_export, {"fmt": "csv"}, name="search_export_csv"),
    path("search/export.json", search_views.public_export, {"fmt": "json"}, name="search_export_json"),
    path("search/feed.atom", search_views.public_feed, name="search_feed"),
    # The language switch (POST, no JavaScript) must work for anonymous visitors too.
    path("i18n/setlang/", views.set_language, name="set_language"),
]
