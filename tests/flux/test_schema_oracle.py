"""Many mutations of a valid flux (a facet, nil, a choice, a cardinality, the order, the
encoding…), each judged by our 1.1.2 schema file and by our streaming validator (passage /
certification / envelope schemas derived from that file: the path every real validation takes).

- On the project's example flux, the streaming validator agrees with the schema file, one test a
  mutation, and explains every rejection in French.
- Oracle: on the CDC's own example and on ours, the official XSD gives the same verdicts as our
  schema file, every mutation (one test, listing every disagreement).
"""

from __future__ import annotations

import copy
import re

import pytest
from lxml import etree

from passeport.flux import safexml, xsd
from passeport.flux.dictionary import FIELDS, NAMESPACE, XSI_NAMESPACE, field_by_path
from passeport.flux.validation import validate_file

N = f"{{{NAMESPACE}}}"
NIL = f"{{{XSI_NAMESPACE}}}nil"


def _first(root, field):
    """The first element at the field's path (first passage = the titulaire one).

    Elements the official example lacks (codePaysNaissance, commentairesMEN, the postal-code
    branch of codeCommuneNaissance) are first added with the dictionary's example value, so
    that every element of the schema is mutated.
    """
    path = "/".join(f"cpf:{name}" for name in field.xpath[1:])
    found = root.xpath(path, namespaces={"cpf": NAMESPACE}) if path else [root]
    if found:
        return found[0]
    parent = _first(root, field_by_path(field.xpath[:-1]))
    if field.choice:  # replace the other branch of the choice
        for child in list(parent):
            parent.remove(child)
    el = etree.SubElement(parent, f"{N}{field.name}")
    if not field.is_group:
        el.text = field.example
    else:
        for sub in FIELDS:
            if sub.xpath[:-1] == field.xpath and sub.required and "1.1.2" in sub.versions:
                _first(root, sub)
    return el


def _set(field, value):
    def mutate(root):
        _first(root, field).text = value

    return mutate


def _remove(field):
    def mutate(root):
        el = _first(root, field)
        el.getparent().remove(el)

    return mutate


def _duplicate(field):
    def mutate(root):
        el = _first(root, field)
        el.addnext(copy.deepcopy(el))

    return mutate


def _nil(field, keep_text=False):
    def mutate(root):
        el = _first(root, field)
        el.set(NIL, "true")
        if not keep_text:
            for child in list(el):
                el.remove(child)
            el.text = None

    return mutate


def _leaf_value_cases():
    cases = []
    for f in FIELDS:
        if f.is_group or "1.1.2" not in f.versions or not f.example:
            continue
        n = f.number
        if f.kind == "string":
            cases.append((f"{n} {f.name} longueur max", _set(f, "x" * f.max_length)))
            cases.append((f"{n} {f.name} longueur max+1", _set(f, "x" * (f.max_length + 1))))
            cases.append((f"{n} {f.name} longueur min", _set(f, "é" * f.min_length)))
            cases.append((f"{n} {f.name} vide", _set(f, "")))
            cases.append((f"{n} {f.name} espaces", _set(f, " " * f.min_length)))
        elif f.kind == "int":
            for value in (f.min, f.max, f.min - 1, f.max + 1):
                cases.append((f"{n} {f.name}={value}", _set(f, str(value))))
            cases.append((f"{n} {f.name} lettres", _set(f, "douze")))
            cases.append((f"{n} {f.name} blancs autour", _set(f, f" {f.min} ")))
            cases.append((f"{n} {f.name} décimal", _set(f, f"{f.min}.5")))
        elif f.kind == "date":
            for value in (
                "1900-01-01",
                "2099-12-31",
                "1899-12-31",
                "2100-01-01",
                "2021-02-29",
                "2020-02-29",
                "2020-13-01",
                "2020-1-01",
                "12/12/2020",
                "2020-12-12Z",
            ):
                cases.append((f"{n} {f.name}={value}", _set(f, value)))
        elif f.kind == "datetime":
            for value in (
                "2020-12-18T14:24:12+01:00",
                "2020-12-18T14:24:12Z",
                "2020-12-18T14:24:12",
                "2020-12-18T24:00:00+01:00",
                "2020-12-18 14:24:12+01:00",
                "2020-12-18T14:24:12.5+01:00",
            ):
                cases.append((f"{n} {f.name}={value}", _set(f, value)))
        elif f.kind == "boolean":
            for value in ("true", "false", "1", "0", "TRUE", "oui", ""):
                cases.append((f"{n} {f.name}={value!r}", _set(f, value)))
        elif f.kind == "enum":
            for code, _label in f.choices:
                cases.append((f"{n} {f.name}={code}", _set(f, code)))
            cases.append((f"{n} {f.name} minuscules", _set(f, f.choices[0][0].lower())))
            cases.append((f"{n} {f.name} inconnu", _set(f, "AUTRE_VALEUR")))
            cases.append((f"{n} {f.name} libellé", _set(f, f.choices[0][1])))
    return cases


