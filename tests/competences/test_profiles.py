"""A holder's competences from the database: entries, choices, answers, goal, older releases."""

import pytest

from passeport.competences import decisions, indexing, profiles
from passeport.competences.decisions import DecisionError
from passeport.competences.deduction import bloc_key
from passeport.competences.loading import import_referential
from passeport.passport.models import Entry
from passeport.testing import factories


def _job(holder, title, **details):
    return factories.GuaranteedEntryFactory(
        person_id=holder.person_id,
        career=True,
        title=title,
        details={"job_title": title, **details},
    )


def _declared_job(holder, title):
    return factories.EntryFactory(holder=holder, kind=Entry.Kind.EXPERIENCE, title=title)


@pytest.fixture
def antoine(loaded):
    holder = factories.HolderFactory(name="antoine", linked=True)
    factories.CertificationFactory(person=holder.person)  # RNCP35340, the BTS SIO
    _job(holder, "Conseiller support", code_rome="I1404")
    return holder


def test_the_passport_entries_lead_to_their_competences(antoine):
    state = profiles.state_of(antoine)
    assert len(state.profile.competences) == 225  # as in test_deduction, from the database
    assert state.profile.own_fiches.keys() == {"M1810", "M1801", "M1805", "I1404"}
    assert state.referential.rome.label == "v460" and state.goal is None


def test_choices_and_a_new_entry_change_the_result(antoine):
    decisions.confirm(antoine, "rome:115552")
    decisions.hide(antoine, bloc_key("Travailler en mode projet"))
    key = decisions.declare(antoine, libelle="Souder à l'arc", categorie="savoir-faire")
    by_key = profiles.state_of(antoine).profile.by_key()
    assert by_key["rome:115552"].statut == "confirmee"
    assert by_key[bloc_key("Travailler en mode projet")].statut == "masquee"
    assert by_key[key].statut == "declaree"
    decisions.reset(antoine, "rome:115552")
    assert profiles.state_of(antoine).profile.by_key()["rome:115552"].statut == "deduite"
    _job(antoine, "RSSI", appellation="404296")
    after = profiles.state_of(antoine).profile
    assert "M1812" in after.own_fiches and len(after.competences) > 225


def test_refused_requests_say_why(antoine):
    with pytest.raises(DecisionError, match="ne fait pas partie de celles déduites"):
        decisions.confirm(antoine, "rome:999999")
    with pytest.raises(DecisionError, match="Aucun choix à annuler"):
        decisions.reset(antoine, "rome:115552")
    with pytest.raises(DecisionError, match="n'est pas une compétence du référentiel"):
        decisions.declare(antoine, code_ogr="23374")  # « Travail le samedi », a work context
    with pytest.raises(DecisionError, match="Choisissez : savoir-faire"):
        decisions.declare(antoine, libelle="Jongler", categorie="garantie")
    with pytest.raises(DecisionError, match="201 caractères pour 200 au plus"):
        decisions.declare(antoine, libelle="x" * 201, categorie="savoir")
    with pytest.raises(DecisionError, match="La fiche métier Z0000 n'existe pas"):
        decisions.set_goal(antoine, "Z0000")


def test_an_appellation_is_applied_only_when_the_holder_confirms_it(antoine):
    entry = _declared_job(antoine, "Administratrice systèmes et réseaux")
    state = profiles.state_of(antoine)
    suggestion = next(s for s in state.profile.suggestions if s.entry.id == str(entry.pk))
    assert (suggestion.appellation, suggestion.fiche) == ("489089", "M1801")
    assert not any(
        p.entree == str(entry.pk) for c in state.profile.competences for p in c.provenances
    )
    decisions.choose_appellation(antoine, entry.pk, "489089")
    state = profiles.state_of(antoine)
    provenances = [
        p for c in state.profile.competences for p in c.provenances if p.entree == str(entry.pk)
    ]
    assert provenances and {p.type for p in provenances} == {"appellation_confirmee"}
    assert {p.weight for p in provenances} <= {0.5, 1.0}  # a declared entry weighs half
    decisions.refuse_appellation(antoine, entry.pk)
    state = profiles.state_of(antoine)
    assert not any(
        p.entree == str(entry.pk) for c in state.profile.competences for p in c.provenances
    )
    # Someone else's experience cannot be answered for.
    other = factories.HolderFactory(name="bob", linked=True)
    with pytest.raises(DecisionError, match="ne fait pas partie de votre passeport"):
        decisions.choose_appellation(other, entry.pk, "489089")


def test_a_goal_shows_its_gap_and_follows_new_entries(antoine):
    decisions.set_goal(antoine, "M1812")
    state = profiles.state_of(antoine)
    before = profiles.avenir_of(state).goal
    assert (before.fiche, before.core) == ("M1812", 9)
    _job(antoine, "Responsable sécurité", code_rome="M1812")
    after = profiles.avenir_of(profiles.state_of(antoine)).goal
    assert after.percent == 100 and after.missing == ()
    assert before.percent < 100


def test_a_code_gone_from_the_current_release_is_read_in_the_older_one(antoine, demo_dir, tmp_path):
    folder = tmp_path / "v461"
    folder.mkdir()
    for file in (demo_dir / "rome").iterdir():
        text = file.read_text(encoding="utf-8")
        if file.name.startswith("unix_"):
            text = "".join(line for line in text.splitlines(keepends=True) if '"E1206"' not in line)
        (folder / file.name.replace("_v460_", "_v461_")).write_text(text, encoding="utf-8")
    import_referential("rome", folder)
    indexing.forget()
    _job(antoine, "Designer UX", code_rome="E1206")
    state = profiles.state_of(antoine)
    assert state.referential.rome.label == "v461" and "E1206" not in state.referential.fiches
    provenance = next(
        p for c in state.profile.competences for p in c.provenances if p.rome == "E1206"
    )
    assert provenance.version == "ROME v460 (publiée le 18/09/2025)"
    assert provenance.note == (
        "code absent de la version en vigueur (ROME v461 (publiée le 18/09/2025)) : lu dans "
        "ROME v460 (publiée le 18/09/2025)"
    )


def test_a_register_person_without_account_has_competences_without_choices(antoine):
    state = profiles.state_of(person_id=antoine.person_id)
    assert len(state.profile.competences) == 225 and state.goal is None
