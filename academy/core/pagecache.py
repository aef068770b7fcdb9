"""Shared copies of what every page request reads from the Wagtail tree.

The site of a host, the site root in each language and the outline of a course (its live
modules and lessons) change only when an editor publishes, unpublishes, moves or deletes a
page, or changes a site, a locale or a view restriction. They are kept in the cache (Redis in
production, so every web server shares them) under keys that carry a **tree version**; any
of those changes replaces the version, which retires every entry at once (they expire).

Only structure lives here, never anything about a learner. Security decisions that depend on
a page being live (an unpublished course hides its lessons) are not answered from this cache
alone: the router still reads the ``live`` flags of the requested page and its ancestors in
the same query that fetches the page (``courses.models.pages``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "pagecache:version"
TIMEOUT = 6 * 3600
_MISSING = object()


def tree_version() -> str:
    """The current generation of the shared copies. Never None: when the key vanishes between
    our ``add`` and ``get`` (another process retired it), our own new version is used, which
    at worst builds the copies once more."""
    version = cache.get(VERSION_KEY)
    if version is None:
        fresh = uuid.uuid4().hex[:16]
        if cache.add(VERSION_KEY, fresh, None):
            return fresh
        version = cache.get(VERSION_KEY) or fresh
    return version


def tree_changed(**_kwargs) -> None:
    """Retire every entry: now, and again once the transaction that changed the tree has
    committed (a request between the two may have cached what it read before the commit)."""

    def bump():
        cache.set(VERSION_KEY, uuid.uuid4().hex[:16], None)

    bump()
    transaction.on_commit(bump)


def cached(name: str, build: Callable[[], Any], *parts) -> Any:
    """``build()``'s value, shared through the cache until the tree next changes."""
    key = ":".join(["pagecache", tree_version(), name, *(str(p) for p in parts)])
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def _tree_model_changed(sender, instance, **kwargs) -> None:
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    if isinstance(instance, Page | Site | Locale | PageViewRestriction):
        tree_changed()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Locale, PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    # Connected to the tree's own models only: a receiver without a sender would turn every
    # fast bulk delete of the project (erasure, reservations, old jobs) into select-then-delete.
    for model in (Site, Locale, PageViewRestriction, *get_page_models()):
        uid = f"{model._meta.label_lower}"
        post_save.connect(_tree_model_changed, sender=model, dispatch_uid=f"pagecache-save-{uid}")
        post_delete.connect(
            _tree_model_changed, sender=model, dispatch_uid=f"pagecache-delete-{uid}"
        )
    page_published.connect(tree_changed, dispatch_uid="pagecache-published")
    page_unpublished.connect(tree_changed, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(tree_changed, dispatch_uid="pagecache-move")


# --- What Wagtail reads on every request ---------------------------------------------


def site_for_request(request):
    """Wagtail's ``Site.find_for_request`` answer, shared; its root page is loaded in its
    specific class (so ``site.root_page.localized`` can answer from the cache too)."""
    from django.http.request import split_domain_port
    from wagtail.models import Site

    hostname, port = split_domain_port(request.get_host())[0], request.get_port()

    def build():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page = site.root_page.specific
        return site

    return cached("site", build, hostname, port)


def locale_for_language(language_code: str):
    """The Wagtail ``Locale`` of a language code (None when there is none)."""
    from wagtail.models import Locale

    def build():
        try:
            return Locale.objects.get_for_language(language_code)
        except (Locale.DoesNotExist, LookupError):
            return None

    return cached("locale", build, language_code)


def default_locale_id() -> int:
    from wagtail.models import Locale

    return cached("default-locale", lambda: Locale.get_default().pk)


def translation_of(page, language_code: str):
    """The live translation of ``page`` in ``language_code`` (its specific class), or None."""

    def build():
        locale = locale_for_language(language_code)
        if locale is None:
            return None
        if locale.pk == page.locale_id:
            return page.specific
        other = page.get_translation_or_none(locale)
        return other.specific if other is not None and other.live else None

    return cached("translation", build, page.pk, language_code)
