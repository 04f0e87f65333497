"""Read the facts of an XSD (element paths, cardinalities, facets) to compare schemas.

A test helper: walks the schema from its root element `flux`, resolving named types, and
returns one dict per element keyed by its path from `flux`. Handles only what the CDC schemas
use (xsd:all / sequence / choice, simple restrictions, named and anonymous types).
"""

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"


def describe(xsd_path) -> dict[tuple[str, ...], dict]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    tree = etree.parse(str(xsd_path), parser)
    root = tree.getroot()
    complex_types = {t.get("name"): t for t in root.findall(f"{XS}complexType")}
    simple_types = {t.get("name"): t for t in root.findall(f"{XS}simpleType")}
    out: dict[tuple[str, ...], dict] = {}

    def local(qname):
        return qname.split(":")[-1] if qname else None

    def simple_facts(simple, base_hint=None):
        facts = {"enum": [], "base": base_hint}
        restriction = simple.find(f"{XS}restriction")
        base = local(restriction.get("base"))
        if base in simple_types:
            facts.update(simple_facts(simple_types[base]))
        else:
            facts["base"] = base
        for facet in restriction:
            tag = etree.QName(facet).localname
            value = facet.get("value")
            if tag == "enumeration":
                facts["enum"].append(value)
            elif tag == "length":
                facts["min_length"] = facts["max_length"] = int(value)
            elif tag == "minLength":
                facts["min_length"] = int(value)
            elif tag == "maxLength":
                facts["max_length"] = int(value)
            elif tag == "minInclusive":
                facts["min"] = int(value)
            elif tag == "maxInclusive":
                facts["max"] = int(value)
            elif tag == "pattern":
                facts["pattern"] = value
        return facts

    def walk_particle(particle, path, repeated, choice):
        tag = etree.QName(particle).localname
        many = particle.get("maxOccurs") == "unbounded"
        if tag in ("sequence", "all"):
            for child in particle:
                walk_particle(child, path, repeated or many, choice)
        elif tag == "choice":
            branches = [c for c in particle if etree.QName(c).localname == "element"]
            name = path[-1] if len(branches) > 1 else None
            for child in particle:
                walk_particle(child, path, repeated or many, name)
        elif tag == "element":
            walk_element(particle, path, repeated or many, choice)

    def walk_element(element, path, repeated, choice):
        name = element.get("name")
        here = (*path, name)
        info = {
            "required": element.get("minOccurs", "1") != "0",
            "nillable": element.get("nillable") == "true",
            "repeated": repeated or element.get("maxOccurs") == "unbounded",
            "choice": choice,
            "group": False,
            "enum": [],
        }
        out[here] = info
        type_name = local(element.get("type"))
        complex_type = (
            complex_types.get(type_name) if type_name else element.find(f"{XS}complexType")
        )
        if complex_type is not None:
            info["group"] = True
            for particle in complex_type:
                walk_particle(particle, here, False, None)
            return
        if type_name in simple_types:
            info.update(simple_facts(simple_types[type_name]))
        elif type_name:
            info["base"] = type_name
        else:
            info.update(simple_facts(element.find(f"{XS}simpleType")))

    walk_element(root.find(f"{XS}element[@name='flux']"), (), False, None)
    return out
