"""End-to-end deposit pipeline: API upload → accusé de traitement, with a large identity register.

Measures, in one run (every figure next to its reference):
1. `import_identities` of the register (default 1 000 000 persons): rows per second;
2. one deposit of N passages (default 200 000) through the REST API (gunicorn + one
   `db_worker`), from the first byte sent to the accusé de traitement ready, against
   `xmllint --noout --stream --schema` on the same file (target ≤ 6×), and the worker's peak RSS
   (VmHWM, target ≤ 256 MB) — on PostgreSQL (a throwaway cluster), then on SQLite;
3. two such deposits at once with two workers, against one alone (target ≤ 1.3×).

    .venv/bin/python bench/bench_deposit_pipeline.py                 # full size (long)
    .venv/bin/python bench/bench_deposit_pipeline.py --quick         # 5 000 passages, 20 000 persons
    .venv/bin/python bench/bench_deposit_pipeline.py --passages 50000 --persons 200000 --no-sqlite

Holders of the generated flux (passeport.flux.samples, also bench/flux_generator.py) are put in
the register, plus other persons up to --persons; dossierFormation passages and true homonyms
come back KO, as they would at the CDC.
"""

import argparse
import csv
import datetime
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stdnum.fr import nir as stdnum_nir  # noqa: E402

from passeport.flux.samples import sample_passage, write_flux  # noqa: E402
from passeport.testing.pgcluster import Cluster, free_port  # noqa: E402

PYTHON = sys.executable
SCHEMA = ROOT / "passeport" / "flux" / "schemas" / "flux-1.1.2.xsd"
CODES = ("RNCP35185", "RS5262", "RNCP19117", "RNCP36004", "RS6109")
EMETTEUR, CONTRAT = "AB123CDE", "2560080000127J"
CACHE = Path(tempfile.gettempdir()) / "passeport-bench-deposits"


# -- data ----------------------------------------------------------------------------------------


def flux_file(passages: int, seed: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"flux-{passages}-{seed}.xml"
    if not path.exists():
        write_flux(
            path,
            passages,
            seed=seed,
            emetteur=EMETTEUR,
            certificateur=EMETTEUR,
            contrat=CONTRAT,
            reference_date=datetime.date.today() - datetime.timedelta(30),
        )
    return path


def _nir(index: int, sex: str, born: datetime.date) -> str:
    department = 1 + (index // 1_000_000) % 19  # 01..19: no Corsica, unique with the index
    body = f"{'1' if sex == 'M' else '2'}{born.year % 100:02d}{born.month:02d}{department:02d}"
    body += f"{index % 1_000_000:06d}"
    return body + stdnum_nir.calc_check_digits(body)


def register_csv(passages: int, seeds: list[int], persons: int) -> Path:
    """The register: every holder of the flux files, then other persons up to `persons`."""
    path = CACHE / f"registre-{passages}-{'-'.join(map(str, seeds))}-{persons}.csv"
    if path.exists():
        return path
    reference = datetime.date.today() - datetime.timedelta(30)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "nir",
                "nom_naissance",
                "prenoms",
                "sexe",
                "date_naissance",
                "code_insee_naissance",
                "code_pays_naissance",
            ]
        )
        index = 0
        for seed in seeds:
            for i in range(passages):
                ident = sample_passage(i, seed, reference_date=reference)["identificationTitulaire"]
                holder = ident.get("titulaire")
                if holder is None:
                    continue
                born = datetime.date(
                    int(holder["anneeNaissance"]),
                    int(holder.get("moisNaissance") or 1),
                    int(holder.get("jourNaissance") or 1),
                )
                commune = (
                    holder.get("codeCommuneNaissance", {})
                    .get("codeInseeNaissance", {})
                    .get("codeInsee", "")
                )
                given = " ".join(
                    holder[k] for k in ("prenom1", "prenom2", "prenom3") if holder.get(k)
                )
                writer.writerow(
                    [
                        _nir(index, holder["sexe"], born),
                        holder["nomNaissance"],
                        given,
                        holder["sexe"],
                        born.isoformat(),
                        commune,
                        "99" + holder.get("codePaysNaissance", "100"),
                    ]
                )
                index += 1
        while index < persons:
            sex = "MF"[index % 2]
            born = datetime.date(1960 + index % 45, 1 + index % 12, 1 + index % 28)
            writer.writerow(
                [
                    _nir(index, sex, born),
                    f"Personne{index}",
                    f"Prénom{index % 997}",
                    sex,
                    born.isoformat(),
                    "75056",
                    "99100",
                ]
            )
            index += 1
    return path


