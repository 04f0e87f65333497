"""Home page under load: the baseline later benchmarks compare to.

Starts the `make run` service (gunicorn + worker, SQLite), then loads with wrk:
- the reference: a static file served by the same server (the floor of the stack: WSGI,
  middleware and whitenoise, no view, no template);
- the home page (view + DSFR template + CSP nonce).
Prints requests/s and p99 latency of each, and the home page's cost as a ratio of the reference.
"""

import argparse
import re
import urllib.request

from common import ratio, running_service, wrk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    with running_service() as base:
        html = urllib.request.urlopen(base + "/").read().decode()
        static_path = re.search(r'href="(/static/core/passeport[^"]*\.css)"', html).group(1)
        wrk(base + "/", seconds=2, connections=args.connections)  # warm-up
        reference = wrk(base + static_path, seconds=args.seconds, connections=args.connections)
        home = wrk(base + "/", seconds=args.seconds, connections=args.connections)

    print(
        "bench_home — page d'accueil sous charge (wrk, "
        f"{args.connections} connexions, {args.seconds} s, serveur de `make run`)"
    )
    print(reference.line("référence : fichier statique"))
    print(home.line("page d'accueil"))
    print(
        f"débit accueil / référence : {ratio(home.requests_per_second, reference.requests_per_second)}"
        f"   p99 accueil / référence : {ratio(home.p99_ms, reference.p99_ms)}"
    )
    if home.non_2xx or reference.non_2xx:
        raise SystemExit("des réponses en erreur pendant la mesure")


if __name__ == "__main__":
    main()
