"""Our schema files: same facts as the official XSD (1.1.2, oracle), the documented additions (1.1.5)."""

import pytest

from passeport.flux import safexml, xsd
from passeport.flux.dictionary import FIELDS, NAMESPACE
from passeport.flux.samples import flux_bytes

PASSAGE_PATH = (
    "flux",
    "emetteur",
    "certificateurs",
    "certificateur",
    "certifications",
    "certification",
    "passageCertifications",
    "passageCertification",
)


@pytest.fixture(scope="module")
def official(cdc_oracle_xsd, xsd_describe):
    return xsd_describe(cdc_oracle_xsd)


@pytest.fixture(scope="module")
def ours_112(flux_xsd_112, xsd_describe):
    return xsd_describe(flux_xsd_112)


def test_our_112_has_exactly_the_official_facts(official, ours_112):
    """Oracle: what lets the other tests check against our file rather than the official one."""
    ours = ours_112
    assert list(ours) == list(official)
    for path, facts in official.items():
        mine = ours[path]
        for key in ("required", "nillable", "repeated", "choice", "group", "enum"):
            assert mine[key] == facts[key], (path, key)
        for key in ("min_length", "max_length", "min", "max", "pattern", "base"):
            assert mine.get(key) == facts.get(key), (path, key)


def test_our_112_is_not_a_copy_of_the_official_file(cdc_oracle_xsd):
    ours = xsd.schema_file("1.1.2").read_text(encoding="utf-8")
    theirs = cdc_oracle_xsd.read_text(encoding="utf-8")
    assert ours != theirs
    # written in our own layout: named reusable types, our comments
    assert 'name="TexteMax255"' in ours and "Passeport" in ours
    assert 'name="TexteMax255"' not in theirs


def test_115_adds_action_and_identifiant_national_and_relaxes_passage(ours_112, xsd_describe):
    ours = xsd_describe(xsd.schema_file("1.1.5"))
    added = set(ours) - set(ours_112)
    titular = (*PASSAGE_PATH, "identificationTitulaire")
    assert added == {
        ("flux", "action"),
        (*titular, "identifiantNational"),
        (*titular, "identifiantNational", "nir"),
        (*titular, "identifiantNational", "nomNaissance"),
    }
    assert not set(ours_112) - set(ours)
    assert ours[("flux", "action")]["enum"] == ["CREATION", "SUPPRESSION"]
    assert ours[("flux", "action")]["required"]
    nir = ours[(*titular, "identifiantNational", "nir")]
    assert nir["min_length"] == nir["max_length"] == 13
    assert ours[(*titular, "identifiantNational")]["choice"] == "identificationTitulaire"
    # SUPPRESSION passages: every child of passageCertification but idTechnique is optional
    children = [p for p in ours if len(p) == len(PASSAGE_PATH) + 1 and p[:-1] == PASSAGE_PATH]
    required = {p[-1] for p in children if ours[p]["required"]}
    assert required == {"idTechnique"}
    # deeper levels keep the 1.1.2 cardinalities
    for path, facts in ours_112.items():
        if len(path) > len(PASSAGE_PATH) + 1 and path[: len(PASSAGE_PATH)] == PASSAGE_PATH:
            assert ours[path]["required"] == facts["required"], path


def test_dictionary_matches_our_115_schema(xsd_describe):
    ours = xsd_describe(xsd.schema_file("1.1.5"))
    dictionary = {f.xpath: f for f in FIELDS}
    assert set(dictionary) == set(ours)
    for path, facts in ours.items():
        f = dictionary[path]
        assert f.nillable == facts["nillable"], path
        assert f.choice == facts["choice"], path
        if f.kind == "enum":
            assert [c for c, _ in f.choices] == facts["enum"], path


def _parse(data: bytes):
    return safexml.fromstring(data)


@pytest.mark.parametrize("version", ["1.1.2", "1.1.5"])
def test_generated_samples_are_valid(version):
    schemas = xsd.load_schemas(version)
    doc = _parse(flux_bytes(40, seed=3, version=version))
    assert schemas.complete.validate(doc), schemas.complete.error_log


def test_official_example_valid_against_our_112(cdc_oracle_example_bytes):
    assert xsd.load_schemas("1.1.2").complete.validate(_parse(cdc_oracle_example_bytes))


def test_example_valid_against_our_112(example_flux_bytes):
    assert xsd.load_schemas("1.1.2").complete.validate(_parse(example_flux_bytes))


