"""`flux build`: spreadsheets → valid XML (official XSD as oracle) + rejected rows explained."""

import csv
import datetime
import json
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from passeport.flux.building import build_flux
from passeport.flux.cli import main
from passeport.flux.identifiers import derive_id_technique

NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
IDS = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "2560080000127J"}
CLI_IDS = ["--emetteur", "AB123CDE", "--certificateur", "E564ACB0", "--contrat", "2560080000127J"]
HEADERS = ["Code RNCP", "NOM NAISSANCE", "Prénom", "Sexe", "Date de naissance", "Date du jury",
           "Mode d'obtention", "Donnée certifiée", "Code INSEE", "Modalité d'accès", "Commentaire interne"]  # fmt: skip
GOOD = ["RNCP19117", "Dupont", "Antoine", "H", "15/11/1996", datetime.date(2026, 9, 1),
        "Par admission", "Oui", 1053.0, "Formation initiale hors apprentissage", "ok"]  # fmt: skip
BAD_DATE = ["RNCP19117", "Durand", "Léa", "F", "31/02/1996", "01/09/2026", "PAR_ADMISSION",
            "Oui", "31555", "VAE", "à revoir"]  # fmt: skip


def xlsx(path: Path, rows, headers=HEADERS) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def parse(path_or_bytes):
    data = (
        Path(path_or_bytes).read_bytes() if not isinstance(path_or_bytes, bytes) else path_or_bytes
    )
    return etree.fromstring(data)


def test_build_writes_valid_xml_and_normalises(tmp_path, flux_schema_112):
    source = xlsx(tmp_path / "in.xlsx", [GOOD])
    result = build_flux(source, tmp_path / "out.xml", **IDS)
    assert result.exit_code == 0, result.rejected
    root = parse(tmp_path / "out.xml")
    assert flux_schema_112.validate(root), flux_schema_112.error_log
    passage = root.find(".//cpf:passageCertification", NS)
    assert passage.findtext(".//cpf:sexe", namespaces=NS) == "M"
    assert passage.findtext(".//cpf:codeInsee", namespaces=NS) == "01053"
    assert passage.findtext(".//cpf:jourNaissance", namespaces=NS) == "15"
    assert passage.findtext(".//cpf:dateDebutValidite", namespaces=NS) == "2026-09-01"
    assert (
        passage.findtext(".//cpf:modaliteAcces", namespaces=NS)
        == "FORMATION_INITIALE_HORS_APPRENTISSAGE"
    )
    nil = passage.find("cpf:dateFinValidite", NS)
    assert nil.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
    assert root.findtext(".//cpf:certification/cpf:type", namespaces=NS) == "RNCP"
    changes = {(c.column, c.change) for c in result.changes}
    assert ("Code INSEE", "zéro initial rétabli (code INSEE lu comme un nombre)") in changes
    assert ("Sexe", "lu comme M") in changes
    assert result.unknown_columns == ["Commentaire interne"]


