"""JSON-LD for the credentials: the contexts we ship, a static loader, RDFC-1.0 canonical form.

Verifiable credentials are JSON-LD documents whose Data Integrity proofs sign their canonical
RDF form (W3C RDF Dataset Canonicalization, RDFC-1.0). Two rules make that safe:

- **No network.** Every context the app understands is a file of `contexts/` (the published
  documents, as facts), served by `load_document`; any other URL is refused. Verification
  never depends on a third party's server being up, or honest (VC Data Model 2.0 §5.2: a
  verifier SHOULD NOT fetch the base context and SHOULD pin the contexts it processes).
- **Nothing silently dropped.** A property or a type that no context defines is an error:
  JSON-LD expansion would otherwise drop it, and a signature would then cover less than the
  document shows (VC Data Integrity 1.0 §4.6, "safe mode").

pyld 3.3 implements URDNA2015, which RDFC-1.0 renamed, except for one detail: it writes
literals the N-Quads way of 2014, escaping only `\\`, `"`, tab, LF and CR. RDFC-1.0 §4.5
(canonical N-Quads, as in RDF 1.2 N-Quads §7) also escapes BS and FF as `\\b`, `\\f`, and the
other control characters (U+0000–U+001F, U+007F) as `\\u00XX`. A credential whose text holds
one of them would be signed on a form that other implementations do not compute. `_RDFC_ESCAPES`
puts the RDFC-1.0 rule into pyld's serializer, once, below (tests check the output and that
Digital Bazaar's implementation verifies such a credential).
"""

import json
import re
from functools import cache
from pathlib import Path

import pyld.nquads
from pyld.jsonld import JsonLdError, JsonLdProcessor

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CID_V1 = "https://www.w3.org/ns/cid/v1"

# URL → file of contexts/. Older Open Badges 3.0 context URLs resolve to the one we ship only
# when they are the same document; they are not listed, so a credential using one is refused
# with a message naming it.
CONTEXT_FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3P0: "ob-v3p0-context-3.0.3.json",
    OB_V3P0_EXTENSIONS: "ob-v3p0-extensions.json",
    CID_V1: "cid-v1.jsonld",
}


class LinkedDataError(ValueError):
    """A document that cannot be processed safely (unknown context, undefined term…)."""


@cache
def context_document(url: str) -> dict:
    try:
        name = CONTEXT_FILES[url]
    except KeyError:
        raise LinkedDataError(
            f"le contexte JSON-LD « {url} » n’est pas reconnu (contextes acceptés : "
            f"{', '.join(CONTEXT_FILES)})"
        ) from None
    return json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))


def load_document(url: str, options=None) -> dict:
    """pyld document loader: the shipped contexts, nothing else, never the network."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


# -- RDFC-1.0 literal escaping -----------------------------------------------------------------

_CONTROL = re.compile(r'[\x00-\x1f\x7f"\\]')
_NAMED = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def rdfc_escape(value: str) -> str:
    """A literal's characters as canonical N-Quads writes them (RDFC-1.0 §4.5)."""
    return _CONTROL.sub(
        lambda match: _NAMED.get(match.group(), f"\\u{ord(match.group()):04X}"), value
    )


def _install_rdfc_escaping() -> None:
    # pyld's serializer looks `escape` up in its module at each call: the canonicalisation
    # (pyld.canon) and `to_nquads` both go through it. Installed only where pyld still writes
    # the 2014 form, so a pyld that follows RDFC-1.0 itself is left alone.
    if pyld.nquads.escape("\b") != "\\b":
        pyld.nquads.escape = rdfc_escape


_install_rdfc_escaping()


# -- processing -------------------------------------------------------------------------------


def _refuse_dropped(term) -> None:
    raise LinkedDataError(
        f"la propriété « {term} » n’est définie par aucun contexte du document : elle ne "
        "serait pas couverte par la signature"
    )


def _processor() -> JsonLdProcessor:
    return JsonLdProcessor(on_property_dropped=_refuse_dropped)


def _options() -> dict:
    # No base IRI: a relative IRI stays relative (pyld would otherwise resolve it against an
    # example base) and `_relative_iris` refuses it.
    return {"documentLoader": load_document, "processingMode": "json-ld-1.1", "base": None}


def _relative_iris(node, found: list[str]) -> None:
    """Types and ids left relative by expansion: terms no context defines (dropped by to_rdf)."""
    if isinstance(node, list):
        for item in node:
            _relative_iris(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@type", "@id") and "@value" not in node:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and not _absolute(item):
                        found.append(item)
            elif key != "@value":
                _relative_iris(value, found)


def _absolute(iri: str) -> bool:
    return ":" in iri  # an absolute IRI has a scheme; a blank node is "_:…"


def expand(document: dict) -> list:
    """Expanded form; an undefined property or type raises LinkedDataError."""
    try:
        expanded = _processor().expand(document, _options())
    except JsonLdError as error:
        raise LinkedDataError(_french(error)) from error
    found: list[str] = []
    _relative_iris(expanded, found)
    if found:
        raise LinkedDataError(
            f"« {found[0]} » n’est ni un type défini par un contexte du document, ni une adresse "
            "absolue : il ne serait pas couvert par la signature"
        )
    return expanded


def canonize(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (after the checks of `expand`)."""
    expanded = expand(document)
    try:
        return _processor().normalize(
            expanded,
            {**_options(), "algorithm": "URDNA2015", "format": "application/n-quads"},
        )
    except JsonLdError as error:
        raise LinkedDataError(_french(error)) from error


def _french(error: JsonLdError) -> str:
    cause = error
    while getattr(cause, "__cause__", None) is not None:
        if isinstance(cause.__cause__, LinkedDataError):
            return str(cause.__cause__)
        cause = cause.__cause__
    return f"document JSON-LD invalide : {getattr(error, 'type', '')} {error}".strip()
