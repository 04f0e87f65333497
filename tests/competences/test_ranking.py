"""« Mon avenir » ranking on hand-computed cases from the real ROME and RNCP rows of the demo
extract (core items read with grep in unix_coherence_item; no database)."""

from passeport.competences import ranking
from passeport.competences.deduction import EntryFacts, deduce

TECHNICIAN = EntryFacts("job", "experience", "garantie", "Technicien", code_rome="M1810")


def _have(referential, *entries):
    profile = deduce(entries, referential)
    return profile, profile.codes()


def test_coverage_counts_core_items_and_a_macro_through_its_competences(demo_referential):
    _profile, have = _have(demo_referential, TECHNICIAN)
    admin = ranking.coverage(demo_referential, demo_referential.fiches["M1801"], have)
    # M1801's 8 core savoir-faire; M1810 has 115552 (core in both) and the macro 300204.
    assert (admin.core, admin.covered, admin.percent) == (8, ("115552", "300204"), 25)
    assert admin.missing == ("120271", "120306", "300149", "400165", "402105", "486019")
    assert admin.emerging_missing == ("300196", "300615", "486016")  # apart, not gaps
    # M1820's core macro 300081 « Réaliser une veille… » is covered through 501948 « Assurer
    # la veille technologique… », one of its compétences that M1810 has (and 300366, 300019).
    consultant = ranking.coverage(demo_referential, demo_referential.fiches["M1820"], have)
    assert (consultant.core, set(consultant.covered)) == (10, {"300081", "300366", "300019"})
    # Savoir-être are never counted: none is core, and none appears in a gap.
    assert not any(
        demo_referential.items[code].categorie == "savoir-etre"
        for fiche in demo_referential.fiches.values()
        for code in ranking.coverage(demo_referential, fiche, frozenset()).missing
    )


def test_ranking_is_by_coverage_with_deterministic_ties_and_own_fiches_apart(demo_referential):
    profile, have = _have(demo_referential, TECHNICIAN)
    ranked = ranking.rank(demo_referential, have, exclude=set(profile.own_fiches), limit=8)
    assert [(c.fiche, len(c.covered), c.core) for c in ranked] == [
        ("M1820", 3, 10),  # 30 %
        ("M1802", 3, 11),  # 27 %
        ("M1801", 2, 8),  # 25 %
        ("I1304", 3, 13),  # 23 %, tie with M1869: same coverage, same counts → ROME code
        ("M1869", 3, 13),
        ("M1842", 2, 9),  # 22 %, tie with M1854
        ("M1854", 2, 9),
        ("M1847", 2, 10),
    ]
    assert "M1810" not in [c.fiche for c in ranking.rank(demo_referential, have, exclude={"M1810"})]
    assert ranking.rank(demo_referential, have, exclude=set(), limit=1)[0].fiche == "M1810"  # 100 %
    again = ranking.rank(demo_referential, have, exclude={"M1810"})
    assert [c.fiche for c in again] == [
        c.fiche for c in ranking.rank(demo_referential, have, exclude={"M1810"})
    ]


def test_mobility_paths_follow_the_rome_order_with_their_coverage(demo_referential):
    profile, have = _have(demo_referential, TECHNICIAN)
    (path,) = ranking.mobilities(demo_referential, profile.own_fiches, have)
    assert path.source == "M1810"
    # unix_rubrique_mobilite, numero_ordre 1 to 9.
    assert [(ordre, c.fiche) for ordre, c in path.targets] == [
        (1, "I1106"),
        (2, "M1862"),
        (3, "I1105"),
        (4, "I1404"),
        (5, "M1854"),
        (6, "M1869"),
        (7, "M1874"),
        (8, "M1817"),
        (9, "M1878"),
    ]
    i1404 = dict((c.fiche, c) for _, c in path.targets)["I1404"]
    assert (len(i1404.covered), i1404.core) == (1, 8)  # 300184, core of I1404, an item of M1810


def test_certifications_for_a_gap_replace_an_inactive_one_by_its_active_successor(demo_referential):
    _profile, have = _have(
        demo_referential, EntryFacts("dev", "experience", "garantie", "Dev", code_rome="M1812")
    )
    target = ranking.coverage(demo_referential, demo_referential.fiches["M1801"], have)
    options = ranking.certifications_for(demo_referential, target)
    # M1801 is cited by RNCP35185 (demo), RNCP35340 (the inactive BTS) and RNCP40792 (the
    # active one that succeeds it, citing M1801 too): the inactive one is replaced by its
    # successor, which appears once.
    assert [(o.code, o.actif, o.replaces) for o in options] == [
        ("RNCP35185", True, None),
        ("RNCP40792", True, "RNCP35340"),
    ]
    assert len(options[0].covers) >= len(options[1].covers)
    bts = options[1]
    # « Gérer les accès et les privilèges appropriés » (RNCP40792BC04) meets the missing
    # core item 115552 « Gérer les droits d'accès des utilisateurs » of M1801.
    assert "115552" in bts.covers
    assert any(b.code == "RNCP40792BC04" and "115552" in b.covers for b in bts.blocs)


def test_successor_search_and_inactive_without_successor(demo_referential):
    successor, unknown = ranking.active_successor(demo_referential, "RNCP35340")
    assert successor.code == "RNCP40792" and unknown == []
    assert ranking.active_successor(demo_referential, "RNCP40792") == (None, [])