def test_rejected_rows_go_to_the_rejects_file(tmp_path, flux_schema_112):
    source = xlsx(tmp_path / "in.xlsx", [GOOD, BAD_DATE])
    code = main(["build", str(source), "-o", str(tmp_path / "out.xml"), *CLI_IDS,
                 "--rejects", str(tmp_path / "rejets.xlsx")])  # fmt: skip
    assert code == 1
    assert flux_schema_112.validate(parse(tmp_path / "out.xml"))
    sheet = openpyxl.load_workbook(tmp_path / "rejets.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][: len(HEADERS)] == tuple(HEADERS)
    assert rows[0][len(HEADERS) : len(HEADERS) + 2] == ("Anomalies", "Comment corriger")
    assert len(rows) == 2
    assert rows[1][1] == "Durand"
    assert "Date de naissance" in rows[1][len(HEADERS)] and "31/02/1996" in rows[1][len(HEADERS)]
    assert "jj/mm/aaaa" in rows[1][len(HEADERS) + 1]


def test_error_message_names_file_line_and_column(tmp_path, capsys):
    source = xlsx(tmp_path / "in.xlsx", [GOOD, BAD_DATE])
    main(["build", str(source), "-o", str(tmp_path / "out.xml"), *CLI_IDS])
    err = capsys.readouterr().err
    assert f"{source}, ligne 3, colonne « Date de naissance »" in err
    assert "Traceback" not in err


def test_rejects_file_rebuilds_after_correction(tmp_path):
    source = xlsx(tmp_path / "in.xlsx", [GOOD, BAD_DATE])
    main(
        [
            "build",
            str(source),
            "-o",
            str(tmp_path / "out.xml"),
            *CLI_IDS,
            "--rejects",
            str(tmp_path / "r.xlsx"),
        ]
    )
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    workbook.active["E2"] = "28/02/1996"
    workbook.save(tmp_path / "r.xlsx")
    result = build_flux(tmp_path / "r.xlsx", tmp_path / "fixed.xml", **IDS)
    assert result.exit_code == 0
    assert result.written == 1
    assert set(result.ignored_columns) | set(result.unknown_columns) >= {
        "Anomalies",
        "Comment corriger",
    }


def test_id_technique_is_deterministic_and_recognised(tmp_path):
    source = xlsx(tmp_path / "in.xlsx", [GOOD])
    first = build_flux(source, tmp_path / "a.xml", **IDS)
    second = build_flux(source, tmp_path / "b.xml", **IDS)
    id_a = parse(tmp_path / "a.xml").findtext(".//cpf:idTechnique", namespaces=NS)
    id_b = parse(tmp_path / "b.xml").findtext(".//cpf:idTechnique", namespaces=NS)
    assert id_a == id_b == first.id_techniques[2] == second.id_techniques[2]
    assert id_a == derive_id_technique({"code": "RNCP19117", "nomNaissance": "Dupont", "prenom1": "Antoine",
                                        "anneeNaissance": "1996", "moisNaissance": "11",
                                        "jourNaissance": "15", "dateDebutValidite": "2026-09-01"})  # fmt: skip


def test_id_technique_column_is_kept(tmp_path):
    source = xlsx(tmp_path / "in.xlsx", [[*GOOD, "MON-ID-42"]], [*HEADERS, "idTechnique"])
    build_flux(source, tmp_path / "a.xml", **IDS)
    assert parse(tmp_path / "a.xml").findtext(".//cpf:idTechnique", namespaces=NS) == "MON-ID-42"


def test_duplicate_rows_are_rejected(tmp_path):
    source = xlsx(tmp_path / "in.xlsx", [GOOD, GOOD])
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    assert result.written == 1
    assert result.rejected[0].line == 3
    assert result.rejected[0].anomalies[0].rule == "REG-ID-UNIQUE"
    assert "ligne 2" in result.rejected[0].anomalies[0].message


def test_passages_grouped_by_certification(tmp_path, flux_schema_112):
    rows = []
    for i, code in enumerate(["RNCP19117", "RS5262", "RNCP19117", "RS5262", "rncp 19117"]):
        row = list(GOOD)
        row[0], row[1] = code, f"Nom{i}"
        rows.append(row)
    source = xlsx(tmp_path / "in.xlsx", rows)
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    root = parse(tmp_path / "a.xml")
    assert flux_schema_112.validate(root)
    certifications = root.findall(".//cpf:certification", NS)
    assert [(c.findtext("cpf:code", namespaces=NS), c.findtext("cpf:type", namespaces=NS),
             len(c.findall(".//cpf:passageCertification", NS))) for c in certifications] == [
        ("RNCP19117", "RNCP", 3), ("RS5262", "RS", 2)]  # fmt: skip
    assert result.certifications == {"RNCP19117": 3, "RS5262": 2}


def test_split_above_max_passages(tmp_path, flux_schema_112):
    rows = []
    for i in range(5):
        row = list(GOOD)
        row[1] = f"Nom{i}"
        row[0] = "RNCP19117" if i % 2 else "RS5262"
        rows.append(row)
    source = xlsx(tmp_path / "in.xlsx", rows)
    result = build_flux(source, tmp_path / "flux.xml", max_passages=2, **IDS)
    assert [p.name for p in result.files] == ["flux-1.xml", "flux-2.xml", "flux-3.xml"]
    counts, ids = [], set()
    for path in result.files:
        root = parse(path)
        assert flux_schema_112.validate(root), flux_schema_112.error_log
        counts.append(len(root.findall(".//cpf:passageCertification", NS)))
        ids.add(root.findtext("cpf:idFlux", namespaces=NS))
    assert counts == [2, 2, 1]
    assert len(ids) == 3
    assert not (tmp_path / "flux.xml").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter, flux_schema_112):
    path = tmp_path / "in.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADERS)
        writer.writerow(["RNCP19117", "Lefèvre", "Élodie", "F", "05/03/1990", "01/09/2026",
                         "PAR_ADMISSION", "Oui", "1053", "VAE", "x"])  # fmt: skip
    result = build_flux(path, tmp_path / "a.xml", **IDS)
    assert result.exit_code == 0, (result.errors, result.rejected)
    root = parse(tmp_path / "a.xml")
    assert flux_schema_112.validate(root)
    assert root.findtext(".//cpf:nomNaissance", namespaces=NS) == "Lefèvre"
    assert root.findtext(".//cpf:prenom1", namespaces=NS) == "Élodie"
    assert root.findtext(".//cpf:codeInsee", namespaces=NS) == "01053"


