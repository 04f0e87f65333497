"""The deposits' recurring work, started by `manage.py schedule_tasks` (core calls this hook):
every night at SWEEP_HOUR, the spreadsheets abandoned between upload and deposit are deleted
with their files (`tasks.daily_analysis_sweep`, `analysis.sweep_abandoned`)."""

from passeport.core.periodic import daily_run_after, enqueue_once

from .tasks import SWEEP_HOUR, daily_analysis_sweep


def ensure_scheduled() -> list[tuple[str, object, bool]]:
    run, created = enqueue_once(daily_analysis_sweep, run_after=daily_run_after(SWEEP_HOUR))
    return [("Suppression des tableurs abandonnés", run.run_after, created)]
