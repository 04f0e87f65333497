"""What a holder decides about their competences, their experiences' appellations and their goal.

Every function takes the holder and checks what it is asked against what the holder's passport
really leads to (`profiles.state_of`): a holder confirms or hides only a competence deduced for
them, picks an appellation only for an experience of their own passport, declares a competence
of the referential by its code or in their own words. A declared competence stays « déclarée »;
a confirmation never turns a deduction into « garantie ».
"""

from django.db import transaction

from passeport.passport.models import Entry, Holder

from . import indexing
from .deduction import COMPETENCE_CATEGORIES, free_key
from .models import AppellationChoice, CompetenceChoice, ProfessionalGoal
from .profiles import state_of

MAX_DECLARED_LENGTH = 200


class DecisionError(ValueError):
    """A request that cannot be applied; the message is for the holder, in French."""


def _deduced(holder: Holder, key: str):
    competence = state_of(holder).profile.by_key().get(key)
    if competence is None or competence.statut == "declaree":
        raise DecisionError(
            "Cette compétence ne fait pas partie de celles déduites de votre passeport."
        )
    return competence


def confirm(holder: Holder, key: str) -> None:
    _deduced(holder, key)
    CompetenceChoice.objects.update_or_create(
        holder=holder, key=key, defaults={"status": CompetenceChoice.Status.CONFIRMED}
    )


def hide(holder: Holder, key: str) -> None:
    _deduced(holder, key)
    CompetenceChoice.objects.update_or_create(
        holder=holder, key=key, defaults={"status": CompetenceChoice.Status.HIDDEN}
    )


def reset(holder: Holder, key: str) -> None:
    """Undo a confirmation, show a hidden competence again, or withdraw a declaration."""
    deleted, _ = CompetenceChoice.objects.filter(holder=holder, key=key).delete()
    if not deleted:
        raise DecisionError("Aucun choix à annuler pour cette compétence.")


def declare(holder: Holder, *, code_ogr: str = "", libelle: str = "", categorie: str = "") -> str:
    """A competence of the holder's own: a referential item by its code, or their own words."""
    if code_ogr:
        item = indexing.current().item(code_ogr)
        if item is None or item.categorie not in COMPETENCE_CATEGORIES:
            raise DecisionError(
                f"Le code {code_ogr} n'est pas une compétence du référentiel en vigueur."
            )
        key, values = f"rome:{item.code}", {"libelle": item.libelle, "categorie": item.categorie}
    else:
        libelle = " ".join(libelle.split())
        if not libelle:
            raise DecisionError("Écrivez la compétence que vous voulez ajouter.")
        if len(libelle) > MAX_DECLARED_LENGTH:
            raise DecisionError(
                f"{len(libelle)} caractères pour {MAX_DECLARED_LENGTH} au plus : raccourcissez."
            )
        if categorie not in COMPETENCE_CATEGORIES:
            raise DecisionError("Choisissez : savoir-faire, savoir-être ou savoir.")
        key, values = free_key(libelle), {"libelle": libelle, "categorie": categorie}
    CompetenceChoice.objects.update_or_create(
        holder=holder, key=key, defaults={"status": CompetenceChoice.Status.DECLARED, **values}
    )
    return key


def _own_experience(holder: Holder, entry_id) -> Entry:
    entry = Entry.objects.of_holder(holder).filter(pk=entry_id, kind=Entry.Kind.EXPERIENCE).first()
    if entry is None:
        raise DecisionError("Cette expérience ne fait pas partie de votre passeport.")
    return entry


def choose_appellation(holder: Holder, entry_id, appellation_code: str) -> AppellationChoice:
    entry = _own_experience(holder, entry_id)
    referential = indexing.current()
    appellation = referential.appellation(appellation_code)
    if appellation is None:
        raise DecisionError(
            f"L'appellation {appellation_code} n'existe pas dans le ROME en vigueur."
        )
    choice, _ = AppellationChoice.objects.update_or_create(
        holder=holder,
        entry=entry,
        defaults={
            "status": AppellationChoice.Status.CONFIRMED,
            "appellation_code": appellation.code,
            "libelle": appellation.libelle,
            "fiche_code": appellation.fiche,
        },
    )
    return choice


def refuse_appellation(holder: Holder, entry_id) -> None:
    entry = _own_experience(holder, entry_id)
    AppellationChoice.objects.update_or_create(
        holder=holder,
        entry=entry,
        defaults={
            "status": AppellationChoice.Status.REFUSED,
            "appellation_code": "",
            "libelle": "",
            "fiche_code": "",
        },
    )


def forget_appellation(holder: Holder, entry_id) -> None:
    AppellationChoice.objects.filter(holder=holder, entry_id=entry_id).delete()


@transaction.atomic
def set_goal(holder: Holder, fiche_code: str) -> ProfessionalGoal:
    fiche = indexing.current().fiches.get(fiche_code)
    if fiche is None:
        raise DecisionError(f"La fiche métier {fiche_code} n'existe pas dans le ROME en vigueur.")
    goal, _ = ProfessionalGoal.objects.update_or_create(
        user_id=holder.user_id, defaults={"fiche_code": fiche.code, "libelle": fiche.libelle}
    )
    return goal


def clear_goal(holder: Holder) -> None:
    ProfessionalGoal.objects.filter(user_id=holder.user_id).delete()
