"""Guards of the agents' pages: a logged-in, two-factor-verified, active agent."""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from passeport.accounts import twofactor

from .abilities import agent_of


def agent_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        agent = agent_of(request.user)
        if agent is None:
            # Not an agent (a holder, a certifier's member…): the page does not exist for them.
            raise Http404("Cette page est réservée aux agents des organisations.")
        if not twofactor.session_is_verified(request):
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        request.agent = agent
        return view(request, *args, **kwargs)

    return wrapper
