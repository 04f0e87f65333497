"""Deduction on hand-computed cases from the real ROME 4.0 and RNCP rows of the demo extract
(counts checked against the files with grep; no database)."""

import pytest

from passeport.competences.deduction import Choice, EntryFacts, bloc_key, deduce

BTS = EntryFacts("bts", "certification", "garantie", "BTS SIO", certification_code="RNCP35340")
SUPPORT = EntryFacts("support", "experience", "garantie", "Conseiller support", code_rome="I1404")


def _provenances(competence):
    return sorted(
        (p.entree, p.type, p.rome, p.bloc, p.coeur_metier, p.weight) for p in competence.provenances
    )


def test_a_certification_and_an_experience_lead_to_their_fiches_and_blocs(demo_referential):
    profile = deduce([BTS, SUPPORT], demo_referential)
    by_key = profile.by_key()
    # RNCP35340 cites M1810, M1801, M1805: 156 distinct competences (savoir-faire, savoir-être,
    # savoirs) in their coherence_item rows; I1404 adds 51 of its own: 207 from the ROME.
    rome = [c for c in profile.competences if c.code_ogr]
    assert len(rome) == 207
    # The BTS's 5 blocs list 22 items; BC03 and BC05 share 4 wordings: 18 bloc competences.
    blocs = [c for c in profile.competences if c.key.startswith("bloc:")]
    assert len(blocs) == 18 and len(profile.competences) == 225
    # Work contexts are never competences (M1801 has 5 of them, « Travail en astreinte »…).
    assert all(
        c.categorie in ("savoir-faire", "savoir-etre", "savoir") for c in profile.competences
    )
    assert profile.own_fiches == {
        "M1810": ["bts"],
        "M1801": ["bts"],
        "M1805": ["bts"],
        "I1404": ["support"],
    }
    assert profile.unresolved == []

    # Core of M1801 and of M1810, both through the BTS: one entry, counted once → 2, « probable ».
    access = by_key["rome:115552"]
    assert access.libelle == "Gérer les droits d'accès des utilisateurs"
    assert _provenances(access) == [
        ("bts", "rome_certification", "M1801", None, "principale", 2.0),
        ("bts", "rome_certification", "M1810", None, "principale", 2.0),
    ]
    assert (access.score, access.force, access.force_label) == (2.0, 2, "probable")
    # referentiel_competence: 115552's code_ogr_macro_comp is 300204 (code 2D104).
    assert (
        access.macro == "300204" and access.macro_libelle == "Administrer un système d'informations"
    )
    assert access.domaine == "2"
    # Core of M1810 through the BTS (2) and a plain item of I1404 through the job (1): two
    # independent pieces of evidence → 3, « solide ».
    performance = by_key["rome:484121"]
    assert _provenances(performance) == [
        ("bts", "rome_certification", "M1810", None, "principale", 2.0),
        ("support", "rome_experience", "I1404", None, None, 1.0),
    ]
    assert performance.force == 3
    # A savoir-être of all four fiches: 1 + 1.
    rigour = by_key["rome:300490"]
    assert (rigour.categorie, rigour.score, rigour.force) == ("savoir-etre", 2.0, 2)
    # The certifier's own words, the strongest evidence (3), from two blocs of the same entry.
    personal = by_key[bloc_key("Protéger les données à caractère personnel")]
    assert [(p.bloc, p.certification, p.weight) for p in personal.provenances] == [
        ("RNCP35340BC03", "RNCP35340", 3.0),
        ("RNCP35340BC05", "RNCP35340", 3.0),
    ]
    assert (personal.force, personal.certified, personal.code_ogr) == (3, True, None)
    # The provenance names the referential release it was read in.
    assert performance.provenances[0].version == "ROME v460"
    assert personal.provenances[0].version == "RNCP/RS 2026-09-29"


