"""JSON shapes of a deposit, shared by the API and the portal's status endpoint."""

from django.urls import reverse

from .models import Deposit
from .reception import accuse_reception


def deposit_json(deposit: Deposit, request=None, *, with_reception: bool = False) -> dict:
    def url(name, *args):
        path = reverse(name, args=args)
        return request.build_absolute_uri(path) if request is not None else path

    body = {
        "id": str(deposit.pk),
        "numeroTraitement": deposit.number,
        "nomFichier": deposit.file_name,
        "statut": deposit.status,
        "libelleStatut": deposit.get_status_display(),
        "canal": deposit.channel,
        "recuLe": deposit.received_at.isoformat(),
        "traiteLe": deposit.processed_at.isoformat() if deposit.processed_at else None,
        "idFlux": deposit.id_flux,
        "action": deposit.action,
        "passages": {
            "total": deposit.passages_total,
            "traites": deposit.passages_done,
            "acceptes": deposit.passages_ok,
            "rejetes": deposit.passages_ko,
        },
        "progression": deposit.progress_percent,
        "liens": {"self": url("api:deposit", deposit.pk)},
    }
    if deposit.accuse:
        body["liens"]["accuseTraitement"] = url("api:deposit_accuse", deposit.pk)
    if with_reception:
        body["accuseReception"] = accuse_reception(deposit)
    return body
