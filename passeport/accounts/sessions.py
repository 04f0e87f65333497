"""Database sessions that carry their user: one query loads both.

Every request of a logged-in person first loads the session, then the user the session names:
two queries, the largest part of what a logged-in page costs beyond an anonymous one. Here the
session row has a `user` column (set when the session is saved) and is read joined with its
user; `SessionUserBackend.get_user` then takes that user instead of querying again. Django's own
checks all still run: `django.contrib.auth.get_user` compares the session's auth hash with the
user's password hash, and `user_can_authenticate` refuses inactive users.

The loaded user is handed over through a context variable, one-shot: set by the session load of
the current request (None when there is no session) and taken by the first `get_user`.
"""

import contextvars
import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

_loaded_user = contextvars.ContextVar("passeport_session_user", default=None)


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def _get_session_from_db(self):
        # Django's own method, with the user joined in.
        _loaded_user.set(None)
        try:
            session = self.model.objects.select_related("user").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as exc:
            if isinstance(exc, SuspiciousOperation):
                logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            self._session_key = None
            return None
        _loaded_user.set(session.user)
        return session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = data.get(SESSION_KEY) or None
        return instance


def take_loaded_user():
    user = _loaded_user.get()
    _loaded_user.set(None)
    return user


class SessionUserBackend(ModelBackend):
    """E-mail and password authentication (Django's ModelBackend) whose `get_user` reuses the
    user loaded with the session."""

    def get_user(self, user_id):
        user = take_loaded_user()
        if user is not None and str(user.pk) == str(user_id):
            return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)
