"""The table of the `shared` cache (throttles' counters), created by `migrate` itself so that
no deploy forgets `createcachetable`; idempotent, and nothing to do for a Redis cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_workerheartbeat")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
