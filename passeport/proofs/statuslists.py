"""Bitstring Status List (W3C Bitstring Status List 1.0): allocate, flip, publish.

Each credential gets one bit of a list (`BitstringStatusListEntry`, statusPurpose
« revocation »); revoking sets the bit; the list is published as a signed
`BitstringStatusListCredential` at `/preuves/statuts/<n>` that any verifier can fetch (with a
`ttl` and the matching HTTP cache headers). Publishing re-signs the lists whose bits changed:
the background task that revokes publishes in the same run, so a revocation is visible to
outside verifiers within one task cycle (plus their cache's `ttl`), and to our own
verification at once (it reads the bits in the database).

Open Badges 3.0's JSON Schema admits one `credentialStatus` object per credential: each
credential carries its revocation entry only (no suspension list).
"""

import base64
import datetime
import gzip
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from . import linkeddata, signing
from .models import Credential, StatusList


def list_url(status_list: StatusList) -> str:
    return settings.SITE_URL + reverse("proofs:status_list", args=[status_list.number])


def _new_list() -> StatusList:
    last = StatusList.objects.order_by("-number").values_list("number", flat=True).first()
    size = StatusList.SIZE
    return StatusList.objects.create(
        number=(last or 0) + 1,
        size=size,
        bits=bytes(size // 8),
        multiplier=secrets.randbelow(size // 2) * 2 + 1,  # odd: a bijection modulo 2^17
        offset=secrets.randbelow(size),
    )


def allocate() -> tuple[StatusList, int]:
    """A fresh (list, index) for a new credential; call inside the issuing transaction."""
    status_list = (
        StatusList.objects.select_for_update()
        .filter(allocated__lt=F("size"))
        .order_by("number")
        .first()
    )
    if status_list is None:
        status_list = StatusList.objects.select_for_update().get(pk=_new_list().pk)
    index = status_list.index_of(status_list.allocated)
    status_list.allocated += 1
    status_list.save(update_fields=["allocated", "updated_at"])
    return status_list, index


def status_entry(status_list: StatusList, index: int) -> dict:
    url = list_url(status_list)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_list.purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode(bits: bytes) -> str:
    """`encodedList`: multibase base64url without padding ("u") of the GZIP-compressed bits."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList doit être en base64url multibase (préfixe « u »)")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def ttl_seconds() -> int:
    return settings.PROOFS_STATUS_LIST_TTL


def status_list_credential(status_list: StatusList, *, now=None) -> dict:
    """The signed BitstringStatusListCredential of the list's current bits."""
    url = list_url(status_list)
    now = now or timezone.now()
    unsigned = {
        "@context": [linkeddata.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signing.issuer_id(),
        "validFrom": signing._iso(now),
        "credentialSubject": {
            "id": f"{url}#liste",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode(bytes(status_list.bits)),
            # §2.2: how long (milliseconds) a verifier may cache it; the HTTP headers agree.
            "ttl": ttl_seconds() * 1000,
        },
    }
    return signing.add_proof(unsigned, created=now)


def publish(status_list: StatusList) -> StatusList:
    """Re-signs and stores the list's credential (inside a transaction holding its row)."""
    now = timezone.now()
    status_list.published = json.dumps(
        status_list_credential(status_list, now=now), ensure_ascii=False, separators=(",", ":")
    )
    status_list.published_at = now
    status_list.version += 1
    status_list.stale = False
    status_list.save(update_fields=["published", "published_at", "version", "stale", "updated_at"])
    return status_list


def publish_stale() -> int:
    """Publishes every list whose bits changed since its last publication; returns how many."""
    count = 0
    for pk in StatusList.objects.filter(stale=True).values_list("pk", flat=True):
        with transaction.atomic():
            status_list = StatusList.objects.select_for_update().get(pk=pk)
            if status_list.stale:
                publish(status_list)
                count += 1
    return count


def set_bits(status_list: StatusList, indices: list[int]) -> None:
    data = bytearray(bytes(status_list.bits))
    for index in indices:
        data[index // 8] |= 0x80 >> (index % 8)
    status_list.bits = bytes(data)
    status_list.stale = True
    status_list.save(update_fields=["bits", "stale", "updated_at"])


def revoke(credentials, reason: str, *, when: datetime.datetime | None = None) -> int:
    """Revokes these credentials (a queryset or ids): sets their bits; returns how many were
    still active. The lists are published by `publish_stale` (same task run)."""
    when = when or timezone.now()
    ids = (
        credentials.values_list("pk", flat=True)
        if hasattr(credentials, "values_list")
        else credentials
    )
    with transaction.atomic():
        active = list(
            Credential.objects.select_for_update()
            .filter(pk__in=list(ids), revoked_at__isnull=True)
            .order_by("status_list_id", "status_index")
        )
        by_list: dict = {}
        for credential in active:
            credential.revoked_at = when
            credential.revocation_reason = reason
            credential.updated_at = when
            by_list.setdefault(credential.status_list_id, []).append(credential.status_index)
        Credential.objects.bulk_update(active, ["revoked_at", "revocation_reason", "updated_at"])
        for list_id, indices in by_list.items():
            set_bits(StatusList.objects.select_for_update().get(pk=list_id), indices)
    return len(active)


def is_revoked_bit(credential: Credential) -> bool:
    return StatusList.objects.get(pk=credential.status_list_id).bit(credential.status_index)
