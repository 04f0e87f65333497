"""Benchmark of `passeport flux build` on a realistic spreadsheet.

    .venv/bin/python bench/bench_flux_build.py [--rows 200000]

Generates (once, cached under var/bench/) an xlsx of N rows with the template's columns, typed as
a certifier's office would type them (date cells, codes that lost their leading zero, « Oui »,
French enumeration labels, accents, several certifications interleaved), then measures in the
same run:

* the reference: python-calamine alone reading every row of the file;
* the full build (read, recognise, normalise, derive idTechnique, write the XML), in a child
  process whose peak RSS is measured.

Targets: build ≤ 2 × calamine; peak RSS ≤ 300 MB.
"""

import argparse
import datetime
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "var" / "bench"
SURNAMES = [
    "Dupont",
    "Martin",
    "Lefèvre",
    "N'Diaye",
    "Le Goff",
    "Müller",
    "Bénard",
    "Çelik",
    "Nguyễn",
    "O'Brien",
    "Garcia",
    "Petit-Jean",
    "Rousseau",
    "Faure",
    "Mercier",
]
FIRST_NAMES = [
    "Antoine",
    "Élodie",
    "Zoé",
    "Jérôme",
    "Anaïs",
    "Loïc",
    "Maëlle",
    "Noé",
    "Chloé",
    "François",
    "Inès",
    "Gaëtan",
    "Léa",
    "Hélène",
    "Raphaël",
]
CERTIFICATIONS = ["RNCP19117", "RNCP35185", "RS5262", "RNCP34034", "RS6046"]  # fmt: skip
ACCES = [
    "FORMATION_INITIALE_HORS_APPRENTISSAGE",
    "Formation initiale en apprentissage",
    "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    "VAE",
    "CANDIDAT_LIBRE",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    import openpyxl

    from passeport.flux.columns import spreadsheet_columns

    skip = {"idTechnique", "nir", "type", "codePostal", "nomTitulaire", "prenom1Titulaire"}
    columns = [c for c in spreadsheet_columns("1.1.2") if c.key not in skip]
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Passages")
    sheet.append([c.label for c in columns])
    today = datetime.date(2026, 9, 1)
    for i in range(rows):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
        award = today - datetime.timedelta(days=rng.randrange(80))
        dossier = i % 10 == 0
        insee = rng.choice(["31555", "75056", 1053.0, "2A004", "69123", 6088.0])
        digital = i % 3 == 0
        values = {
            "code": CERTIFICATIONS[(i // 7) % len(CERTIFICATIONS)],
            "natureDeposant": "CERTIFICATEUR",
            "urlPreuve": f"https://diplomes.example.fr/verif/{i}",
            "libelleOption": "Option « commerce & international »" if i % 4 == 0 else None,
            "obtentionCertification": "PAR_ADMISSION" if i % 5 else "PAR_SCORING",
            "donneeCertifiee": "Oui",
            "dateDebutExamen": award - datetime.timedelta(days=20),
            "dateFinExamen": award - datetime.timedelta(days=18),
            "modalitePassageExamen": rng.choice(["EN_PRESENTIEL", "À distance", "MIXTE"]),
            "codePostalCentreExamen": rng.choice(["75009", 1000.0, "31000"]),
            "dateDebutValidite": award,
            "dateFinValidite": award + datetime.timedelta(days=5 * 365) if i % 2 else None,
            "presenceNiveauLangueEuro": "Oui" if i % 6 == 0 else "Non",
            "niveauLangueEuropeen": "B2" if i % 6 == 0 else None,
            "presenceNiveauNumeriqueEuro": "Oui" if digital else "Non",
            "scoreGeneral": float(rng.randrange(1, 1000)) if digital else None,
            "resultats": "5/3/4 ; 7/1/1" if digital else None,
            "scoring": f"{rng.randrange(10, 20)}.5" if i % 5 == 0 else None,
            "mentionValidee": rng.choice(["MENTION_BIEN", "Sans mention", None]),
            "modaliteAcces": rng.choice(ACCES),
            "voieAccessVAE": None,
            "initiativeInscription": rng.choice(["CERTIFIE", "EMPLOYEUR", None]),
            "dateInscription": award - datetime.timedelta(days=300),
            "idDossier": str(1234567890000 + i) if dossier else None,
            "nomNaissance": rng.choice(SURNAMES),
            "nomUsage": rng.choice([None, None, "Martin"]),
            "prenom1": rng.choice(FIRST_NAMES),
            "prenom2": rng.choice([None, "Marie", "José"]),
            "prenom3": None,
            "anneeNaissance": float(birth.year),
            "moisNaissance": float(birth.month),
            "jourNaissance": float(birth.day),
            "sexe": rng.choice(["M", "F", "Homme", "Femme"]),
            "codeInsee": insee,
            "libelleCommuneNaissance": "Toulouse",
            "codePaysNaissance": None,
            "libellePaysNaissance": "France",
            "commentairesMEN": None,
            "verbatim": "Session de juin" if i % 8 == 0 else None,
        }
        sheet.append([values.get(c.key) for c in columns])
    tmp = path.with_suffix(".tmp.xlsx")
    workbook.save(tmp)
    tmp.rename(path)


def with_shared_strings(source: Path, target: Path) -> None:
    """The same workbook as Excel writes it: text cells as indices into xl/sharedStrings.xml
    (openpyxl writes inline strings)."""
    import re
    import zipfile

    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(match):
        text = match.group(2)
        number = index.get(text)
        if number is None:
            number = index[text] = len(strings)
            strings.append(text)
        return f'<c r="{match.group(1)}" t="s"><v>{number}</v></c>'

    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        sheet = re.sub(r'<c r="([A-Z]+\d+)"[^>]*t="inlineStr"[^>]*><is><t[^>]*>(.*?)</t></is></c>',
                       shared, sheet)  # fmt: skip
        sst = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>"
        )  # fmt: skip
        tmp = target.with_suffix(".tmp.xlsx")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for item in archive.infolist():
                data = archive.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = sheet.encode()
                elif item.filename == "[Content_Types].xml":
                    data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                        b'ContentType="application/vnd.openxmlformats-officedocument.'
                                        b'spreadsheetml.sharedStrings+xml"/></Types>')  # fmt: skip
                elif item.filename == "xl/_rels/workbook.xml.rels":
                    data = data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.'
                                        b"openxmlformats.org/officeDocument/2006/relationships/"
                                        b'sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
                                        b"</Relationships>")  # fmt: skip
                out.writestr(item.filename, data)
            out.writestr("xl/sharedStrings.xml", sst)
    tmp.rename(target)


