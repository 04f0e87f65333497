"""Realistic CDC flux files of N passages, deterministic for a seed (benchmarks, tests, demos).

As a script:  .venv/bin/python bench/flux_generator.py 200000 -o /tmp/flux.xml [--seed 1]
              [--version 1.1.2|1.1.5] [--certifications 5]
As a library: from flux_generator import write_flux, flux_bytes, sample_passage
              (the core lives in passeport.flux.samples, importable from anywhere)
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from passeport.flux.samples import (  # noqa: E402
    flux_bytes,
    flux_from_passages,
    iter_flux_chunks,
    sample_passage,
    write_flux,
)

__all__ = ["flux_bytes", "flux_from_passages", "iter_flux_chunks", "sample_passage", "write_flux"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Générer un flux CDC réaliste de N passages.")
    parser.add_argument("passages", type=int)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--version", choices=["1.1.2", "1.1.5"], default="1.1.2")
    parser.add_argument("--certifications", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = write_flux(
        args.output,
        args.passages,
        seed=args.seed,
        version=args.version,
        certifications=args.certifications,
    )
    size = path.stat().st_size / 1e6
    print(
        f"{path} : {args.passages} passages, {size:.1f} Mo, {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
