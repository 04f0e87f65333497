"""What competences adds to the passport through the signals passport defines (it sits above
passport: passport never imports it)."""

from django.template.loader import render_to_string

from . import exporting, profiles
from .models import ProfessionalGoal


def export_sections(sender, holder=None, person_id=None, **kwargs) -> dict:
    """The GDPR export's `competences` and `avenir`: what « Mes compétences » and « Mon
    avenir » show (a register person without account: deduced only, no choices)."""
    if holder is None and person_id is None:
        return {}
    state = (
        profiles.state_of(holder) if holder is not None else profiles.state_of(person_id=person_id)
    )
    return {
        "competences": exporting.competences_data(state.profile),
        "avenir": profiles.avenir_view(state),
    }


def goal_panel(sender, request=None, holder=None, **kwargs):
    """On the passport page, the gap to the holder's professional goal (when they set one).

    The goal came with the session (settings.SESSION_USER_RELATED): no query without one."""
    if holder is None or request is None:
        return None
    try:
        request.user.professional_goal  # noqa: B018 - loaded with the session, or absent
    except ProfessionalGoal.DoesNotExist:
        return None
    state = profiles.state_of(holder)
    goal = profiles.avenir_view(state)["objectif"]
    if goal is None:
        return None
    return render_to_string("competences/_goal_panel.html", {"m": goal}, request=request)
