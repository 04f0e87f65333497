"""The objects tests build, in one place (factory_boy), with traits for the common states.

    from passeport.testing import factories

    univ = factories.CertifierFactory()                        # active, one RNCP certification
    factories.CertifierFactory(suspended=True)                 # suspended, with a reason
    factories.CertifierFactory(sample=True)                    # the emitter of flux.samples
    third = factories.CertifierFactory(trusted_third_party=True, mandators=[univ])
    admin = factories.MemberFactory(certifier=univ)            # a User: administrator + TOTP
    factories.MemberFactory(certifier=univ, depositor=True)    # or read_only, not_enrolled
    factories.UserFactory(operator=True)                       # CDC support staff, with TOTP
    token = factories.ApiTokenFactory(certifier=univ)          # token.clear: the bearer value
    person = factories.PersonFactory()                         # register entry, NIR encrypted
    alice = factories.HolderFactory(name="alice", linked=True) # FranceConnect holder + person
    factories.HolderFactory(name="bob")                        # logged in, not linked
    factories.CertificationFactory(person=person)              # guaranteed, as a deposit does
    factories.CertificationFactory(person=person, provisional=True)
    entry = factories.EntryFactory(holder=alice)               # declared by the holder
    factories.DocumentFactory(entry=entry)                     # a PDF proof (private storage)
    factories.DepositFactory(certifier=univ, passages=10)      # received (not yet processed)
    factories.GuaranteedEntryFactory(person_id=p, career=True, details={"code_rome": "I1404"})
    factories.ProfessionalGoalFactory(user=alice.user, fiche_code="M1812")
    factories.CompetenceChoiceFactory(holder=alice, key="rome:115552", status="masquee")

Every factory works with `.build()` (unsaved) and `.create()` (the default). Passwords and TOTP
secrets are the constants below: log in with `PASSWORD` and `totp_code()`.

Helpers that are not model factories live here too, so that no test folder copies them:
`nir()`, `siret()` (valid, unique per call), `sample_flux()`, `register_holders()` and
`expected_ok()` (the register entries behind a sample flux), `verified_client()`.
"""

import datetime
import itertools
import json
import time
import uuid

import factory
import pyotp
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from passeport.accounts.models import TotpDevice, User
from passeport.certifiers.models import (
    ApiToken,
    Certifier,
    CertifierCertification,
    Mandate,
    Membership,
    Role,
)
from passeport.certifiers.tokens import issue_token
from passeport.competences.models import CompetenceChoice, ProfessionalGoal
from passeport.flux import samples
from passeport.identity.models import Person
from passeport.passport.models import Document, Entry, Holder

# The one password and the one TOTP secret of test users (base32, as an authenticator app
# stores it: RFC 6238 over RFC 4648 base32).
PASSWORD = "Une-phrase-de-passe-solide-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Smallest files the document checks recognise by their magic numbers.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# The certifications of `passeport.flux.samples` (what a sample flux deposits passages for).
SAMPLE_CODES = ("RNCP35185", "RS5262", "RNCP19117", "RNCP36004", "RS6109")
SAMPLE_EMETTEUR = "AB123CDE"

_nir_orders = itertools.count(1)
_sirens = itertools.count(100000001)


def nir(sex: str = "M", year: int = 1990, month: int = 5, department: str = "75") -> str:
    """A valid 15-character NIR (INSEE key included), different at every call."""
    order = next(_nir_orders)
    body = (
        f"{'1' if sex == 'M' else '2'}{year % 100:02d}{month:02d}{department}"
        f"{order // 1000 % 1000:03d}{order % 1000:03d}"
    )
    return body + stdnum_nir.calc_check_digits(body)


