"""The flux generator (benchmarks, tests of both flux engineers) and bounded memory."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

from lxml import etree

from passeport.flux import safexml, xsd
from passeport.flux.samples import flux_bytes, iter_flux_chunks, sample_passage, write_flux


def test_deterministic_for_a_seed(tmp_path):
    a = write_flux(tmp_path / "a.xml", 120, seed=4)
    b = write_flux(tmp_path / "b.xml", 120, seed=4)
    c = write_flux(tmp_path / "c.xml", 120, seed=5)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b, c)]
    assert digest[0] == digest[1] != digest[2]
    assert a.read_bytes() == flux_bytes(120, seed=4)


def test_realistic_variety():
    data = flux_bytes(400, seed=1, version="1.1.5").decode("utf-8")
    root = safexml.fromstring(data.encode())
    ns = {"c": "urn:cdc:cpf:pc5:schema:1.0.0"}
    assert len(root.findall(".//c:certification", ns)) == 5
    codes = {e.text for e in root.findall(".//c:code", ns)}
    assert any(c.startswith("RS") for c in codes) and any(c.startswith("RNCP") for c in codes)
    for name in ("titulaire", "dossierFormation", "identifiantNational", "codePostalNaissance",
                 "codeInseeNaissance", "niveauNumeriqueEuropeen", "niveauLangueEuropeen",
                 "voieAccessVAE", "prenom3", "commentairesMEN", "verbatim", "urlPreuve",
                 "libelleOption", "codePaysNaissance", "nomUsage"):  # fmt: skip
        assert root.findall(f".//c:{name}", ns), name
    assert "xsi:nil" in data and "é" in data and "2A" in data
    assert len(root.findall(".//c:passageCertification", ns)) == 400


def test_every_optional_element_appears(xsd_describe):
    data = flux_bytes(2000, seed=1, version="1.1.5")
    root = safexml.fromstring(data)
    present = {etree.QName(el).localname for el in root.iter() if isinstance(el.tag, str)}
    declared = {path[-1] for path in xsd_describe(xsd.schema_file("1.1.5"))}
    assert declared - present == set()


def test_chunks_are_one_per_passage():
    chunks = list(iter_flux_chunks(10, seed=1, certifications=2))
    assert sum("<cpf:passageCertification>" in c for c in chunks) == 10


def test_sample_passage_is_stable():
    assert sample_passage(5, seed=3) == sample_passage(5, seed=3)
    assert sample_passage(5, seed=3) != sample_passage(6, seed=3)


def test_memory_does_not_grow_with_the_file(tmp_path):
    small = write_flux(tmp_path / "small.xml", 1_000, seed=1)
    big = write_flux(tmp_path / "big.xml", 12_000, seed=1)
    script = textwrap.dedent(
        """
        import datetime, re, sys
        from passeport.flux.validation import validate_file
        report = validate_file(sys.argv[1], today=datetime.date(2026, 1, 15), parallel=False)
        assert report.valid and report.passages > 0, report.findings[:3]
        # VmHWM: this process's own peak (ru_maxrss would include the forking parent's)
        status = open("/proc/self/status").read()
        print(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
        """
    )
    peaks = []
    for path in (small, big):
        result = subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        peaks.append(int(result.stdout) / 1024)
    assert big.stat().st_size > 10 * small.stat().st_size
    assert peaks[1] - peaks[0] < 4, peaks  # Mo: 12× the file, the same memory
    assert peaks[1] < 64, peaks
