"""What a member (or an API token) may do with one deposit (core/abilities.py).

A deposit belongs to the certifier that sent it: its abilities are the certifier's
(`certifiers.abilities`), narrowed by the deposit's own state — an accusé de traitement exists
only once processed, rejected passages can be exported or corrected only when there are some.
"""

from passeport.certifiers.abilities import certifier_abilities
from passeport.core import abilities

from .models import Deposit


@abilities.register(Deposit)
def deposit_abilities(principal, deposit: Deposit) -> dict[str, bool]:
    space = certifier_abilities(principal, deposit.certifier)
    view = space["view"]
    has_rejected = bool(deposit.passages_ko)
    return {
        "view": view,
        "download_accuse": view and bool(deposit.accuse),
        "export_rejects": view and has_rejected,
        "correct": space["correct"] and has_rejected,
        "ask_help": space["open_ticket"],
    }
