"""`import_identities`: streaming, batched, idempotent, French errors with line numbers."""

import pytest
from django.core.management import CommandError, call_command

from passeport.core.models import AuditEvent
from passeport.identity.models import IdentityImport, Person
from passeport.identity.register import Criteria, reconcile
from passeport.testing import factories

pytestmark = pytest.mark.django_db

HEADER = "nir,nom_naissance,prenoms,sexe,date_naissance,code_insee_naissance,code_pays_naissance\n"


def write(tmp_path, lines, name="registre.csv", header=HEADER):
    path = tmp_path / name
    path.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_import_then_reimport_updates_by_nir(tmp_path, capsys):
    nir1, nir2 = factories.nir("M", 1996, 11), factories.nir("F", 1980, 2)
    path = write(
        tmp_path,
        [
            f"{nir1},Dupont,Antoine Julien,M,1996-11-15,31555,99100",
            f"{nir2},Martin,Claire,F,1980-02-29,,99134",
        ],
    )
    call_command("import_identities", str(path), batch_size=1)
    out = capsys.readouterr()
    assert "2 lignes lues : 2 personnes créées, 0 mises à jour, 0 lignes en erreur" in out.out
    assert nir1 not in out.out + out.err
    assert Person.objects.count() == 2
    martin = Person.objects.get(
        given_names_hash__isnull=False, country_hash__gt="", commune_hash=""
    )
    assert martin.birth_name == "Martin" and martin.birth_country == "99134"

    # Same file again: nothing new. A corrected name is an update of the same entry.
    path = write(
        tmp_path,
        [
            f"{nir1},Dupont-Roy,Antoine Julien,M,1996-11-15,31555,99100",
            f"{nir2},Martin,Claire,F,1980-02-29,,99134",
        ],
    )
    call_command("import_identities", str(path))
    assert "0 personnes créées, 2 mises à jour" in capsys.readouterr().out
    assert Person.objects.count() == 2
    found = reconcile(Criteria("Dupont Roy", "Antoine", "M", 1996, 11, 15))
    assert found.found
    assert IdentityImport.objects.count() == 2
    event = AuditEvent.objects.get(action="identity.import", details__created=0)
    assert event.details["updated"] == 2


def test_bad_lines_are_reported_with_line_and_column_and_skipped(tmp_path, capsys):
    good = factories.nir("M", 1996, 11)
    bad_key = good[:13] + ("00" if good[13:] != "00" else "01")
    path = write(
        tmp_path,
        [
            f"{good},Dupont,Antoine,M,1996-11-15,31555,99100",
            f"{bad_key},Durand,Paul,M,1996-11-15,31555,99100",
            f"{factories.nir()},,Paul,M,1996-11-15,31555,99100",
            f"{factories.nir()},Durand,,M,1996-11-15,31555,99100",
            f"{factories.nir()},Durand,Paul,Z,1996-11-15,31555,99100",
            f"{factories.nir()},Durand,Paul,M,15/11/1996,31555,99100",
            f"{factories.nir('F')},Durand,Paula,M,1996-11-15,31555,99100",
            "123,Durand,Paul,M,1996-11-15,31555,99100",
            f"{factories.nir()},Durand,Paul,M,1996-11-15,315,99100",
        ],
    )
    with pytest.raises(CommandError, match="8 ligne"):
        call_command("import_identities", str(path))
    captured = capsys.readouterr()
    err = captured.err
    assert "registre.csv, ligne 3 : colonne nir : la clé du NIR" in err
    assert "ligne 4 : colonne nom_naissance : le nom de naissance est vide" in err
    assert "ligne 5 : colonne prenoms" in err
    assert "ligne 6 : colonne sexe : « Z » n'est pas reconnu" in err
    assert "ligne 7 : colonne date_naissance : « 15/11/1996 » n'est pas une date aaaa-mm-jj" in err
    assert "ligne 8 : colonne sexe : ne correspond pas au premier chiffre du NIR" in err
    assert "ligne 9 : colonne nir : le NIR doit compter 13 ou 15 caractères (ici 3)" in err
    assert "ligne 10 : colonne code_insee_naissance" in err
    assert bad_key not in err and good not in captured.out + err
    assert Person.objects.count() == 1


def test_thirteen_character_nir_and_semicolons_and_bom(tmp_path):
    nir = factories.nir("F", 1970, 1)
    path = tmp_path / "r.csv"
    path.write_bytes(
        (
            "\ufeff" + HEADER.replace(",", ";") + f"{nir[:13]};Lefèvre;Anne;2;1970-01-05;2A004;\n"
        ).encode("utf-8")
    )
    call_command("import_identities", str(path))
    assert reconcile(Criteria("LEFEVRE", nir=nir[:13])).found


def test_missing_columns_empty_and_unreadable_files(tmp_path):
    with pytest.raises(CommandError, match="colonne\\(s\\) manquante\\(s\\) : sexe"):
        call_command(
            "import_identities",
            str(write(tmp_path, [], header="nir,nom_naissance,prenoms,date_naissance\n")),
        )
    empty = tmp_path / "vide.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="le fichier est vide"):
        call_command("import_identities", str(empty))
    with pytest.raises(CommandError, match="lecture impossible"):
        call_command("import_identities", str(tmp_path / "absent.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (HEADER + f"{factories.nir()},Lefèvre,Anne,M,1970-01-05,,\n").encode("cp1252")
    )
    with pytest.raises(CommandError, match="n'est pas en UTF-8"):
        call_command("import_identities", str(latin))


def test_duplicate_nir_in_one_batch_last_line_wins(tmp_path):
    nir = factories.nir()
    path = write(
        tmp_path,
        [
            f"{nir},Dupont,Antoine,M,1990-05-01,,",
            f"{nir},Dupond,Antoine,M,1990-05-01,,",
        ],
    )
    call_command("import_identities", str(path))
    assert Person.objects.get().birth_name == "Dupond"
