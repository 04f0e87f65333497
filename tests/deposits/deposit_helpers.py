"""Builders for the deposits tests: certifiers, members, flux files and their holders."""

import datetime
import itertools

from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from passeport.certifiers.models import Certifier, CertifierCertification, Membership, Role
from passeport.flux.samples import flux_bytes, sample_passage
from passeport.identity.models import Person

CODES = ("RNCP35185", "RS5262", "RNCP19117", "RNCP36004", "RS6109")
PASSWORD = "Un-Mot-De-Passe-Solide-2026"
_sirens = itertools.count(100000001)
_orders = itertools.count(1)


def make_nir(sex="M", year=1990, month=5, department="75") -> str:
    order = next(_orders)
    body = (
        f"{'1' if sex == 'M' else '2'}{year % 100:02d}{month:02d}{department}"
        f"{order // 1000:03d}{order % 1000:03d}"
    )
    return body + stdnum_nir.calc_check_digits(body)


def make_siret() -> str:
    siren = f"{next(_sirens) % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def make_certifier(
    id_client="AB123CDE",
    *,
    name="Université de Démo",
    codes=CODES,
    id_contrat="2560080000127J",
    **extra,
) -> Certifier:
    certifier = Certifier.objects.create(
        siret=make_siret(),
        name=name,
        id_client=id_client,
        id_contrat=id_contrat,
        contact_email=f"contact-{id_client.lower()}@example.fr",
        **extra,
    )
    for code in codes:
        CertifierCertification.objects.create(
            certifier=certifier, code=code, title=f"Titre de la certification {code}"
        )
    return certifier


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_member(certifier, email="depositaire@example.fr", role=Role.DEPOSITOR):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from passeport.accounts.models import TotpDevice

    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    Membership.objects.create(user=user, certifier=certifier, role=role)
    TotpDevice.objects.create(user=user, secret=SECRET, confirmed_at=timezone.now())
    return user


def verified_client(client, user):
    """A test client logged in with both factors (the login pages are tested by the browser)."""
    client.force_login(user)
    session = client.session
    session["two_factor_verified"] = True
    session.save()
    return client


def sample_flux(
    passages=10, *, seed=1, emetteur="AB123CDE", certificateur=None, version="1.1.2", **options
) -> bytes:
    return flux_bytes(
        passages=passages,
        seed=seed,
        emetteur=emetteur,
        certificateur=certificateur or emetteur,
        version=version,
        **options,
    )


def holder_of(values: dict) -> dict | None:
    """Register fields of the holder of a sample passage (None for dossierFormation)."""
    ident = values["identificationTitulaire"]
    if "identifiantNational" in ident:
        nat = ident["identifiantNational"]
        nir = nat["nir"]
        sex = "M" if nir[0] == "1" else "F"
        year = 1900 + int(nir[1:3]) if int(nir[1:3]) > 30 else 2000 + int(nir[1:3])
        return {
            "nir": nir,
            "birth_name": nat["nomNaissance"],
            "given_names": "Inconnu",
            "sex": sex,
            "birth_date": datetime.date(year, int(nir[3:5]), 1),
            "birth_commune": "",
            "birth_country": "",
        }
    if "titulaire" not in ident:
        return None
    t = ident["titulaire"]
    month = int(t["moisNaissance"]) if t.get("moisNaissance") else 1
    day = int(t["jourNaissance"]) if t.get("jourNaissance") else 1
    commune = t.get("codeCommuneNaissance", {}).get("codeInseeNaissance", {}).get("codeInsee", "")
    given = " ".join(t[k] for k in ("prenom1", "prenom2", "prenom3") if t.get(k))
    return {
        "nir": None,
        "birth_name": t["nomNaissance"],
        "given_names": given,
        "sex": t["sexe"],
        "birth_date": datetime.date(int(t["anneeNaissance"]), month, day),
        "birth_commune": commune,
        "birth_country": "99" + t.get("codePaysNaissance", "100"),
    }


def register_holders(passages=10, *, seed=1, version="1.1.2", skip=()) -> int:
    """Put the holders of a sample flux in the identity register; returns how many."""
    people = []
    for i in range(passages):
        if i in skip:
            continue
        fields = holder_of(sample_passage(i, seed, version=version))
        if fields is None:
            continue
        nir = fields.pop("nir") or make_nir(
            fields["sex"], fields["birth_date"].year, fields["birth_date"].month
        )
        people.append(Person.build(nir=nir, **fields))
    Person.objects.bulk_create(people, ignore_conflicts=True)
    return len(people)


def expected_ok(passages=10, *, seed=1, version="1.1.2", skip=()) -> int:
    return sum(
        1
        for i in range(passages)
        if i not in skip and holder_of(sample_passage(i, seed, version=version)) is not None
    )


def run_worker():
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