def _structure_cases():
    cases = []
    for f in FIELDS:
        if "1.1.2" not in f.versions or f.xpath == ("flux",):
            continue
        cases.append((f"{f.number} {f.name} retiré", _remove(f)))
        cases.append((f"{f.number} {f.name} en double", _duplicate(f)))
        if not f.is_group or f.nillable:
            cases.append((f"{f.number} {f.name} xsi:nil vide", _nil(f)))
        if f.nillable:
            cases.append((f"{f.number} {f.name} xsi:nil avec valeur", _nil(f, keep_text=True)))
    return cases


def _passage(root, index=0):
    return root.findall(f".//{N}passageCertification")[index]


def _reverse_children(path):
    def mutate(root):
        el = root.xpath(path, namespaces={"cpf": NAMESPACE})[0]
        children = list(el)
        for child in children:
            el.remove(child)
        for child in reversed(children):
            el.append(child)

    return mutate


def _other_cases():
    def both_branches(root):
        ident = _passage(root, 0).find(f"{N}identificationTitulaire")
        ident.append(copy.deepcopy(_passage(root, 1).find(f".//{N}dossierFormation")))

    def no_branch(root):
        ident = _passage(root, 0).find(f"{N}identificationTitulaire")
        for child in list(ident):
            ident.remove(child)

    def both_birth_codes(root):
        commune = root.find(f".//{N}codeCommuneNaissance")
        postal = etree.SubElement(commune, f"{N}codePostalNaissance")
        etree.SubElement(postal, f"{N}codePostal").text = "31000"

    def postal_birth_code(root):
        commune = root.find(f".//{N}codeCommuneNaissance")
        for child in list(commune):
            commune.remove(child)
        postal = etree.SubElement(commune, f"{N}codePostalNaissance")
        etree.SubElement(postal, f"{N}codePostal").text = "31000"

    def postal_birth_code_nil(root):
        commune = root.find(f".//{N}codeCommuneNaissance")
        for child in list(commune):
            commune.remove(child)
        postal = etree.SubElement(commune, f"{N}codePostalNaissance")
        etree.SubElement(postal, f"{N}codePostal").set(NIL, "true")

    def no_passage(root):
        passages = root.find(f".//{N}passageCertifications")
        for child in list(passages):
            passages.remove(child)

    def two_certifications(root):
        cert = root.find(f".//{N}certification")
        cert.addnext(copy.deepcopy(cert))

    def two_certificateurs(root):
        cert = root.find(f".//{N}certificateur")
        cert.addnext(copy.deepcopy(cert))

    def unknown_element(root):
        etree.SubElement(_passage(root), f"{N}commentaire").text = "x"

    def foreign_namespace(root):
        etree.SubElement(_passage(root), "{urn:autre}note").text = "x"

    def unqualified_child(root):
        etree.SubElement(_passage(root), "verbatim").text = "x"

    def attribute(root):
        _passage(root).find(f"{N}idTechnique").set("source", "tableur")

    def xsi_type(root):
        _passage(root).find(f"{N}idTechnique").set(f"{{{XSI_NAMESPACE}}}type", "xs:string")

    def text_in_group(root):
        _passage(root).find(f"{N}modalitesInscription").text = "texte"

    def empty_resultats(root):
        res = root.find(f".//{N}resultats")
        for child in list(res):
            res.remove(child)

    def empty_resultat(root):
        res = root.find(f".//{N}resultat")
        for child in list(res):
            res.remove(child)

    def many_resultats(root):
        res = root.find(f".//{N}resultats")
        for _ in range(5):
            res.append(copy.deepcopy(res[0]))

    def empty_niveau_numerique(root):
        el = root.find(f".//{N}niveauNumeriqueEuropeen")
        for child in list(el):
            el.remove(child)

    def wrong_root_namespace(root):
        root.tag = "{urn:cdc:cpf:pc5:schema:0.9}flux"

    def comment_and_pi(root):
        _passage(root).insert(0, etree.Comment(" relu le 12/01 "))
        _passage(root).insert(1, etree.ProcessingInstruction("outil", "v1"))

    def passage_with_200_copies(root):
        passages = root.find(f".//{N}passageCertifications")
        for i in range(200):
            p = copy.deepcopy(passages[0])
            p.find(f"{N}idTechnique").text = f"copie-{i}"
            passages.append(p)

    return [
        ("choix titulaire ET dossierFormation", both_branches),
        ("choix identification vide", no_branch),
        ("choix code INSEE ET code postal", both_birth_codes),
        ("code postal de naissance", postal_birth_code),
        ("code postal de naissance nil", postal_birth_code_nil),
        ("aucun passage", no_passage),
        ("deux certifications", two_certifications),
        ("deux certificateurs", two_certificateurs),
        ("élément inconnu", unknown_element),
        ("élément d'un autre espace de noms", foreign_namespace),
        ("élément sans espace de noms", unqualified_child),
        ("attribut inconnu", attribute),
        ("attribut xsi:type", xsi_type),
        ("texte dans un bloc", text_in_group),
        ("resultats vide", empty_resultats),
        ("resultat vide", empty_resultat),
        ("six resultats", many_resultats),
        ("niveauNumeriqueEuropeen vide", empty_niveau_numerique),
        ("racine d'un autre espace de noms", wrong_root_namespace),
        ("commentaire et instruction", comment_and_pi),
        ("200 passages", passage_with_200_copies),
        (
            "ordre inversé dans le passage (xsd:all)",
            _reverse_children("//cpf:passageCertification[1]"),
        ),
        ("ordre inversé dans le titulaire", _reverse_children("//cpf:titulaire")),
        ("ordre inversé dans le flux", _reverse_children("/cpf:flux")),
        ("ordre inversé dans le certificateur", _reverse_children("//cpf:certificateur")),
        ("ordre inversé dans la certification", _reverse_children("//cpf:certification")),
        ("ordre inversé dans un resultat", _reverse_children("//cpf:resultat[1]")),
    ]


