"""The one door through which the project parses XML: lxml with its hardened options.

    parser(**options)                         -> etree.XMLParser
    pull_parser(events, **options)            -> etree.XMLPullParser
    fromstring(data, **options)               -> etree._Element
    parse(source, **options)                  -> etree._ElementTree
    iter_events(source, events, tag, **options) -> lxml's iterparse over `source`

Every XML the project reads comes from outside (a certifier's flux or spreadsheet, a user's
XSD, an accusé, France Compétences' RNCP export), so each parser gets the same options, and
`tests/flux/test_safexml.py` fails on any other `XMLParser(`/`iterparse(` call in the code:

* `resolve_entities=False`: an entity reference stays a reference, its definition is never
  substituted. This closes XML External Entity reads (OWASP « XXE »: `<!ENTITY x SYSTEM
  "file:///etc/passwd">` would copy a local file into the document) and the exponential
  expansion of nested internal entities (« billion laughs », a few hundred bytes that would
  expand to gigabytes).
* `load_dtd=False`, `dtd_validation=False`: an external DTD named by `<!DOCTYPE … SYSTEM …>`
  is neither read nor applied — another way to reach a local file, and its attribute
  defaults would silently change the document.
* `no_network=True`: libxml2 opens no URL, whatever the document names (DTD, entity), so a
  file cannot make the server send a request (SSRF) or wait on a remote host.
* `huge_tree=False`: libxml2's safety limits stay on (size of one text node, nesting depth,
  entity amplification), so a hostile file fails with a syntax error instead of exhausting
  memory or the stack.

`**options` adds lxml's other options (`remove_blank_text`, `remove_comments`…); passing one
of the options above again is a TypeError, so the door cannot be opened wider by a caller.
No Django here: passeport.flux is a library certifiers use on their own.
"""

from __future__ import annotations

from lxml import etree

SAFE_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "no_network": True,
    "huge_tree": False,
}


def parser(**options) -> etree.XMLParser:
    """A hardened lxml parser, plus `options` (see the module docstring)."""
    return etree.XMLParser(**SAFE_OPTIONS, **options)


def pull_parser(events=("end",), **options) -> etree.XMLPullParser:
    """A hardened feed parser (`feed` bytes, then `read_events`)."""
    return etree.XMLPullParser(events=events, **SAFE_OPTIONS, **options)


def fromstring(data: bytes, **options) -> etree._Element:
    """The root element of `data`, parsed by `parser(**options)`."""
    return etree.fromstring(data, parser(**options))


def parse(source, **options) -> etree._ElementTree:
    """The tree of a file (path or binary stream), parsed by `parser(**options)`."""
    return etree.parse(source, parser(**options))


def iter_events(source, events=("end",), tag=None, **options):
    """lxml's iterparse over `source` (path or binary stream) with the hardened options."""
    return etree.iterparse(source, events=events, tag=tag, **SAFE_OPTIONS, **options)
