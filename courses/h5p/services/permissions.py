"""Admin rights on H5P for the authoring roles (called by the courses permissions setup)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from academy.accounts.models import Group as RoleGroup

TRAINER_CODENAMES = (
    "add_h5ppackage",
    "change_h5ppackage",
    "view_h5ppackage",
    "add_h5pactivity",
    "change_h5pactivity",
    "view_h5pactivity",
    "view_h5plibrary",
)
REVIEWER_CODENAMES = ("view_h5ppackage", "view_h5pactivity", "view_h5plibrary")


@transaction.atomic
def h5p_permissions_setup() -> None:
    """Idempotent: trainers upload packages and manage activities; reviewers see them.
    Blocking libraries and patch upgrades stay with platform administrators."""
    for name, codenames in (
        (RoleGroup.TRAINERS, TRAINER_CODENAMES),
        (RoleGroup.REVIEWERS, REVIEWER_CODENAMES),
    ):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="h5p", codename__in=codenames)
        )
