"""What a successful FranceConnect login does to our accounts (PRODUCT.md, « Login »).

- under 15 years old (birthdate of the pivot identity): refused, no account is created;
- the holder account is found by FranceConnect's `sub` (never by e-mail: an e-mail address is
  not an identity), or created with an unusable password (holders only log in through
  FranceConnect);
- the pivot identity is kept encrypted, and the account linked to its register person at every
  login until it is (`passeport.passport.linking`).
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.utils.translation import gettext as _

from passeport.core.models import AuditEvent
from passeport.passport.linking import is_old_enough, link_holder, parse_birthdate
from passeport.passport.models import Holder

PIVOT_CLAIMS = ("given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry")


@dataclass
class Outcome:
    holder: Holder | None = None
    refused_under_age: bool = False
    error: str = ""


def _free_email(email: str, sub: str) -> str:
    User = get_user_model()
    email = (email or "").strip().lower()
    if email and not User.objects.filter(email__iexact=email).exists():
        return email
    # Address missing or already used by another account (e.g. certifier staff): a private one.
    return f"titulaire-{sub[:16]}@titulaires.passeport.invalid"


def sign_in(request, token: dict, userinfo: dict) -> Outcome:
    sub = token["userinfo"]["sub"]
    pivot = {name: userinfo.get(name, "") for name in PIVOT_CLAIMS}
    birth_date = parse_birthdate(pivot["birthdate"])
    if birth_date is None:
        return Outcome(error=_("FranceConnect n’a pas transmis de date de naissance exploitable."))
    if not is_old_enough(birth_date):
        AuditEvent.record("franceconnect.refused_under_age")
        return Outcome(refused_under_age=True)
    given_name = (pivot["given_name"] or "").split(" ")[0]
    with transaction.atomic():
        holder = (
            Holder.objects.select_for_update().select_related("user").filter(fc_sub=sub).first()
        )
        if holder is None:
            user = get_user_model().objects.create_user(
                email=_free_email(userinfo.get("email", ""), sub),
                password=None,
                # Only the first given name, to greet: the full identity stays encrypted.
                first_name=given_name[:150],
            )
            holder = Holder.objects.create(
                user=user,
                fc_sub=sub,
                pivot_identity=json.dumps(pivot, ensure_ascii=False),
            )
            AuditEvent.record("franceconnect.holder_created", target=holder)
        else:
            holder.pivot_identity = json.dumps(pivot, ensure_ascii=False)
            holder.save(update_fields=["pivot_identity", "updated_at"])
        link_holder(holder, pivot)
    login(request, holder.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return Outcome(holder=holder)
