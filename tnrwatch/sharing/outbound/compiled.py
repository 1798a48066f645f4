"""The rule's querysets compiled once per process, for reads that ask it many small questions.

`outbound_queryset(model, audience)` is a tree of correlated EXISTS (the record's marking, a
quoted claim, a visible source, visible ends, the naming standard...). Building and compiling it
is ORM work of the order of 100 ms for ties and claims, and a reader such as the network view asks
it a dozen times a request, while the SQL it compiles to depends only on the model, the audience
and the database vendor. `compiled_queryset` compiles it once per process into one
`EXISTS (rule ... WHERE pk = <outer row>)` and filters with that text: the same records, the same
statement for the database, without the rebuilding. A rule whose compiled text carries anything but
constants (markings, subject types, flags) is not cached (`tests`: a fresh compile after data
changes gives the same text).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, Model, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from .audience import Audience
from .records import outbound_queryset


def rule_condition(model: type[Model], audience: Audience) -> tuple[str, list[Any]]:
    """`EXISTS (...)` of the rule for `model`, correlated on the primary key of the model's table
    in the statement it is put in (that table under its own name)."""
    cached = _cached(model, audience, connection.vendor)
    if cached is None:
        return _compile(model, audience)
    return cached[0], list(cached[1])


def _compile(model: type[Model], audience: Audience) -> tuple[str, list[Any]]:
    # Compiled as the condition of an outer query on the model's own table, so Django gives the
    # rule's tables their own aliases (U0, V0...) and correlates on the outer row; the condition
    # is the outer statement's WHERE clause.
    rule = outbound_queryset(model, audience).filter(pk=OuterRef("pk")).order_by().values("pk")
    base, _none = model._default_manager.order_by().values("pk").query.sql_with_params()
    sql, params = model._default_manager.filter(Exists(rule)).order_by().values("pk").query.sql_with_params()
    if not sql.startswith(base + " WHERE "):
        raise RuntimeError(f"unexpected statement shape for {model._meta.label}")
    return sql[len(base) + len(" WHERE "):], list(params)


@lru_cache(maxsize=128)
def _cached(model: type[Model], audience: Audience, vendor: str) -> tuple[str, tuple[Any, ...]] | None:
    sql, params = _compile(model, audience)
    if len(params) > 400 or not all(isinstance(p, str | int | bool | type(None)) for p in params):
        return None
    return sql, tuple(params)


def compiled_queryset(model: type[Model], audience: Audience) -> QuerySet[Any]:
    """The records of `model` that `audience` may receive (as `outbound_queryset`, without its
    annotations), filtered by the rule compiled once per process."""
    sql, params = rule_condition(model, audience)
    # The text is Django's own compile of the rule; values stay bound parameters.
    return model._default_manager.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
