"""The passport page of a holder with 200 entries, under load, against the home page.

    .venv/bin/python bench/bench_passport_page.py [--entries 200] [--seconds 10]

Starts the `make run` service (gunicorn + worker, demo data loaded) on a throwaway database —
PostgreSQL (a throwaway cluster, as in production) by default, or the embedded SQLite with
`--db sqlite` — gives the demo holder Camille Lefèvre a passport of N entries (guaranteed ones of
every kind added to her demo passport), logs in as her through the development FranceConnect
provider exactly as a browser would (authorize page, identity chosen, callback), then loads with
wrk, in the same run, in interleaved rounds (default 5 × 3 s per page, a new connection per request):
- the reference: the home page (anonymous), the foundation's baseline;
- the home page with the holder's session (what being logged in costs);
- the passport page /passeport/ with the holder's session;
- « Mon avenir » (/passeport/avenir/: her competences deduced from those entries, every ROME
  fiche ranked) with the holder's session.
Prints each round, the median requests/s and p99 of each page and the median of the per-round
ratios. Targets: passport ≤ 3 × home, in requests/s and in p99; « Mon avenir » p99 ≤ 3 × home.
"""

import argparse
import html
import http.cookiejar
import re
import shutil
import statistics
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from common import LoadResult, manage, running_service, wrk

TARGET = 3.0

ADD_ENTRIES = """
import datetime, random
from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.models import Entry
(person,) = ensure_in_register(BY_KEY["camille"])
have = Entry.objects.filter(person_id=person.pk).count()
rng = random.Random(5)
kinds = ["certification", "training", "experience", "volunteering", "licence", "prevention"]
Entry.objects.bulk_create([
    Entry(person_id=person.pk, kind=kinds[i % len(kinds)], trust="garantie", source="agora",
          source_reference=f"BENCH-{i}", title=f"Entrée de mesure n° {i} — formation longue",
          organisation="Organisme de mesure", start_date=datetime.date(2000 + i % 25, 1 + i % 12, 1),
          end_date=datetime.date(2001 + i % 25, 1 + i % 12, 1), details={"hours": str(rng.randint(7, 400))})
    for i in range(max(0, TOTAL - have))
], ignore_conflicts=True)
"""


