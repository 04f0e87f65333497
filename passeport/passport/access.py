"""« Qui a consulté mon passeport » : the access log, written on every read by anyone else."""

from .models import AccessLog, Holder


def log_access(
    *,
    person_id=None,
    holder: Holder | None = None,
    accessor=None,
    accessor_label: str,
    channel: str,
    purpose: str = "",
) -> AccessLog:
    """Record a read of a passport by someone other than its holder (operator, export, API).

    The holder's own reads are not logged (they are not « someone who consulted »).
    """
    if holder is not None and accessor is not None and holder.user_id == accessor.pk:
        raise ValueError("le titulaire qui consulte son propre passeport n'est pas journalisé")
    if holder is None and person_id is not None:
        holder = Holder.objects.filter(person_id=person_id).first()
    return AccessLog.objects.create(
        person_id=person_id if person_id is not None else getattr(holder, "person_id", None),
        holder=holder,
        accessor=accessor if getattr(accessor, "is_authenticated", False) else None,
        accessor_label=accessor_label[:255],
        channel=channel,
        purpose=purpose[:255],
    )


def access_logs_of(holder: Holder):
    from django.db.models import Q

    condition = Q(holder=holder)
    if holder.person_id:
        condition |= Q(person_id=holder.person_id)
    return AccessLog.objects.filter(condition).order_by("-created_at")
