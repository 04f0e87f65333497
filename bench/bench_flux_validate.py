"""`passeport flux validate` against `xmllint --noout --stream --schema` on the same file and XSD.

    .venv/bin/python bench/bench_flux_validate.py                 # 20 000 then 200 000 passages
    .venv/bin/python bench/bench_flux_validate.py --passages 20000

For each size: generate a realistic flux (bench/flux_generator.py, cached in the temp dir), run
xmllint (the reference: libxml2's streaming validator, XSD only), then `passeport flux validate`
(XSD and every business rule, JSON report) as a separate process, in its default mode (a
second process when a core is idle), then forced to 2 and to 1 process. Prints wall time, CPU time,
the ratio to xmllint measured in the same run, and the peak RSS (VmHWM of each process, polled;
the largest, and the sum over the processes of one run). Targets: ratio ≤ 1.5, peak RSS
≤ 64 Mo and flat from 20 000 to 200 000 passages. Other work on the machine disturbs wall
times: each command runs twice at 20 000 (best kept), once at 200 000.

Then the « historique » scenario: the file of a certifier sending its history
(samples.py, historical=True: XSD-valid, ≈ 0,2 % business-rule errors, ≈ 1,15 warning per
passage), validated with `--format json` and `--format html` in the default mode, against
xmllint on that same file: same targets, every finding written.
"""

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flux_generator import write_flux  # noqa: E402

from passeport.flux import samples  # noqa: E402
from passeport.flux.xsd import schema_file  # noqa: E402

