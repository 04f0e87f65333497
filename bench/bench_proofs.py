"""Signed proofs: verifying a credential and a signed CV, rendering and signing a CV, and the
public verification page under load.

    .venv/bin/python bench/bench_proofs.py [--repeat 30] [--seconds 10]

Starts the `make run` service (demo data: Camille Lefèvre's credentials and signed CV, signed by
the local test PKI), then, in the service's own environment (`manage.py shell`):
- verifying one of her Open Badges 3.0 credentials (eddsa-rdfc-2022: JSON-LD canonicalisation,
  Ed25519, status list), against the reference of the bare Ed25519 verification of the same
  number of bytes (`cryptography`): what canonicalisation and the checks cost on top;
- verifying her signed 2-page CV PDF (PAdES signature, chain, the document's record);
- rendering and signing a 2-page CV (WeasyPrint + pyHanko), against the reference of rendering a
  one-line HTML page with WeasyPrint;
and with wrk, in the same run: the home page (reference) and the CV's public verification page
(`/verifier/<code>/`). Targets: credential ≤ 50 ms, PDF ≤ 300 ms, render + sign ≤ 1.5 s,
verification page p99 ≤ 3 × home.
"""

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from common import manage, ratio, running_service, wrk

TARGETS = {"credential": 50.0, "pdf": 300.0, "sign": 1500.0, "page_p99": 3.0}

MEASURE = """
import json, statistics, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from weasyprint import HTML
from passeport.proofs import documents, verification
from passeport.proofs.models import CV, Credential, SignedDocument

def timed(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "worst": max(times)}

credential = Credential.objects.filter(revoked_at__isnull=True).order_by("created_at").first()
document = json.loads(credential.document)
verdict = verification.verify_credential(document, count=False)
assert verdict.is_authentic, (verdict.code, verdict.reason)
key = Ed25519PrivateKey.generate()
message = credential.document.encode()
signature = key.sign(message)
public = key.public_key()

signed = SignedDocument.objects.filter(kind="cv", revoked_at__isnull=True).order_by("created_at").first()
pdf = documents.pdf_bytes(signed)
verdict = verification.verify_pdf(pdf, count=False)
assert verdict.is_authentic, (verdict.code, verdict.reason)
cv = CV.objects.get(pk=signed.cv_id)

print(json.dumps({
    "code": signed.code,
    "pages": signed.pages,
    "bytes": len(pdf),
    "credential": timed(lambda: verification.verify_credential(document, count=False), REPEAT),
    "ed25519": timed(lambda: public.verify(signature, message), REPEAT),
    "pdf": timed(lambda: verification.verify_pdf(pdf, count=False), REPEAT),
    "render_one_line": timed(lambda: HTML(string="<p>Passeport</p>").write_pdf(), max(3, REPEAT // 6)),
    "sign": timed(lambda: documents.sign_cv(cv), max(3, REPEAT // 6)),
}))
"""


def _verdict(value: float, target: float) -> str:
    return "atteint" if value <= target else "MANQUÉ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="passeport-bench-proofs-"))
    try:
        with running_service(var_dir=var_dir) as base:
            output = manage(
                var_dir,
                "shell",
                "-c",
                f"REPEAT = {args.repeat}\n{MEASURE}",
                extra_env={"SITE_URL": base},  # the issuer of the service's credentials
            )
            figures = json.loads(output.strip().splitlines()[-1])
            page = f"{base}/verifier/{figures['code']}/"
            wrk(base + "/", seconds=2, connections=args.connections)  # warm-up
            wrk(page, seconds=2, connections=args.connections)
            home = wrk(base + "/", seconds=args.seconds, connections=args.connections)
            verify_page = wrk(page, seconds=args.seconds, connections=args.connections)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    def line(label, key):
        item = figures[key]
        return f"{label:<48} {item['median']:9.2f} ms   (pire {item['worst']:.2f} ms)"

    credential, pdf, sign = (figures[k]["median"] for k in ("credential", "pdf", "sign"))
    page_p99 = verify_page.p99_ms / home.p99_ms if home.p99_ms else float("inf")
    print(
        f"bench_proofs — {args.repeat} mesures en processus (médiane, pire), wrk "
        f"{args.connections} connexions × {args.seconds} s, serveur de `make run`"
    )
    print(line("référence : Ed25519 seul (cryptography)", "ed25519"))
    print(line("vérifier une attestation OB 3.0 (eddsa-rdfc-2022)", "credential"))
    print(f"  attestation / référence : {ratio(credential, figures['ed25519']['median'])}")
    print(line(f"vérifier le CV signé ({figures['pages']} pages, {figures['bytes']} o)", "pdf"))
    print(line("référence : une ligne HTML → PDF (WeasyPrint)", "render_one_line"))
    print(line("rendre et signer le CV (WeasyPrint + pyHanko)", "sign"))
    print(f"  signer / référence : {ratio(sign, figures['render_one_line']['median'])}")
    print(home.line("référence : page d'accueil"))
    print(verify_page.line("page publique de vérification du CV"))
    print(
        f"p99 vérification / accueil : {ratio(verify_page.p99_ms, home.p99_ms)}   "
        f"débit vérification / accueil : "
        f"{ratio(verify_page.requests_per_second, home.requests_per_second)}"
    )
    print(
        f"objectifs : attestation ≤ {TARGETS['credential']:.0f} ms {_verdict(credential, TARGETS['credential'])}"
        f" ; PDF ≤ {TARGETS['pdf']:.0f} ms {_verdict(pdf, TARGETS['pdf'])}"
        f" ; rendre et signer ≤ {TARGETS['sign']:.0f} ms {_verdict(sign, TARGETS['sign'])}"
        f" ; p99 ≤ {TARGETS['page_p99']:.0f}× accueil {_verdict(page_p99, TARGETS['page_p99'])}"
    )
    if home.non_2xx or verify_page.non_2xx:
        raise SystemExit("des réponses en erreur pendant la mesure")


if __name__ == "__main__":
    main()
