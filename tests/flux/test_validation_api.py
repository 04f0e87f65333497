"""The library API the portal calls: validate_file, FluxValidation, PassageResult, Report."""

from __future__ import annotations

import datetime as dt

import pytest

from passeport.flux import validation_parallel as P
from passeport.flux.findings import FINDING_KEYS
from passeport.flux.samples import flux_bytes, flux_from_passages, sample_passage, write_flux
from passeport.flux.validation import FluxValidation, validate_file

TODAY = dt.date(2026, 1, 15)


EXAMPLE_DAY = dt.date(2025, 7, 10)  # nine days after the example's awards


def test_example_flux(example_flux):
    report = validate_file(example_flux, today=EXAMPLE_DAY)
    assert report.valid and report.passages == 3 and report.schema == "1.1.2"
    assert report.findings == []
    late = validate_file(example_flux, today=dt.date(2026, 1, 15))
    assert [(f.rule, f.line, f.idTechnique) for f in late.findings] == [
        ("REG-DELAI-DEPASSE", 30, "PSP-2025-0001"),
        ("REG-DELAI-DEPASSE", 85, "PSP-2025-0002"),
        ("REG-DELAI-DEPASSE", 107, "PSP-2025-0003"),
    ]
    assert late.valid and late.warnings == 3 and late.errors == 0


def test_the_official_example(cdc_oracle_example):
    """Oracle: the CDC's own example passes, with the one warning its envelope deserves."""
    report = validate_file(cdc_oracle_example, today=dt.date(2021, 1, 10))
    assert report.valid and report.passages == 3 and report.schema == "1.1.2"
    assert [(f.rule, f.line, f.idTechnique) for f in report.findings] == [
        ("REG-NATURE-DEPOSANT", 15, None)
    ]
    late = validate_file(cdc_oracle_example, today=dt.date(2026, 1, 15))
    assert [f.rule for f in late.findings].count("REG-DELAI-DEPASSE") == 3
    assert late.valid and late.warnings == 4 and late.errors == 0


def test_iterating_gives_each_passage_with_values(example_flux):
    validation = FluxValidation(example_flux, today=EXAMPLE_DAY)
    passages = list(validation)
    assert [p.idTechnique for p in passages] == ["PSP-2025-0001", "PSP-2025-0002", "PSP-2025-0003"]
    assert [p.line for p in passages] == [20, 81, 103]
    first = passages[0]
    assert first.ok and first.findings == []
    assert first.certification == {
        "type": "RNCP",
        "code": "RNCP35185",
        "natureDeposant": "CERTIFICATEUR",
    }
    values = first.values
    assert values["dateFinValidite"] is None  # xsi:nil
    assert values["libelleOption"] == "Option commerce international"
    assert values["identificationTitulaire"]["titulaire"]["nomNaissance"] == "Lefèvre"
    assert values["identificationTitulaire"]["titulaire"]["codeCommuneNaissance"] == {
        "codeInseeNaissance": {"codeInsee": "31555"}
    }
    assert [r["niveau"] for r in values["niveauNumeriqueEuropeen"]["resultats"]["resultat"]] == [
        "4",
        "6",
    ]
    assert passages[1].values["identificationTitulaire"]["dossierFormation"]["idDossier"] == (
        "7419025836140"
    )
    assert passages[2].values["identificationTitulaire"]["titulaire"]["moisNaissance"] is None
    assert validation.report.passages == 3


def test_values_round_trip_with_the_generator():
    passage = sample_passage(7, seed=4)
    seen = []
    validate_file(flux_from_passages([passage]), today=TODAY, on_passage=seen.append)
    got = seen[0].values
    # the generator's shape: resultats is a list of resultat dicts
    if "niveauNumeriqueEuropeen" in passage:
        passage["niveauNumeriqueEuropeen"]["resultats"] = {
            "resultat": passage["niveauNumeriqueEuropeen"]["resultats"]
        }
    assert got == passage


def test_passage_findings_are_attached_to_their_passage():
    good, bad = sample_passage(1), sample_passage(2)
    bad["donneeCertifiee"] = "peut-être"
    bad["dateFinValidite"] = "2001-01-01"
    seen = []
    report = validate_file(flux_from_passages([good, bad]), today=TODAY, on_passage=seen.append)
    assert seen[0].ok and not seen[1].ok
    assert {(f.rule, f.field) for f in seen[1].findings} == {
        ("XSD-TYPE", "donneeCertifiee"),
        ("REG-DATES-VALIDITE", "dateFinValidite"),
    }
    assert all(f.idTechnique == bad["idTechnique"] for f in seen[1].findings)
    assert report.passages_with_errors == 1 and report.errors == 2
    assert report.flux_errors == []