def _login(base: str) -> str:
    """The dev FranceConnect flow with a cookie jar; returns the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/franceconnect/connexion/").read().decode()
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    form = {key: html.unescape(value) for key, value in form.items()}
    form["identity"] = "camille"
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(
        base + "/fc-dev/authorize", data=body, headers={"Referer": base + "/fc-dev/authorize"}
    )
    final = opener.open(request)
    if not final.geturl().endswith("/passeport/"):
        raise SystemExit(f"connexion FranceConnect de développement impossible ({final.geturl()})")
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise SystemExit("pas de cookie de session après la connexion")


def _median(results: list[LoadResult]) -> LoadResult:
    """The round whose requests/s is the median (its p50 and p99 with it)."""
    ordered = sorted(results, key=lambda r: r.requests_per_second)
    return ordered[len(ordered) // 2]


def _measure(args, var_dir: Path, extra_env: dict[str, str]):
    with running_service(extra_env=extra_env, var_dir=var_dir) as base:
        manage(
            var_dir, "shell", "-c", f"TOTAL = {args.entries}\n{ADD_ENTRIES}", extra_env=extra_env
        )
        session = _login(base)
        headers = {"Cookie": f"sessionid={session}"}
        page = (
            urllib.request.urlopen(urllib.request.Request(base + "/passeport/", headers=headers))
            .read()
            .decode()
        )
        shown = page.count('class="pp-entry"')
        # (common.wrk opens a new connection per request: see why there.)
        wrk(base + "/", seconds=2, connections=args.connections)  # warm-up
        wrk(base + "/passeport/", seconds=2, connections=args.connections, headers=headers)
        wrk(base + "/passeport/avenir/", seconds=2, connections=args.connections, headers=headers)
        # Interleaved rounds: the three pages one after the other, several times, a ratio
        # taken within each round (same machine conditions) and the median reported.
        rounds = []
        for _ in range(args.rounds):
            rounds.append(
                (
                    wrk(base + "/", seconds=args.seconds, connections=args.connections),
                    wrk(
                        base + "/",
                        seconds=args.seconds,
                        connections=args.connections,
                        headers=headers,
                    ),
                    wrk(
                        base + "/passeport/",
                        seconds=args.seconds,
                        connections=args.connections,
                        headers=headers,
                    ),
                    wrk(
                        base + "/passeport/avenir/",
                        seconds=args.seconds,
                        connections=args.connections,
                        headers=headers,
                    ),
                )
            )
        medians = tuple(_median([r[i] for r in rounds]) for i in range(4))
    return (*medians, shown, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=3, help="durée de chaque mesure")
    parser.add_argument("--rounds", type=int, default=5, help="tours alternant les pages")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="passeport-bench-passport-"))
    cluster = None
    extra_env: dict[str, str] = {}
    if args.db == "postgres":
        from passeport.testing.pgcluster import Cluster

        cluster = Cluster.start()
        extra_env["DATABASE_URL"] = cluster.url
    try:
        home, home_session, passport, avenir, shown, rounds = _measure(args, var_dir, extra_env)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)

    print(
        f"bench_passport_page — passeport de {shown} entrées sous charge (wrk, "
        f"{args.connections} connexions, {args.seconds} s, serveur de `make run`, "
        f"{'PostgreSQL' if args.db == 'postgres' else 'SQLite'})"
    )
    for number, (round_home, round_session, round_passport, _avenir) in enumerate(rounds, start=1):
        print(
            f"tour {number} : accueil {round_home.requests_per_second:7.1f} req/s, même session "
            f"{round_session.requests_per_second:7.1f}, passeport "
            f"{round_passport.requests_per_second:7.1f} → débit "
            f"{round_home.requests_per_second / round_passport.requests_per_second:.2f}×, p99 "
            f"{round_passport.p99_ms / round_home.p99_ms:.2f}×"
        )
    print("médianes des tours :")
    print(home.line("référence : page d'accueil"))
    print(home_session.line("accueil, même session"))
    print(passport.line("page du passeport"))
    print(avenir.line("« Mon avenir »"))
    rps_ratio = statistics.median(
        h.requests_per_second / p.requests_per_second for h, _s, p, _a in rounds
    )
    p99_ratio = statistics.median(p.p99_ms / h.p99_ms for h, _s, p, _a in rounds)
    print(
        f"débit accueil / passeport : {rps_ratio:.2f}×   "
        f"p99 passeport / accueil : {p99_ratio:.2f}×   (médianes des rapports par tour ; "
        f"objectif ≤ {TARGET:.0f}× : {'atteint' if max(rps_ratio, p99_ratio) <= TARGET else 'NON atteint'})"
    )
    session_ratio = statistics.median(
        s.requests_per_second / p.requests_per_second for _h, s, p, _a in rounds
    )
    print(f"même session — débit accueil / passeport : {session_ratio:.2f}×")
    avenir_p99 = statistics.median(a.p99_ms / h.p99_ms for h, _s, _p, a in rounds)
    print(
        f"p99 « Mon avenir » / accueil : {avenir_p99:.2f}×   (médiane des rapports par tour ; "
        f"objectif ≤ {TARGET:.0f}× : {'atteint' if avenir_p99 <= TARGET else 'NON atteint'})"
    )
    if any(r.non_2xx for round_ in rounds for r in round_):
        raise SystemExit("des réponses en erreur pendant la mesure")
    if shown < args.entries:
        raise SystemExit(f"la page ne montre que {shown} entrées sur {args.entries}")


if __name__ == "__main__":
    main()