def test_birth_date_in_three_columns_and_excel_serial(tmp_path, flux_schema_112):
    headers = ["code", "nomNaissance", "prenom1", "sexe", "anneeNaissance", "moisNaissance",
               "jourNaissance", "dateDebutValidite", "obtentionCertification", "donneeCertifiee"]  # fmt: skip
    source = xlsx(
        tmp_path / "in.xlsx",
        [["RS5262", "Martin", "Zoé", 2.0, 1990.0, 3.0, 5.0, 46266.0, "PAR_ADMISSION", 1.0]],
        headers,
    )
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    assert result.exit_code == 0, result.rejected
    root = parse(tmp_path / "a.xml")
    assert flux_schema_112.validate(root)
    assert (
        root.findtext(".//cpf:dateDebutValidite", namespaces=NS) == "2026-09-01"
    )  # Excel: 45658 is 2025-01-01
    assert root.findtext(".//cpf:sexe", namespaces=NS) == "F"
    assert root.findtext(".//cpf:type", namespaces=NS) == "RS"


def test_business_rules_reject(tmp_path):
    headers = [
        *HEADERS[:10],
        "Score",
        "Présence d'un niveau de langue européen",
        "Date de fin de validité",
        "Code du pays de naissance",
    ]
    rows = [
        [*GOOD[:6], "PAR_SCORING", "Oui", "31555", "VAE", None, "Non", None, None],  # no scoring
        [*GOOD[:6], "PAR_ADMISSION", "Oui", "31555", "VAE", None, "Oui", None, None],  # no level
        [
            *GOOD[:6],
            "PAR_ADMISSION",
            "Oui",
            "31555",
            "VAE",
            None,
            "Non",
            "01/01/2020",
            None,
        ],  # end < start
        [
            *GOOD[:6],
            "PAR_ADMISSION",
            "Oui",
            "99134",
            "VAE",
            None,
            "Non",
            None,
            None,
        ],  # abroad, no country
        [
            "RNCP19117",
            "Bébé",
            "Jules",
            "M",
            "01/01/2025",
            *GOOD[5:10],
            None,
            "Non",
            None,
            None,
        ],  # age 1
    ]
    source = xlsx(tmp_path / "in.xlsx", rows, headers)
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    assert result.exit_code == 2  # nothing written
    rules = [row.anomalies[0].rule for row in result.rejected]
    assert rules == [
        "REG-SCORING",
        "REG-LANGUE-NIVEAU",
        "REG-DATES-VALIDITE",
        "REG-PAYS-ETRANGER",
        "REG-NAISSANCE-AGE",
    ]


def test_missing_required_column_is_fatal_with_mapping_hint(tmp_path, capsys):
    source = xlsx(tmp_path / "in.xlsx", [GOOD[:6]], HEADERS[:6])
    code = main(["build", str(source), "-o", str(tmp_path / "a.xml"), *CLI_IDS])
    err = capsys.readouterr().err
    assert code == 2
    assert "obtentionCertification" in err and "[valeurs]" in err
    assert not (tmp_path / "a.xml").exists()


def test_mapping_file_columns_and_constant_values(tmp_path, flux_schema_112):
    mapping = tmp_path / "correspondance.toml"
    mapping.write_text(
        '[colonnes]\n"Patronyme JF" = "nomNaissance"\n"Date jury" = "4.10"\n"Interne" = ""\n'
        '[valeurs]\nobtentionCertification = "Par admission"\ndonneeCertifiee = "Oui"\n'
        'code = "RNCP19117"\n',
        encoding="utf-8",
    )
    source = xlsx(tmp_path / "in.xlsx", [["Dupont", "Jean", "M", "01/02/1990", "01/09/2026", "x"]],
                  ["Patronyme JF", "Prénom", "Sexe", "Date de naissance", "Date jury", "Interne"])  # fmt: skip
    result = build_flux(source, tmp_path / "a.xml", mapping=mapping, **IDS)
    assert result.exit_code == 0, (result.errors, result.rejected)
    assert result.ignored_columns == ["Interne"] and result.unknown_columns == []
    root = parse(tmp_path / "a.xml")
    assert flux_schema_112.validate(root)
    assert root.findtext(".//cpf:code", namespaces=NS) == "RNCP19117"


