"""URLs of the public API. Every API view is public (TLP:CLEAR only): LoginRequiredMiddleware
reads the `login_required` attribute of the resolved callback, so each one is marked here.

`api.urls` builds new URL patterns on every access, so it is read exactly once: marking the
patterns of a second copy would leave the mounted ones locked (tests/test_api.py checks an
anonymous client gets 200, not a redirect to the login page).
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from .api import api


def _mark_public(patterns) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark_public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)


_api_urls = api.urls
_mark_public(_api_urls[0])
urlpatterns = [path("", _api_urls)]
