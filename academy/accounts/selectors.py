"""Who may see what: the one rule every HR view, export and API uses."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from academy.territories.models import Territory, territory_includes

from .models import Group, HRScope, User


def user_is_platform_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.groups.filter(name=Group.PLATFORM_ADMINS).exists()


def user_sees_statistics(user) -> bool:
    """``not visibility_for(user).nothing`` in one query: a platform admin (superuser or
    group) or an HR officer (any scope). Kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    known = getattr(user, "_sees_statistics", None)
    if known is None:
        known = User.objects.filter(
            Q(pk=user.pk) & (Q(hr_scope__isnull=False) | Q(groups__name=Group.PLATFORM_ADMINS))
        ).exists()
        user._sees_statistics = known
    return known


def user_has_group(user, group: str) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False)) and user.groups.filter(name=group).exists()
    )


def user_hr_scope(user) -> HRScope | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.hr_scope
    except HRScope.DoesNotExist:
        return None


class Visibility:
    """What one user may see of the territorial tree.

    ``everything``: the whole country. ``root``: the unit whose subtree is visible.
    Neither: nothing. Never a sibling, never a parent.
    """

    __slots__ = ("everything", "root")

    def __init__(self, *, everything: bool = False, root: Territory | None = None):
        self.everything = everything
        self.root = root

    @property
    def nothing(self) -> bool:
        return not self.everything and self.root is None

    def includes(self, unit: Territory | None) -> bool:
        if self.everything:
            return True
        if self.root is None or unit is None:
            return False
        return territory_includes(self.root, unit)

    def q(self, unit_field: str) -> Q:
        """A filter on any model with a foreign key to a unit, e.g. ``q("unit")``."""
        if self.everything:
            return Q()
        if self.root is None:
            return Q(pk__in=[])
        return Territory.objects.descendant_of_q(self.root, field=unit_field)


def visibility_for(user) -> Visibility:
    """Which units may this user see (as an HR officer or platform admin)."""
    if user_is_platform_admin(user):
        return Visibility(everything=True)
    scope = user_hr_scope(user)
    if scope is None:
        return Visibility()
    if scope.unit_id is None:
        return Visibility(everything=True)
    return Visibility(root=scope.unit)


def units_visible_to(user) -> QuerySet[Territory]:
    visibility = visibility_for(user)
    if visibility.everything:
        return Territory.objects.all()
    if visibility.root is None:
        return Territory.objects.none()
    return Territory.objects.descendant_of(visibility.root)


def staff_visible_to(user) -> QuerySet[User]:
    """Employees attached to a unit this user may see."""
    visibility = visibility_for(user)
    qs = User.objects.filter(unit__isnull=False)
    return qs.filter(visibility.q("unit"))
