"""Background work in tests: run the queued tasks now, in this process."""

from django.core.management import call_command


def run_worker() -> None:
    """Run every task ready in the queue with django-tasks-db's worker, then return (the same
    worker `passeport run` starts, in batch mode: no polling, no reload, no startup delay)."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