def siret() -> str:
    """A valid SIRET (Luhn keys of the SIREN and of the whole), different at every call."""
    siren = f"{next(_sirens) % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code of the next 30 s step (accepted: ±1 step of drift, RFC 6238 §5.2), so that two
    logins in the same step do not hit the replay protection."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def pkce_pair() -> tuple[str, str]:
    """An RFC 7636 code verifier and its S256 challenge, as an OAuth client computes them."""
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def verified_client(client, user):
    """`client` logged in as `user` with both factors (the login pages have their own tests)."""
    client.force_login(user)
    session = client.session
    session["two_factor_verified"] = True
    session.save()
    return client


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------


class TotpDeviceFactory(DjangoModelFactory):
    class Meta:
        model = TotpDevice

    user = factory.SubFactory("passeport.testing.factories.UserFactory")
    secret = TOTP_SECRET
    confirmed_at = factory.LazyFunction(timezone.now)


class UserFactory(DjangoModelFactory):
    """A user with `PASSWORD` (pass `password=None` for one who cannot log in by password)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        with_totp = factory.Trait(
            totp=factory.RelatedFactory(TotpDeviceFactory, factory_related_name="user")
        )
        staff = factory.Trait(is_staff=True)
        # CDC support staff: the back office asks them for both factors.
        operator = factory.Trait(staff=True, with_totp=True, email="ops@cdc.fr")

    email = factory.Sequence(lambda n: f"utilisateur{n}@example.fr")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password")
        user = model_class(*args, **kwargs)
        user.set_password(password)
        return user


# --------------------------------------------------------------------------------------------
# Certifiers
# --------------------------------------------------------------------------------------------


class CertifierFactory(DjangoModelFactory):
    """An active certifier holding `codes` (default: one RNCP certification)."""

    class Meta:
        model = Certifier
        skip_postgeneration_save = True

    class Params:
        suspended = factory.Trait(
            status=Certifier.Status.SUSPENDED, suspended_reason="Contrat CDC résilié"
        )
        pending = factory.Trait(status=Certifier.Status.PENDING)
        trusted_third_party = factory.Trait(is_trusted_third_party=True)
        # The emitter and certifier of every `passeport.flux.samples` flux, with its codes.
        sample = factory.Trait(
            id_client=SAMPLE_EMETTEUR,
            name="Université de Démo",
            id_contrat="2560080000127J",
            codes=SAMPLE_CODES,
            contact_email=factory.LazyAttribute(
                lambda o: f"contact-{o.id_client.lower()}@example.fr"
            ),
        )

    id_client = factory.Sequence(lambda n: f"ORG{n:05d}")
    siret = factory.LazyFunction(siret)
    name = factory.LazyAttribute(lambda o: f"Organisme {o.id_client}")
    id_contrat = factory.LazyAttribute(lambda o: f"C{o.id_client}")

    codes = ("RNCP35340",)

    @classmethod
    def _build(cls, model_class, *args, codes, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, codes, **kwargs):
        certifier = model_class.objects.create(*args, **kwargs)
        for code in codes:
            CertifierCertification.objects.create(
                certifier=certifier, code=code, title=f"Titre de la certification {code}"
            )
        return certifier

    @factory.post_generation
    def mandators(obj, create, extracted, **kwargs):
        """`mandators=[a, b]`: certifiers that mandate this one (a mandate in force each)."""
        for mandator in extracted or ():
            MandateFactory(third_party=obj, mandator=mandator)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    certifier = factory.SubFactory(CertifierFactory)
    role = Role.ADMINISTRATOR


class MemberFactory(UserFactory):
    """A User member of `certifier` (a new one by default), TOTP enrolled with TOTP_SECRET.

    Role: administrator unless `depositor=True` or `read_only=True` (or `role=…`)."""

    class Params:
        certifier = factory.SubFactory(CertifierFactory)
        role = Role.ADMINISTRATOR
        administrator = factory.Trait(role=Role.ADMINISTRATOR)
        depositor = factory.Trait(role=Role.DEPOSITOR)
        read_only = factory.Trait(role=Role.READ_ONLY)
        totp_secret = TOTP_SECRET
        # Invited and with a password, the authenticator app not set up yet.
        not_enrolled = factory.Trait(totp=None)

    membership = factory.RelatedFactory(
        MembershipFactory,
        factory_related_name="user",
        certifier=factory.SelfAttribute("..certifier"),
        role=factory.SelfAttribute("..role"),
    )
    totp = factory.RelatedFactory(
        TotpDeviceFactory,
        factory_related_name="user",
        secret=factory.SelfAttribute("..totp_secret"),
    )


class MandateFactory(DjangoModelFactory):
    """A mandate in force: `mandator` lets the trusted third party deposit for it."""

    class Meta:
        model = Mandate

    third_party = factory.SubFactory(CertifierFactory, trusted_third_party=True)
    mandator = factory.SubFactory(CertifierFactory)


class ApiTokenFactory(DjangoModelFactory):
    """A live API token issued the way the portal issues it; `.clear` holds the bearer value."""

    class Meta:
        model = ApiToken

    certifier = factory.SubFactory(CertifierFactory)
    name = factory.Sequence(lambda n: f"Logiciel de scolarité {n}")
    created_by = None

    @classmethod
    def _create(cls, model_class, certifier, name, created_by=None, **kwargs):
        token, clear = issue_token(certifier, name, created_by, **kwargs)
        token.clear = clear
        return token


# --------------------------------------------------------------------------------------------
# Identity register
# --------------------------------------------------------------------------------------------


class PersonFactory(DjangoModelFactory):
    """A person of the identity register, built by `Person.build` (NIR and identity encrypted,
    keyed hashes computed) from a valid NIR that matches the sex and birth date."""

    class Meta:
        model = Person

    birth_name = "Dupont"
    given_names = "Antoine Julien"
    sex = "M"
    birth_date = datetime.date(1996, 11, 15)
    birth_commune = "31555"
    birth_country = "99100"
    nir = factory.LazyAttribute(lambda o: nir(o.sex, o.birth_date.year, o.birth_date.month))

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return model_class.build(**kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class.build(**kwargs)
        person.save()
        return person


def titulaire_fields(titulaire: dict) -> dict:
    """`PersonFactory` fields (without NIR) of a flux's `titulaire` element (a sample passage's
    dict): the register entry the reconciliation finds for that holder."""
    month = int(titulaire.get("moisNaissance") or 1)
    day = int(titulaire.get("jourNaissance") or 1)
    commune = (
        titulaire.get("codeCommuneNaissance", {}).get("codeInseeNaissance", {}).get("codeInsee")
    )
    return {
        "birth_name": titulaire["nomNaissance"],
        "given_names": " ".join(
            titulaire[k] for k in ("prenom1", "prenom2", "prenom3") if titulaire.get(k)
        ),
        "sex": titulaire["sexe"],
        "birth_date": datetime.date(int(titulaire["anneeNaissance"]), month, day),
        "birth_commune": commune or "",
        "birth_country": "99" + titulaire.get("codePaysNaissance", "100"),
    }


def holder_fields(values: dict) -> dict | None:
    """`PersonFactory` fields of the holder of a sample passage (`samples.sample_passage`),
    NIR included when the passage identifies the holder by it; None for a passage that names
    no holder (dossierFormation)."""
    ident = values["identificationTitulaire"]
    if "identifiantNational" in ident:
        national = ident["identifiantNational"]
        number = national["nir"]
        year = int(number[1:3])
        return {
            "nir": number,
            "birth_name": national["nomNaissance"],
            "given_names": "Inconnu",
            "sex": "M" if number[0] == "1" else "F",
            "birth_date": datetime.date(
                1900 + year if year > 30 else 2000 + year, int(number[3:5]), 1
            ),
            "birth_commune": "",
            "birth_country": "",
        }
    if "titulaire" not in ident:
        return None
    return titulaire_fields(ident["titulaire"])


def register_holders(passages=10, *, seed=1, version="1.1.2", skip=()) -> int:
    """Put the holders of `sample_flux(passages, seed=…)` in the identity register, except the
    positions in `skip`; returns how many were put."""
    people = []
    for i in range(passages):
        if i in skip:
            continue
        fields = holder_fields(samples.sample_passage(i, seed, version=version))
        if fields is not None:
            people.append(PersonFactory.build(**fields))
    Person.objects.bulk_create(people, ignore_conflicts=True)
    return len(people)


def expected_ok(passages=10, *, seed=1, version="1.1.2", skip=()) -> int:
    """How many passages of that sample flux a processing accepts once `register_holders` ran
    with the same arguments (those that name a holder)."""
    return sum(
        1
        for i in range(passages)
        if i not in skip and holder_fields(samples.sample_passage(i, seed, version=version))
    )


# --------------------------------------------------------------------------------------------
# Passport
# --------------------------------------------------------------------------------------------


class HolderFactory(DjangoModelFactory):
    """A holder who came through FranceConnect: linked to a register person when `person` is
    given (or `linked=True` creates one), else « no match »."""

    class Meta:
        model = Holder

    class Params:
        name = factory.Sequence(lambda n: f"titulaire{n}")
        linked = factory.Trait(
            person=factory.SubFactory(
                PersonFactory,
                birth_name="Test",
                given_names=factory.LazyAttribute(lambda o: o.factory_parent.name.capitalize()),
                birth_date=datetime.date(1990, 1, 1),
                birth_commune="75056",
            )
        )

    user = factory.SubFactory(
        UserFactory,
        email=factory.LazyAttribute(lambda o: f"{o.factory_parent.name}@titulaires.test"),
        password=None,
        first_name=factory.LazyAttribute(lambda o: o.factory_parent.name.capitalize()),
    )
    fc_sub = factory.LazyAttribute(lambda o: f"sub-{o.name}-{uuid.uuid4().hex}")
    pivot_identity = factory.LazyAttribute(
        lambda o: json.dumps(
            {
                "given_name": o.name.capitalize(),
                "family_name": "Test",
                "birthdate": "1990-01-01",
                "gender": "female",
            }
        )
    )
    person = None
    link_status = factory.LazyAttribute(
        lambda o: Holder.LinkStatus.LINKED if o.person else Holder.LinkStatus.NO_MATCH
    )


class CertificationFactory(DjangoModelFactory):
    """A guaranteed certification entry of `person`, recorded by `record_certification` as a
    deposit records it; `provisional=True` for donneeCertifiee=false."""

    class Meta:
        model = Entry

    person = factory.SubFactory(PersonFactory)
    emetteur_id = "EMET0001"
    certificateur_id = "CERT0001"
    certifier_name = "Lycée de Démo"
    code = "RNCP35340"
    type = "RNCP"
    title = "BTS Services informatiques"
    award_date = datetime.date(2024, 7, 5)
    id_technique = factory.Sequence(lambda n: f"IDT-{n + 1}")
    deposit_id = factory.LazyFunction(uuid.uuid4)
    flux_id = "FLUX-DEMO"

    @classmethod
    def _create(cls, model_class, person, **kwargs):
        from passeport.passport.recording import record_certification

        return record_certification(person, **kwargs)


class EntryFactory(DjangoModelFactory):
    """An entry declared by `holder` (volunteering by default)."""

    class Meta:
        model = Entry

    holder = factory.SubFactory(HolderFactory)
    kind = Entry.Kind.VOLUNTEERING
    trust = Entry.Trust.DECLARED
    source = Entry.Source.HOLDER
    title = "Bénévole aux Restos du cœur"
    start_date = datetime.date(2020, 1, 1)


class DocumentFactory(DjangoModelFactory):
    """A proof attached to a declared entry through `attach_document` (the entry becomes
    « déclarée avec justificatif »). Needs a writable default storage (tests: `private_storage`)."""

    class Meta:
        model = Document

    entry = factory.SubFactory(EntryFactory)
    name = "justificatif.pdf"
    content = PDF
    content_type = "application/pdf"

    @classmethod
    def _create(cls, model_class, entry, name, content, content_type):
        from passeport.passport.documents import attach_document

        return attach_document(entry, ContentFile(content, name=name), content_type)


# --------------------------------------------------------------------------------------------
# Deposits
# --------------------------------------------------------------------------------------------


def sample_flux(
    passages=10, *, seed=1, emetteur=SAMPLE_EMETTEUR, certificateur=None, version="1.1.2", **options
) -> bytes:
    """A valid flux of `passages` sample passages (`passeport.flux.samples`), emitted by
    `emetteur` for `certificateur` (the same by default)."""
    return samples.flux_bytes(
        passages=passages,
        seed=seed,
        emetteur=emetteur,
        certificateur=certificateur or emetteur,
        version=version,
        **options,
    )


class DepositFactory(DjangoModelFactory):
    """A deposit received through the real reception (`deposits.reception.receive`): stored,
    checked and queued, not processed (run the worker for that). `data` is the file's bytes;
    by default a sample flux of `passages` passages emitted by the certifier."""

    class Meta:
        model = "deposits.Deposit"

    class Params:
        passages = 10
        seed = 1

    certifier = factory.SubFactory(CertifierFactory, sample=True)
    user = None
    file_name = "flux.xml"
    data = factory.LazyAttribute(
        lambda o: sample_flux(o.passages, seed=o.seed, emetteur=o.certifier.id_client)
    )

    @classmethod
    def _create(cls, model_class, certifier, user, file_name, data):
        from passeport.deposits.reception import receive

        return receive(
            ContentFile(data), file_name=file_name, certifier=certifier, user=user
        ).deposit


# --------------------------------------------------------------------------------------------
# Proofs
# --------------------------------------------------------------------------------------------


class GuaranteedEntryFactory(DjangoModelFactory):
    """A guaranteed entry of `person` from an authority's import (a training by default);
    `prevention=True`: a health-and-safety training valid for about another year."""

    class Meta:
        model = Entry

    class Params:
        prevention = factory.Trait(
            kind=Entry.Kind.PREVENTION,
            source=Entry.Source.PREVENTION,
            title="Sauveteur secouriste du travail",
            organisation="Organisme de formation de démo",
            award_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=400)
            ),
            expires_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=320)
            ),
        )

        # An employment period from the DSN (import_careers), with its optional job codes in
        # `details` (code_rome, appellation): what competences are deduced from.
        career = factory.Trait(
            kind=Entry.Kind.EXPERIENCE,
            source=Entry.Source.CAREER,
            title="Technicien support",
            organisation="Employeur de démo",
            award_date=None,
            start_date=datetime.date(2017, 9, 1),
            details=factory.LazyAttribute(lambda o: {"job_title": o.title}),
        )

    person_id = factory.LazyAttribute(lambda o: PersonFactory().pk)
    trust = Entry.Trust.GUARANTEED
    kind = Entry.Kind.TRAINING
    source = Entry.Source.AGORA
    source_reference = factory.Sequence(lambda n: f"IMPORT-{n + 1}")
    title = "Formation bureautique"
    organisation = "Organisme de formation de démo"
    award_date = datetime.date(2023, 5, 12)


class CVFactory(DjangoModelFactory):
    """A CV of `holder` showing `entries` (entry objects or ids), every section in the default
    order; `revoked=True` for a CV its holder revoked."""

    class Meta:
        model = "proofs.CV"

    class Params:
        entries = ()
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    holder = factory.SubFactory(HolderFactory, linked=True)
    title = "Candidature"
    headline = "Technicienne systèmes et réseaux"
    entry_ids = factory.LazyAttribute(
        lambda o: [str(getattr(entry, "pk", entry)) for entry in o.entries]
    )
    contact = factory.LazyFunction(lambda: {"email": "titulaire@example.fr", "city": "Lyon"})


class ProfessionalGoalFactory(DjangoModelFactory):
    """A holder's professional goal (competences): an occupation of the ROME by its code."""

    class Meta:
        model = ProfessionalGoal

    user = factory.SubFactory(UserFactory)
    fiche_code = "M1805"
    libelle = "Développeur / Développeuse informatique"


