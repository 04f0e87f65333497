"""Streaming read of a stored flux: each passage with its certification and certificateur."""

import datetime
import re

import pytest

from passeport.deposits.reading import Header, iter_flux
from passeport.flux.samples import flux_from_passages, sample_passage
from passeport.flux.validation import validate_file

TODAY = datetime.date(2026, 1, 15)

_CERTIFICATEUR = re.compile(rb"<(\w+:)?certificateur>.*</(\w+:)?certificateur>", re.S)
_CERTIFICATION = re.compile(rb"<(\w+:)?certification>.*</(\w+:)?certification>", re.S)


def _two_certificateurs() -> bytes:
    """CERTIF01 (RNCP35185: passages 0-2, then RS5262: 3-4) and CERTIF02 (RNCP36004: 5)."""
    first = flux_from_passages(
        [sample_passage(i) for i in range(3)], certificateur="CERTIF01", code="RNCP35185"
    )
    second_certification = flux_from_passages(
        [sample_passage(i) for i in range(3, 5)], code="RS5262", type_="RS"
    )
    other = flux_from_passages(
        [sample_passage(5)], certificateur="CERTIF02", code="RNCP36004", contrat="1111111111111A"
    )
    extra = _CERTIFICATION.search(second_certification).group(0)
    first = _CERTIFICATION.sub(lambda m: m.group(0) + extra, first, count=1)
    return _CERTIFICATEUR.sub(
        lambda m: m.group(0) + _CERTIFICATEUR.search(other).group(0), first, count=1
    )


@pytest.fixture
def flux_path(tmp_path):
    path = tmp_path / "flux.xml"
    path.write_bytes(_two_certificateurs())
    return path


@pytest.fixture
def declared(flux_path):
    """The ids the reception's validation reads, as a deposit stores them."""
    return Header.from_json(validate_file(flux_path, today=TODAY).declared.certificateurs)


def test_each_passage_knows_its_certification_and_certificateur(flux_path, declared):
    passages = list(iter_flux(str(flux_path), declared=declared))
    assert [p.position for p in passages] == [1, 2, 3, 4, 5, 6]
    assert [(p.certificateur.id_client, p.certification.code) for p in passages] == [
        ("CERTIF01", "RNCP35185"),
        ("CERTIF01", "RNCP35185"),
        ("CERTIF01", "RNCP35185"),
        ("CERTIF01", "RS5262"),
        ("CERTIF01", "RS5262"),
        ("CERTIF02", "RNCP36004"),
    ]
    assert passages[3].certification.type == "RS"
    assert [p.id_technique for p in passages] == [
        sample_passage(i)["idTechnique"] for i in range(6)
    ]
    assert [(c.id_client, c.id_contrat) for c in declared.certificateurs] == [
        ("CERTIF01", "2560080000127J"),
        ("CERTIF02", "1111111111111A"),
    ]


def test_resuming_after_a_position_keeps_the_context(flux_path, declared):
    # A deposit resumed after a crash reads from its progress marker: passage 5 still belongs
    # to RS5262 of CERTIF01, though the passages before it are skipped.
    passages = list(iter_flux(str(flux_path), declared=declared, start_after=4))
    assert [(p.position, p.certificateur.id_client, p.certification.code) for p in passages] == [
        (5, "CERTIF01", "RS5262"),
        (6, "CERTIF02", "RNCP36004"),
    ]
    assert passages[0].value("idTechnique") == sample_passage(4)["idTechnique"]
