"""Insert many model instances with one prepared statement (`executemany`).

`QuerySet.bulk_create` compiles SQL with one placeholder group per object and prepares every
value through the field API: for the 200 000 outcomes and passport entries of a large deposit
that compilation costs more than the database's work. Here the statement is built once per
model and values go to the driver as they are, except the few field types a backend needs
converted (JSON everywhere; UUID, dates and booleans on SQLite) — the same conversions Django
applies, through the field API. On PostgreSQL the rows go through COPY.
"""

import os
import time
import uuid
from datetime import datetime
from operator import itemgetter

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


def _converter(field, connection):
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in _AS_IS.get(connection.vendor, ()):
        return None
    return lambda value: target.get_db_prep_save(value, connection)


# UUID version 7 (RFC 9562, section 5.7): 48-bit Unix time in milliseconds, version 7, then
# random bits but the variant's two. Python 3.12's uuid module only makes versions 1 to 5.
_V7_CLEAR = ~((0xF << 76) | (0x3 << 62))
_V7_SET = (0x7 << 76) | (0x2 << 62)


def new_ids(count: int) -> list[uuid.UUID]:
    """`count` new primary keys: time-ordered UUIDs (version 7), random beyond their
    millisecond, drawn from one read of the operating system's random source.

    Random (version 4) keys put each of a large deposit's 325 000 rows on a random page of its
    table's primary-key index; keys that start with the time put the rows written together on
    the same few pages, at the index's end: a tenth of the processing less
    (bench/bench_deposit_pipeline.py). The time they reveal is the rows' `created_at`.
    """
    prefix = (time.time_ns() // 1_000_000) << 80
    data = os.urandom(10 * count)
    return [
        uuid.UUID(int=(prefix | int.from_bytes(data[i : i + 10])) & _V7_CLEAR | _V7_SET)
        for i in range(0, 10 * count, 10)
    ]


def insert(model, rows: list[dict]) -> None:
    """INSERT `rows` of `model`: dicts of field attnames (missing fields take their default,
    timestamps are now). Dicts, not instances: Model.__init__ would cost more than the insert."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    now = timezone.now()
    # Defaults: constants (timestamps are now, static defaults) merged under each row in one
    # dict operation; factories (ids) called only for the rows that lack the field.
    constants: dict = {}
    factories: list[tuple[str, object]] = []
    converters: list[tuple[int, object]] = []  # (column, what the backend needs done)
    for index, field in enumerate(fields):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.attname] = now
        elif field.has_default() and field.default is uuid.uuid4:
            constants[field.attname] = None
            ids = iter(new_ids(len(rows)))
            factories.append((field.attname, ids.__next__))
        elif field.has_default() and callable(field.default):
            constants[field.attname] = None
            factories.append((field.attname, field.get_default))
        else:  # a static default; "" for text without one, as the ORM
            constants[field.attname] = field.get_default()
        convert = _converter(field, connection)
        if convert is not None:
            converters.append((index, convert))
    if connection.vendor == "postgresql":
        # COPY's text format: a constant timestamp written out once rather than once per row
        # (psycopg formats each datetime with its time zone: a tenth of a large deposit's
        # inserts). ISO 8601 with its offset is what PostgreSQL reads back, to the microsecond.
        constants = {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in constants.items()
        }
    columns_of = itemgetter(*(field.attname for field in fields))
    values = []
    for row in rows:
        full = constants | row
        for name, factory in factories:
            if name not in row:
                full[name] = factory()
        record = list(columns_of(full))
        for index, convert in converters:
            if record[index] is not None:
                record[index] = convert(record[index])
        values.append(record)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream of rows, dumped by psycopg's C adapters (no per-row statement).
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for record in values:
                    copy.write_row(record)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - own names
                values,
            )