class CompetenceChoiceFactory(DjangoModelFactory):
    """What a holder decided about one competence (`status`: confirmee, masquee, declaree)."""

    class Meta:
        model = CompetenceChoice

    holder = factory.SubFactory(HolderFactory)
    key = "rome:115552"
    status = CompetenceChoice.Status.CONFIRMED


# --------------------------------------------------------------------------------------------
# Sharing
# --------------------------------------------------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    """A counselling or employment service registered by operators (a mission locale)."""

    class Meta:
        model = "sharing.Organisation"

    class Params:
        inactive = factory.Trait(is_active=False)

    name = factory.Sequence(lambda n: f"Mission locale n° {n}")
    kind = "mission_locale"


class AgentFactory(DjangoModelFactory):
    """An agent of `organisation` (a new one by default), TOTP enrolled with TOTP_SECRET."""

    class Meta:
        model = "sharing.Agent"
        skip_postgeneration_save = True

    class Params:
        inactive = factory.Trait(is_active=False)

    user = factory.SubFactory(UserFactory, with_totp=True)
    organisation = factory.SubFactory(OrganisationFactory)


class ConsentFactory(DjangoModelFactory):
    """A holder's live consent to an organisation (certifications, 90 days)."""

    class Meta:
        model = "sharing.Consent"

    class Params:
        withdrawn = factory.Trait(withdrawn_at=factory.LazyFunction(timezone.now))
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
        )

    holder = factory.SubFactory(HolderFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    sections = factory.LazyFunction(lambda: ["certifications"])
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=90))


