"""Who may play an activity where: the one access rule for player files, resume state and
xAPI results. An activity is played inside a lesson (``lesson_id``, canonical page id) or
previewed by editors (``lesson_id`` 0)."""

from __future__ import annotations

from django.core.cache import cache
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.models import Page

from .blocks import H5PActivityBlock


def lesson_for_id(lesson_id: int):
    return Page.objects.filter(pk=lesson_id).first()


def can_preview(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("wagtailadmin.access_admin")
    )


def _lesson_accessible(*, user, lesson) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    try:
        from courses.selectors import lesson_accessible_to
    except ImportError:  # until the courses app provides it: live pages, signed-in users
        return lesson.live
    return lesson_accessible_to(user=user, lesson=lesson.specific)


def _activity_ids_in(value, found: set[int]) -> None:
    if isinstance(value, StreamValue):
        for child in value:
            if isinstance(child.block, H5PActivityBlock):
                activity = child.value.get("activity")
                if activity is not None:
                    found.add(activity.pk if hasattr(activity, "pk") else int(activity))
            else:
                _activity_ids_in(child.value, found)
    elif isinstance(value, StructValue):
        for item in value.values():
            _activity_ids_in(item, found)
    elif isinstance(value, (ListValue, list, tuple)):
        for item in value:
            _activity_ids_in(item, found)


def lesson_activity_ids(lesson) -> set[int]:
    """Ids of the H5P activities used in a lesson or any of its translations (cached briefly)."""
    # translation_key is a random UUID: no clash between databases sharing one cache.
    key = f"h5p:lesson-activities:{lesson.translation_key}:{lesson.pk}:{lesson.latest_revision_id}"
    found = cache.get(key)
    if found is not None:
        return found
    found: set[int] = set()
    for page in lesson.get_translations(inclusive=True).specific():
        body = getattr(page, "body", None)
        if body is not None:
            _activity_ids_in(body, found)
    cache.set(key, found, 60)
    return found


def activity_playable_in_lesson(*, user, activity, lesson_id: int) -> bool:
    if not lesson_id:
        return can_preview(user)
    lesson = lesson_for_id(lesson_id)
    if lesson is None or not _lesson_accessible(user=user, lesson=lesson):
        return False
    return activity.pk in lesson_activity_ids(lesson)