TODAY = "2026-01-15"  # the generator's reference date: realistic data raises no warning
TARGET_RATIO = 1.5
TARGET_RSS_MB = 64


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _family(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo.extend(int(c) for c in children.read().split())
        except OSError:
            pass
    return pids


def measure(command: list[str]) -> tuple[float, float, float, float, int]:
    """(wall s, CPU s, peak RSS Mo of the largest process, sum of peaks Mo, exit code).

    Peak RSS is each process's VmHWM, polled every 20 ms for the process and its children
    (ru_maxrss would include the RSS of this script, inherited at fork).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    while process.poll() is None:
        for pid in _family(process.pid):
            peaks[pid] = max(peaks.get(pid, 0), _hwm_kb(pid))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - measure.cpu_so_far
    measure.cpu_so_far += cpu
    if process.returncode not in (0, 1):
        sys.stderr.write(process.stderr.read().decode(errors="replace"))
    process.stderr.close()
    values = [v / 1024 for v in peaks.values() if v] or [0.0]
    return wall, cpu, max(values), sum(values), process.returncode


measure.cpu_so_far = 0.0


def best(command: list[str], runs: int) -> tuple[float, float, float, float, int]:
    results = [measure(command) for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def flux_file(passages: int, historical: bool = False) -> Path:
    """The generated flux, cached in the temp dir (keyed by the generator's source)."""
    version = hashlib.sha256(Path(samples.__file__).read_bytes()).hexdigest()[:8]
    kind = "-historique" if historical else ""
    path = Path(tempfile.gettempdir()) / f"passeport-bench-flux{kind}-{passages}-s1-{version}.xml"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".tmp")
        write_flux(partial, passages, seed=1, historical=historical)
        partial.rename(path)
        print(f"  flux généré en {time.perf_counter() - started:.1f} s")
    return path


def historical(n: int, xsd: str, ours: list[str], runs: int) -> bool:
    """The « historique » file: JSON and HTML reports of every finding, against xmllint."""
    path = flux_file(n, historical=True)
    print(f"\n{n} passages, historique ({path.stat().st_size / 1e6:.0f} Mo, {path})")
    ref = best(["xmllint", "--noout", "--stream", "--schema", xsd, str(path)], runs)
    print(
        f"  {'xmllint --stream (référence)':<30} {ref[0]:7.2f} s   CPU {ref[1]:7.2f} s   "
        f"RSS max {ref[2]:6.1f} Mo   code {ref[4]}"
    )
    ok = ref[4] == 0
    for fmt in ("json", "html"):
        command = [*ours, str(path)]
        command[command.index("--format") + 1] = fmt
        wall, cpu, peak, total, code = best(command, runs)
        ratio, cpu_ratio = wall / ref[0], cpu / ref[1]
        verdict = "atteint" if ratio <= TARGET_RATIO and peak <= TARGET_RSS_MB else "MANQUÉ"
        print(
            f"  {'passeport --format ' + fmt:<30} {wall:7.2f} s   CPU {cpu:7.2f} s   "
            f"RSS max {peak:6.1f} Mo (cumulés {total:6.1f} Mo)   code {code}   "
            f"ratio {ratio:.2f}× (CPU {cpu_ratio:.2f}×) : {verdict}"
        )
        ok = ok and code == 1  # the file has business-rule errors
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, action="append", help="taille(s) à mesurer")
    args = parser.parse_args(argv)
    sizes = args.passages or [20_000, 200_000]
    if not shutil.which("xmllint"):
        print("xmllint est introuvable : apt-get install -y libxml2-utils", file=sys.stderr)
        return 2
    xsd = str(schema_file("1.1.2"))
    ours = [sys.executable, "-m", "passeport.flux.cli", "validate", "--schema", "1.1.2",
            "--date-reference", TODAY, "--format", "json", "-o", os.devnull]  # fmt: skip
    print(f"Machine : {os.cpu_count()} cœurs ; charge moyenne {os.getloadavg()[0]:.2f}")
    rss = {}
    ok = True
    for n in sizes:
        path = flux_file(n)
        runs = 2 if n <= 50_000 else 1
        print(f"\n{n} passages ({path.stat().st_size / 1e6:.0f} Mo, {path})")
        ref = best(["xmllint", "--noout", "--stream", "--schema", xsd, str(path)], runs)
        par = best([*ours, str(path)], runs)
        two = best([*ours, "--processus", "2", str(path)], runs)
        seq = best([*ours, "--processus", "1", str(path)], runs)
        for label, (wall, cpu, peak, total, code) in (
            ("xmllint --stream (référence)", ref),
            ("passeport flux validate", par),
            ("  … --processus 2", two),
            ("  … --processus 1", seq),
        ):
            print(
                f"  {label:<30} {wall:7.2f} s   CPU {cpu:7.2f} s   RSS max {peak:6.1f} Mo "
                f"(processus cumulés {total:6.1f} Mo)   code {code}   ratio {wall / ref[0]:.2f}×"
            )
        ratio = par[0] / ref[0]
        rss[n] = par[2]
        print(
            f"  CPU consommé / xmllint : {par[1] / ref[1]:.2f}× (mode par défaut), "
            f"{two[1] / ref[1]:.2f}× (2 processus), {seq[1] / ref[1]:.2f}× (1 processus) ; "
            "charge de la machine "
            f"{os.getloadavg()[0]:.2f} sur {os.cpu_count()} cœurs"
        )
        verdict = "atteint" if ratio <= TARGET_RATIO and par[2] <= TARGET_RSS_MB else "MANQUÉ"
        print(
            f"  → ratio {ratio:.2f}× (objectif ≤ {TARGET_RATIO}×), RSS {par[2]:.1f} Mo "
            f"(objectif ≤ {TARGET_RSS_MB} Mo) : {verdict}"
        )
        if par[4] != 0 or ref[4] != 0:
            print("  ! un des validateurs a signalé une erreur sur ce flux", file=sys.stderr)
            ok = False
        ok = historical(n, xsd, ours, runs) and ok
    if len(rss) > 1:
        low, high = rss[min(rss)], rss[max(rss)]
        print(
            f"\nRSS de {min(rss)} à {max(rss)} passages : {low:.1f} → {high:.1f} Mo "
            f"({high - low:+.1f} Mo)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
