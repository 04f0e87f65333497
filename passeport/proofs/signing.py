"""The one door for the service's keys: every signature the proofs app makes or checks.

Three signatures, each made and checked with a maintained library (no home-made crypto):

- **PAdES** on PDF (ETSI EN 319 142-1, baseline B-B, or B-T when a timestamp authority is
  configured): pyHanko, with the service's key and certificate chain from a PKCS#12;
- **Data Integrity `eddsa-rdfc-2022`** on credentials (W3C VC-DI-EDDSA 1.0 §3.3): Ed25519 from
  `cryptography` over the RDFC-1.0 canonical form that `linkeddata` computes with pyld;
- **JWS compact** (RFC 7515) for the JWT form of credentials (Open Badges 3.0 §8.2,
  VC-JOSE-COSE): joserfc, algorithm `Ed25519` (RFC 9864) with the same keys.

Keys come from the environment in production (settings, `.env.example`):
`PROOFS_SIGNING_PKCS12` + `PROOFS_SIGNING_PKCS12_PASSWORD` (PDF), `PROOFS_TRUST_ROOTS` (the
certificates our verification trusts), `PROOFS_ED25519_KEYS` (`id=seed`, the first one signs,
all verify: rotation), `PROOFS_ED25519_RETIRED_KEYS` (`id=publicKeyMultibase` of keys that no
longer sign, so that what they signed still verifies), `PROOFS_TSA_URL`. In development and
tests (`PROOFS_DEV_PKI`), a local test PKI is generated at first use under `PROOFS_DIR`
(never in the repository): a root, the service's signing certificate, one Ed25519 key.

Nothing else in the project reads a key, and nothing here is logged.
"""

import base64
import datetime
import hashlib
import io
import json
import os
import secrets
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import base58
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from . import linkeddata

# Multicodec prefixes of Multikey (W3C Controlled Identifiers 1.0 §2.2.2, multicodec table).
_ED25519_PUB = b"\xed\x01"
_ED25519_PRIV = b"\x80\x26"
CRYPTOSUITE = "eddsa-rdfc-2022"
JWS_ALGORITHM = "Ed25519"  # RFC 9864's fully specified name; "EdDSA" accepted when verifying
JWS_ACCEPTED = ("Ed25519", "EdDSA")
DEV_DIRECTORY = "cles-de-test"


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- keys ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ed25519Key:
    """One of the service's credential keys; `private` is None for a retired key."""

    id: str
    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = None

    @property
    def public_bytes(self) -> bytes:
        return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def multibase(self) -> str:
        """`publicKeyMultibase`: base58btc ("z") of the multicodec ed25519-pub key."""
        return "z" + base58.b58encode(_ED25519_PUB + self.public_bytes).decode()

    @property
    def jwk(self) -> dict:
        x = jws_b64(self.public_bytes)
        return {"kty": "OKP", "crv": "Ed25519", "x": x}

    @property
    def verification_method(self) -> str:
        return f"{issuer_id()}#{self.id}"

    @property
    def jwk_method(self) -> str:
        return f"{issuer_id()}#{self.id}-jwk"


def jws_b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("une clé Multikey s’écrit en base58btc (préfixe « z »)")
    raw = base58.b58decode(value[1:])
    if raw[:2] != _ED25519_PUB or len(raw) != 34:
        raise ValueError("la clé Multikey n’est pas une clé publique Ed25519")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def secret_multibase(key: Ed25519Key) -> str:
    """`secretKeyMultibase` of a signing key (for the independent implementation in tests)."""
    seed = key.private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return "z" + base58.b58encode(_ED25519_PRIV + seed).decode()


def _split(item: str, variable: str) -> tuple[str, str]:
    key_id, sep, value = item.partition("=")
    if not sep or not key_id.strip() or not value.strip():
        raise ImproperlyConfigured(
            f"{variable} : chaque clé s’écrit « identifiant=valeur » (reçu « {item[:12]}… »)."
        )
    return key_id.strip(), value.strip()


