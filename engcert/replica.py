"""Reads that may come from a PostgreSQL replica, and the router that sends them there.

A replica lags its primary by a moment, so nothing reads from it unless a view has said its page
can show data a few seconds old (`reads_from_replica`). Even then these stay on the primary:

- every write, and every read inside a transaction (read-after-write in the same request);
- who the visitor is: sessions, accounts, second factors, permissions (a person who has just
  signed in or been given a role must be recognised on the next page, not a moment later);
- the task queue (a worker must see the task it was just handed).

What reads from the replica is decided in the views that opt in (the public register search,
the staff's dashboards); the certificate verification page and every page that changes state
do not, so a revoked certificate is shown revoked at once and a person always sees their own
last change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import Model

REPLICA = "replica"
PRIMARY = "default"

# App labels whose rows are read from the primary only, whatever the view says: who the visitor
# is and what they may do (accounts, second factors, sessions, roles, API tokens) and the task queue.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "account",
        "mfa",
        "auth",
        "sessions",
        "contenttypes",
        "admin",
        "apiclients",
        "django_tasks_database",
    }
)

# And these models of other apps: a person's roles in the organisations.
PRIMARY_ONLY_MODELS = frozenset({"organisations.membership"})

_replica_allowed: ContextVar[bool] = ContextVar("engcert_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads that tolerate a moment's lag may be served by the replica."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a view whose page may show data a few seconds old (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Sends a read to the replica only when one is configured, the current code asked for it,
    the model is not one that identifies the visitor or queues work, and the primary is not in a
    transaction. Everything else (and every write and migration) goes to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _replica_allowed.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return None
        if connections[PRIMARY].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows, so a row read from either may refer to the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY
