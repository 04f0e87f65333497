"""« Mon avenir » in-process: ranking all ROME fiches for a holder with 50 entries.

    .venv/bin/python bench/bench_avenir_ranking.py [--rome PATH] [--entries 50] [--runs 50]

Reads a ROME release (default: the full official set of ../shared/referentiels when it is
beside the repository, else the project's demo extract) and the demo RNCP/RS fiches into the
plain `Referential` that pages use (no database: this measures the ranking, not the queries),
gives a holder N guaranteed entries — certifications of the demo RNCP/RS fiches and experiences
with ROME codes drawn over the whole referential, a fixed seed — deduces their competences, then
times, over many runs (median and worst):
- the reference: one pass over every fiche reading its core items (the floor of any ranking);
- `ranking.rank` of every fiche (what « Mon avenir » computes per holder; target ≤ 50 ms);
- `deduction.deduce` of the 50 entries, and the whole `ranking.avenir` (ranking, mobilities,
  certifications of the top 10), for scale.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from passeport.competences import ranking  # noqa: E402
from passeport.competences.deduction import EntryFacts, deduce  # noqa: E402
from passeport.competences.reading.rncp import read_xml  # noqa: E402
from passeport.competences.reading.rome import read_rome  # noqa: E402
from passeport.competences.reading.sources import open_source  # noqa: E402
from passeport.competences.referential import from_sets  # noqa: E402

TARGET_MS = 50.0
OFFICIAL = ROOT.parent / "shared" / "referentiels" / "rome-4.0-v460"
DEMO = ROOT / "passeport" / "competences" / "data" / "demo"


def _timed(function, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rome", type=Path, default=OFFICIAL if OFFICIAL.is_dir() else DEMO / "rome"
    )
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    with open_source(args.rome) as rome, open_source(DEMO / "rncp") as rncp:
        referential = from_sets(read_rome(rome), read_xml(rncp))
    loaded = time.perf_counter() - started
    rng = random.Random(12)
    codes = sorted(referential.fiches)
    certifications = sorted(referential.certifications)
    entries = []
    for number in range(args.entries):
        if number % 5 == 0:
            entries.append(
                EntryFacts(
                    f"c{number}",
                    "certification",
                    "garantie",
                    "Certification",
                    certification_code=certifications[number // 5 % len(certifications)],
                )
            )
        else:
            entries.append(
                EntryFacts(
                    f"e{number}", "experience", "garantie", "Emploi", code_rome=rng.choice(codes)
                )
            )
    deduce(entries, referential)  # warm the per-referential caches, as a running service has
    profile = deduce(entries, referential)
    have, own = profile.codes(), profile.own_fiches
    cores = ranking._cores(referential)

    def floor():
        return sum(len(core) for core in cores.core.values())

    reference = _timed(floor, args.runs)
    rank = _timed(lambda: ranking.rank(referential, have, exclude=set(own)), args.runs)
    deduction = _timed(lambda: deduce(entries, referential), max(5, args.runs // 5))
    whole = _timed(lambda: ranking.avenir(referential, have, own, limit=10), max(5, args.runs // 5))

    print(
        f"bench_avenir_ranking — {len(referential.fiches)} fiches ROME ({args.rome.name}, lues en "
        f"{loaded:.1f} s), titulaire de {len(entries)} entrées → {len(profile.competences)} "
        f"compétences, {len(own)} fiches à lui ; {args.runs} mesures (médiane, pire)"
    )
    print(
        f"référence : parcours des cœurs de métier   {reference[0]:8.2f} ms   {reference[1]:8.2f} ms"
    )
    print(f"classement de toutes les fiches (rank)    {rank[0]:8.2f} ms   {rank[1]:8.2f} ms")
    print(
        f"déduction des {len(entries)} entrées (deduce)      {deduction[0]:8.2f} ms   {deduction[1]:8.2f} ms"
    )
    print(f"« Mon avenir » entier (avenir, 10 métiers) {whole[0]:8.2f} ms   {whole[1]:8.2f} ms")
    print(
        f"classement / référence : {rank[0] / reference[0]:.1f}×   objectif classement ≤ "
        f"{TARGET_MS:.0f} ms : {'atteint' if rank[0] <= TARGET_MS else 'NON atteint'}"
    )
    if rank[0] > TARGET_MS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