@cache
def _ed25519_keys(configured: tuple[str, ...], retired: tuple[str, ...], dev: str) -> tuple:
    keys: list[Ed25519Key] = []
    for item in configured:
        key_id, value = _split(item, "PROOFS_ED25519_KEYS")
        try:
            seed = _b64decode(value)
            private = Ed25519PrivateKey.from_private_bytes(seed)
        except ValueError:
            raise ImproperlyConfigured(
                f"PROOFS_ED25519_KEYS : la clé « {key_id} » doit être 32 octets en base64url "
                "(générez-en une avec : passeport manage proofs_keys)."
            ) from None
        keys.append(Ed25519Key(key_id, private.public_key(), private))
    for item in retired:
        key_id, value = _split(item, "PROOFS_ED25519_RETIRED_KEYS")
        try:
            keys.append(Ed25519Key(key_id, public_key_from_multibase(value)))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"PROOFS_ED25519_RETIRED_KEYS « {key_id} » : {error}."
            ) from None
    if not keys and dev:
        keys.append(_dev_material(Path(dev)).ed25519)
    if not keys:
        raise ImproperlyConfigured(
            "Aucune clé de signature des attestations numériques : renseignez "
            "PROOFS_ED25519_KEYS (voir docs/preuves.md)."
        )
    if keys[0].private is None:
        raise ImproperlyConfigured(
            "PROOFS_ED25519_KEYS : la première clé signe, elle doit être une clé privée."
        )
    if len({key.id for key in keys}) != len(keys):
        raise ImproperlyConfigured("PROOFS_ED25519_KEYS : deux clés portent le même identifiant.")
    return tuple(keys)


def _dev_dir() -> str:
    return str(Path(settings.PROOFS_DIR) / DEV_DIRECTORY) if settings.PROOFS_DEV_PKI else ""


def ed25519_keys() -> tuple[Ed25519Key, ...]:
    """Every credential key, the signing one first."""
    return _ed25519_keys(
        tuple(settings.PROOFS_ED25519_KEYS), tuple(settings.PROOFS_ED25519_RETIRED_KEYS), _dev_dir()
    )


def signing_key() -> Ed25519Key:
    return ed25519_keys()[0]


def key_for_method(verification_method: str) -> Ed25519Key | None:
    """Our key named by a proof's `verificationMethod` (or a JWS `kid`), None if not ours."""
    for key in ed25519_keys():
        if verification_method in (key.verification_method, key.jwk_method):
            return key
    return None


def issuer_id() -> str:
    """The issuer's id: the HTTPS URL of its controller document (W3C CID 1.0 §2)."""
    return settings.SITE_URL + reverse("proofs:issuer")


def controller_document() -> dict:
    """The issuer's controller document: its Ed25519 keys as Multikey (for the Data Integrity
    proofs) and as JsonWebKey (for the JWS `kid`), all of them usable for assertions."""
    issuer = issuer_id()
    methods = []
    for key in ed25519_keys():
        methods.append(
            {
                "id": key.verification_method,
                "type": "Multikey",
                "controller": issuer,
                "publicKeyMultibase": key.multibase,
            }
        )
        methods.append(
            {
                "id": key.jwk_method,
                "type": "JsonWebKey",
                "controller": issuer,
                "publicKeyJwk": {**key.jwk, "kid": key.jwk_method},
            }
        )
    return {
        "@context": [linkeddata.CID_V1],
        "id": issuer,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


# -- the development and test PKI ------------------------------------------------------------


@dataclass(frozen=True)
class DevMaterial:
    ed25519: Ed25519Key
    pkcs12: Path
    password: bytes
    root: Path


_README = """Clés et certificats de TEST générés par Passeport à la première utilisation.
Ils ne valent que pour le développement et les tests : ne les utilisez jamais en production,
ne les versionnez pas. En production, les clés viennent de l'environnement (docs/preuves.md).
"""


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Passeport (environnement de test)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(**allowed) -> x509.KeyUsage:
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{name: allowed.get(name, False) for name in names})


