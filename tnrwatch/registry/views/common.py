"""Small helpers shared by the workspace views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import QuerySet

from tnrwatch.core.errors import ApplicationError

UNSET = object()


def call_service(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Run `call`; a refusal by the service becomes a form error. Returns UNSET on refusal."""
    try:
        return call()
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    except DjangoValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
    except IntegrityError:
        form.add_error(None, "This conflicts with an existing record.")
    return UNSET


def form_status(request: Any) -> int:
    """200 for a fresh form, 400 when a submitted one is shown again with errors."""
    return 400 if request.method == "POST" else 200


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """cleaned_data with querysets (multiple choices) turned into lists, as services expect."""
    return {k: list(val) if isinstance(val, QuerySet) else val for k, val in data.items()}


def query_without_page(request: Any) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def posted(request: Any) -> Any:
    """The submitted data for a bound form, or None for a fresh one (an empty POST is bound)."""
    return request.POST if request.method == "POST" else None
