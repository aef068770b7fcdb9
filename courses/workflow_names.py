"""The review workflow's and its task's names, shown in the language of whoever reads them.

Wagtail keeps a workflow's and a task's name in a plain ``CharField`` and its admin prints
``workflow.name`` / ``task.name`` as stored. The names this platform creates
(``courses_permissions_setup``), and the one Wagtail's own migration gives its default
workflow and task, are stored as their English msgid; every instance loaded
from the database carries its translation in the language active when it is loaded instead,
so the admin pages and reports show it in the user's admin language.
Saving puts the msgid back, also when an administrator saves the edit form without changing
the name (the form shows it translated, in any configured language). A name typed by an
administrator is theirs and is shown as typed.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WORKFLOW_NAME = "Course review"
TASK_NAME = "Reviewer approval"

# Wagtail's own migration creates this workflow and its task (on the root page).
WAGTAIL_DEFAULT_NAME = "Moderators approval"

# msgid -> lazy translation. The literals are repeated so that makemessages finds them.
SYSTEM_NAMES = {
    WORKFLOW_NAME: _("Course review"),
    TASK_NAME: _("Reviewer approval"),
    WAGTAIL_DEFAULT_NAME: _("Moderators approval"),
}


def _name_translated(sender, instance, **kwargs) -> None:
    stored = instance.__dict__.get("name")  # absent when the field is deferred
    if isinstance(stored, str) and stored in SYSTEM_NAMES:
        # A plain string (Wagtail and Django need ``str(workflow)`` to be one), in the
        # language active when the row is loaded: the admin activates the user's language
        # before its views run.
        instance.name = gettext(stored)


def _msgid_of(name) -> str | None:
    for msgid, lazy in SYSTEM_NAMES.items():
        if name == msgid:
            return msgid
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                if str(name) == str(lazy):
                    return msgid
    return None


def _name_stored_as_msgid(sender, instance, **kwargs) -> None:
    msgid = _msgid_of(instance.__dict__.get("name"))
    if msgid is not None:
        instance.name = msgid


def workflow_names_connect() -> None:
    """Connects the two handlers to ``Workflow``, ``Task`` and every task type (a task is
    loaded as its base class or as its specific class)."""
    from django.db.models.signals import post_init, pre_save
    from wagtail.models import Task, Workflow
    from wagtail.workflows import get_task_types

    for model in {Workflow, Task, *get_task_types()}:
        uid = f"courses.workflow_names.{model._meta.label_lower}"
        post_init.connect(_name_translated, sender=model, dispatch_uid=f"{uid}.load")
        pre_save.connect(_name_stored_as_msgid, sender=model, dispatch_uid=f"{uid}.save")
