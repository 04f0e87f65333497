"""The JSON-LD door: shipped contexts only, nothing dropped silently, RDFC-1.0 literals."""

import pytest

from passeport.proofs import linkeddata

VC = linkeddata.VC_V2


def _credential(**extra):
    return {
        "@context": [VC],
        "id": "urn:uuid:7a3c1f8e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "https://passeport.example/preuves/emetteur",
        "validFrom": "2024-07-05T00:00:00Z",
        "credentialSubject": {"id": "urn:uuid:7a3c1f8e-0000-4000-8000-000000000002"},
        **extra,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ('a"b\\c', 'a\\"b\\\\c'),
        ("tab\there", "tab\\there"),
        ("line\nfeed\rreturn", "line\\nfeed\\rreturn"),
        ("back\bspace", "back\\bspace"),
        ("form\ffeed", "form\\ffeed"),
        ("unit\x1fsep", "unit\\u001Fsep"),
        ("null\x00", "null\\u0000"),
        ("delete\x7f", "delete\\u007F"),
        ("vertical\x0btab", "vertical\\u000Btab"),
        ("accentué é ü", "accentué é ü"),
    ],
)
def test_literals_escaped_as_rdfc_1_0_canonical_nquads(text, expected):
    assert linkeddata.rdfc_escape(text) == expected


def test_canonical_form_of_a_control_character_is_rdfc_1_0():
    nquads = linkeddata.canonize(_credential(name="BTS\bSIO"))
    assert '<https://schema.org/name> "BTS\\bSIO" .' in nquads
    assert "\b" not in nquads


def test_an_undefined_property_is_an_error_not_dropped():
    with pytest.raises(linkeddata.LinkedDataError, match="« couleurPreferee »"):
        linkeddata.canonize(_credential(couleurPreferee="bleu"))


def test_an_undefined_type_is_an_error():
    document = _credential()
    document["type"] = ["VerifiableCredential", "DiplomeInvente"]
    with pytest.raises(linkeddata.LinkedDataError, match="DiplomeInvente"):
        linkeddata.canonize(document)


def test_an_unknown_context_is_refused_without_fetching():
    document = _credential()
    document["@context"] = [VC, "https://contextes.example/piege.jsonld"]
    with pytest.raises(linkeddata.LinkedDataError, match=r"piege\.jsonld"):
        linkeddata.canonize(document)


def test_every_shipped_context_loads_and_is_the_published_document():
    import hashlib

    # Digests published by the W3C for its contexts (VC 2.0 §B.1, CID 1.0 §B); the Open Badges
    # contexts are checked by their defining terms.
    published = {
        linkeddata.VC_V2: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        linkeddata.CID_V1: "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85",
    }
    for url, name in linkeddata.CONTEXT_FILES.items():
        assert "@context" in linkeddata.context_document(url)
        if url in published:
            data = (linkeddata.CONTEXTS_DIR / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == published[url], url
    assert "OpenBadgeCredential" in linkeddata.context_document(linkeddata.OB_V3P0)["@context"]
    assert (
        "1EdTechJsonSchemaValidator2019"
        in linkeddata.context_document(linkeddata.OB_V3P0_EXTENSIONS)["@context"]
    )
