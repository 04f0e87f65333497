"""`make bench`: runs every benchmark of bench/ (bench_*.py) one after the other.

Each prints its figures and its ratio against a reference measured in the same run.
`BENCH=name` (make bench BENCH=home) runs only those whose name contains it; each script
also runs alone with its own options (`python bench/bench_home.py --help`).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    selected = os.environ.get("BENCH", "")
    scripts = sorted(p for p in HERE.glob("bench_*.py") if selected in p.stem)
    if not scripts:
        print(f"Aucun benchmark ne correspond à « {selected} ».", file=sys.stderr)
        return 2
    failures = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE)
        print(f"--- {script.stem} : {time.monotonic() - started:.0f} s, code {result.returncode}")
        if result.returncode:
            failures.append(script.stem)
    if failures:
        print(f"\nÉchecs : {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
