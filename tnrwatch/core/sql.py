"""Row inserts without the ORM's query compiler, for the reporting channel's submission only.

The ORM compiles every statement anew. On the reporting channel's submit path that compiling was
most of the time spent in the database: measured in-process, a one-row INSERT through
`Model.save()` took ~0.2 ms, the same INSERT through the cursor ~0.03 ms. `insert()` keeps the
model as the single description of its table (columns, defaults, `auto_now_add`, and each value's
conversion through `Field.pre_save` and `Field.get_db_prep_save`, as `save()` does) and only skips
building the SQL text, which is cached per table and database vendor.

What `save()` does and `insert()` does not: call an overridden `save()`, send `pre_save` /
`post_save`, fill in a parent table (multi-table inheritance), let the database fill `db_default`
or generated columns, and check for unsaved related objects. So `insert()` takes only the models of
`ALLOWED_MODELS` (the rows of one submission), and refuses, with `RawInsertRefusedError`, a model
that has any of those (signal receivers are checked on every call, since they can be connected at
any time). Every other write in the project goes through the ORM.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

from django.db import connections, router
from django.db.models import AutoField, GeneratedField, Model, signals
from django.db.models.fields import NOT_PROVIDED

M = TypeVar("M", bound=Model)

# The rows of one submission to /report/ (intake.services.reports._report_insert), by model label.
ALLOWED_MODELS = frozenset({
    "intake.Report",
    "intake.Report_recipients",  # the many-to-many table of a report's recipients
    "intake.Attachment",
    "audit.AuditEntry",  # only through audit_record(..., raw_insert=True), from the submission
})


class RawInsertRefusedError(TypeError):
    """This model may not be written by `core.sql.insert`: its row would differ from `save()`'s.

    A programming error, not bad input (so not an ApplicationError): it must fail loudly in tests.
    """


def check_model(model: type[Model]) -> None:
    """Raise RawInsertRefusedError if `insert()` would write `model` differently from `save()`."""
    meta = model._meta
    label = meta.label
    if label not in ALLOWED_MODELS:
        raise RawInsertRefusedError(f"{label} is not in core.sql.ALLOWED_MODELS; write it through the ORM")
    _check_shape(model)
    for signal in (signals.pre_save, signals.post_save):
        if signal.has_listeners(model):
            raise RawInsertRefusedError(f"{label} has {'pre' if signal is signals.pre_save else 'post'}_save "
                                        "receivers, which insert() would not call; write it through the ORM")


@lru_cache(maxsize=64)
def _check_shape(model: type[Model]) -> None:
    """The refusals that depend on the model's class only (cached: classes do not change)."""
    meta = model._meta
    label = meta.label
    if meta.parents:
        raise RawInsertRefusedError(f"{label} has a parent model (multi-table inheritance); insert() writes one table")
    for field in meta.concrete_fields:
        if isinstance(field, GeneratedField):
            raise RawInsertRefusedError(f"{label}.{field.name} is a generated field; write {label} through the ORM")
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            raise RawInsertRefusedError(f"{label}.{field.name} has a db_default; write {label} through the ORM")
    if model.save is not Model.save:
        raise RawInsertRefusedError(f"{label} overrides save(), which insert() would not call; write it through the ORM")


@lru_cache(maxsize=64)
def _insert_sql(alias: str, vendor: str, table: str, columns: tuple[str, ...], pk_column: str | None) -> str:
    quote = connections[alias].ops.quote_name
    sql = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from the model
    return sql + f" RETURNING {quote(pk_column)}" if pk_column else sql


def insert(obj: M, *, using: str | None = None) -> M:
    """INSERT `obj` (a new instance of an allowed model) as one row; sets its primary key.

    Call inside a transaction. Raises RawInsertRefusedError for a model outside `ALLOWED_MODELS`
    or one whose row `save()` would write differently (see the module's docstring).
    """
    model = type(obj)
    check_model(model)
    meta = model._meta
    alias = using or router.db_for_write(model, instance=obj)
    connection = connections[alias]
    auto_pk = isinstance(meta.pk, AutoField) and obj.pk is None
    fields = [f for f in meta.local_concrete_fields if not (auto_pk and f is meta.pk)]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    returning = auto_pk and connection.features.can_return_columns_from_insert
    sql = _insert_sql(alias, connection.vendor, meta.db_table, tuple(f.column for f in fields),
                      meta.pk.column if returning else None)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            obj.pk = meta.pk.to_python(cursor.fetchone()[0])
        elif auto_pk:
            obj.pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    # What save() leaves on the instance: saved, and bound to this database.
    obj._state.adding = False
    obj._state.db = alias
    return obj
