"""`import_referentiel`: releases loaded beside the current one, switched in one transaction,
idempotent, nothing half-loaded, clear French errors; on the demo and the official files."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passeport.competences import loading
from passeport.competences import models as m
from passeport.competences.loading import import_referential
from passeport.competences.reading.sources import ReferentialError

pytestmark = pytest.mark.django_db


def _rows(version) -> dict[str, int]:
    tables = loading.TABLES[version.kind]
    return {name: model.objects.filter(version=version).count() for name, model in tables.items()}


def test_the_demo_referentials_load_and_become_current(demo_dir):
    rome = import_referential("rome", demo_dir / "rome")
    rncp = import_referential("rncp", demo_dir / "rncp")
    assert rome.status == rncp.status == "loaded"
    assert rome.version.is_current and rncp.version.is_current
    assert rome.version.label == "v460" and "démonstration" in rome.version.title
    assert rncp.version.label == "2026-09-29"  # the date in the export's file name
    assert _rows(rome.version) == rome.counts and rome.counts["fiches"] == 66
    assert _rows(rncp.version) == rncp.counts
    assert rncp.counts["certifications"] == 7 and rncp.counts["successions"] == 2
    assert m.RomeFiche.objects.get(version=rome.version, code="M1812").libelle == (
        "Responsable de la Sécurité des Systèmes d'Information (RSSI)"
    )
    bloc = m.CertificationBloc.objects.get(version=rncp.version, code="RNCP40792BC01")
    assert len(bloc.competences) == 28


def test_importing_the_same_release_again_changes_nothing(demo_dir, tmp_path):
    first = import_referential("rome", demo_dir / "rome")
    ids = set(m.RomeFicheItem.objects.values_list("id", flat=True))
    renamed = tmp_path / "autre-nom"
    shutil.copytree(demo_dir / "rome", renamed)  # the same files, the folder renamed
    again = import_referential("rome", renamed)
    assert again.status == "unchanged" and again.version == first.version
    assert again.summary().endswith("est déjà chargée et en vigueur : rien n'a changé.")
    assert set(m.RomeFicheItem.objects.values_list("id", flat=True)) == ids
    assert m.ReferentialVersion.objects.count() == 1


def _next_release(demo_dir, tmp_path):
    """The demo set as a later release would be: suffix v461, a fiche renamed, one removed."""
    folder = tmp_path / "v461"
    folder.mkdir()
    for file in (demo_dir / "rome").iterdir():
        text = file.read_text(encoding="utf-8")
        text = text.replace(
            "Conseiller / Conseillère support technique informatique", "Conseiller support (v461)"
        )
        if file.name.startswith("unix_"):
            lines = [line for line in text.splitlines(keepends=True) if '"E1206"' not in line]
            text = "".join(lines)
        (folder / file.name.replace("_v460_", "_v461_")).write_text(text, encoding="utf-8")
    return folder


def test_a_new_release_is_loaded_beside_the_old_one_and_the_old_one_kept(demo_dir, tmp_path):
    old = import_referential("rome", demo_dir / "rome").version
    old_rows = _rows(old)
    new = import_referential("rome", _next_release(demo_dir, tmp_path)).version
    old.refresh_from_db()
    assert (old.is_current, new.is_current, new.label) == (False, True, "v461")
    assert _rows(old) == old_rows  # kept whole, for the codes that disappeared
    assert m.RomeFiche.objects.filter(version=new, code="E1206").count() == 0
    assert m.RomeFiche.objects.filter(version=old, code="E1206").count() == 1
    assert m.RomeFiche.objects.get(version=new, code="I1404").libelle == "Conseiller support (v461)"
    # Importing the older release again makes it current again, without writing its rows.
    restored = import_referential("rome", demo_dir / "rome")
    new.refresh_from_db()
    assert restored.status == "restored" and restored.version.is_current and not new.is_current
    assert m.ReferentialVersion.objects.filter(kind="rome").count() == 2


def test_an_error_in_the_middle_of_an_import_leaves_nothing(demo_dir, tmp_path):
    current = import_referential("rncp", demo_dir / "rncp").version
    before = (
        m.ReferentialVersion.objects.count(),
        m.Certification.objects.count(),
        m.CertificationBloc.objects.count(),
    )
    xml = (demo_dir / "rncp" / "export-fiches-rncp-demonstration-2026-09-29.xml").read_text(
        encoding="utf-8"
    )
    # Valid fiches first (written by the streaming import), a broken one at the end.
    bad = xml.replace(
        "</FICHES>", "<FICHE><NUMERO_FICHE>RS9</NUMERO_FICHE><ACTIF>Bof</ACTIF></FICHE></FICHES>"
    )
    (tmp_path / "export-fiches-rncp-2026-10-01.xml").write_text(bad, encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"ACTIF « Bof » inconnu pour la fiche RS9"):
        import_referential("rncp", tmp_path / "export-fiches-rncp-2026-10-01.xml")
    after = (
        m.ReferentialVersion.objects.count(),
        m.Certification.objects.count(),
        m.CertificationBloc.objects.count(),
    )
    assert after == before
    assert m.ReferentialVersion.objects.get(kind="rncp", is_current=True) == current


def test_a_crash_while_writing_leaves_nothing(demo_dir, monkeypatch):
    real = loading.write_rows
    calls = []

    def crashing(model, version_id, rows, progress=None):
        calls.append(model)
        if len(calls) == 3:
            raise RuntimeError("le processus est tué ici")
        return real(model, version_id, rows)

    monkeypatch.setattr(loading, "write_rows", crashing)
    with pytest.raises(RuntimeError):
        import_referential("rome", demo_dir / "rome")
    assert m.ReferentialVersion.objects.count() == 0
    assert m.RomeFiche.objects.count() == m.RomeAppellation.objects.count() == 0


def test_the_command_shows_progress_and_french_errors(demo_dir, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_referentiel", "rome", str(demo_dir / "rome"), stdout=out, stderr=err)
    assert "ROME v460 (publiée le 18/09/2025) chargée et en vigueur" in out.getvalue()
    assert "lignes/s" in out.getvalue()
    progress = err.getvalue()
    assert "Lecture " in progress and "Écriture" in progress and "100%" in progress
    assert "lignes/s" in progress
    with pytest.raises(CommandError) as error:
        call_command("import_referentiel", "rome", str(tmp_path / "absent"), stderr=io.StringIO())
    assert str(error.value) == (
        f"{tmp_path / 'absent'} : introuvable. Vérifiez le chemin du fichier ou du dossier.\n"
        "Rien n'a été chargé : la version en vigueur reste celle d'avant."
    )
    with pytest.raises(CommandError, match=r"aucun fichier export_fiches_CSV"):
        call_command("import_referentiel", "rncp", str(demo_dir / "rome"), stderr=io.StringIO())


@pytest.mark.slow
def test_the_real_rome_release_loads_and_reloads_as_unchanged(referentiels_oracle_dir):
    result = import_referential("rome", referentiels_oracle_dir / "rome-4.0-v460")
    assert result.counts == {
        "fiches": 1584,
        "appellations": 13120,
        "items": 33850,
        "fiche_items": 104219,
        "mobilities": 14912,
        "groups": 0,
    }
    assert _rows(result.version) == result.counts
    assert (
        import_referential("rome", referentiels_oracle_dir / "rome-4.0-v460").status == "unchanged"
    )


def test_the_real_rncp_and_esco_files_load_through_the_command(referentiels_oracle_dir):
    out = io.StringIO()
    for kind, path in (
        ("rncp", referentiels_oracle_dir / "rncp" / "export-fiches-csv-2024-02-22.zip"),
        ("rncp", referentiels_oracle_dir / "rncp" / "export-fiches-rncp-extract.xml"),
        ("esco", referentiels_oracle_dir / "esco-1.0-fr"),
        ("esco", referentiels_oracle_dir / "esco-1.2.0-en"),
    ):
        call_command(
            "import_referentiel", kind, str(path), "--quiet", stdout=out, stderr=io.StringIO()
        )
    versions = list(m.ReferentialVersion.objects.order_by("created_at"))
    assert [(v.kind, v.label.split()[0], v.is_current) for v in versions] == [
        ("rncp", "2024-02-22", False),
        ("rncp", "empreinte", True),  # the XML extract's name carries no date
        ("esco", "1.0", False),
        ("esco", "1.2.0", True),
    ]
    assert m.Certification.objects.filter(version=versions[0]).count() == 9
    assert m.CertificationBloc.objects.filter(version=versions[1]).count() == 10
    assert m.EscoOccupation.objects.filter(version=versions[2]).count() == 2942
    assert m.EscoSkill.objects.filter(version=versions[2]).count() == 13485
