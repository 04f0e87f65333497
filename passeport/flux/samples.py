"""Realistic CDC flux files of any size, deterministic for a seed (benchmarks and tests).

    from passeport.flux.samples import write_flux, flux_bytes, sample_passage
    write_flux("flux.xml", passages=200_000, seed=1)           # streams to disk, flat memory
    data = flux_bytes(passages=3, version="1.1.5")             # small flux in memory

Every passage is valid against the chosen schema and passes the business rules of
`passeport.flux.rules` for `reference_date` (default 2026-01-15): award dates fall in the two
months before it, birth dates give holders aged 17 to 65, NIRs agree with sex, birth month and
commune. Data varies: accented names, every optional element, nil values, the three ways to
identify a holder (dossierFormation, titulaire with INSEE or postal code, identifiantNational in
1.1.5), several certifications (RNCP and RS). The output is byte-identical for the same
arguments.

`historical=True` gives instead the file of a certifier sending its history: still valid against
the schema, but awards spread over four years before the reference date (most of them raise the
3-month late-transmission warning), one passage in five provisional (donneeCertifiee false, a
warning), and about 0.2 % business-rule errors (implausible birth years, validity ending before
it starts).

`sample_passage(i, seed)` returns the values of one passage as a dict keyed by element name
(nested dicts for groups), the shape the builder and the portal's entry form use.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from passeport.flux.dictionary import NAMESPACE

REFERENCE_DATE = dt.date(2026, 1, 15)

_NOMS = [
    "Dupont", "Martin", "Bernard", "Lefèvre", "Müller", "Nguyễn", "Le Goff", "Da Silva",
    "Élise-Ménard", "Ørsted", "Garçon", "N'Diaye", "Benoît", "Françoise", "Œuvray", "Kowalski",
    "Dubois-Lefèbvre", "Ait Ben Haddou", "Chênevière", "Zoé",
]  # fmt: skip
_PRENOMS_F = [
    "Chloé",
    "Inès",
    "Léa",
    "Anaïs",
    "Maëlle",
    "Zoé",
    "Hélène",
    "Éloïse",
    "Aïcha",
    "Noémie",
]
_PRENOMS_M = [
    "Antoine",
    "Jérôme",
    "Loïc",
    "Raphaël",
    "Noé",
    "Mathéo",
    "François",
    "Benoît",
    "Yanis",
]
# (INSEE code, postal code, commune label)
_COMMUNES = [
    ("31555", "31000", "Toulouse"), ("75056", "75001", "Paris"), ("69123", "69001", "Lyon"),
    ("2A004", "20000", "Ajaccio"), ("2B033", "20200", "Bastia"), ("97411", "97400", "Saint-Denis"),
    ("01053", "01000", "Bourg-en-Bresse"), ("13055", "13001", "Marseille"),
    ("44109", "44000", "Nantes"), ("59350", "59000", "Lille"),
]  # fmt: skip
# Births abroad: (INSEE country code as commune 99xxx, country code, country label)
_ETRANGER = [("99350", "350", "Maroc"), ("99109", "109", "Allemagne"), ("99134", "134", "Espagne")]
_CERTIFICATIONS = [("RNCP", "RNCP35185"), ("RS", "RS5262"), ("RNCP", "RNCP19117"),
                   ("RNCP", "RNCP36004"), ("RS", "RS6109")]  # fmt: skip
_MODALITES = [
    "FORMATION_INITIALE_HORS_APPRENTISSAGE", "FORMATION_INITIALE_APPRENTISSAGE",
    "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION", "VAE", "EQUIVALENCE_DIPLOME_ETRANGER",
    "CANDIDAT_LIBRE",
]  # fmt: skip
_MENTIONS = ["SANS_MENTION", "MENTION_ASSEZ_BIEN", "MENTION_BIEN", "MENTION_TRES_BIEN",
             "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY"]  # fmt: skip
_INITIATIVES = ["CERTIFIE", "OF", "POLE_EMPLOI", "EMPLOYEUR", "AUTRE"]
_CECRL = ["A1", "A2", "B1", "B2", "C1", "C2"]

NIL = None  # value of a nil element in sample_passage dicts


def sample_passage(
    i: int,
    seed: int = 0,
    *,
    version: str = "1.1.2",
    reference_date: dt.date = REFERENCE_DATE,
    historical: bool = False,
) -> dict:
    """The values of passage number `i` (0-based), deterministic for (i, seed, version)."""
    if historical:
        return _historical_passage(i, seed, version, reference_date)
    rnd = random.Random(seed * 1_000_003 + i)  # noqa: S311 (test data, not secrets)
    award = reference_date - dt.timedelta(days=rnd.randint(1, 60))
    exam_end = award - dt.timedelta(days=rnd.randint(0, 20))
    exam_start = exam_end - dt.timedelta(days=rnd.randint(0, 5))
    p: dict = {"idTechnique": f"P{seed:02d}-{i:08d}-{rnd.randrange(16**6):06x}"}
    if rnd.random() < 0.4:
        p["urlPreuve"] = f"https://diplomes.example.fr/verification/{i:08d}"
    if rnd.random() < 0.25:
        p["libelleOption"] = rnd.choice(["Option échanges internationaux", "Parcours santé"])
    scoring = rnd.random() < 0.15
    p["obtentionCertification"] = "PAR_SCORING" if scoring else "PAR_ADMISSION"
    p["donneeCertifiee"] = "true"
    if rnd.random() < 0.6:
        p["dateDebutExamen"] = exam_start.isoformat()
        p["dateFinExamen"] = exam_end.isoformat()
        p["modalitePassageExamen"] = rnd.choice(["A_DISTANCE", "EN_PRESENTIEL", "MIXTE"])
        p["codePostalCentreExamen"] = rnd.choice(_COMMUNES)[1]
    p["dateDebutValidite"] = award.isoformat()
    p["dateFinValidite"] = (
        NIL if rnd.random() < 0.6 else (award + dt.timedelta(days=5 * 365)).isoformat()
    )
    langue = rnd.random() < 0.3
    p["presenceNiveauLangueEuro"] = "true" if langue else "false"
    if langue:
        p["niveauLangueEuropeen"] = rnd.choice(_CECRL)
    numerique = rnd.random() < 0.3
    p["presenceNiveauNumeriqueEuro"] = "true" if numerique else "false"
    if numerique:
        p["niveauNumeriqueEuropeen"] = {
            "scoreGeneral": str(rnd.randint(1, 1000)),
            "resultats": [
                {
                    "niveau": str(rnd.randint(1, 8)),
                    "domaineCompetenceId": str(rnd.randint(1, 5)),
                    "competenceId": str(rnd.randint(1, 9)),
                }
                for _ in range(rnd.randint(1, 3))
            ],
        }
    p["scoring"] = f"{rnd.randint(500, 1000)}" if scoring else NIL
    p["mentionValidee"] = rnd.choice(_MENTIONS) if rnd.random() < 0.6 else NIL
    modalite = rnd.choice(_MODALITES)
    inscription: dict = {"modaliteAcces": modalite if rnd.random() < 0.95 else NIL}
    if modalite == "VAE":
        inscription["voieAccessVAE"] = rnd.choice(["CONGES_VAE", "VAE_CLASSIQUE"])
    if rnd.random() < 0.6:
        inscription["initiativeInscription"] = rnd.choice(_INITIATIVES)
    if rnd.random() < 0.5:
        days = rnd.randint(60, 700)
        inscription["dateInscription"] = (exam_start - dt.timedelta(days=days)).isoformat()
    p["modalitesInscription"] = inscription
    p["identificationTitulaire"] = _holder(rnd, award, version)
    if rnd.random() < 0.2:
        p["verbatim"] = "Session de juin — jury académique"
    return p


def _historical_passage(i: int, seed: int, version: str, reference_date: dt.date) -> dict:
    rnd = random.Random(seed * 7_000_003 + i + 1)  # noqa: S311 (test data, not secrets)
    # an award up to four years old: beyond ~3 months, REG-DELAI-DEPASSE (a warning)
    shifted = reference_date - dt.timedelta(days=rnd.randint(0, 4 * 365))
    p = sample_passage(i, seed, version=version, reference_date=shifted)
    if rnd.random() < 0.2:
        p["donneeCertifiee"] = "false"  # REG-DONNEE-PROVISOIRE (a warning)
    draw = rnd.random()
    holder = p["identificationTitulaire"].get("titulaire")
    if draw < 0.001 and holder is not None:  # REG-NAISSANCE-AGE: a holder of 6
        holder["anneeNaissance"] = str(shifted.year - 6)
    elif draw < 0.002:  # REG-DATES-VALIDITE: validity ends before it starts
        start = dt.date.fromisoformat(p["dateDebutValidite"])
        p["dateFinValidite"] = (start - dt.timedelta(days=30)).isoformat()
    return p


def _holder(rnd: random.Random, award: dt.date, version: str) -> dict:
    sexe = rnd.choice("MF")
    prenoms = _PRENOMS_M if sexe == "M" else _PRENOMS_F
    nom = rnd.choice(_NOMS)
    birth = award - dt.timedelta(days=rnd.randint(17 * 365, 65 * 365))
    abroad = rnd.random() < 0.1
    commune = rnd.choice(_COMMUNES)
    draw = rnd.random()
    if version == "1.1.5" and draw < 0.25:
        place = _ETRANGER[0][0] if abroad else commune[0]
        sex_digit = "1" if sexe == "M" else "2"
        nir = f"{sex_digit}{birth.year % 100:02d}{birth.month:02d}{place}{rnd.randint(1, 999):03d}"
        return {"identifiantNational": {"nir": nir, "nomNaissance": nom}}
    if draw < 0.35:
        return {
            "dossierFormation": {
                "idDossier": f"{rnd.randrange(10**12, 10**13)}",
                "nomTitulaire": nom[:30],
                "prenom1Titulaire": rnd.choice(prenoms)[:20],
            }
        }
    t: dict = {"nomNaissance": nom, "nomUsage": rnd.choice(_NOMS) if rnd.random() < 0.2 else NIL}
    t["prenom1"] = rnd.choice(prenoms)
    if rnd.random() < 0.5:
        t["prenom2"] = rnd.choice(prenoms)
        if rnd.random() < 0.3:
            t["prenom3"] = rnd.choice(prenoms)
    t["anneeNaissance"] = str(birth.year)
    t["moisNaissance"] = str(birth.month) if rnd.random() < 0.97 else NIL
    t["jourNaissance"] = str(birth.day) if t["moisNaissance"] is not NIL else NIL
    t["sexe"] = sexe
    if abroad:
        code, pays, libelle = rnd.choice(_ETRANGER)
        t["codeCommuneNaissance"] = {"codeInseeNaissance": {"codeInsee": code}}
        t["codePaysNaissance"] = pays
        t["libellePaysNaissance"] = libelle
    elif rnd.random() < 0.85:
        t["codeCommuneNaissance"] = {"codeInseeNaissance": {"codeInsee": commune[0]}}
        t["libelleCommuneNaissance"] = commune[2]
        t["codePaysNaissance"] = "100"
        t["libellePaysNaissance"] = "France"
    else:
        t["codeCommuneNaissance"] = {"codePostalNaissance": {"codePostal": commune[1]}}
        t["libelleCommuneNaissance"] = commune[2]
    if rnd.random() < 0.05:
        t["commentairesMEN"] = "Acte de naissance transcrit à Nantes"
    return {"titulaire": t}


def _xml(name: str, value, indent: str) -> str:
    if value is NIL:
        return f'{indent}<cpf:{name} xsi:nil="true"/>\n'
    if isinstance(value, dict):
        inner = "".join(_xml(k, v, indent + " ") for k, v in value.items())
        return f"{indent}<cpf:{name}>\n{inner}{indent}</cpf:{name}>\n"
    if isinstance(value, list):  # resultats: a list of resultat
        inner = "".join(_xml("resultat", v, indent + " ") for v in value)
        return f"{indent}<cpf:{name}>\n{inner}{indent}</cpf:{name}>\n"
    return f"{indent}<cpf:{name}>{escape(value)}</cpf:{name}>\n"


def passage_xml(values: dict, indent: str = "            ") -> str:
    return _xml("passageCertification", values, indent)


def iter_flux_chunks(
    passages: int,
    *,
    seed: int = 0,
    version: str = "1.1.2",
    reference_date: dt.date = REFERENCE_DATE,
    emetteur: str = "AB123CDE",
    certificateur: str = "E564ACB0",
    contrat: str = "2560080000127J",
    certifications: int = 5,
    action: str = "CREATION",
    historical: bool = False,
) -> Iterator[str]:
    """The flux as text chunks (one per passage): constant memory whatever `passages`."""
    stamp = dt.datetime.combine(reference_date, dt.time(9, 30)).isoformat() + "+01:00"
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (
        f'<cpf:flux xmlns:cpf="{NAMESPACE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"  <cpf:idFlux>flux-{seed:04d}-{passages:07d}</cpf:idFlux>\n"
        f"  <cpf:horodatage>{stamp}</cpf:horodatage>\n"
    )
    if version == "1.1.5":
        yield f"  <cpf:action>{action}</cpf:action>\n"
    yield (
        "  <cpf:emetteur>\n"
        f"    <cpf:idClient>{emetteur}</cpf:idClient>\n"
        "    <cpf:certificateurs>\n      <cpf:certificateur>\n"
        f"        <cpf:idClient>{certificateur}</cpf:idClient>\n"
        f"        <cpf:idContrat>{contrat}</cpf:idContrat>\n"
        "        <cpf:certifications>\n"
    )
    groups = max(1, min(certifications, len(_CERTIFICATIONS), passages or 1))
    nature = "CERTIFICATEUR" if emetteur == certificateur else "TIERS_CONFIANCE"
    done = 0
    for g in range(groups):
        count = passages // groups + (1 if g < passages % groups else 0)
        kind, code = _CERTIFICATIONS[g]
        yield (
            "          <cpf:certification>\n"
            f"            <cpf:type>{kind}</cpf:type>\n"
            f"            <cpf:code>{code}</cpf:code>\n"
            f"            <cpf:natureDeposant>{nature}</cpf:natureDeposant>\n"
            "            <cpf:passageCertifications>\n"
        )
        for i in range(done, done + count):
            values = sample_passage(
                i, seed, version=version, reference_date=reference_date, historical=historical
            )
            yield passage_xml(values, "")
        done += count
        yield "            </cpf:passageCertifications>\n          </cpf:certification>\n"
    yield (
        "        </cpf:certifications>\n      </cpf:certificateur>\n    </cpf:certificateurs>\n"
        "  </cpf:emetteur>\n</cpf:flux>\n"
    )


def flux_from_passages(
    passages: list[dict],
    *,
    version: str = "1.1.2",
    type_: str = "RNCP",
    code: str = "RNCP35185",
    nature: str | None = "CERTIFICATEUR",
    emetteur: str = "AB123CDE",
    certificateur: str = "AB123CDE",
    contrat: str = "2560080000127J",
    action: str = "CREATION",
    horodatage: str = "2026-01-15T09:30:00+01:00",
) -> bytes:
    """A flux (UTF-8 bytes) of one certification holding the given passage dicts.

    Passage dicts have the shape of `sample_passage` (None = xsi:nil, nested dicts for groups,
    a list for resultats). Used by tests to write a flux with exactly the values they need.
    """
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<cpf:flux xmlns:cpf="{NAMESPACE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        "<cpf:idFlux>flux-test</cpf:idFlux>\n"
        f"<cpf:horodatage>{horodatage}</cpf:horodatage>\n"
    )
    if version == "1.1.5":
        head += f"<cpf:action>{action}</cpf:action>\n"
    head += (
        f"<cpf:emetteur>\n<cpf:idClient>{emetteur}</cpf:idClient>\n"
        "<cpf:certificateurs>\n<cpf:certificateur>\n"
        f"<cpf:idClient>{certificateur}</cpf:idClient>\n"
        f"<cpf:idContrat>{contrat}</cpf:idContrat>\n"
        "<cpf:certifications>\n<cpf:certification>\n"
        f"<cpf:type>{escape(type_)}</cpf:type>\n<cpf:code>{escape(code)}</cpf:code>\n"
    )
    if nature:
        head += f"<cpf:natureDeposant>{nature}</cpf:natureDeposant>\n"
    body = "<cpf:passageCertifications>\n" + "".join(passage_xml(p, "") for p in passages)
    tail = (
        "</cpf:passageCertifications>\n</cpf:certification>\n</cpf:certifications>\n"
        "</cpf:certificateur>\n</cpf:certificateurs>\n</cpf:emetteur>\n</cpf:flux>\n"
    )
    return (head + body + tail).encode("utf-8")


def write_flux(path: str | Path, passages: int, **options) -> Path:
    """Write a flux of `passages` passages to `path` (UTF-8), streaming; returns the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        buffer: list[str] = []
        for chunk in iter_flux_chunks(passages, **options):
            buffer.append(chunk)
            if len(buffer) >= 512:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
    return path


def flux_bytes(passages: int = 3, **options) -> bytes:
    """A small flux in memory (UTF-8 bytes)."""
    out = io.StringIO()
    for chunk in iter_flux_chunks(passages, **options):
        out.write(chunk)
    return out.getvalue().encode("utf-8")