def test_a_112_flux_needs_action_in_115(example_flux_bytes):
    schema = xsd.load_schemas("1.1.5").complete
    assert not schema.validate(_parse(example_flux_bytes))
    with_action = example_flux_bytes.replace(
        b"</cpf:horodatage>", b"</cpf:horodatage><cpf:action>CREATION</cpf:action>", 1
    )
    assert schema.validate(_parse(with_action)), schema.error_log


def test_115_suppression_passage_is_id_only():
    data = (
        f'<cpf:flux xmlns:cpf="{NAMESPACE}"><cpf:idFlux>s1</cpf:idFlux>'
        "<cpf:horodatage>2026-01-15T10:00:00+01:00</cpf:horodatage>"
        "<cpf:action>SUPPRESSION</cpf:action>"
        "<cpf:emetteur><cpf:idClient>AB123CDE</cpf:idClient><cpf:certificateurs>"
        "<cpf:certificateur><cpf:idClient>AB123CDE</cpf:idClient><cpf:idContrat>C1</cpf:idContrat>"
        "<cpf:certifications><cpf:certification><cpf:type>RS</cpf:type><cpf:code>RS5262</cpf:code>"
        "<cpf:passageCertifications><cpf:passageCertification><cpf:idTechnique>A-1"
        "</cpf:idTechnique></cpf:passageCertification></cpf:passageCertifications>"
        "</cpf:certification></cpf:certifications></cpf:certificateur></cpf:certificateurs>"
        "</cpf:emetteur></cpf:flux>"
    ).encode()
    assert xsd.load_schemas("1.1.5").complete.validate(_parse(data))
    assert not xsd.load_schemas("1.1.2").complete.validate(_parse(data))


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"<x/>", "n'est pas un schéma XSD"),
        (b"not xml", "n'est pas un fichier XML lisible"),
        (
            b'<!DOCTYPE xs:schema [<!ENTITY e "x">]><xs:schema '
            b'xmlns:xs="http://www.w3.org/2001/XMLSchema"/>',
            "DOCTYPE",
        ),
        (
            b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            b'targetNamespace="urn:cdc:cpf:pc5:schema:1.0.0"><xs:include '
            b'schemaLocation="http://example.org/x.xsd"/></xs:schema>',
            "xs:include",
        ),
        (
            b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x"/>',
            "espace de noms",
        ),
    ],
)
def test_user_schema_is_checked_and_hardened(tmp_path, data, needle):
    path = tmp_path / "schema.xsd"
    path.write_bytes(data)
    with pytest.raises(xsd.SchemaError, match=needle):
        xsd.load_schemas(str(path))


def test_user_schema_missing_or_unknown_version(tmp_path):
    with pytest.raises(xsd.SchemaError, match="introuvable"):
        xsd.load_schemas(str(tmp_path / "absent.xsd"))
    with pytest.raises(xsd.SchemaError, match="inconnue"):
        xsd.schema_file("9.9")


def test_schema_file_as_user_schema(tmp_path, flux_xsd_112, example_flux_bytes):
    path = tmp_path / "mon-schema.xsd"
    path.write_bytes(flux_xsd_112.read_bytes())
    schemas = xsd.load_schemas(str(path))
    assert schemas.version == "1.1.2"
    assert schemas.label == f"{path} (version 1.1.2)"
    assert xsd.load_schemas("1.1.5").label == "1.1.5"
    assert schemas.complete.validate(_parse(example_flux_bytes))


def test_official_xsd_as_user_schema(cdc_oracle_xsd, cdc_oracle_example_bytes):
    """Oracle: the kit's file, given with --schema, passes the checks on user schemas."""
    schemas = xsd.load_schemas(str(cdc_oracle_xsd))
    assert schemas.version == "1.1.2"
    assert schemas.label == f"{cdc_oracle_xsd} (version 1.1.2)"
    assert schemas.complete.validate(_parse(cdc_oracle_example_bytes))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (flux_bytes(3, version="1.1.5"), "1.1.5"),
        (flux_bytes(3, version="1.1.2"), "1.1.2"),
        (b"<garbage", "1.1.2"),
    ],
)
def test_detect_version(data, expected):
    assert xsd.detect_version(data) == expected


def test_detect_version_by_identifiant_national_without_action():
    data = flux_bytes(30, seed=5, version="1.1.5").replace(
        b"<cpf:action>CREATION</cpf:action>", b""
    )
    assert b"identifiantNational" in data
    assert xsd.detect_version(data) == "1.1.5"
