"""The shared cache's database backend: Django's, with an atomic `incr`.

Counters of the throttles (core/throttling.py, django-ratelimit) must be shared by every web
process on every machine, and counted exactly under concurrent requests. Django's
`DatabaseCache` is shared (it lives in the service's own database, which every machine already
reaches) but its `incr` is a read then a write: forty simultaneous wrong passwords could all
read the same count. Here `incr` locks the counter's row (`SELECT … FOR UPDATE` on PostgreSQL;
on SQLite the project's transactions begin IMMEDIATE, which serialises writers) before
writing it back, so that every request is counted.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608 (quoted identifiers)
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(value.encode(), validate=True)) + delta  # noqa: S301 (our own rows)
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value