def _generate_dev(directory: Path) -> None:
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Passeport — autorité racine de test")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = (
        x509.CertificateBuilder()
        .subject_name(_name("Passeport — cachet de test des documents"))
        .issuer_name(root_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    # The root's private key is not kept: nothing else is ever issued under it.
    password = secrets.token_urlsafe(24).encode()
    (directory / "racine.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (directory / "cachet.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"cachet", seal_key, seal, [root], serialization.BestAvailableEncryption(password)
        )
    )
    (directory / "cachet.p12.motdepasse").write_bytes(password)
    ed25519 = Ed25519PrivateKey.generate()
    (directory / "ed25519-cle-de-test-1.pem").write_bytes(
        ed25519.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (directory / "LISEZ-MOI.txt").write_text(_README, encoding="utf-8")


@cache
def _dev_material(directory: Path) -> DevMaterial:
    if not (directory / "LISEZ-MOI.txt").exists():
        directory.parent.mkdir(parents=True, exist_ok=True)
        # Built aside then renamed: the web server and a worker starting together never see
        # (or make) half a PKI; the loser of the race keeps the winner's.
        staging = Path(tempfile.mkdtemp(prefix=".cles-", dir=directory.parent))
        os.chmod(staging, 0o700)
        _generate_dev(staging)
        for path in staging.iterdir():
            os.chmod(path, 0o600)
        try:
            os.rename(staging, directory)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    private = serialization.load_pem_private_key(
        (directory / "ed25519-cle-de-test-1.pem").read_bytes(), password=None
    )
    return DevMaterial(
        ed25519=Ed25519Key("cle-de-test-1", private.public_key(), private),
        pkcs12=directory / "cachet.p12",
        password=(directory / "cachet.p12.motdepasse").read_bytes(),
        root=directory / "racine.pem",
    )


# -- Data Integrity (eddsa-rdfc-2022) -------------------------------------------------------


class ProofError(ValueError):
    """A proof that does not hold; `reason` is one of KNOWN_KEY / UNKNOWN_KEY / ALTERED."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


ALTERED = "altered"  # the signature does not match the content
UNKNOWN_KEY = "unknown_key"  # signed by a key that is not the service's
MALFORMED = "malformed"  # not a proof we can read


def _proof_hash(unsecured: dict, options: dict) -> bytes:
    # VC-DI-EDDSA §3.3.4-3.3.6: the proof configuration takes the document's @context; the hash
    # is SHA-256(canonical proof configuration) || SHA-256(canonical document).
    config = {"@context": unsecured.get("@context"), **options}
    config.pop("proofValue", None)
    return (
        hashlib.sha256(linkeddata.canonize(config).encode()).digest()
        + hashlib.sha256(linkeddata.canonize(unsecured).encode()).digest()
    )


def add_proof(
    document: dict, *, created: datetime.datetime | None = None, key: Ed25519Key | None = None
) -> dict:
    """`document` with a DataIntegrityProof appended to its `proof` array (Open Badges 3.0
    writes `proof` as an array)."""
    key = key or signing_key()
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created or datetime.datetime.now(datetime.UTC)),
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.private.sign(_proof_hash(unsecured, options))
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode()}
    existing = document.get("proof", [])
    existing = existing if isinstance(existing, list) else [existing]
    return {**unsecured, "proof": [*existing, proof]}


@dataclass(frozen=True)
class ProofCheck:
    key: Ed25519Key
    created: str
    verification_method: str


def verify_proof(document: dict) -> ProofCheck:
    """Checks the document's eddsa-rdfc-2022 proof made with one of our keys; raises ProofError
    (with its reason) otherwise."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    ours = [
        proof
        for proof in proofs
        if isinstance(proof, dict)
        and proof.get("type") == "DataIntegrityProof"
        and proof.get("cryptosuite") == CRYPTOSUITE
    ]
    if not ours:
        raise ProofError(
            "le document ne porte aucune preuve Data Integrity eddsa-rdfc-2022", MALFORMED
        )
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    failure: ProofError | None = None
    for proof in ours:
        method = str(proof.get("verificationMethod", ""))
        key = key_for_method(method)
        if key is None:
            failure = failure or ProofError(
                f"la preuve est signée par une clé qui n’est pas celle du service ({method})",
                UNKNOWN_KEY,
            )
            continue
        if proof.get("proofPurpose") != "assertionMethod":
            failure = ProofError("la preuve n’a pas pour objet une assertion", MALFORMED)
            continue
        value = str(proof.get("proofValue", ""))
        try:
            signature = base58.b58decode(value[1:]) if value.startswith("z") else b""
        except ValueError:
            signature = b""
        if len(signature) != 64:
            failure = ProofError("la valeur de la preuve est illisible", MALFORMED)
            continue
        try:
            hashed = _proof_hash(unsecured, proof)
        except linkeddata.LinkedDataError as error:
            raise ProofError(str(error), ALTERED) from error
        try:
            key.public.verify(signature, hashed)
        except InvalidSignature:
            failure = ProofError(
                "la signature ne correspond pas au contenu : le document a été modifié après "
                "sa signature",
                ALTERED,
            )
            continue
        return ProofCheck(
            key=key, created=str(proof.get("created", "")), verification_method=method
        )
    raise failure


