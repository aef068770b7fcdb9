"""Who may play an activity where: the one access rule for player files, resume state and
xAPI results. An activity is played inside a lesson (``lesson_id``, canonical page id) or
previewed by editors (``lesson_id`` 0)."""

from __future__ import annotations

from django.core import signing
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
    from courses.selectors import lesson_accessible_to

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


def activity_family_ids(ids: set[int]) -> set[int]:
    """``ids`` and the ids of their versions in the other languages (same base key)."""
    if not ids:
        return set(ids)
    from .models import H5PActivity
    from .selectors import activity_family_keys

    keys: set[str] = set()
    for key in H5PActivity.objects.filter(pk__in=ids).values_list("key", flat=True):
        keys |= activity_family_keys(key)
    return set(ids) | set(H5PActivity.objects.filter(key__in=keys).values_list("pk", flat=True))


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
    # A translated lesson plays the activity's version in its own language.
    found = activity_family_ids(found)
    cache.set(key, found, 60)
    return found


def activity_playable_in_lesson(*, user, activity, lesson_id: int) -> bool:
    if not lesson_id:
        return can_preview(user)
    lesson = lesson_for_id(lesson_id)
    if lesson is None or not _lesson_accessible(user=user, lesson=lesson):
        return False
    return activity.pk in lesson_activity_ids(lesson)


# --- Previews of draft lessons ----------------------------------------------------------


def lesson_previewable_by(*, user, lesson) -> bool:
    """Editors of the lesson, and reviewers who may act on its current workflow task, play its
    activities in Wagtail's preview (draft or live); nothing they do there is recorded."""
    if not can_preview(user):
        return False
    page = lesson.specific
    perms = page.permissions_for_user(user)
    if perms.can_edit() or perms.can_publish():
        return True
    task = getattr(page, "current_workflow_task", None)
    return bool(task is not None and task.specific.get_actions(page, user))


def activity_previewable_in_lesson(*, user, activity, lesson_id: int) -> bool:
    """Editors and reviewers of the lesson preview any activity in it: the preview shows the
    form's unsaved content, which may name an activity no saved revision has yet (any admin
    user may already preview any activity on its own, ``lesson_id`` 0)."""
    if not lesson_id:
        return can_preview(user)
    lesson = lesson_for_id(lesson_id)
    return lesson is not None and lesson_previewable_by(user=user, lesson=lesson)


# --- Capability tokens for the sandboxed player's files -----------------------------------

FILE_TOKEN_SALT = "courses.h5p.files"


def file_token_make(*, user, activity, lesson_id: int, preview: bool) -> str:
    """A signed, expiring token naming who plays which activity where. The sandboxed player
    has no cookies: its file requests carry this token instead of the session."""
    return signing.dumps(
        {"u": getattr(user, "pk", None), "a": activity.pk, "l": int(lesson_id), "p": int(preview)},
        salt=FILE_TOKEN_SALT,
        compress=True,
    )


def file_token_read(token: str, *, max_age: int) -> dict | None:
    try:
        data = signing.loads(token, salt=FILE_TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("a"), int) else None
