"""What a holder may do with a competence depends on its status; choices belong to one holder."""

import pytest
from django.contrib.auth.models import AnonymousUser

from passeport.competences.deduction import Competence
from passeport.competences.models import CompetenceChoice, ProfessionalGoal
from passeport.core import abilities
from passeport.testing import factories


@pytest.mark.parametrize(
    ("statut", "allowed"),
    [
        ("deduite", {"view", "confirm", "hide"}),
        ("confirmee", {"view", "hide", "restore"}),
        ("masquee", {"view", "restore"}),
        ("declaree", {"view", "withdraw"}),
    ],
)
def test_competence_actions_follow_its_status(db, statut, allowed):
    holder = factories.HolderFactory(name="alice")
    competence = Competence(key="rome:1", libelle="x", categorie="savoir", statut=statut)
    granted = abilities.for_user(holder.user, competence)
    assert {action for action, ok in granted.items() if ok} == allowed
    assert set(granted) == {"view", "confirm", "hide", "restore", "withdraw"}
    assert not any(abilities.for_user(AnonymousUser(), competence).values())


def test_choices_and_goals_are_their_holders_only(db):
    alice = factories.HolderFactory(name="alice", linked=True)
    bob = factories.HolderFactory(name="bob", linked=True)
    choice = CompetenceChoice.objects.create(holder=alice, key="rome:1", status="confirmee")
    goal = ProfessionalGoal.objects.create(user=alice.user, fiche_code="M1805", libelle="Dev")
    assert all(abilities.for_user(alice.user, choice).values())
    assert not any(abilities.for_user(bob.user, choice).values())
    assert all(abilities.for_user(alice.user, goal).values())
    assert not any(abilities.for_user(bob.user, goal).values())