# -- JWS (JWT form of credentials) ------------------------------------------------------------


def _jwk(key: Ed25519Key, *, private: bool):
    from joserfc.jwk import OKPKey

    if private:
        return OKPKey.import_key(
            key.private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return OKPKey.import_key(key.jwk)


def sign_jws(payload: dict, *, typ: str = "JWT", key: Ed25519Key | None = None) -> str:
    """Compact JWS of a JSON payload; `kid` dereferences, in our controller document, to the
    key as a JWK (Open Badges 3.0 §8.2.2)."""
    from joserfc import jws

    key = key or signing_key()
    header = {"alg": JWS_ALGORITHM, "kid": key.jwk_method, "typ": typ}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, body, _jwk(key, private=True), algorithms=[JWS_ALGORITHM])


@dataclass(frozen=True)
class JwsCheck:
    header: dict
    payload: dict
    key: Ed25519Key


def jws_header(token: str) -> dict:
    try:
        header = json.loads(_b64decode(token.split(".")[0]))
    except (ValueError, IndexError):
        raise ProofError("le jeton JWT est illisible", MALFORMED) from None
    if not isinstance(header, dict):
        raise ProofError("l’en-tête du jeton JWT est illisible", MALFORMED)
    return header


def verify_jws(token: str) -> JwsCheck:
    """Checks a compact JWS signed by one of our keys; raises ProofError otherwise."""
    from joserfc import jws
    from joserfc.errors import JoseError

    token = token.strip()
    if token.count(".") != 2:
        raise ProofError(
            "ce n’est pas un jeton JWT (trois parties séparées par des points)", MALFORMED
        )
    header = jws_header(token)
    if header.get("alg") not in JWS_ACCEPTED:
        raise ProofError(
            f"algorithme de signature « {header.get('alg')} » non pris en charge", UNKNOWN_KEY
        )
    key = key_for_method(str(header.get("kid", "")))
    if key is None:
        raise ProofError(
            f"le jeton est signé par une clé qui n’est pas celle du service ({header.get('kid')})",
            UNKNOWN_KEY,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc warns that "EdDSA" is RFC 9864's old name
            result = jws.deserialize_compact(
                token, _jwk(key, private=False), algorithms=list(JWS_ACCEPTED)
            )
    except (JoseError, ValueError):
        raise ProofError(
            "la signature du jeton ne correspond pas à son contenu : il a été modifié", ALTERED
        ) from None
    try:
        payload = json.loads(result.payload)
    except ValueError:
        raise ProofError("le contenu du jeton n’est pas du JSON", MALFORMED) from None
    if not isinstance(payload, dict):
        raise ProofError("le contenu du jeton n’est pas un objet JSON", MALFORMED)
    return JwsCheck(header=header, payload=payload, key=key)


# -- PAdES --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfMaterial:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    trust_roots: tuple  # asn1crypto certificates
    tsa_url: str


@cache
def _pdf_material(pkcs12_path: str, password: str, roots_path: str, tsa: str, dev: str):
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.sign import signers

    if pkcs12_path:
        path, secret = Path(pkcs12_path), password.encode()
        roots = [Path(roots_path)] if roots_path else []
    elif dev:
        material = _dev_material(Path(dev))
        path, secret, roots = material.pkcs12, material.password, [material.root]
    else:
        raise ImproperlyConfigured(
            "Aucun certificat de signature des PDF : renseignez PROOFS_SIGNING_PKCS12 et "
            "PROOFS_SIGNING_PKCS12_PASSWORD (voir docs/preuves.md)."
        )
    if not roots:
        raise ImproperlyConfigured(
            "PROOFS_TRUST_ROOTS : indiquez le fichier PEM des autorités de confiance de la "
            "vérification (la racine de la chaîne du certificat de signature)."
        )
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=secret)
    if signer is None:
        raise ImproperlyConfigured(
            "PROOFS_SIGNING_PKCS12 : fichier illisible ou mot de passe incorrect."
        )
    trust = tuple(cert for root in roots for cert in load_certs_from_pemder([str(root)]))
    return PdfMaterial(signer=signer, trust_roots=trust, tsa_url=tsa)


