from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .api import api

# The API is public (TLP:CLEAR only); staff-only endpoints check access themselves.
urlpatterns = [path("", api.urls)]
for pattern in api.urls[0]:
    pattern.callback = login_not_required(pattern.callback)