def test_missing_element_is_named():
    passage = sample_passage(3)
    del passage["donneeCertifiee"]
    report = validate_file(flux_from_passages([passage]), today=TODAY)
    (finding,) = report.findings
    assert finding.rule == "XSD-ELEMENT-MANQUANT" and finding.field == "donneeCertifiee"
    assert "Donnée certifiée" in finding.message and "4.5" in finding.message


def test_envelope_and_certification_errors_are_flux_errors():
    data = flux_from_passages(
        [sample_passage(0)], emetteur="AB12", nature="DEPOSANT", code="RNCP35185"
    )
    report = validate_file(data, today=TODAY)
    flux_errors = {(f.rule, f.field) for f in report.flux_errors}
    assert ("XSD-LONGUEUR", "idClient") in flux_errors
    assert ("XSD-VALEUR-LISTE", "natureDeposant") in flux_errors
    assert all(f.line for f in report.flux_errors)
    assert all(f.idTechnique is None for f in report.flux_errors)
    message = next(f.message for f in report.flux_errors if f.field == "idClient")
    assert "exactement 8 caractères" in message and "4" in message


def test_missing_header_element():
    data = flux_bytes(2).replace(b"<cpf:idContrat>2560080000127J</cpf:idContrat>", b"")
    report = validate_file(data, today=TODAY)
    assert [(f.rule, f.field) for f in report.findings] == [("XSD-ELEMENT-MANQUANT", "idContrat")]


@pytest.mark.parametrize("version", ["1.1.2", "1.1.5"])
def test_generated_flux_is_clean(version):
    report = validate_file(flux_bytes(300, seed=9, version=version), today=TODAY)
    assert report.schema == version
    assert report.passages == 300
    assert report.findings == [], report.findings[:3]


def test_schema_choices(flux_xsd_112):
    data = flux_bytes(5, version="1.1.5")
    assert validate_file(data, schema="auto", today=TODAY).valid
    assert validate_file(data, schema="1.1.5", today=TODAY).valid
    forced = validate_file(data, schema="1.1.2", today=TODAY)
    assert not forced.valid and forced.findings[0].field == "action"
    by_path = validate_file(flux_bytes(5), schema=str(flux_xsd_112), today=TODAY)
    assert by_path.valid and "1.1.2" in by_path.schema


def test_cap_on_stored_findings_keeps_exact_counts():
    passages = [sample_passage(i) for i in range(30)]
    for p in passages:
        p["donneeCertifiee"] = "false"  # one warning each
    report = validate_file(flux_from_passages(passages), today=TODAY, max_findings=10)
    assert report.warnings == 30 and len(report.findings) == 10 and report.omitted == 20
    assert report.to_dict()["omitted"] == 20


def test_rule_errors_beyond_the_cap_still_count_and_reach_on_values():
    passages = [sample_passage(i) for i in range(30)]
    for p in passages:
        p["dateDebutValidite"], p["dateFinValidite"] = "2025-12-01", "2025-11-01"
    verdicts = []
    report = validate_file(
        flux_from_passages(passages),
        today=TODAY,
        max_findings=5,
        on_values=lambda element, values, first_error: verdicts.append(first_error),
    )
    assert report.errors == 30 and report.passages_with_errors == 30
    assert len(report.findings) == 5 and report.omitted == 25
    assert [v[0] for v in verdicts] == ["REG-DATES-VALIDITE"] * 30


@pytest.mark.parametrize("parallel", [False, True])
def test_flux_errors_survive_the_cap(tmp_path, parallel):
    passages = [sample_passage(i) for i in range(30)]
    for p in passages:
        p["donneeCertifiee"] = "nope"
    path = tmp_path / "flux.xml"
    path.write_bytes(flux_from_passages(passages, contrat="x" * 30))
    report = validate_file(path, today=TODAY, max_findings=5, parallel=parallel)
    assert report.errors == 31 and len(report.findings) == 6 and report.omitted == 25
    assert [f.field for f in report.flux_errors] == ["idContrat"]


