"""The map's grouping (shared with its table) and its SVG."""

import shutil

from passeport.competences import drawing
from passeport.competences.deduction import Choice, EntryFacts, deduce
from passeport.competences.reading.rncp import read_xml
from passeport.competences.reading.rome import read_rome
from passeport.competences.reading.sources import open_source
from passeport.competences.referential import from_sets

BTS = EntryFacts("bts", "certification", "garantie", "BTS SIO", certification_code="RNCP35340")


def test_sections_group_by_domain_and_macro_with_savoir_etre_apart(demo_referential):
    profile = deduce(
        [BTS], demo_referential, {"libre:jongler": Choice("declaree", "Jongler", "savoir-faire")}
    )
    parts = drawing.sections(profile.visible(), demo_referential)
    titles = [s.title for s in parts]
    assert titles[0].startswith("Savoir-faire — Domaine de compétences ")  # no tree file loaded
    assert titles[-3:] == ["Savoirs", "Savoir-être professionnels", "Ajoutées par vous"]
    assert "Compétences de vos certifications" in titles
    assert sum(s.count for s in parts) == len(profile.visible())
    domain_2 = next(s for s in parts if s.id == "domaine-2")
    admin = next(g for g in domain_2.groups if g.title == "Administrer un système d'informations")
    assert "Gérer les droits d'accès des utilisateurs" in [c.libelle for c in admin.competences]
    savoir_etre = next(s for s in parts if s.id == "savoir-etre").groups[0]
    assert {c.categorie for c in savoir_etre.competences} == {"savoir-etre"}


def test_the_svg_links_every_dot_to_its_row_and_escapes_text(demo_referential):
    profile = deduce(
        [BTS], demo_referential, {"libre:<b>": Choice("declaree", "<b>& co", "savoir")}
    )
    parts = drawing.sections(profile.visible(), demo_referential)
    anchors = {c.key: f"c-{i}" for i, c in enumerate(profile.competences)}
    svg = drawing.svg(parts, anchors)
    assert svg.count("<circle") == len(profile.visible()) + 5  # + the legend's five
    assert svg.count('<a href="#c-') == len(profile.visible())
    assert "&lt;b&gt;&amp; co" in svg and "<b>" not in svg
    assert "force 3 (solide)" in svg


def test_the_competence_tree_names_the_domains_when_its_file_is_loaded(demo_dir, tmp_path):
    folder = tmp_path / "rome"
    shutil.copytree(demo_dir / "rome", folder)
    # The columns of France Travail's unix_arborescence_competences file; rows of this test.
    (folder / "unix_arborescence_competences_v460_utf8.csv").write_text(
        '"code_domaine_competence","domaine_competence","code_enjeu","enjeu","code_objectif",'
        '"objectif","code_macro_competence","code_ogr_macro_competence","libelle_macro_competence",'
        '"code_ogr_competence","libelle_competence"\n'
        '"2","Domaine nommé par le test","2D","Enjeu du test","2D1","Objectif du test","2D104",'
        '"300204","Administrer un système d\'\'informations","115552","Gérer les droits d\'\'accès"\n',
        encoding="utf-8",
    )
    with open_source(folder) as rome, open_source(demo_dir / "rncp") as rncp:
        referential = from_sets(read_rome(rome), read_xml(rncp))
    assert referential.domain_label("2") == "Domaine nommé par le test"
    assert referential.groups[("enjeu", "2D")] == "Enjeu du test"
    parts = drawing.sections(deduce([BTS], referential).visible(), referential)
    assert "Savoir-faire — Domaine nommé par le test" in [s.title for s in parts]
