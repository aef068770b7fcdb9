"""Receivers: an employee changed (created by an import, moved, new job title, deactivated),
so the launched campaigns' audiences are brought in step, once per transaction, after commit.

The producers (staff import, unit moves, the admin's forms) do not know about campaigns: they
save the ``User`` and this listens to its ``post_save``. A nightly beat task catches anything
else (``hr.tasks.campaigns_sync_task``)."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_save

# Fields whose change can move someone in or out of an audience.
AUDIENCE_FIELDS = frozenset({"unit", "job_title", "is_active", "matricule"})

_PENDING_ATTR = "_hr_campaign_sync_pending"


def _flush() -> None:
    from .tasks import campaigns_sync_task

    connection = connections[DEFAULT_DB_ALIAS]
    ids = getattr(connection, _PENDING_ATTR, None) or set()
    setattr(connection, _PENDING_ATTR, None)
    if ids:
        campaigns_sync_task.delay(sorted(ids))


def user_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """Note the person; at commit, the first flush queues one task for everyone noted. Ids noted
    in a transaction that rolls back go with the next commit (a sync changes nothing then)."""
    if raw or (update_fields is not None and not (AUDIENCE_FIELDS & set(update_fields))):
        return
    connection = connections[DEFAULT_DB_ALIAS]
    pending = getattr(connection, _PENDING_ATTR, None)
    if pending is None:
        pending = set()
        setattr(connection, _PENDING_ATTR, pending)
    pending.add(instance.pk)
    transaction.on_commit(_flush)


def connect() -> None:
    from academy.accounts.models import User

    post_save.connect(user_saved, sender=User, dispatch_uid="hr-campaign-audience")