def pdf_material() -> PdfMaterial:
    return _pdf_material(
        settings.PROOFS_SIGNING_PKCS12,
        settings.PROOFS_SIGNING_PKCS12_PASSWORD,
        settings.PROOFS_TRUST_ROOTS,
        settings.PROOFS_TSA_URL,
        _dev_dir(),
    )


def trust_roots_pem() -> bytes:
    """The roots our verification trusts, as PEM (for independent validators: pdfsig)."""
    from asn1crypto import pem

    return b"".join(pem.armor("CERTIFICATE", cert.dump()) for cert in pdf_material().trust_roots)


def sign_pdf(data: bytes, *, reason: str, field_name: str = "Signature") -> bytes:
    """The PDF signed PAdES B-B by the service's key (B-T: with a timestamp from the
    configured authority). The signature covers the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    material = pdf_material()
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="France",
        use_pades_lta=False,
    )
    timestamper = timestamps.HTTPTimeStamper(material.tsa_url) if material.tsa_url else None
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = signers.sign_pdf(writer, meta, signer=material.signer, timestamper=timestamper)
    return out.getvalue()


@dataclass(frozen=True)
class PdfCheck:
    """What the signature of a PDF says. `status` is one of the reasons below."""

    status: str
    message: str
    signer: str = ""
    signed_at: datetime.datetime | None = None


PDF_VALID = "valid"
PDF_NO_SIGNATURE = "no_signature"
PDF_UNREADABLE = "unreadable"


def check_pdf(data: bytes) -> PdfCheck:
    """Validates the (last) signature of a PDF against our trust roots."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        return PdfCheck(PDF_UNREADABLE, f"le fichier n’est pas un PDF lisible ({error})")
    if not signatures:
        return PdfCheck(PDF_NO_SIGNATURE, "le PDF ne porte aucune signature électronique")
    signature = signatures[-1]
    context = ValidationContext(trust_roots=list(pdf_material().trust_roots), allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, PdfReadError, ValueError) as error:
        return PdfCheck(ALTERED, f"la signature du PDF est invalide ({error})")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    when = status.signer_reported_dt
    if not status.intact or not status.valid:
        return PdfCheck(ALTERED, "la signature ne correspond plus au contenu du PDF", signer, when)
    if not status.trusted:
        return PdfCheck(
            UNKNOWN_KEY,
            "le PDF est signé par un certificat qui n’est pas celui du service",
            signer,
            when,
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return PdfCheck(
            ALTERED,
            "le PDF a été modifié après sa signature (mise à jour ajoutée au fichier signé)",
            signer,
            when,
        )
    return PdfCheck(PDF_VALID, "signature valide", signer, when)
