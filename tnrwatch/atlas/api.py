"""The public JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="tnrwatch API",
    version="1",
    urls_namespace="api-1",
    description="The public record: countries, stations, organisations, government responses, incidents, claims and sources. Only TLP:CLEAR records.",
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is enough
)
