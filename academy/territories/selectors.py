"""Read-only queries on territorial units."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Territory


def territory_get(*, code: str) -> Territory | None:
    return Territory.objects.filter(code=code).first()


def territory_subtree(*, unit: Territory, include_self: bool = True) -> QuerySet[Territory]:
    """The unit and every unit below it, as one indexed prefix query on ``path``."""
    return Territory.objects.descendant_of(unit, inclusive=include_self)


def territory_children(*, unit: Territory | None) -> QuerySet[Territory]:
    """Direct children of a unit; the regions when ``unit`` is None (national level)."""
    if unit is None:
        return Territory.objects.filter(depth=1)
    return Territory.objects.filter(parent=unit)


def territory_ancestors(*, unit: Territory, include_self: bool = True) -> list[Territory]:
    """From the region down to the unit: the breadcrumb "Région > Province > Commune"."""
    steplen = Territory.steplen
    paths = [
        unit.path[: steplen * depth] for depth in range(1, unit.depth + (1 if include_self else 0))
    ]
    by_path = {t.path: t for t in Territory.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def territory_lineage(*, unit_id: int) -> list[Territory]:
    """The unit of id ``unit_id`` and its ancestors, region first, in one query."""
    below = Territory.objects.filter(pk=unit_id, path__startswith=OuterRef("path"))
    return list(Territory.objects.filter(Exists(below)).order_by("depth"))


def territory_breadcrumb(*, unit: Territory) -> str:
    return " > ".join(t.name for t in territory_ancestors(unit=unit))


def territory_search(*, query: str, limit: int = 50) -> QuerySet[Territory]:
    """Search by name in Latin or Arabic script, or by code prefix."""
    query = query.strip()
    if not query:
        return Territory.objects.none()
    return Territory.objects.filter(
        Q(name_fr__icontains=query) | Q(name_ar__icontains=query) | Q(code__startswith=query)
    ).order_by("depth", "name_fr")[:limit]


def territory_level_counts() -> dict[str, int]:
    from django.db.models import Count

    rows = Territory.objects.values("level").annotate(n=Count("id")).order_by()
    return {row["level"]: row["n"] for row in rows}
