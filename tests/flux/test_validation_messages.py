"""libxml2's English schema errors become French sentences naming the field, value and bound."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from passeport.flux import safexml, xsd
from passeport.flux.rules import RULES
from passeport.flux.samples import flux_from_passages
from passeport.flux.xsd_messages import translate

NS = "{urn:cdc:cpf:pc5:schema:1.0.0}"
ENGLISH = re.compile(
    r"\b(Element|element|expected|allowed|value|facet|length|Missing|not valid|atomic|nilled)\b"
)


PASSAGE = {
    "idTechnique": "P-1",
    "obtentionCertification": "PAR_ADMISSION",
    "donneeCertifiee": "true",
    "dateDebutValidite": "2025-12-20",
    "dateFinValidite": None,
    "presenceNiveauLangueEuro": "false",
    "presenceNiveauNumeriqueEuro": "false",
    "scoring": None,
    "mentionValidee": None,
    "modalitesInscription": {"modaliteAcces": "VAE"},
    "identificationTitulaire": {
        "titulaire": {
            "nomNaissance": "Lefèvre",
            "nomUsage": None,
            "prenom1": "Hélène",
            "anneeNaissance": "1990",
            "moisNaissance": "2",
            "jourNaissance": "28",
            "sexe": "F",
            "codeCommuneNaissance": {"codeInseeNaissance": {"codeInsee": "31555"}},
        }
    },
    "verbatim": "Jury de juin",
}


def _text(value):
    def mutate(el):
        el.text = value

    return mutate


def _nil(el):
    el.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    el.text = None


def _nil_with_value(el):
    el.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    el.text = "2030-01-01"


def _attribute(el):
    el.set("lang", "fr")


def _rename(name):
    def mutate(el):
        el.tag = name

    return mutate


def _errors(element: str, mutate):
    root = safexml.fromstring(flux_from_passages([PASSAGE]))
    mutate(root.find(f".//{NS}{element}"))
    schema = xsd.load_schemas("1.1.2").complete
    schema.validate(root)
    return list(schema.error_log)


CASES = [
    ("sexe", _text("H"), "XSD-VALEUR-LISTE", "sexe", ["« H »", "(M, F)", "Sexe"]),
    ("idClient", _text("AB123"), "XSD-LONGUEUR", "idClient",
     ["exactement 8 caractères", "en compte 5"]),
    ("nomNaissance", _text("x" * 70), "XSD-LONGUEUR", "nomNaissance", ["maximum de 60", "70"]),
    ("nomNaissance", _text(""), "XSD-LONGUEUR", "nomNaissance", ["est vide"]),
    ("prenom1", _nil, "XSD-NIL", "prenom1", ["xsi:nil", "Premier prénom"]),
    ("dateFinValidite", _nil_with_value, "XSD-NIL", "dateFinValidite", ["contient une valeur"]),
    ("anneeNaissance", _text("dix-neuf"), "XSD-TYPE", "anneeNaissance", ["nombre entier"]),
    ("moisNaissance", _text("13"), "XSD-MIN-MAX", "moisNaissance",
     ["supérieure au maximum", "(12)"]),
    ("anneeNaissance", _text("1899"), "XSD-MIN-MAX", "anneeNaissance",
     ["inférieure au minimum", "(1900)"]),
    ("dateDebutValidite", _text("2125-12-20"), "XSD-FORMAT", "dateDebutValidite",
     ["1900 et 2099"]),
    ("horodatage", _text("2026-01-15T10:00:00Z"), "XSD-FORMAT", "horodatage", ["+01:00"]),
    ("dateDebutValidite", _text("20/12/2025"), "XSD-TYPE", "dateDebutValidite",
     ["aaaa-mm-jj"]),
    ("horodatage", _text("hier"), "XSD-TYPE", "horodatage", ["horodatage"]),
    ("donneeCertifiee", _text("Oui"), "XSD-TYPE", "donneeCertifiee", ["« Oui »", "true ou false"]),
    ("idTechnique", _attribute, "XSD-ATTRIBUT", "idTechnique", ["« lang »"]),
    ("modalitesInscription", _text("texte"), "XSD-TEXTE", "modalitesInscription", ["texte"]),
    ("verbatim", _rename(f"{NS}verbatm"), "XSD-ELEMENT-INATTENDU", "verbatm",
     ["« verbatm » n'existe pas"]),
    ("idFlux", _rename("idFlux"), "XSD-ELEMENT-INATTENDU", "idFlux", ["espace de noms"]),
    ("verbatim", _rename("{urn:autre}verbatim"), "XSD-ELEMENT-INATTENDU", "verbatim",
     ["urn:autre"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("element", "mutate", "rule", "field", "words"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_translations(element, mutate, rule, field, words):
    errors = _errors(element, mutate)
    assert errors, "the mutation must be invalid"
    translated = [translate(e.type_name, e.message) for e in errors]
    match = [t for t in translated if t[0] == rule and t[1] == field]
    assert match, translated
    _rule, _field, message, hint = match[0]
    for word in words:
        assert word in message, message
    for text in (message, hint):
        assert not ENGLISH.search(text.replace("xsi:nil", "")), text
        assert NS not in text
    assert hint


def test_missing_element_names_the_required_one():
    rule, field, message, _ = translate(
        "SCHEMAV_ELEMENT_CONTENT",
        f"Element '{NS}titulaire': Missing child element(s). Expected is one of ( "
        f"{NS}nomNaissance, {NS}codePaysNaissance, {NS}commentairesMEN ).",
    )
    assert (rule, field) == ("XSD-ELEMENT-MANQUANT", "nomNaissance")
    assert "« Nom de naissance » (nomNaissance, 8.1)" in message


def test_missing_one_of_a_choice():
    rule, field, message, _ = translate(
        "SCHEMAV_ELEMENT_CONTENT",
        f"Element '{NS}identificationTitulaire': Missing child element(s). Expected is one of "
        f"( {NS}dossierFormation, {NS}titulaire ).",
    )
    assert rule == "XSD-ELEMENT-MANQUANT" and field == "identificationTitulaire"
    assert "l'un des éléments suivants : dossierFormation, titulaire" in message


def test_unknown_error_type_still_french():
    rule, field, message, hint = translate(
        "SCHEMAV_CVC_IDC_DUPLICATE", f"Element '{NS}code': Some new libxml2 message."
    )
    assert rule == "XSD-AUTRE" and field == "code"
    assert "Some new" not in message and "Code de la certification" in message
    assert hint == RULES["XSD-AUTRE"].hint


def test_message_without_element_prefix():
    rule, _field, message, _ = translate("SCHEMAV_CVC_ELT_1", "No matching global declaration.")
    assert rule == "XSD-RACINE" and "flux" in message


def test_long_values_are_shortened():
    _rule, _field, message, _ = translate(
        "SCHEMAV_CVC_ENUMERATION_VALID",
        f"Element '{NS}sexe': [facet 'enumeration'] The value '{'x' * 500}' is not an element "
        "of the set {'M', 'F'}.",
    )
    assert len(message) < 250 and "…" in message


def test_messages_from_the_official_schema_are_french_too(cdc_oracle_xsd):
    """The official XSD uses anonymous types: libxml2 words its errors slightly differently."""
    root = safexml.fromstring(flux_from_passages([PASSAGE]))
    root.find(f".//{NS}anneeNaissance").text = "dix-neuf"
    root.find(f".//{NS}dateDebutValidite").text = "2125-01-01"
    root.find(f".//{NS}idContrat").text = "x" * 21
    root.find(f".//{NS}sexe").text = "X"
    schema = etree.XMLSchema(safexml.parse(str(cdc_oracle_xsd)))
    assert not schema.validate(root)
    translated = [translate(e.type_name, e.message) for e in schema.error_log]
    assert {(rule, field) for rule, field, _, _ in translated} == {
        ("XSD-TYPE", "anneeNaissance"),
        ("XSD-FORMAT", "dateDebutValidite"),
        ("XSD-LONGUEUR", "idContrat"),
        ("XSD-VALEUR-LISTE", "sexe"),
    }
    for _rule, _field, message, _hint in translated:
        assert not ENGLISH.search(message), message
