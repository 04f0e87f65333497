"""Insert many model instances with one prepared statement (`executemany`).

`QuerySet.bulk_create` compiles SQL with one placeholder group per object and prepares every
value through the field API: for the 200 000 outcomes and passport entries of a large deposit
that compilation costs more than the database's work. Here the statement is built once per
model and values go to the driver as they are, except the few field types a backend needs
converted (JSON everywhere; UUID, dates and booleans on SQLite) — the same conversions Django
applies, through the field API. On PostgreSQL the rows go through COPY.
"""

from django.db import connections, router
from django.utils import timezone

_AS_IS = {
    "postgresql": {
        "CharField",
        "TextField",
        "UUIDField",
        "DateField",
        "DateTimeField",
        "BooleanField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "IntegerField",
        "BigIntegerField",
        "BigAutoField",
        "AutoField",
    },
    "sqlite": {
        "CharField",
        "TextField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "IntegerField",
        "BigIntegerField",
        "BigAutoField",
        "AutoField",
    },
}


_MISSING = object()


def _converter(field, connection):
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in _AS_IS.get(connection.vendor, ()):
        return None
    return lambda value: target.get_db_prep_save(value, connection)


def insert(model, rows: list[dict]) -> None:
    """INSERT `rows` of `model`: dicts of field attnames (missing fields take their default,
    timestamps are now). Dicts, not instances: Model.__init__ would cost more than the insert."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    now = timezone.now()
    # Per column: its attname, a constant default or a default factory (called per row: ids),
    # and the converter the backend needs (None: the driver takes the value as it is).
    plan = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant, factory = now, None
        elif field.has_default() and callable(field.default):
            constant, factory = None, field.get_default
        else:
            constant, factory = (field.get_default() if field.has_default() else None), None
        plan.append((field.attname, constant, factory, _converter(field, connection)))
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - the model's own names
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    values = []
    for row in rows:
        record = []
        for name, constant, factory, convert in plan:
            value = row.get(name, _MISSING)
            if value is _MISSING:
                value = factory() if factory is not None else constant
            if convert is not None and value is not None:
                value = convert(value)
            record.append(value)
        values.append(record)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream of rows, dumped by psycopg's C adapters (no per-row statement).
            columns = ", ".join(quote(f.column) for f in fields)
            copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for record in values:
                    copy.write_row(record)
        else:
            cursor.executemany(sql, values)
