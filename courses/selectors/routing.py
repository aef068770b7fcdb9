"""Finding a page from its URL and what guards it (part of ``courses.selectors``).

``CataloguePage.route`` asks for the page at a path in one query, together with whether
every page above it is published (read from the database, never cached); the view
restrictions come from the shared page cache (``academy.core.pagecache``).
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Substr
from wagtail.models import Page, PageViewRestriction

from academy.core import pagecache


def _unpublished_ancestor():
    """An ``Exists`` over the unpublished ancestors (below the tree's root) of the outer page:
    a page whose path is a prefix of the outer page's path, at a lesser depth."""
    return Exists(
        Page.objects.filter(depth__gt=1, depth__lt=OuterRef("depth"), live=False).filter(
            path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen)
        )
    )


def page_ancestors_live(*, page: Page) -> bool:
    """Every ancestor of ``page`` (its course, its module) is published: unpublishing a course
    closes everything under it, even the pages that are still live themselves.

    A page found by ``page_for_path`` carries the answer, read from the database in the
    query that fetched it (``ancestors_live``); it is never taken from a cache."""
    known = getattr(page, "ancestors_live", None)
    if known is not None:
        return known
    return not Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists()


def _model_below(model, steps: int):
    """The page class found ``steps`` levels below a page of class ``model`` when each level
    allows exactly one page type (catalogue → course → module → lesson); else None."""
    for _ in range(steps):
        allowed = model.clean_subpage_models()
        if len(allowed) != 1:
            return None
        model = allowed[0]
    return model


def page_for_path(*, root: Page, components: list[str]) -> Page | None:
    """The live page at ``components`` below ``root``, in its specific class, in one query,
    with ``ancestors_live`` telling whether every page above it is published too (the same
    outcome as Wagtail's child-by-child routing, whose only rule is that the final page is
    live; the ancestors' rule is ``page_ancestors_live``). None when there is no such page."""
    depth = root.depth + len(components)
    url_path = root.url_path + "".join(f"{c}/" for c in components)
    model = _model_below(root.specific_class, len(components))
    pages = (model or Page).objects.filter(url_path=url_path, depth=depth, live=True)
    pages = pages.select_related("locale").annotate(
        has_unpublished_ancestor=_unpublished_ancestor()
    )
    page = pages.first()
    if page is None:
        return None
    ancestors_live = not page.has_unpublished_ancestor
    if model is None:
        page = page.specific
    page.ancestors_live = ancestors_live
    return page


def view_restrictions_for(page: Page):
    """The view restrictions that apply to ``page`` (its own and its ancestors'), as an
    evaluated queryset built from the shared copy of all restrictions (there are few; any
    change of a restriction or of the tree retires the copy)."""

    def build():
        return [
            (restriction.page.path, restriction)
            for restriction in PageViewRestriction.objects.select_related("page").order_by("pk")
        ]

    applying = [
        r for path, r in pagecache.cached("view-restrictions", build) if page.path.startswith(path)
    ]
    queryset = PageViewRestriction.objects.filter(pk__in=[r.pk for r in applying])
    queryset._result_cache = applying  # evaluated: iterating and .exists() ask nothing more
    queryset._prefetch_done = True
    return queryset