@pytest.mark.parametrize(
    ("content", "expected"),
    [("[colonnes]\n\"X\" = \"pasUnChamp\"\n", "pasUnChamp"), ("not toml [", "TOML invalide"),
     ("[valeurs]\nsexe = \"Z\"\n", "sexe"), ("[autre]\n", "section")],
)  # fmt: skip
def test_bad_mapping_files(tmp_path, content, expected, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text(content, encoding="utf-8")
    source = xlsx(
        tmp_path / "in.xlsx", [GOOD], [h if h != "Commentaire interne" else "X" for h in HEADERS]
    )
    code = main(
        ["build", str(source), "-o", str(tmp_path / "a.xml"), *CLI_IDS, "--mapping", str(mapping)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err and str(mapping) in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--emetteur", "TROP-LONG-ID"], "--emetteur"),
        (["--contrat", "x" * 21], "--contrat"),
    ],
)
def test_bad_ids(tmp_path, args, expected, capsys):
    source = xlsx(tmp_path / "in.xlsx", [GOOD])
    ids = dict(zip(CLI_IDS[::2], CLI_IDS[1::2], strict=True))
    ids.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [x for pair in ids.items() for x in pair]
    assert main(["build", str(source), "-o", str(tmp_path / "a.xml"), *argv]) == 2
    assert expected in capsys.readouterr().err


def test_unreadable_inputs(tmp_path, capsys):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    assert main(["build", str(tmp_path / "x.pdf"), "-o", str(tmp_path / "a.xml"), *CLI_IDS]) == 2
    assert "non pris en charge" in capsys.readouterr().err
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert (
        main(["build", str(tmp_path / "broken.xlsx"), "-o", str(tmp_path / "a.xml"), *CLI_IDS]) == 2
    )
    assert "illisible" in capsys.readouterr().err
    assert (
        main(["build", str(tmp_path / "absent.xlsx"), "-o", str(tmp_path / "a.xml"), *CLI_IDS]) == 2
    )
    assert "introuvable" in capsys.readouterr().err
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert (
        main(["build", str(tmp_path / "empty.csv"), "-o", str(tmp_path / "a.xml"), *CLI_IDS]) == 2
    )
    assert "aucune ligne de titres" in capsys.readouterr().err


def test_report_json_and_html(tmp_path):
    source = xlsx(tmp_path / "in.xlsx", [GOOD, BAD_DATE])
    main(
        [
            "build",
            str(source),
            "-o",
            str(tmp_path / "a.xml"),
            *CLI_IDS,
            "--report",
            str(tmp_path / "r.json"),
        ]
    )
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["written"] == 1 and report["rejected"] == 1 and report["exit_code"] == 1
    assert report["rejected_rows"][0]["line"] == 3
    assert report["unknown_columns"] == ["Commentaire interne"]
    main(
        [
            "build",
            str(source),
            "-o",
            str(tmp_path / "a.xml"),
            *CLI_IDS,
            "--report",
            str(tmp_path / "r.html"),
        ]
    )
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "31/02/1996" in page and "<table>" in page


def test_single_passage_api_for_the_portal(flux_schema_112):
    row = {"code": "RS5262", "nomNaissance": "O'Brien <Jr>", "prenom1": "Seán", "sexe": "M",
           "dateNaissance": "1980-04-02", "dateDebutValidite": "2026-09-01",
           "obtentionCertification": "PAR_ADMISSION", "donneeCertifiee": True}  # fmt: skip
    result = build_flux(
        rows=[row], **IDS, id_flux="mon-flux", horodatage="2026-09-02T10:00:00+02:00"
    )
    assert result.exit_code == 0
    root = parse(result.xml)
    assert flux_schema_112.validate(root)
    assert root.findtext("cpf:idFlux", namespaces=NS) == "mon-flux"
    assert root.findtext(".//cpf:nomNaissance", namespaces=NS) == "O'Brien <Jr>"


def test_schema_115_with_nir(tmp_path):
    from passeport.flux.xsd import load_schemas

    headers = [*HEADERS[:10], "NIR"]
    source = xlsx(tmp_path / "in.xlsx", [[*GOOD[:10], "1 96 11 31 555 123 45"]], headers)
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    assert result.version == "1.1.5" and result.exit_code == 0, result.rejected
    root = parse(tmp_path / "a.xml")
    schema = load_schemas("1.1.5").complete
    assert schema.validate(root), schema.error_log
    assert root.findtext("cpf:action", namespaces=NS) == "CREATION"
    assert root.findtext(".//cpf:identifiantNational/cpf:nir", namespaces=NS) == "1961131555123"
    assert root.find(".//cpf:titulaire", NS) is None


def test_auto_schema_stays_112_when_nir_column_is_empty(tmp_path):
    source = xlsx(tmp_path / "in.xlsx", [[*GOOD[:10], None]], [*HEADERS[:10], "NIR"])
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    assert result.exit_code == 0
    assert result.version == "1.1.2"
    assert parse(tmp_path / "a.xml").find("cpf:action", NS) is None


@pytest.mark.parametrize("branch", ["titulaire", "dossier", "nir"])
def test_special_characters_escaped_in_every_branch(branch, tmp_path):
    from passeport.flux.xsd import load_schemas

    row = {"code": "RS5262", "nomNaissance": "A&B <C>", "prenom1": "D&E", "sexe": "M",
           "dateNaissance": "1980-04-02", "dateDebutValidite": "2026-09-01",
           "obtentionCertification": "PAR_ADMISSION", "donneeCertifiee": "Oui",
           "verbatim": "x > {y} [0] 100 %s %%"}  # fmt: skip
    if branch == "dossier":
        row["idDossier"] = "123"
    if branch == "nir":
        row["nir"] = "1800475123456"
    result = build_flux(rows=[row], **IDS)
    assert result.exit_code == 0, result.rejected
    root = parse(result.xml)
    assert load_schemas(result.version).complete.validate(root)
    texts = {etree.QName(e).localname: e.text for e in root.iter() if e.text and "&" in e.text}
    assert set(texts.values()) >= {"A&B <C>"}
    assert root.findtext(".//cpf:verbatim", namespaces=NS) == "x > {y} [0] 100 %s %%"


def test_split_by_size(tmp_path, flux_schema_112):
    rows = []
    for i in range(6):
        row = list(GOOD)
        row[1] = f"Nom{i}"
        rows.append(row)
    source = xlsx(tmp_path / "in.xlsx", rows)
    one = build_flux(source, tmp_path / "one.xml", **IDS)
    passage_size = (tmp_path / "one.xml").stat().st_size // 6
    result = build_flux(source, tmp_path / "flux.xml", max_bytes=passage_size * 2 + 10, **IDS)
    assert one.files == [tmp_path / "one.xml"]
    assert len(result.files) == 3
    for path in result.files:
        root = parse(path)
        assert flux_schema_112.validate(root)
        assert len(root.findall(".//cpf:passageCertification", NS)) == 2


def test_rejects_file_keeps_text_codes_and_dates(tmp_path):
    bad = list(BAD_DATE)
    bad[8] = "01053"
    bad[5] = datetime.date(2026, 9, 1)
    source = xlsx(tmp_path / "in.xlsx", [bad])
    main(
        [
            "build",
            str(source),
            "-o",
            str(tmp_path / "out.xml"),
            *CLI_IDS,
            "--rejects",
            str(tmp_path / "r.xlsx"),
        ]
    )
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    insee, jury = sheet.cell(row=2, column=9), sheet.cell(row=2, column=6)
    assert (insee.value, insee.number_format) == ("01053", "@")
    assert jury.value == datetime.datetime(2026, 9, 1) and jury.number_format == "DD/MM/YYYY"
    assert sheet.cell(row=2, column=len(HEADERS) + 3).value == 2  # « Ligne d'origine »


def test_conflicting_nature_deposant_warns(tmp_path):
    headers = [*HEADERS, "Nature du déposant"]
    first, second = [*GOOD, "CERTIFICATEUR"], [*GOOD, "TIERS_CONFIANCE"]
    second[1] = "Autre"
    source = xlsx(tmp_path / "in.xlsx", [first, second], headers)
    result = build_flux(source, tmp_path / "a.xml", **IDS)
    assert result.exit_code == 0
    assert (
        parse(tmp_path / "a.xml").findtext(".//cpf:natureDeposant", namespaces=NS)
        == "CERTIFICATEUR"
    )
    warning = next(w for w in result.warnings if w.rule == "BUILD-NATURE-DEPOSANT")
    assert warning.line == 3 and "ligne 2" in warning.message