TREE_CASES = _leaf_value_cases() + _structure_cases() + _other_cases()


def _bytes_cases(raw: bytes):
    text = raw.decode("utf-8")
    latin = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    return [
        ("BOM UTF-8", b"\xef\xbb\xbf" + raw),
        ("fins de ligne CRLF", raw.replace(b"\n", b"\r\n")),
        ("ISO-8859-1 déclaré et réel", latin.encode("latin-1")),
        ("UTF-16 avec BOM", text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")),
        ("sans déclaration XML", raw.split(b"?>", 1)[1].lstrip()),
        ("UTF-8 déclaré mais octets latin-1", text.encode("latin-1")),
        ("tronqué", raw[: len(raw) // 2]),
        ("entité prédéfinie &amp;", raw.replace(b"Toulouse", b"Toulouse &amp; environs")),
        ("référence de caractère", raw.replace(b"Toulouse", b"Toulous&#233;")),
        ("CDATA", re.sub(rb"(<cpf:verbatim>)([^<]+)<", rb"\1<![CDATA[\2]]><", raw, count=1)),
    ]


@pytest.fixture(scope="module")
def our_schema():
    return xsd.load_schemas("1.1.2")


def _verdict(schema, data: bytes) -> bool:
    try:
        doc = safexml.fromstring(data)
    except etree.XMLSyntaxError:
        return False
    return schema.validate(doc)


def _streaming_verdict(data: bytes) -> tuple[bool, list]:
    report = validate_file(data, schema="1.1.2")
    blocking = [
        f
        for f in report.findings
        if f.severity == "error" and (f.rule.startswith("XSD-") or f.rule.startswith("XML-"))
    ]
    return not blocking, blocking


def _mutated(raw: bytes, mutate) -> bytes:
    root = safexml.fromstring(raw)
    mutate(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_enough_cases():
    assert len(TREE_CASES) >= 300


@pytest.mark.parametrize(("label", "mutate"), TREE_CASES, ids=[c[0] for c in TREE_CASES])
def test_streaming_agrees_with_our_schema(label, mutate, example_flux_bytes, our_schema):
    data = _mutated(example_flux_bytes, mutate)
    expected = _verdict(our_schema.complete, data)
    streamed, blocking = _streaming_verdict(data)
    assert streamed == expected, (label, blocking)
    if not expected:  # every rejection is explained in French, with a line
        assert blocking and all(f.line for f in blocking)
        assert all("Element" not in f.message and "expected" not in f.message for f in blocking)


def test_streaming_agrees_with_our_schema_on_encodings(example_flux_bytes, our_schema):
    for label, data in _bytes_cases(example_flux_bytes):
        streamed, blocking = _streaming_verdict(data)
        assert streamed == _verdict(our_schema.complete, data), (label, blocking)


def test_mutations_really_mutate(example_flux_bytes, our_schema):
    """Both verdicts must come plenty of times, or the comparisons prove little."""
    verdicts = [
        _verdict(our_schema.complete, _mutated(example_flux_bytes, m)) for _, m in TREE_CASES
    ]
    assert verdicts.count(True) > 80
    assert verdicts.count(False) > 150


@pytest.fixture(scope="module")
def official_schema(cdc_oracle_xsd):
    return etree.XMLSchema(safexml.parse(str(cdc_oracle_xsd)))


def test_same_verdicts_as_the_official_xsd(
    cdc_oracle_example_bytes, example_flux_bytes, official_schema, our_schema
):
    """Oracle: the official XSD and ours agree on every mutation of both examples, and the
    streaming validator agrees with them on the CDC's example."""
    disagreements, official_verdicts = [], []
    for base, raw in (("exemple CDC", cdc_oracle_example_bytes), ("exemple", example_flux_bytes)):
        for label, mutate in TREE_CASES:
            data = _mutated(raw, mutate)
            expected = _verdict(official_schema, data)
            official_verdicts.append(expected)
            if _verdict(our_schema.complete, data) != expected:
                disagreements.append((base, label, "schéma", expected))
            if raw is cdc_oracle_example_bytes and _streaming_verdict(data)[0] != expected:
                disagreements.append((base, label, "flux", expected))
        for label, data in _bytes_cases(raw):
            expected = _verdict(official_schema, data)
            if _streaming_verdict(data)[0] != expected:
                disagreements.append((base, label, "flux", expected))
    assert disagreements == []
    assert official_verdicts.count(True) > 160 and official_verdicts.count(False) > 300
