"""Access checks for certifier pages, shared with the deposits app's pages.

`certifier_for_request(request, certifier_id, need=...)` is the one door: it answers 404 for a
certifier the user is not a member of (whatever the id, existing or not: ids of others are
never confirmed), 403 when the member's role is not enough, and makes sure the session was
opened with the second factor. Views use the `certifier_member_required` decorator.

In tests, a client logged in with `force_login` must also carry the two-factor mark:
`session[twofactor.VERIFIED_SESSION_KEY] = True; session.save()` (see
tests/certifiers/certifiers_helpers.py `verified_client`), or go through the real login pages.
"""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from passeport.accounts import twofactor

from .models import Certifier, user_can_administer, user_can_deposit, user_role

VIEW = "view"
DEPOSIT = "deposit"
ADMINISTER = "administer"


def certifier_for_request(request, certifier_id, need: str = VIEW) -> Certifier:
    certifier = Certifier.objects.for_user(request.user).filter(pk=certifier_id).first()
    if certifier is None:
        raise Http404("Organisme introuvable.")
    if need == DEPOSIT and not user_can_deposit(request.user, certifier):
        raise PermissionDenied(
            "Votre rôle ne permet pas de déposer pour cet organisme, ou l'organisme est suspendu."
        )
    if need == ADMINISTER and not user_can_administer(request.user, certifier):
        raise PermissionDenied("Seuls les administrateurs de l'organisme ont accès à cette page.")
    return certifier


def certifier_member_required(need: str = VIEW):
    """View decorator: `view(request, certifier, **kwargs)` gets the checked certifier (from the
    URL's `certifier_id`); also sets `request.certifier_role`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, certifier_id, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not twofactor.session_is_verified(request):
                # A session opened before the user joined a certifier (password only): start
                # again with the second factor.
                logout(request)
                return redirect_to_login(request.get_full_path())
            certifier = certifier_for_request(request, certifier_id, need)
            request.certifier_role = user_role(request.user, certifier)
            return view(request, certifier, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view):
    """Back-office views: operators only (`is_staff`); others are sent to the login page."""
    from django.contrib.admin.views.decorators import staff_member_required

    return staff_member_required(view, login_url="accounts:login")
