"""Sharing under load: a consented organisation reading a holder's passport through the API,
and a shared page, each against the home page measured in the same run.

    .venv/bin/python bench/bench_sharing.py [--seconds 3] [--rounds 3]

Starts the `make run` service (demo data: the mission locale's client credentials, Camille
Lefèvre's consent to it, her demo share link without access code), obtains the organisation's
token at /oauth/token/ as its back end would, then loads with wrk, in interleaved rounds (a new
connection per request): the home page (reference), GET /api/v1/organisation/titulaires/{id}/
passeport with the bearer token, and the shared page /p/<token>/. Every request of the last
two is a logged read (access log, share views), as in production. Targets: p99 ≤ 3 × home.
"""

import argparse
import base64
import json
import statistics
import urllib.parse
import urllib.request

from common import LoadResult, running_service, wrk

from passeport.sharing.demo import DEMO_OPEN_SHARE_TOKEN, ORG_ID, ORG_SECRET

TARGET = 3.0
SCOPES = "passeport.consentements:lecture passeport.certifications:lecture"


def _token(base: str) -> str:
    basic = base64.b64encode(f"{ORG_ID}:{ORG_SECRET}".encode()).decode()
    request = urllib.request.Request(
        base + "/oauth/token/",
        data=urllib.parse.urlencode({"grant_type": "client_credentials", "scope": SCOPES}).encode(),
        headers={"Authorization": f"Basic {basic}"},
    )
    return json.loads(urllib.request.urlopen(request, timeout=10).read())["access_token"]


def _median(results: list[LoadResult]) -> LoadResult:
    ordered = sorted(results, key=lambda r: r.p99_ms)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    # The per-token API limit (600/min by default) would answer 429 under load.
    with running_service(extra_env={"API_THROTTLE_RATE": "10000000/min"}) as base:
        token = _token(base)
        headers = {"Authorization": f"Bearer {token}"}
        listing = urllib.request.Request(base + "/api/v1/organisation/titulaires", headers=headers)
        holders = json.loads(urllib.request.urlopen(listing, timeout=10).read())["titulaires"]
        if not holders:
            raise SystemExit("la démo ne contient aucun consentement à la mission locale")
        api_url = f"{base}/api/v1/organisation/titulaires/{holders[0]['id']}/passeport"
        share_url = f"{base}/p/{DEMO_OPEN_SHARE_TOKEN}/"
        for url, extra in ((base + "/", None), (api_url, headers), (share_url, None)):
            wrk(url, seconds=2, connections=args.connections, headers=extra)  # warm-up
        rounds = []
        for _ in range(args.rounds):
            rounds.append(
                (
                    wrk(base + "/", seconds=args.seconds, connections=args.connections),
                    wrk(
                        api_url, seconds=args.seconds, connections=args.connections, headers=headers
                    ),
                    wrk(share_url, seconds=args.seconds, connections=args.connections),
                )
            )
    home, api, share = (_median([r[i] for r in rounds]) for i in range(3))
    print(
        f"bench_sharing — lecture consentie par l'API et page partagée (wrk, "
        f"{args.connections} connexions, {args.rounds} tours de {args.seconds} s, `make run`)"
    )
    print(home.line("référence : page d'accueil"))
    print(api.line("API organisation (passeport)"))
    print(share.line("page partagée /p/…"))
    failed = False
    for label, index in (("API organisation", 1), ("page partagée", 2)):
        ratio = statistics.median(r[index].p99_ms / r[0].p99_ms for r in rounds)
        ok = ratio <= TARGET
        failed |= not ok
        print(
            f"p99 {label} / accueil : {ratio:.2f}×   (médiane des rapports par tour ; objectif "
            f"≤ {TARGET:.0f}× : {'atteint' if ok else 'NON atteint'})"
        )
    if any(r.non_2xx for round_ in rounds for r in round_):
        raise SystemExit("des réponses en erreur pendant la mesure")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
