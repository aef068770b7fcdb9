"""Soundness of Wagtail's page tree (treebeard materialised path).

Treebeard keeps ``path``, ``depth`` and ``numchild`` up to date with SQL updates; an
in-memory page can therefore hold stale values. Any full ``save()`` of such an instance
writes them back: wagtail-localize does exactly that when it publishes a translation on
commit (the translation was loaded before its children were created), which left every
translated course, module and lesson with ``numchild = 0`` — a leaf to Wagtail's router
(404) and to ``add_child`` (the new child's path collides with an existing one).
"""

from __future__ import annotations

from wagtail.models import Page

TREE_PROBLEM_KINDS = ("evil_chars", "bad_steplen", "orphans", "wrong_depth", "wrong_numchild")


def page_tree_problems() -> dict[str, list[int]]:
    """Treebeard's checks of the page tree: ``{kind: [page ids]}`` for each kind found."""
    return {
        kind: list(ids)
        for kind, ids in zip(TREE_PROBLEM_KINDS, Page.find_problems(), strict=True)
        if ids
    }


def page_tree_fields_refresh(sender, instance, raw=False, update_fields=None, **kwargs):
    """``pre_save``: a full save of an existing page keeps the tree fields stored in the
    database (only treebeard's own SQL changes them), never stale in-memory ones."""
    if raw or update_fields is not None or not isinstance(instance, Page) or instance._state.adding:
        return
    stored = Page.objects.filter(pk=instance.pk).values("path", "depth", "numchild").first()
    if stored is not None:
        instance.path, instance.depth, instance.numchild = (
            stored["path"],
            stored["depth"],
            stored["numchild"],
        )
