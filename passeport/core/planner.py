"""Fresh planner statistics after bulk writes (PostgreSQL's ANALYZE).

PostgreSQL plans each query from statistics that autovacuum refreshes only some time after a
table changed. A table filled by a bulk load and queried at once is planned as if it were still
empty or tiny: a just-imported identity register is read by sequential scans instead of its
indexes (figures in docs/depots.md). Bulk writers call `refresh_statistics` when they are done (or, for a
deposit being processed, after its first chunks: processing.ANALYZE_AFTER). SQLite plans from
its indexes alone: nothing to do.
"""

from django.db import connections, router


def refresh_statistics(*models, vacuum: bool = False) -> None:
    """ANALYZE the models' tables; with `vacuum`, VACUUM them too when possible (outside a
    transaction): it marks the pages whose rows every transaction sees, which index-only scans
    need to skip the table (the identity register's covering step-1 index)."""
    for model in models:
        connection = connections[router.db_for_write(model)]
        if connection.vendor != "postgresql":
            continue
        command = "VACUUM ANALYZE" if vacuum and not connection.in_atomic_block else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