class ShareFactory(DjangoModelFactory):
    """A share link made by `sharing.links.create_share`; `.clear_token` is its token (the
    link is /p/<clear_token>/). `code="1234"` protects it with an access code."""

    class Meta:
        model = "sharing.Share"

    holder = factory.SubFactory(HolderFactory)
    label = "Candidature"
    kind = "passeport"
    entries = ()
    code = ""

    @classmethod
    def _create(cls, model_class, holder, label, kind, entries, code, **kwargs):
        from passeport.sharing import links

        share, clear = links.create_share(
            holder, label=label, kind=kind, entries=entries, access_code=code, **kwargs
        )
        share.clear_token = clear
        return share


class OAuthClientFactory(DjangoModelFactory):
    """A django-oauth-toolkit application and its `sharing.OAuthClient`: acting for holders
    (authorization code) by default; `organisation=…, grant="client-credentials"` for an
    organisation's back end. `.clear_secret` is the client secret (stored hashed)."""

    class Meta:
        model = "sharing.OAuthClient"

    organisation = None
    grant = "authorization-code"
    allowed_scopes = factory.LazyFunction(list)
    name = "Appli démo"
    redirect_uri = "https://appli.exemple.test/retour"

    @classmethod
    def _create(cls, model_class, organisation, grant, allowed_scopes, name, redirect_uri):
        from oauth2_provider.models import get_application_model

        secret = uuid.uuid4().hex + uuid.uuid4().hex
        application = get_application_model().objects.create(
            name=name,
            client_type="confidential",
            authorization_grant_type=grant,
            redirect_uris=redirect_uri if grant == "authorization-code" else "",
            client_secret=secret,
        )
        client = model_class.objects.create(
            application=application, organisation=organisation, allowed_scopes=list(allowed_scopes)
        )
        client.clear_secret = secret
        return client


def oauth_access_token(application, scope: str, *, user=None, hours: int = 1) -> str:
    """A live OAuth 2.0 access token of `application` (for `user`'s holder if given, else a
    client credentials token), stored hashed as the server stores it; returns the clear token."""
    from oauth2_provider.models import AccessToken, set_token_value

    raw = uuid.uuid4().hex
    token = AccessToken(
        user=user,
        application=application,
        expires=timezone.now() + datetime.timedelta(hours=hours),
        scope=scope,
    )
    set_token_value(token, raw)
    token.save()
    return raw
