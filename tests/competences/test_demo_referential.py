"""The demo referential is the project's own: never a byte-identical copy of an official file."""

import hashlib

from passeport.competences.reading.rncp import read_xml
from passeport.competences.reading.sources import open_source


def _digests(folder):
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in folder.rglob("*") if p.is_file()}


def test_no_demo_file_is_a_copy_of_an_official_one(demo_dir, referentiels_oracle_dir):
    shared = _digests(referentiels_oracle_dir)
    copies = [str(path) for digest, path in _digests(demo_dir).items() if digest in shared]
    assert copies == []


def test_the_demo_certifications_cover_the_demo_passports(demo_dir):
    with open_source(demo_dir / "rncp") as source:
        data = read_xml(source)
    codes = {c.code: c for c in data.certifications}
    # The certifications of the demo passports (franceconnect/demo.py) and the BTS's successor.
    # (RNCP34383 and RNCP35340 are the ones the deposits demo deposits for them.)
    assert {
        "RNCP35185",
        "RNCP34117",
        "RNCP34383",
        "RS5484",
        "RS6102",
        "RNCP35340",
        "RNCP40792",
    } <= set(codes)
    assert not codes["RNCP35340"].actif and codes["RNCP40792"].actif
    assert ("RNCP35340", "RNCP40792") in data.successions