def test_report_json_shape():
    passage = sample_passage(0)
    passage["dateDebutValidite"] = "2020-01-01"
    data = validate_file(flux_from_passages([passage]), today=TODAY).to_dict()
    assert list(data) == ["file", "schema", "valid", "passages", "errors", "warnings", "findings"]
    assert tuple(data["findings"][0]) == FINDING_KEYS


def _write_with_errors(path, n):
    """A flux with XSD errors, rule findings, and both on the same passages."""
    write_flux(path, n, seed=2)
    text = path.read_text(encoding="utf-8")
    replacements = [
        ("<cpf:sexe>F</cpf:sexe>", "<cpf:sexe>Femme</cpf:sexe>", 3),
        ("<cpf:donneeCertifiee>true<", "<cpf:donneeCertifiee>false<", 4),
        ("<cpf:obtentionCertification>PAR_ADMISSION<", "<cpf:obtentionCertification>PAR_SCORING<", 2),
        ("<cpf:moisNaissance>1</cpf:moisNaissance>", "<cpf:moisNaissance>13</cpf:moisNaissance>", 2),
        ("<cpf:jourNaissance>2</cpf:jourNaissance>", "<cpf:jourNaissance>32</cpf:jourNaissance>", 2),
        ("<cpf:dateDebutValidite>2025-12-1", "<cpf:dateDebutValidite>2025-13-1", 3),
        ("<cpf:dateFinValidite>2030-1", "<cpf:dateFinValidite>2020-1", 3),
        ("<cpf:codeInsee>75056</cpf:codeInsee>", "<cpf:codeInsee>20056</cpf:codeInsee>", 2),
        ("<cpf:codeInsee>31555</cpf:codeInsee>", "<cpf:codeInsee>3155</cpf:codeInsee>", 2),
        ("<cpf:anneeNaissance>19", "<cpf:anneeNaissance>18", 3),
        ("<cpf:anneeNaissance>200", "<cpf:anneeNaissance>202", 2),
        ("<cpf:presenceNiveauLangueEuro>false<", "<cpf:presenceNiveauLangueEuro>true<", 2),
        ("<cpf:presenceNiveauNumeriqueEuro>false<", "<cpf:presenceNiveauNumeriqueEuro>vrai<", 2),
    ]  # fmt: skip
    for old, new, count in replacements:
        assert old in text, old
        text = text.replace(old, new, count)
    marker = "<cpf:dateFinExamen>"
    start = text.index(marker, len(text) // 2)
    text = text[:start] + marker + "1880-01-01" + text[start + len(marker) + 10 :]
    ids = text.split("<cpf:idTechnique>")
    text = "<cpf:idTechnique>".join(
        [*ids[:5], ids[1].split("<", 1)[0] + "<" + ids[5].split("<", 1)[1], *ids[6:]]
    )
    path.write_text(text, encoding="utf-8")


def test_parallel_and_sequential_give_the_same_report(tmp_path):
    path = tmp_path / "flux.xml"
    _write_with_errors(path, 400)
    sequential = validate_file(path, today=TODAY, parallel=False).to_dict()
    parallel = validate_file(path, today=TODAY, parallel=True).to_dict()
    assert sequential == parallel
    rules = {f["rule"] for f in sequential["findings"]}
    assert {"XSD-VALEUR-LISTE", "XSD-MIN-MAX", "XSD-TYPE", "REG-ID-UNIQUE", "REG-INSEE",
            "REG-DONNEE-PROVISOIRE", "REG-SCORING", "REG-DATES-VALIDITE",
            "REG-LANGUE-NIVEAU"} <= rules  # fmt: skip
    assert sequential["errors"] >= 20


def test_parallel_mode_is_chosen_for_big_files(tmp_path, monkeypatch):
    path = tmp_path / "flux.xml"
    write_flux(path, 50, seed=1)
    calls = []
    original = P.run
    monkeypatch.setattr(P, "PARALLEL_MIN_BYTES", 1000)
    monkeypatch.setattr(P, "idle_cores", lambda: 2.0)
    monkeypatch.setattr(P, "run", lambda *a, **k: calls.append(1) or original(*a, **k))
    # In the whole suite, pytest-django's live server thread may still run: this part is about
    # a single-threaded command-line process.
    real_active_count = P.threading.active_count
    monkeypatch.setattr(P.threading, "active_count", lambda: 1)
    assert validate_file(path, today=TODAY).valid
    assert calls == [1]
    calls.clear()
    monkeypatch.setattr(P, "idle_cores", lambda: 1.1)  # one core busy elsewhere
    validate_file(path, today=TODAY)
    assert calls == []
    monkeypatch.setattr(P, "idle_cores", lambda: 2.0)
    monkeypatch.setattr(P.threading, "active_count", real_active_count)
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        validate_file(path, today=TODAY)  # another thread runs: no fork
    finally:
        stop.set()
        other.join()
    assert calls == []
    validate_file(path, today=TODAY, on_passage=lambda p: None)
    assert calls == []


def test_parallel_mode_survives_a_dead_child(tmp_path, monkeypatch):
    path = tmp_path / "flux.xml"
    _write_with_errors(path, 100)
    expected = validate_file(path, today=TODAY, parallel=False).to_dict()
    monkeypatch.setattr(P, "xsd_child", lambda path, schemas, sender, cap: sender.close())
    assert validate_file(path, today=TODAY, parallel=True).to_dict() == expected


def test_parallel_on_unreadable_file(tmp_path):
    report = validate_file(tmp_path / "absent.xml", parallel=True)
    assert [f.rule for f in report.findings] == ["XML-ILLISIBLE"] and not report.readable


def test_threads_do_not_share_error_logs():
    """Two threads validating at once each get their own findings (the portal's workers)."""
    import threading

    from passeport.flux import xsd

    bad = sample_passage(1, seed=9)
    bad["donneeCertifiee"] = "peut-être"
    files = {
        "good": flux_from_passages([sample_passage(i) for i in range(300)]),
        "bad": flux_from_passages([sample_passage(i) for i in range(299)] + [bad]),
    }
    results: dict = {}

    def work(name):
        results[name] = [validate_file(files[name], today=TODAY).errors for _ in range(5)]
        results[name + "-schema"] = xsd.load_schemas("1.1.2")

    threads = [threading.Thread(target=work, args=(name,)) for name in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["good"] == [0] * 5 and results["bad"] == [1] * 5
    assert results["good-schema"] is not results["bad-schema"]


def test_idle_cores_is_measured():
    idle = P.idle_cores()
    assert 0 <= idle <= (P.os.cpu_count() or 1) + 0.01


def test_the_report_says_who_the_flux_comes_from(example_flux):
    # Report.declared: the envelope ids and the certifications, gathered in the validation pass
    # (the portal checks them against the depositing account without reading the file again).
    declared = validate_file(example_flux, today=EXAMPLE_DAY).declared
    assert (declared.id_flux, declared.horodatage, declared.action, declared.emetteur) == (
        "0b7c2f4e-5a61-4d2e-9c3a-7f1e8d6b2a90",
        "2025-07-08T09:15:00+02:00",
        "",
        "PS042ABC",
    )
    assert [(c["idClient"], c["idContrat"], c["line"]) for c in declared.certificateurs] == [
        ("PS042ABC", "MCF-2025-000417", 11)
    ]
    assert declared.certificateurs[0]["certifications"] == [
        {"type": "RNCP", "code": "RNCP35185", "natureDeposant": "CERTIFICATEUR"}
    ]


@pytest.mark.parametrize("parallel", [False, True])
def test_declared_certificateurs_in_file_order_whatever_the_mode(tmp_path, parallel):
    import re

    block = re.compile(rb"<(\w+:)?certificateur>.*</(\w+:)?certificateur>", re.S)
    first = flux_from_passages(
        [sample_passage(i) for i in range(3)], certificateur="CERTIF01", code="RNCP35185"
    )
    second = flux_from_passages(
        [sample_passage(i) for i in range(3, 5)],
        certificateur="CERTIF02",
        code="RS5262",
        type_="RS",
    )
    spliced = block.sub(lambda m: m.group(0) + block.search(second).group(0), first, count=1)
    path = tmp_path / "deux-certificateurs.xml"
    path.write_bytes(spliced)
    report = validate_file(path, today=TODAY, parallel=parallel)
    assert report.passages == 5
    got = [
        (c["idClient"], [x["code"] for x in c["certifications"]])
        for c in report.declared.certificateurs
    ]
    assert got == [("CERTIF01", ["RNCP35185"]), ("CERTIF02", ["RS5262"])]
