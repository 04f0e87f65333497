"""Business rules beyond the XSD: each rule fires on a wrong value, and only then."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from passeport.flux import rules as R
from passeport.flux.samples import flux_from_passages
from passeport.flux.validation import validate_file

TODAY = dt.date(2026, 1, 15)


def base_passage(id_technique: str = "P-1") -> dict:
    return {
        "idTechnique": id_technique,
        "obtentionCertification": "PAR_ADMISSION",
        "donneeCertifiee": "true",
        "dateDebutExamen": "2025-12-01",
        "dateFinExamen": "2025-12-03",
        "dateDebutValidite": "2025-12-20",
        "dateFinValidite": None,
        "presenceNiveauLangueEuro": "false",
        "presenceNiveauNumeriqueEuro": "false",
        "scoring": None,
        "mentionValidee": None,
        "modalitesInscription": {"modaliteAcces": "VAE", "voieAccessVAE": "VAE_CLASSIQUE"},
        "identificationTitulaire": {
            "titulaire": {
                "nomNaissance": "Lefèvre",
                "nomUsage": None,
                "prenom1": "Hélène",
                "anneeNaissance": "1990",
                "moisNaissance": "2",
                "jourNaissance": "28",
                "sexe": "F",
                "codeCommuneNaissance": {"codeInseeNaissance": {"codeInsee": "2A004"}},
            }
        },
    }


def titulaire(p: dict) -> dict:
    return p["identificationTitulaire"]["titulaire"]


def check(passages, **flux_options):
    data = flux_from_passages(passages, **flux_options)
    return validate_file(data, today=TODAY, schema=flux_options.get("version", "1.1.2"))


def rules_of(report, severity=None):
    return sorted(
        (f.rule, f.field) for f in report.findings if severity is None or f.severity == severity
    )


def test_base_passage_is_clean():
    report = check([base_passage()])
    assert report.valid and report.findings == []


def _set(path, value):
    def mutate(p):
        target = p
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


T = ("identificationTitulaire", "titulaire")
CASES = [
    # (id, mutation, expected (rule, field) or None)
    ("fin validité avant début", _set(("dateFinValidite",), "2025-12-19"),
     ("REG-DATES-VALIDITE", "dateFinValidite")),
    ("fin validité le même jour", _set(("dateFinValidite",), "2025-12-20"), None),
    ("fin validité après", _set(("dateFinValidite",), "2030-12-20"), None),
    ("fin examen avant début", _set(("dateFinExamen",), "2025-11-30"),
     ("REG-DATES-EXAMEN", "dateFinExamen")),
    ("examen d'un jour", _set(("dateFinExamen",), "2025-12-01"), None),
    ("langue annoncée absente", _set(("presenceNiveauLangueEuro",), "true"),
     ("REG-LANGUE-NIVEAU", "niveauLangueEuropeen")),
    ("numérique annoncé absent", _set(("presenceNiveauNumeriqueEuro",), "true"),
     ("REG-NUMERIQUE-NIVEAU", "niveauNumeriqueEuropeen")),
    ("scoring nil", _set(("obtentionCertification",), "PAR_SCORING"),
     ("REG-SCORING", "scoring")),
    ("scoring espaces", lambda p: p.update(obtentionCertification="PAR_SCORING", scoring="  "),
     ("REG-SCORING", "scoring")),
    ("scoring présent", lambda p: p.update(obtentionCertification="PAR_SCORING", scoring="14.5"),
     None),
    ("29 février bissextile", lambda p: titulaire(p).update(anneeNaissance="1992",
                                                             jourNaissance="29"), None),
    ("date de naissance inexistante", _set((*T, "jourNaissance"), "30"),
     ("REG-NAISSANCE-DATE", "jourNaissance")),
    ("jour sans mois", _set((*T, "moisNaissance"), None), ("REG-NAISSANCE-DATE", "moisNaissance")),
    ("naissance future", _set((*T, "anneeNaissance"), "2030"),
     ("REG-NAISSANCE-DATE", "anneeNaissance")),
    ("trop jeune", _set((*T, "anneeNaissance"), "2015"), ("REG-NAISSANCE-AGE", "anneeNaissance")),
    ("trop âgé", _set((*T, "anneeNaissance"), "1901"), ("REG-NAISSANCE-AGE", "anneeNaissance")),
    ("14 ans", lambda p: titulaire(p).update(anneeNaissance="2011", moisNaissance="12",
                                              jourNaissance="20"), None),
    ("13 ans la veille", lambda p: titulaire(p).update(anneeNaissance="2011", moisNaissance="12",
                                                        jourNaissance="21"),
     ("REG-NAISSANCE-AGE", "anneeNaissance")),
    ("nom de naissance espaces", _set((*T, "nomNaissance"), "   "),
     ("REG-NOM-VIDE", "nomNaissance")),
    ("prénom espaces", _set((*T, "prenom1"), " "), ("REG-NOM-VIDE", "prenom1")),
    ("nom d'usage espaces", _set((*T, "nomUsage"), "  "), ("REG-NOM-VIDE", "nomUsage")),
    ("INSEE Corse 20", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "20004"}}),
     ("REG-INSEE", "codeInsee")),
    ("INSEE 2a minuscule", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "2a004"}}),
     ("REG-INSEE", "codeInsee")),
    ("INSEE département 00", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "00123"}}),
     ("REG-INSEE", "codeInsee")),
    ("INSEE commune 000", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "31000"}}),
     ("REG-INSEE", "codeInsee")),
    ("INSEE lettres", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "ABCDE"}}),
     ("REG-INSEE", "codeInsee")),
    ("INSEE outre-mer", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "97411"}}),
     None),
    ("INSEE étranger sans pays", _set((*T, "codeCommuneNaissance"), {"codeInseeNaissance": {"codeInsee": "99350"}}),
     ("REG-PAYS-ETRANGER", "codePaysNaissance")),
    ("INSEE étranger avec pays", lambda p: titulaire(p).update(
        codeCommuneNaissance={"codeInseeNaissance": {"codeInsee": "99350"}}, codePaysNaissance="350"),
     None),
    ("INSEE étranger pays différent", lambda p: titulaire(p).update(
        codeCommuneNaissance={"codeInseeNaissance": {"codeInsee": "99350"}}, codePaysNaissance="109"),
     ("REG-PAYS-INCOHERENT", "codePaysNaissance")),
    ("code postal de naissance", _set((*T, "codeCommuneNaissance"), {"codePostalNaissance": {"codePostal": "20000"}}),
     None),
    ("donnée provisoire", _set(("donneeCertifiee",), "false"),
     ("REG-DONNEE-PROVISOIRE", "donneeCertifiee")),
    ("obtention il y a plus de 3 mois", _set(("dateDebutValidite",), "2025-10-14"),
     ("REG-DELAI-DEPASSE", "dateDebutValidite")),
    ("obtention il y a 3 mois pile", _set(("dateDebutValidite",), "2025-10-15"), None),
    ("obtention demain", lambda p: p.update(dateDebutValidite="2026-01-16", dateFinValidite=None),
     ("REG-DATE-FUTURE", "dateDebutValidite")),
    ("obtention aujourd'hui", _set(("dateDebutValidite",), "2026-01-15"), None),
]  # fmt: skip


@pytest.mark.parametrize(("label", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(label, mutate, expected):
    passage = base_passage()
    mutate(passage)
    report = check([passage])
    found = [(f.rule, f.field) for f in report.findings if f.rule.startswith("REG-")]
    xsd = [f for f in report.findings if not f.rule.startswith("REG-")]
    assert not xsd, xsd  # the mutation stays valid against the XSD: only the rule speaks
    if expected is None:
        assert found == []
        return
    assert found == [expected]
    finding = next(f for f in report.findings if f.rule == expected[0])
    assert finding.idTechnique == "P-1"
    assert finding.severity == R.RULES[expected[0]].severity
    assert finding.line and finding.line > 10
    assert finding.message and finding.hint == R.RULES[expected[0]].hint
    assert report.valid == (finding.severity == "warning")


def test_rule_line_points_at_the_element():
    passage = base_passage()
    passage["dateFinValidite"] = "2020-01-01"
    data = flux_from_passages([passage])
    report = validate_file(data, today=TODAY)
    (finding,) = report.findings
    line = data.decode().splitlines()[finding.line - 1]
    assert "dateFinValidite" in line
    assert "31/12/2019" not in finding.message and "01/01/2020" in finding.message
    assert "20/12/2025" in finding.message


def test_duplicate_id_technique():
    passages = [base_passage("A"), base_passage("B"), base_passage("A"), base_passage("A")]
    report = check(passages)
    dups = [f for f in report.findings if f.rule == "REG-ID-UNIQUE"]
    assert len(dups) == 2
    assert all(f.idTechnique == "A" for f in dups)
    assert "déjà celui du passage de la ligne" in dups[0].message
    assert report.errors == 2 and not report.valid
    assert report.passages_with_errors == 2


def test_many_unique_ids_grow_the_table():
    passages = [base_passage(f"id-{i}") for i in range(70_000 // 1000)]
    report = check(passages)
    assert report.valid
    table = __import__("passeport.flux.passage_checks", fromlist=["IdTable"]).IdTable(capacity=4)
    for i in range(5000):
        assert table.add(f"x{i}", i + 1) is None
    assert table.add("x4321", 99999) == 4322
    assert table.count == 5000


@pytest.mark.parametrize(
    ("type_", "code", "expected"),
    [
        ("RNCP", "RNCP35185", None),
        ("RS", "RS5262", None),
        ("RNCP", "RS5262", "REG-CODE-CERTIF"),
        ("RS", "RNCP35185", "REG-CODE-CERTIF"),
        ("RNCP", "35185", "REG-CODE-CERTIF"),
        ("RNCP", "rncp35185", "REG-CODE-CERTIF"),
        ("RNCP", "RNCP 35185", "REG-CODE-CERTIF"),
        ("CQP", "CQP123", "REG-TYPE-CERTIF"),
        ("rncp", "RNCP35185", "REG-TYPE-CERTIF"),
    ],
)
def test_certification_type_and_code(type_, code, expected):
    report = check([base_passage()], type_=type_, code=code)
    found = [f for f in report.findings if f.rule.startswith("REG-")]
    if expected is None:
        assert found == []
    else:
        assert [f.rule for f in found] == [expected]
        assert found[0].idTechnique is None and found[0].line
        assert code in found[0].message or type_ in found[0].message


@pytest.mark.parametrize(
    ("emetteur", "certificateur", "nature", "expected"),
    [
        ("AB123CDE", "AB123CDE", "CERTIFICATEUR", None),
        ("AB123CDE", "ZZ999ZZZ", "TIERS_CONFIANCE", None),
        ("AB123CDE", "ZZ999ZZZ", "CERTIFICATEUR", "REG-NATURE-DEPOSANT"),
        ("AB123CDE", "AB123CDE", "TIERS_CONFIANCE", "REG-NATURE-DEPOSANT"),
        ("AB123CDE", "ZZ999ZZZ", None, None),
    ],
)
def test_nature_deposant(emetteur, certificateur, nature, expected):
    report = check([base_passage()], emetteur=emetteur, certificateur=certificateur, nature=nature)
    found = [f.rule for f in report.findings]
    assert found == ([expected] if expected else [])
    assert report.valid  # a warning only


# --- 1.1.5 -------------------------------------------------------------------------------------
def nir_passage(nir: str, nom: str = "Lefèvre") -> dict:
    p = base_passage()
    p["identificationTitulaire"] = {"identifiantNational": {"nir": nir, "nomNaissance": nom}}
    return p


@pytest.mark.parametrize(
    ("nir", "detail"),
    [
        ("2900231555123", None),
        ("1900299350123", None),
        ("290022A004123", None),
        ("2900297411123", None),
        ("1903099350001", None),
        ("5900231555123", "sexe"),
        ("2901331555123", "mois"),
        ("29002AB555123", "département"),
        ("2900200555123", "département"),
        ("2900297911123", "outre-mer"),
        ("29002315551XY", "caractères 8 à 13"),
        ("2AB0231555123", "année"),
    ],
)
def test_nir(nir, detail):
    report = check([nir_passage(nir)], version="1.1.5")
    found = [f for f in report.findings if f.rule == "REG-NIR"]
    assert [f for f in report.findings if f.rule != "REG-NIR"] == []
    if detail is None:
        assert found == []
    else:
        assert len(found) == 1 and detail in found[0].message
        assert nir not in found[0].message  # never repeat the whole NIR
        assert found[0].field == "nir"


def test_nir_length_is_the_schemas_job():
    report = check([nir_passage("29002315551")], version="1.1.5")
    assert [f.rule for f in report.findings] == ["XSD-LONGUEUR"]


def test_check_nir_length_direct():
    out: list = []
    R.check_nir("123", out)
    assert out and "3 caractères au lieu de 13" in out[0][2]


def test_creation_flux_requires_the_112_elements():
    passage = base_passage()
    del passage["scoring"]
    del passage["modalitesInscription"]
    report = check([passage], version="1.1.5")
    assert rules_of(report) == [
        ("REG-CREATION-COMPLET", "modalitesInscription"),
        ("REG-CREATION-COMPLET", "scoring"),
    ]


def test_suppression_flux_id_only_is_clean():
    report = check([{"idTechnique": "P-1"}, {"idTechnique": "P-2"}], version="1.1.5",
                   action="SUPPRESSION")  # fmt: skip
    assert report.valid and report.findings == []
    assert report.schema == "1.1.5"


def test_suppression_flux_with_data_warns():
    report = check([base_passage()], version="1.1.5", action="SUPPRESSION")
    assert [f.rule for f in report.findings] == ["REG-SUPPRESSION-CONTENU"]
    assert report.valid


def test_id_only_passage_is_invalid_in_112():
    report = check([{"idTechnique": "P-1"}])
    assert not report.valid
    assert {f.rule for f in report.findings} == {"XSD-ELEMENT-MANQUANT"}


# --- helpers -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 15), dt.date(2025, 10, 15)),
        (dt.date(2026, 5, 31), dt.date(2026, 2, 28)),
        (dt.date(2024, 5, 31), dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 1), dt.date(2025, 12, 1)),
    ],
)
def test_months_before(day, expected):
    assert R.months_before(day, 3) == expected


def test_today_defaults_to_the_real_date():
    rules = R.PassageRules()
    assert rules.today == dt.date.today()


def test_every_rule_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "regles-flux.md").read_text()
    for rule in R.RULES.values():
        severity = "erreur" if rule.severity == "error" else "avertissement"
        row = f"| `{rule.id}` | {severity} | {rule.title} | {rule.source} | {rule.example} | {rule.hint} |"
        assert row in doc, rule.id


def test_rules_skip_values_the_xsd_rejected():
    passage = base_passage()
    passage["dateFinValidite"] = "2019-02-30"  # invalid date: XSD error only, no date rule
    report = check([passage])
    assert [f.rule for f in report.findings] == ["XSD-TYPE"]


def test_findings_are_in_line_order():
    passages = [copy.deepcopy(base_passage(f"P{i}")) for i in range(3)]
    passages[2]["dateFinValidite"] = "2020-01-01"
    passages[0]["donneeCertifiee"] = "false"
    report = check(passages)
    lines = [f.line for f in report.findings]
    assert lines == sorted(lines) and len(lines) == 2


EXAMPLE_CASES = {
    "REG-DATES-VALIDITE": lambda p: p.update(dateFinValidite="2025-12-19"),
    "REG-DATES-EXAMEN": lambda p: p.update(dateFinExamen="2025-11-30"),
    "REG-DELAI-DEPASSE": lambda p: p.update(dateDebutValidite="2025-10-14"),
    "REG-DATE-FUTURE": lambda p: p.update(dateDebutValidite="2026-01-16"),
    "REG-NAISSANCE-DATE": lambda p: titulaire(p).update(jourNaissance="30"),
    "REG-NAISSANCE-AGE": lambda p: titulaire(p).update(anneeNaissance="2015"),
    "REG-NOM-VIDE": lambda p: titulaire(p).update(nomNaissance="  "),
    "REG-INSEE": lambda p: titulaire(p).update(
        codeCommuneNaissance={"codeInseeNaissance": {"codeInsee": "20004"}}
    ),
    "REG-PAYS-ETRANGER": lambda p: titulaire(p).update(
        codeCommuneNaissance={"codeInseeNaissance": {"codeInsee": "99350"}}
    ),
    "REG-PAYS-INCOHERENT": lambda p: titulaire(p).update(
        codeCommuneNaissance={"codeInseeNaissance": {"codeInsee": "99350"}},
        codePaysNaissance="109",
    ),
    "REG-SCORING": lambda p: p.update(obtentionCertification="PAR_SCORING"),
    "REG-LANGUE-NIVEAU": lambda p: p.update(presenceNiveauLangueEuro="true"),
    "REG-NUMERIQUE-NIVEAU": lambda p: p.update(presenceNiveauNumeriqueEuro="true"),
    "REG-DONNEE-PROVISOIRE": lambda p: p.update(donneeCertifiee="false"),
}


@pytest.mark.parametrize("rule", sorted(EXAMPLE_CASES))
def test_documented_example_is_a_real_message(rule):
    passage = base_passage()
    EXAMPLE_CASES[rule](passage)
    messages = [f.message for f in check([passage]).findings if f.rule == rule]
    assert messages == [R.RULES[rule].example]


def test_documented_examples_of_flux_level_rules():
    def messages(report, rule):
        return [f.message for f in report.findings if f.rule == rule]

    report = check([base_passage()], type_="CQP", code="CQP123")
    assert messages(report, "REG-TYPE-CERTIF") == [R.RULES["REG-TYPE-CERTIF"].example]
    report = check([base_passage()], type_="RNCP", code="RS5262")
    assert messages(report, "REG-CODE-CERTIF") == [R.RULES["REG-CODE-CERTIF"].example]
    report = check([base_passage()], certificateur="ZZ999ZZZ")
    assert messages(report, "REG-NATURE-DEPOSANT") == [R.RULES["REG-NATURE-DEPOSANT"].example]
    passage = base_passage()
    del passage["scoring"]
    report = check([passage], version="1.1.5")
    assert messages(report, "REG-CREATION-COMPLET") == [R.RULES["REG-CREATION-COMPLET"].example]
    report = check([base_passage()], version="1.1.5", action="SUPPRESSION")
    assert messages(report, "REG-SUPPRESSION-CONTENU") == [
        R.RULES["REG-SUPPRESSION-CONTENU"].example
    ]
    report = check([nir_passage("2901331555123")], version="1.1.5")
    assert messages(report, "REG-NIR") == [R.RULES["REG-NIR"].example]
    report = check([base_passage(), base_passage()])
    assert messages(report, "REG-ID-UNIQUE") == [R.RULES["REG-ID-UNIQUE"].example]
