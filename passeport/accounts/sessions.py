"""Database sessions that carry their user: one query loads both.

Every request of a logged-in person first loads the session, then the user the session names:
two queries, the largest part of what a logged-in page costs beyond an anonymous one. Here the
session row has a `user` column (set when the session is saved) and is read joined with its
user; `SessionUserBackend.get_user` then takes that user instead of querying again. Django's own
checks all still run: `django.contrib.auth.get_user` compares the session's auth hash with the
user's password hash, and `user_can_authenticate` refuses inactive users.

The loaded user is handed over through a context variable, one-shot: set by the session load of
the current request (None when there is no session) and taken by the first `get_user`.

`settings.SESSION_USER_RELATED` names one-to-one relations of the user loaded in the same query
(the holder profile, for the passport pages: bench/bench_passport_page.py). The settings name
them so that this app does not depend on the apps that hang profiles on its users.
"""

import contextvars
import logging
from dataclasses import dataclass
from functools import cache as memoise

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

_loaded_user = contextvars.ContextVar("passeport_session_user", default=None)


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def _get_session_from_db(self):
        # Django's own method, with the user (and its profiles) joined in.
        _loaded_user.set(None)
        try:
            session = _joined_query(self.model, self.session_key)
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            session = None
        if session is None:
            self._session_key = None
            return None
        _loaded_user.set(session.user)
        return session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = data.get(SESSION_KEY) or None
        return instance


def _user_related() -> tuple[str, ...]:
    return tuple(settings.SESSION_USER_RELATED)


@dataclass(frozen=True)
class _Part:
    """One model of the joined query: its columns' attnames and converters, and how it hangs
    on the previous instances (the cache of a relation descriptor)."""

    model: type
    attnames: tuple[str, ...]
    pk_index: int  # where its primary key is among them: NULL when no row was joined
    converters: tuple[tuple, ...]  # per column: (converter, expression) pairs
    attach: object  # callable(instances, instance) or None for the session itself


@memoise
def _joined_plan(session_model, alias: str, related: tuple[str, ...]) -> tuple[str, tuple]:
    """The SQL of « this session, unexpired, with its user and the user's profiles », and how
    to turn a row into model instances.

    Written once per process: the ORM's `select_related(...).get(...)` would compile it again
    on every request, which costs more than the database takes to run it
    (bench/bench_passport_page.py). Values go through the converters the ORM would apply
    (backend's, then field's: `SQLCompiler.get_converters`) and instances are made with
    `Model.from_db`, so they are exactly the ORM's.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    user_field = session_model._meta.get_field("user")
    user_model = user_field.related_model
    parts: list[_Part] = []
    select: list[str] = []
    joins: list[str] = []

    def add(model, table_alias, attach):
        converters = []
        for field in model._meta.concrete_fields:
            select.append(f"{table_alias}.{quote(field.column)}")
            column = field.get_col(table_alias)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            converters.append(tuple((converter, column) for converter in found))
        fields = model._meta.concrete_fields
        attnames = tuple(f.attname for f in fields)
        pk_index = fields.index(model._meta.pk)
        parts.append(_Part(model, attnames, pk_index, tuple(converters), attach))

    add(session_model, "s", None)
    add(user_model, "u", lambda made, user: user_field.set_cached_value(made[0], user))
    joins.append(
        f"LEFT JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.{quote(user_field.target_field.column)} = s.{quote(user_field.column)}"
    )
    for index, name in enumerate(related, start=1):
        relation = user_model._meta.get_field(name)  # a reverse one-to-one (OneToOneRel)
        profile = relation.related_model
        table_alias = f"r{index}"
        add(
            profile, table_alias, lambda made, obj, rel=relation: rel.set_cached_value(made[1], obj)
        )
        joins.append(
            f"LEFT JOIN {quote(profile._meta.db_table)} {table_alias} "
            f"ON {table_alias}.{quote(relation.field.column)} = "
            f"u.{quote(relation.field.target_field.column)}"
        )
    table = quote(session_model._meta.db_table)
    sql = (
        f"SELECT {', '.join(select)} FROM {table} s {' '.join(joins)} "  # noqa: S608 - own names
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )
    return sql, tuple(parts)


def _joined_query(session_model, session_key: str):
    """The unexpired session `session_key` with `session.user` (and its profiles) loaded, or
    None. One query."""
    alias = router.db_for_read(session_model)
    connection = connections[alias]
    sql, parts = _joined_plan(session_model, alias, _user_related())
    expire = session_model._meta.get_field("expire_date")
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_key, expire.get_db_prep_value(timezone.now(), connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    made: list = []
    start = 0
    for part in parts:
        values = list(row[start : start + len(part.attnames)])
        start += len(part.attnames)
        if values[part.pk_index] is None:
            # The primary key is NULL: no row joined (a session without user, a user without
            # this profile).
            instance = None
        else:
            for i, converters in enumerate(part.converters):
                for converter, expression in converters:
                    values[i] = converter(values[i], expression, connection)
            instance = part.model.from_db(alias, part.attnames, values)
        # Profiles hang on the user: nothing to attach them to without one.
        if part.attach is not None and (len(made) == 1 or made[1] is not None):
            part.attach(made, instance)
        made.append(instance)
    return made[0]


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
