"""The text matcher behind appellation suggestions and bloc alignments."""

from passeport.competences.matching import TextMatcher, fold, idf_of, stem, terms


def test_words_are_folded_and_stemmed_so_that_gender_and_number_forms_meet():
    assert fold("Œuvre d’Élodie") == "oeuvre d'elodie"
    assert {stem("administratrice"), stem("administrateurs")} == {"administrateur"}
    assert stem(fold("développeuse")) == stem(fold("développeur")) == "developpeur"
    assert stem("analyser") == stem("analyse") == "analys"
    assert stem("administration") == stem("administrer") == "administr"
    assert terms("Mettre en place des sauvegardes") == ["sauvegard"]  # phrase glue dropped


def test_search_finds_feminine_titles_acronyms_and_orders_ties_by_key():
    matcher = TextMatcher(
        [
            ("489089", "Administrateur / Administratrice systèmes et réseaux"),
            ("404296", "Responsable de la Sécurité des Systèmes d'Information (RSSI)"),
            ("2", "Technicien réseaux"),
            ("1", "Technicien réseaux"),
        ]
    )
    assert matcher.search("Administratrice systèmes et réseaux")[0].key == "489089"
    assert matcher.search("RSSI")[0].key == "404296"
    assert [m.key for m in matcher.search("technicienne réseaux")] == ["1", "2"]
    assert matcher.search("") == [] and matcher.search("boulangère") == []


def test_a_single_shared_word_must_be_telling_enough():
    idf = idf_of(["Langage C++", "Langage Java", "Requêtes SQL", "Gérer les données", "Coder"])
    matcher = TextMatcher([("c", "Langage C++")], idf)
    query = "Exploiter des données à l'aide d'un langage de requêtes"
    assert matcher.search(query, minimum=0.2)  # one word in common…
    assert matcher.search(query, minimum=0.2, shared=2, alone=0.9) == []  # …is not enough
