"""The proofs app's recurring work, started by `manage.py schedule_tasks` (core calls this hook)."""

from passeport.core.periodic import daily_run_after, enqueue_once

from .tasks import SWEEP_HOUR, daily_credential_sweep


def ensure_scheduled() -> list[tuple[str, object, bool]]:
    run, created = enqueue_once(daily_credential_sweep, run_after=daily_run_after(SWEEP_HOUR))
    return [("Contrôle quotidien des attestations numériques", run.run_after, created)]
