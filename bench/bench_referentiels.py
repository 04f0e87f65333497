"""Loading the official referentials: the full ROME set, its re-import, a large RNCP XML export.

    .venv/bin/python bench/bench_referentiels.py [--fiches 10000] [--rome DIR]

On a throwaway PostgreSQL cluster (as in production), `manage.py import_referentiel` as an
operator types it:
- the full ROME 4.0 set (France Travail's CSV files, ../shared/referentiels/rome-4.0-v460 by
  default), against the reference of reading the same files with Python's `csv` module alone
  (what parsing costs, before any database work);
- the same release again (nothing changes: idempotent);
- a France Compétences XML export of N fiches, generated from the project's demo export (each
  fiche copied under a new number), against the reference of one streamed pass of lxml over the
  same file; peak RSS of the import process.
Targets: ROME ≤ 30 s, re-import ≤ 5 s, RNCP XML peak RSS ≤ 200 MB.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, ratio

from passeport.flux import safexml
from passeport.testing.pgcluster import Cluster

TARGETS = {"rome": 30.0, "reimport": 5.0, "rss_mb": 200.0}
DEMO_RNCP = (
    ROOT / "passeport/competences/data/demo/rncp/export-fiches-rncp-demonstration-2026-09-29.xml"
)
SHARED_ROME = ROOT.parent / "shared" / "referentiels" / "rome-4.0-v460"


def _generated_export(path: Path, fiches: int) -> None:
    """N fiches: the demo export's fiches repeated, each under a fresh RNCP number."""
    text = DEMO_RNCP.read_text(encoding="utf-8")
    head, _, rest = text.partition("<FICHE>")
    models = [
        "<FICHE>" + part.split("</FICHE>")[0] + "</FICHE>"
        for part in ("<FICHE>" + rest).split("<FICHE>")[1:]
    ]
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for number in range(fiches):
            fiche = models[number % len(models)]
            fiche = re.sub(
                r"<NUMERO_FICHE>[^<]+</NUMERO_FICHE>",
                f"<NUMERO_FICHE>RNCP{900000 + number}</NUMERO_FICHE>",
                fiche,
                count=1,
            )
            fiche = re.sub(
                r"<ID_FICHE>[^<]+</ID_FICHE>",
                f"<ID_FICHE>{900000 + number}</ID_FICHE>",
                fiche,
                count=1,
            )
            out.write(fiche + "\n")
        out.write("</FICHES>\n")


def _timed_command(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `manage.py …` process (its own rusage: wait4)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"manage.py {' '.join(args)} a échoué :\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def _read_csv_only(folder: Path) -> float:
    started = time.monotonic()
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            for _row in csv.reader(handle, delimiter=","):
                pass
    return time.monotonic() - started


def _iterparse_only(path: Path) -> float:
    started = time.monotonic()
    for _event, element in safexml.iter_events(str(path), events=("end",), tag="FICHE"):
        element.clear()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=10_000)
    parser.add_argument("--rome", type=Path, default=SHARED_ROME)
    args = parser.parse_args()
    if not args.rome.is_dir():
        raise SystemExit(f"jeu ROME introuvable : {args.rome} (--rome DOSSIER)")

    work = Path(tempfile.mkdtemp(prefix="passeport-bench-referentiels-"))
    cluster = Cluster.start()
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DEBUG="1", DATABASE_URL=cluster.url, PASSEPORT_VAR_DIR=str(work))
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        reading = _read_csv_only(args.rome)
        rome, _ = _timed_command(env, "import_referentiel", "rome", str(args.rome), "--quiet")
        again, _ = _timed_command(env, "import_referentiel", "rome", str(args.rome), "--quiet")
        export = work / "export-fiches-rncp-mesure.xml"
        _generated_export(export, args.fiches)
        parsing = _iterparse_only(export)
        rncp, rss = _timed_command(env, "import_referentiel", "rncp", str(export), "--quiet")
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)

    size = sum(p.stat().st_size for p in args.rome.glob("*.csv")) / 1e6
    print(f"bench_referentiels — PostgreSQL jetable ; ROME {args.rome.name} ({size:.0f} Mo de CSV)")
    print(f"référence : lecture csv seule du jeu ROME       {reading:7.2f} s")
    print(
        f"import_referentiel rome                        {rome:7.2f} s   ({ratio(rome, reading)} la lecture seule)"
    )
    print(f"import_referentiel rome, même version          {again:7.2f} s")
    print(
        f"référence : lxml seul sur l'export RNCP        {parsing:7.2f} s   ({args.fiches} fiches)"
    )
    print(
        f"import_referentiel rncp (XML)                  {rncp:7.2f} s   ({ratio(rncp, parsing)} lxml seul ; "
        f"{args.fiches / rncp:.0f} fiches/s ; pic RSS {rss:.0f} Mo)"
    )
    ok = {
        "rome": rome <= TARGETS["rome"],
        "reimport": again <= TARGETS["reimport"],
        "rss": rss <= TARGETS["rss_mb"],
    }
    print(
        f"objectifs : ROME ≤ {TARGETS['rome']:.0f} s {'atteint' if ok['rome'] else 'MANQUÉ'} ; "
        f"réimport ≤ {TARGETS['reimport']:.0f} s {'atteint' if ok['reimport'] else 'MANQUÉ'} ; "
        f"RSS ≤ {TARGETS['rss_mb']:.0f} Mo {'atteint' if ok['rss'] else 'MANQUÉ'}"
    )


if __name__ == "__main__":
    main()
