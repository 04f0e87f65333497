"""What a user may do with the holder-side objects of competences (core/abilities.py).

A deduced competence is not stored: it is computed for the holder who asks (`profiles.py`), so
its owner is the requesting holder by construction, and what may be done with it depends on
its status. The stored choices, answers and goal belong to one holder: only that holder's
account may see or change them.
"""

from passeport.core import abilities

from .deduction import Competence
from .models import AppellationChoice, CompetenceChoice, ProfessionalGoal


def _is_holder(user) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False)) and getattr(user, "holder", None) is not None
    )


def _owns(user, obj) -> bool:
    return _is_holder(user) and obj.holder_id == user.holder.pk


@abilities.register(Competence)
def competence_abilities(user, competence: Competence) -> dict[str, bool]:
    holder = _is_holder(user)
    status = competence.statut
    return {
        "view": holder,
        # Confirm a deduction; hide a deduction (confirmed or not); bring back what one changed;
        # withdraw one's own declaration. A declared competence is never « confirmed ».
        "confirm": holder and status == "deduite",
        "hide": holder and status in ("deduite", "confirmee"),
        "restore": holder and status in ("confirmee", "masquee"),
        "withdraw": holder and status == "declaree",
    }


@abilities.register(CompetenceChoice)
def competence_choice_abilities(user, choice: CompetenceChoice) -> dict[str, bool]:
    owner = _owns(user, choice)
    return {"view": owner, "cancel": owner}


@abilities.register(AppellationChoice)
def appellation_choice_abilities(user, choice: AppellationChoice) -> dict[str, bool]:
    owner = _owns(user, choice)
    return {"view": owner, "change": owner, "cancel": owner}


@abilities.register(ProfessionalGoal)
def goal_abilities(user, goal: ProfessionalGoal) -> dict[str, bool]:
    owner = _is_holder(user) and goal.user_id == user.pk
    return {"view": owner, "change": owner, "delete": owner}