# -- processes ---------------------------------------------------------------------------------


def environment(database_url: str, var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(
        {
            "DATABASE_URL": database_url,
            "PASSEPORT_VAR_DIR": str(var_dir),
            "SECRET_KEY": "bench-secret-key",
            "DATA_ENCRYPTION_KEYS": "YmVuY2gtb25seS1rZXktb2YtMzItYnl0ZXMtZXhhY3Q=",
            "DATA_HASH_KEY": "bench-hash-key",
            "PASSEPORT_INSECURE_HTTP": "1",
            "PASSEPORT_PLAIN_STATIC": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            # The generator writes every optional element: 200 000 passages make ~340 MB, more
            # than the ~200 MB real files the default limit (256 MB) is sized for.
            "MAX_UPLOAD_BYTES": str(1 << 30),
        }
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} a échoué :\n{result.stderr[-3000:]}")
    return result.stdout


def peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Service:
    """gunicorn (the API) and `workers` db_worker processes on one database (as many web
    processes as workers: two uploads at once are received in parallel)."""

    def __init__(self, env: dict, workers: int):
        self.env = env
        self.port = free_port()
        self.web = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "900",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers = [
            subprocess.Popen(
                [
                    PYTHON,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.1",
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        deadline = time.monotonic() + 60
        while True:
            try:
                self.request("GET", "/api/v1/openapi.json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("l'API n'a pas démarré") from None
                time.sleep(0.3)

    def request(self, method, path, token=None, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def upload(self, token: str, path: Path) -> dict:
        """POST the file as multipart, streamed from disk (never whole in memory)."""
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; '
            f'filename="{path.name}"\r\nContent-Type: application/xml\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        connection.putrequest("POST", "/api/v1/depots")
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
        connection.endheaders()
        connection.send(head)
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                connection.send(chunk)
        connection.send(tail)
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()
        if response.status != 202:
            raise SystemExit(f"dépôt refusé ({response.status}) : {body}")
        return body

    def wait_processed(self, token: str, deposit_id: str) -> dict:
        while True:
            _status, data = self.request("GET", f"/api/v1/depots/{deposit_id}", token)
            body = json.loads(data)
            if body["statut"] in ("traite", "traite_avec_erreurs", "rejete"):
                return body
            time.sleep(0.2)

    def accuse(self, token: str, deposit_id: str) -> bytes:
        status, data = self.request("GET", f"/api/v1/depots/{deposit_id}/accuse-traitement", token)
        if status != 200:
            raise SystemExit(f"accusé indisponible ({status})")
        return data

    def worker_peaks(self) -> list[float]:
        return [peak_rss_mb(worker.pid) for worker in self.workers]

    def stop(self):
        for process in [self.web, *self.workers]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.web, *self.workers]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (every core, every process), from /proc/stat:
    what a deposit costs in core-seconds, whichever processes did the work (web, worker,
    PostgreSQL, this client)."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def deposit_end_to_end(service: Service, token: str, files: list[Path]) -> tuple[float, list]:
    """Upload `files` at once (one thread each) and wait for every accusé; wall seconds."""
    import threading

    results: list = [None] * len(files)

    def one(index, path):
        reception = service.upload(token, path)
        received = time.perf_counter() - started
        state = service.wait_processed(token, reception["id"])
        accuse = service.accuse(token, reception["id"])
        results[index] = (state, len(accuse), received)

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i, f)) for i, f in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results


def settle(database_url: str) -> None:
    """Start a measure on a settled database: the maintenance that the previous deposits
    left to do (autovacuum of their 325 000 new rows) done now, not during the next measure,
    which it would slow down by a share of the machine's two cores. PostgreSQL only (SQLite has
    no background maintenance)."""
    if not database_url.startswith("postgres"):
        return
    import psycopg

    url = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def xmllint_seconds(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["xmllint", "--noout", "--stream", "--schema", str(SCHEMA), str(path)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


# -- one database --------------------------------------------------------------------------------


def run_backend(
    label: str, database_url: str, args, files: dict[int, Path], csv_path: Path, parallel: bool
) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="passeport-bench-var-"))
    env = environment(database_url, var_dir)
    try:
        manage(env, "migrate", "--noinput")
        started = time.perf_counter()
        manage(env, "import_identities", str(csv_path))
        seconds = time.perf_counter() - started
        rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
        print(
            f"[{label}] import_identities : {rows} lignes en {seconds:.1f} s → "
            f"{rows / seconds:,.0f} lignes/s".replace(",", " "),
            flush=True,
        )
        token_file = var_dir / "token"
        manage(
            env,
            "create_certifier",
            "--siret",
            "73282932000074",
            "--name",
            "Banc d'essai",
            "--id-client",
            EMETTEUR,
            "--id-contrat",
            CONTRAT,
            *[arg for code in CODES for arg in ("--certification", code)],
            "--token-file",
            str(token_file),
        )
        token = token_file.read_text().strip()

        reference = xmllint_seconds(files[1])
        settle(database_url)
        service = Service(env, workers=1)
        try:
            busy = machine_busy_seconds()
            wall, results = deposit_end_to_end(service, token, [files[1]])
            busy = machine_busy_seconds() - busy
            peaks = service.worker_peaks()
        finally:
            service.stop()
        state, _size, received = results[0]
        print(
            f"[{label}] xmllint --stream --schema ({args.passages} passages) : {reference:.2f} s",
            flush=True,
        )
        print(
            f"[{label}] dépôt par l'API → accusé de traitement : {wall:.2f} s "
            f"= {wall / reference:.2f}× xmllint (objectif ≤ 6×) ; "
            f"{state['passages']['acceptes']} acceptés, {state['passages']['rejetes']} rejetés "
            f"(envoi et accusé de réception {received:.1f} s, traitement {wall - received:.1f} s)",
            flush=True,
        )
        print(
            f"[{label}] pic de mémoire du worker : {max(peaks):.0f} Mo (objectif ≤ 256 Mo) ; "
            f"temps de calcul de toute la machine pendant le dépôt : {busy:.1f} s-cœur "
            f"({busy / wall:.2f} cœur en moyenne)",
            flush=True,
        )
        if parallel:
            settle(database_url)
            service = Service(env, workers=2)
            try:
                busy_both = machine_busy_seconds()
                both, results = deposit_end_to_end(service, token, [files[2], files[3]])
                busy_both = machine_busy_seconds() - busy_both
                peaks = service.worker_peaks()
            finally:
                service.stop()
            receptions = " et ".join(f"{result[2]:.1f}" for result in results)
            print(
                f"[{label}] deux dépôts en parallèle, deux workers : {both:.2f} s "
                f"= {both / wall:.2f}× un dépôt seul (objectif ≤ 1,3×) ; envois et accusés de "
                f"réception {receptions} s ; pics {', '.join(f'{p:.0f}' for p in peaks)} Mo ; "
                f"{busy_both:.1f} s-cœur ({busy_both / both:.2f} cœur en moyenne sur "
                f"{os.cpu_count()})",
                flush=True,
            )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=200_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="5 000 passages, 20 000 personnes")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-parallel", action="store_true")
    args = parser.parse_args(argv)
    # SIGTERM runs the `finally` blocks: the throwaway cluster and temporary files go away.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.passages, args.persons = 5000, 20_000
    if not shutil.which("xmllint"):
        raise SystemExit("xmllint est introuvable (paquet Debian libxml2-utils).")
    started = time.perf_counter()
    seeds = [1, 2, 3]
    files = {seed: flux_file(args.passages, seed) for seed in seeds}
    csv_path = register_csv(args.passages, seeds, args.persons)
    size = files[1].stat().st_size / 1e6
    print(
        f"Flux de {args.passages} passages ({size:.0f} Mo), registre de {args.persons} "
        f"personnes : préparés en {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    if not args.no_postgres:
        # Sized like a server for a register of a million persons: PostgreSQL's default cache
        # (128 MB) holds neither the register's step-1 index nor the passports' indexes, and
        # two deposits at once evict each other's pages.
        cluster = Cluster.start(settings={"shared_buffers": "1GB"})
        try:
            run_backend(
                "PostgreSQL", cluster.url, args, files, csv_path, parallel=not args.no_parallel
            )
        finally:
            cluster.stop()
    if not args.no_sqlite:
        directory = Path(tempfile.mkdtemp(prefix="passeport-bench-sqlite-"))
        try:
            run_backend(
                "SQLite",
                f"sqlite:///{directory / 'bench.sqlite3'}",
                args,
                files,
                csv_path,
                parallel=False,
            )
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