def test_declared_entries_weigh_half_and_nothing_is_ever_garantie(demo_referential):
    declared = EntryFacts("moi", "experience", "declaree", "Support", code_rome="I1404")
    profile = deduce([declared], demo_referential)
    install = profile.by_key()["rome:106859"]  # « Installer un équipement chez un client », core
    assert (install.provenances[0].weight, install.force) == (1.0, 1)
    profile = deduce([BTS, SUPPORT, declared], demo_referential)
    assert {c.statut for c in profile.competences} == {"deduite"}
    choices = {
        "rome:115552": Choice("confirmee"),
        "rome:484121": Choice("masquee"),
        "libre:souder a l'arc": Choice("declaree", "Souder à l'arc", "savoir-faire"),
        "rome:300412": Choice("declaree"),  # a savoir-être of the referential, by its code
    }
    profile = deduce([BTS, SUPPORT], demo_referential, choices)
    by_key = profile.by_key()
    assert (by_key["rome:115552"].statut, by_key["rome:115552"].force) == ("confirmee", 3)
    assert by_key["rome:484121"].statut == "masquee"
    assert "484121" not in profile.codes() and "115552" in profile.codes()
    assert by_key["rome:484121"] not in profile.visible()
    own = by_key["libre:souder a l'arc"]
    assert (own.statut, own.libelle, own.force, own.code_ogr) == (
        "declaree",
        "Souder à l'arc",
        1,
        None,
    )
    listening = by_key["rome:300412"]
    assert (listening.libelle, listening.categorie, listening.statut) == (
        "Etre à l'écoute, faire preuve d'empathie",
        "savoir-etre",
        "declaree",
    )
    statuses = {c.statut for c in profile.competences}
    assert (
        statuses <= {"deduite", "confirmee", "masquee", "declaree"} and "garantie" not in statuses
    )


def test_an_experience_without_codes_gets_suggestions_and_deduces_nothing_until_confirmed(
    demo_referential,
):
    job = EntryFacts("job", "experience", "garantie", "Administratrice systèmes et réseaux")
    profile = deduce([job], demo_referential)
    assert profile.competences == []
    assert [u.reason for u in profile.unresolved] == [
        "aucun code ROME ni appellation : choisissez l'appellation de cet emploi"
    ]
    first = profile.suggestions[0]
    assert (first.appellation, first.libelle, first.fiche, first.score) == (
        "489089",
        "Administrateur / Administratrice systèmes et réseaux",
        "M1801",
        1.0,
    )
    confirmed = EntryFacts(
        "job", "experience", "garantie", job.title, appellation_choice=("confirmee", "489089")
    )
    profile = deduce([confirmed], demo_referential)
    assert profile.suggestions == [] and profile.own_fiches == {"M1801": ["job"]}
    provenance = profile.by_key()["rome:300204"].provenances[0]
    assert (provenance.type, provenance.appellation, provenance.rome) == (
        "appellation_confirmee",
        "489089",
        "M1801",
    )
    refused = EntryFacts(
        "job", "experience", "garantie", job.title, appellation_choice=("refusee", "")
    )
    profile = deduce([refused], demo_referential)
    assert profile.competences == [] and profile.suggestions == []
    assert "refusé" in profile.unresolved[0].reason


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            EntryFacts("a", "experience", "garantie", "x", code_rome="Z9999"),
            "la fiche ROME Z9999 est introuvable dans les ROME chargés",
        ),
        (
            EntryFacts("a", "experience", "garantie", "x", appellation="1"),
            "l'appellation 1 est introuvable dans les ROME chargés",
        ),
        (
            EntryFacts("a", "certification", "garantie", "x", certification_code="RNCP1"),
            "la fiche RNCP1 est introuvable dans les référentiels RNCP/RS chargés",
        ),
        (
            EntryFacts("a", "training", "garantie", "x", formacode="31054"),
            "Formacode 31054 : aucune table officielle ne relie un Formacode aux compétences du ROME",
        ),
        (
            EntryFacts("a", "prevention", "garantie", "SST", risk="secours"),
            "formation de prévention sans code de certification : aucune compétence n'en est déduite (risque « secours »)",
        ),
    ],
)
def test_what_cannot_be_deduced_says_why(demo_referential, entry, reason):
    profile = deduce([entry], demo_referential)
    assert [u.reason for u in profile.unresolved] == [reason] and profile.competences == []


def test_a_training_towards_a_certification_counts_less_than_the_certification(demo_referential):
    training = EntryFacts(
        "t", "training", "garantie", "Préparation BTS", certification_code="RNCP40792"
    )
    profile = deduce([training], demo_referential)
    patrimony = profile.by_key()[bloc_key("Gérer le patrimoine informatique")]
    assert [(p.type, p.weight) for p in patrimony.provenances] == [("formation", 1.5)]
    assert profile.own_fiches == {}  # a training followed is not an occupation held


def test_bloc_competences_are_aligned_only_with_the_certifications_own_fiches(demo_referential):
    profile = deduce(
        [EntryFacts("c", "certification", "garantie", "BTS", certification_code="RNCP40792")],
        demo_referential,
    )
    saves = profile.by_key()[bloc_key("Gérer des sauvegardes")].provenances[0]
    # A suggestion among the items of M1810, M1801 and M1805 only.
    code, libelle, score = saves.alignement
    assert (code, libelle) == ("495442", "Gestion des sauvegardes et des restaurations")
    assert score >= 0.45
    fiches = {demo_referential.fiches[f] for f in ("M1810", "M1801", "M1805")}
    assert any(code == item for fiche in fiches for item, _ in fiche.items)
