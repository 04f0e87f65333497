"""Test identities offered by the development identity provider (/fc-dev/).

Claims are FranceConnect's pivot identity, as FranceConnect returns them: `given_name` holds all
given names separated by spaces, `family_name` the birth name, `birthdate` YYYY-MM-DD, `gender`
male/female, `birthplace` the INSEE code of the birth commune (empty when born abroad),
`birthcountry` the INSEE country code (99100 = France).

`register` says what the demo identity register holds for each (passeport/franceconnect/demo.py
creates those persons): it is what makes each identity show one branch of the linking.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TestIdentity:
    key: str
    label: str
    description: str
    claims: dict
    # The NIR and spelling of the matching person(s) in the demo register (none: not in it).
    register: tuple[dict, ...] = field(default=())


def _claims(given, family, birthdate, gender, birthplace, email, birthcountry="99100"):
    return {
        "given_name": given,
        "family_name": family,
        "birthdate": birthdate,
        "gender": gender,
        "birthplace": birthplace,
        "birthcountry": birthcountry,
        "email": email,
        "preferred_username": "",
    }


def _person(nir, birth_name, given_names, sex, birth_date, commune, country="99100"):
    return {
        "nir": nir,
        "birth_name": birth_name,
        "given_names": given_names,
        "sex": sex,
        "birth_date": birth_date,
        "birth_commune": commune,
        "birth_country": country,
    }


TEST_IDENTITIES: tuple[TestIdentity, ...] = (
    TestIdentity(
        key="camille",
        label="Camille Lefèvre",
        description="Présente dans le registre d'identité, avec des certifications déposées.",
        claims=_claims(
            "Camille Anne",
            "Lefèvre",
            "1988-04-12",
            "female",
            "75112",
            "camille.lefevre@demo.passeport.localhost",
        ),
        register=(
            _person("288047511204519", "Lefèvre", "Camille Anne", "F", "1988-04-12", "75112"),
        ),
    ),
    TestIdentity(
        key="antoine",
        label="Antoine Dupont",
        description=(
            "Présent dans le registre sous une autre graphie (DUPONT, ANTOINE JULIEN "
            "PHILIPPE) : rattaché grâce à la normalisation."
        ),
        claims=_claims(
            "Antoine Julien Philippe",
            "Dupont",
            "1996-11-15",
            "male",
            "31555",
            "antoine.dupont@demo.passeport.localhost",
        ),
        register=(
            _person(
                "196113155512325", "DUPONT", "ANTOINE JULIEN PHILIPPE", "M", "1996-11-15", "31555"
            ),
        ),
    ),
    TestIdentity(
        key="ana",
        label="Ana Maria Da Silva",
        description="Née à l'étranger (Portugal) : rattachée par le pays de naissance.",
        claims=_claims(
            "Ana Maria",
            "Da Silva",
            "1999-05-03",
            "female",
            "",
            "ana.dasilva@demo.passeport.localhost",
            birthcountry="99139",
        ),
        register=(
            _person(
                "299059913902102", "Da Silva", "Ana Maria", "F", "1999-05-03", "99139", "99139"
            ),
        ),
    ),
    TestIdentity(
        key="lea",
        label="Léa Durand (13 ans)",
        description="Moins de 15 ans : la connexion est refusée avec une explication.",
        claims=_claims(
            "Léa", "Durand", "2013-09-01", "female", "75056", "lea.durand@demo.passeport.localhost"
        ),
        register=(_person("213097505601255", "Durand", "Léa", "F", "2013-09-01", "75056"),),
    ),
    TestIdentity(
        key="nadia",
        label="Nadia Belkacem",
        description=(
            "Absente du registre d'identité : le compte est créé, vide, et sera rattaché "
            "quand la personne y apparaîtra."
        ),
        claims=_claims(
            "Nadia",
            "Belkacem",
            "1985-02-20",
            "female",
            "13055",
            "nadia.belkacem@demo.passeport.localhost",
        ),
    ),
    TestIdentity(
        key="dominique",
        label="Dominique Bernard",
        description=(
            "Deux homonymes nés le même jour au même endroit dans le registre : aucun "
            "rattachement n'est deviné."
        ),
        claims=_claims(
            "Dominique",
            "Bernard",
            "1978-11-03",
            "male",
            "33063",
            "dominique.bernard@demo.passeport.localhost",
        ),
        register=(
            _person("178113306301111", "Bernard", "Dominique", "M", "1978-11-03", "33063"),
            _person("178113306302297", "BERNARD", "DOMINIQUE", "M", "1978-11-03", "33063"),
        ),
    ),
)


def ensure_in_register(identity: TestIdentity) -> list:
    """Create the register persons of a test identity if missing (by NIR): demo and tests."""
    import datetime

    from passeport.identity import keys
    from passeport.identity.models import Person

    persons = []
    for values in identity.register:
        person = Person.objects.filter(nir_hash=keys.nir_key(values["nir"])).first()
        if person is None:
            person = Person.build(
                **{**values, "birth_date": datetime.date.fromisoformat(values["birth_date"])}
            )
            person.save()
        persons.append(person)
    return persons


BY_KEY = {identity.key: identity for identity in TEST_IDENTITIES}