def calamine_read(path: Path) -> tuple[float, int]:
    import python_calamine

    start = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_index(0)
    count = 0
    for _row in sheet.iter_rows():
        count += 1
    return time.perf_counter() - start, count


def child_build(path: str, out: str) -> None:
    from passeport.flux.building import build_flux

    start = time.perf_counter()
    result = build_flux(path, out, emetteur="AB123CDE", certificateur="E564ACB0",
                        contrat="2560080000127J", schema="1.1.2")  # fmt: skip
    elapsed = time.perf_counter() - start
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the worker processes (large files): the largest one's peak; both run at the same time,
    # so main + WORKERS × that peak bounds the peak of the whole build from above.
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from passeport.flux.building_parallel import WORKERS

    total = main_peak + (WORKERS * worker_peak if worker_peak else 0)
    print(json.dumps({"seconds": elapsed, "written": result.written, "rejected": result.rejected_count,
                      "rss_mb": total, "main_mb": main_peak, "worker_mb": worker_peak,
                      "files": [str(p) for p in result.files]}))  # fmt: skip


def tree_memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in MB of a process and all its descendants (workers may be grandchildren,
    under a fork server): PSS counts the pages shared after a fork once, RSS in each process."""
    pss = rss = 0
    pending, seen = [pid], set()
    while pending:
        one = pending.pop()
        if one in seen:
            continue
        seen.add(one)
        try:
            for task in Path(f"/proc/{one}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss // 1024, rss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--shared-strings", action="store_true",
                        help="texte en chaînes partagées, comme l'écrit Excel")  # fmt: skip
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--calamine", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_build(*args.child)
        return 0
    if args.calamine:
        seconds, count = calamine_read(Path(args.calamine))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "rows": count, "rss_mb": peak}))
        return 0
    CACHE.mkdir(parents=True, exist_ok=True)
    source = CACHE / f"build-{args.rows}.xlsx"
    if not source.exists():
        print(f"génération de {source} …", flush=True)
        start = time.perf_counter()
        generate(source, args.rows)
        print(f"  générée en {time.perf_counter() - start:.1f} s", flush=True)
    if args.shared_strings:
        shared = CACHE / f"build-{args.rows}-sst.xlsx"
        if not shared.exists():
            print(f"conversion en chaînes partagées : {shared} …", flush=True)
            with_shared_strings(source, shared)
        source = shared
    size = source.stat().st_size / 1e6
    # Both measured in fresh child processes (Linux keeps a process's peak RSS across exec:
    # a child spawned by a parent that read the whole file with calamine would inherit it).
    calamine = json.loads(subprocess.run(
        [sys.executable, __file__, "--calamine", str(source)],
        capture_output=True, text=True, check=True,
    ).stdout)  # fmt: skip
    reference, count = calamine["seconds"], calamine["rows"]
    out = CACHE / f"{source.stem}.xml"
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(source), str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    peak_pss = peak_rss = 0
    while child.poll() is None:  # the whole process tree, sampled every 50 ms
        pss, rss = tree_memory(child.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.05)
    stdout, stderr = child.communicate()
    if child.returncode:
        print(stdout, stderr)
        return 1
    build = json.loads(stdout.strip().splitlines()[-1])
    ratio = build["seconds"] / reference
    print(f"fichier          : {source.name} ({count - 1} lignes, {size:.1f} Mo)")
    print(f"calamine seul    : {reference:.2f} s (pic mémoire {calamine['rss_mb']:.0f} Mo RSS)")
    print(f"flux build       : {build['seconds']:.2f} s ({build['written']} passages écrits, "
          f"{build['rejected']} rejetés, {len(build['files'])} fichier(s))")  # fmt: skip
    print(f"rapport          : {ratio:.2f} × calamine (objectif ≤ 2)")
    print(f"pic mémoire      : {peak_pss} Mo PSS (objectif ≤ 300), {peak_rss} Mo RSS cumulé, "
          f"processus et sous-processus échantillonnés toutes les 50 ms ; pics séparés : "
          f"principal {build['main_mb']:.0f} Mo, plus gros processus de travail "
          f"{build['worker_mb']:.0f} Mo (RSS)")  # fmt: skip
    return 0 if ratio <= 2 and peak_pss <= 300 else 1


if __name__ == "__main__":
    sys.exit(main())
