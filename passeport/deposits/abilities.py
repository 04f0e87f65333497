"""What a member (or an API token) may do with one deposit (core/abilities.py).

A deposit belongs to the certifier that sent it: its abilities are the certifier's
(`certifiers.abilities`), narrowed by the deposit's own state — an accusé de traitement exists
only once processed, rejected passages can be exported or corrected only when there are some.
"""

from passeport.certifiers.abilities import certifier_abilities
from passeport.core import abilities

from .models import Deposit, SpreadsheetAnalysis


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


@abilities.register(SpreadsheetAnalysis)
def analysis_abilities(principal, analysis: SpreadsheetAnalysis) -> dict[str, bool]:
    """A spreadsheet between upload and deposit is the depositors' work: only a member who may
    deposit for its certifier sees it (the others get 404, as for an unknown id)."""
    space = certifier_abilities(principal, analysis.certifier)
    use = space["deposit"]
    open_ = analysis.state != SpreadsheetAnalysis.State.DEPOSITED
    return {
        "view": use,
        "map": use
        and analysis.state
        in (SpreadsheetAnalysis.State.MAPPING, SpreadsheetAnalysis.State.PREVIEW),
        "confirm": use
        and open_
        and analysis.state == SpreadsheetAnalysis.State.PREVIEW
        and bool(analysis.results.get("xml")),
        "download": use and bool(analysis.results),
    }
