"""The door of certifier pages, shared with the deposits app's pages.

`certifier_for_request(request, certifier_id, action)` answers 404 for a certifier the user is
not a member of (whatever the id, existing or not: ids of others are never confirmed), 403
when `certifiers.abilities` refuses the action, and makes sure the session was opened with the
second factor. Views use the `certifier_member_required(action)` decorator, and read
`abilities.for_request(request, certifier)` (computed once per request) to show each action
exactly when it is allowed.

In tests, a client logged in with `force_login` must also carry the two-factor mark
(`passeport.testing` `verified_client`), or go through the real login pages.
"""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from passeport.accounts import twofactor
from passeport.core import abilities

from . import abilities as certifier_rules
from . import standing
from .models import Certifier

# Why an action is refused, in the member's words (403 pages).
REFUSALS = {
    "deposit": "Votre rôle ne permet pas de déposer pour cet organisme, ou l'organisme est "
    "suspendu.",
    "correct": "Votre rôle ne permet pas de corriger les passages de cet organisme, ou "
    "l'organisme est suspendu.",
    "confirm_error": "Votre rôle ne permet pas de confirmer une erreur pour cet organisme, ou "
    "l'organisme est suspendu.",
}
ADMINISTRATORS_ONLY = "Seuls les administrateurs de l'organisme ont accès à cette page."


def certifier_for_request(request, certifier_id, action: str = "view") -> Certifier:
    certifier = Certifier.objects.filter(pk=certifier_id).first()
    allowed = abilities.for_request(request, certifier) if certifier is not None else None
    if allowed is None or not allowed["view"]:
        raise Http404("Organisme introuvable.")
    if not allowed[action]:
        member_could = certifier_rules.for_role(
            certifier_rules.role_of(request.user, certifier), certifier_active=True
        )[action]
        if member_could and not certifier.is_active:
            raise PermissionDenied(standing.suspension_notice(certifier))
        raise PermissionDenied(REFUSALS.get(action, ADMINISTRATORS_ONLY))
    return certifier


def certifier_member_required(action: str = "view"):
    """View decorator: `view(request, certifier, **kwargs)` gets the checked certifier (from the
    URL's `certifier_id`) once `action` is allowed."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, certifier_id, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not twofactor.session_is_verified(request):
                if not Certifier.objects.for_user(request.user).filter(pk=certifier_id).exists():
                    # Not a member (a holder, an agent…): a page they may not see, answered
                    # as such; their session is theirs and stays open.
                    raise Http404("Organisme introuvable.")
                # A member whose session was opened before they joined (password only): start
                # again with the second factor.
                logout(request)
                return redirect_to_login(request.get_full_path())
            certifier = certifier_for_request(request, certifier_id, action)
            return view(request, certifier, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view):
    """Back-office views: operators only (`is_staff`); others are sent to the login page."""
    from django.contrib.admin.views.decorators import staff_member_required

    return staff_member_required(view, login_url="accounts:login")
