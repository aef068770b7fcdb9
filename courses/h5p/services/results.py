"""H5P results (client-reported scores) and resume state.

The learners app owns the xAPI statements endpoint; this app registers a statement
handler there (``academy.core.statements``, in ``H5PConfig.ready``) for the objects that
are H5P activities: ``h5p_activity_for_object_id`` (access check) and
``h5p_result_record`` (result row, then ``courses.signals.h5p_result_recorded``).
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import activity_playable_in_lesson, lesson_activity_ids, lesson_for_id
from ..models import H5PActivity, H5PContentUserData, H5PPlay, H5PResult
from ..selectors import h5p_settings

logger = logging.getLogger(__name__)

SCORED_VERBS = {"answered", "completed", "passed", "failed", "scored"}


def _parse_object_id(object_id: str) -> tuple[int, str] | None:
    """``…/h5p/play/<lesson_id>/<key>/`` (optionally ``?subContentId=…``) → (lesson_id, key)."""
    if not isinstance(object_id, str):
        return None
    path = urlsplit(object_id).path or ""
    if not path.endswith("/"):
        path += "/"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != "h5p" or match.url_name not in ("activity_iri", "play_root"):
        return None
    return int(match.kwargs["lesson_id"]), match.kwargs["key"]


def h5p_activity_for_object_id(*, user, object_id: str) -> H5PActivity:
    """The activity an xAPI object id points to, if ``user`` may play it.

    Raises ``H5PActivity.DoesNotExist`` for ids that are not H5P activities here and
    ``PermissionDenied`` when the user may not see the lesson it is played in."""
    parsed = _parse_object_id(object_id)
    if parsed is None:
        raise H5PActivity.DoesNotExist(f"not an H5P activity id: {object_id!r}")
    lesson_id, key = parsed
    activity = H5PActivity.objects.select_related("package").get(key=key)
    if not activity_playable_in_lesson(user=user, activity=activity, lesson_id=lesson_id):
        raise PermissionDenied(_("You may not access this activity."))
    activity.played_in_lesson_id = lesson_id or None
    return activity


def h5p_play_record(*, user, activity: H5PActivity, lesson_id: int) -> H5PPlay | None:
    """Notes that the player was served to ``user`` in the lesson (evidence for results)."""
    if not getattr(user, "is_authenticated", False) or not lesson_id:
        return None
    now = timezone.now()
    updated = H5PPlay.objects.filter(user=user, activity=activity, lesson_id=lesson_id).update(
        last_served_at=now
    )
    if updated:
        return None
    try:
        with transaction.atomic():
            return H5PPlay.objects.create(
                user=user,
                activity=activity,
                lesson_id=lesson_id,
                first_served_at=now,
                last_served_at=now,
            )
    except IntegrityError:  # served twice at once: the other request recorded it
        return None


def _enrolled(*, user, lesson) -> bool:
    """Enrolled (already: results never enrol anyone) in the course of the lesson."""
    from courses.participation import course_participant
    from courses.selectors import lesson_course, page_canonical

    course = lesson_course(lesson=page_canonical(lesson.specific))
    return course is not None and course_participant(user=user, course=course)


def h5p_result_counts(*, user, activity: H5PActivity, lesson, now=None) -> bool:
    """The server's rules for an H5P result: a live lesson that embeds the activity, a learner
    enrolled in its course, and the player served to that learner in that lesson (time spent
    > 0). Anything else (previews, forged statements) is not learning."""
    if lesson is None or not lesson.live:
        return False
    if activity.pk not in lesson_activity_ids(lesson):
        return False
    if not _enrolled(user=user, lesson=lesson):
        return False
    play = H5PPlay.objects.filter(user=user, activity=activity, lesson=lesson).first()
    if play is None:
        return False
    elapsed = ((now or timezone.now()) - play.first_served_at).total_seconds()
    return elapsed >= max(h5p_settings()["MIN_SECONDS_BEFORE_RESULT"], 0) and elapsed > 0


def _decimal(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _verb_name(statement) -> str:
    verb_id = ((statement.get("verb") or {}).get("id") or "").rstrip("/")
    return verb_id.rsplit("/", 1)[-1]


def h5p_result_record(*, user, activity: H5PActivity, statement: dict) -> H5PResult | None:
    """Keeps the attempt's score (client-reported) and updates the lesson progress.

    Statements without a result, or about a sub-content of the activity, are not attempts:
    None is returned. Idempotent by statement id."""
    result = statement.get("result") or {}
    verb = _verb_name(statement)
    object_id = (statement.get("object") or {}).get("id", "")
    if not result or verb not in SCORED_VERBS or "subContentId=" in object_id:
        return None
    score = result.get("score") or {}
    raw, smin, smax = (
        _decimal(score.get("raw")),
        _decimal(score.get("min")),
        _decimal(score.get("max")),
    )
    scaled = _decimal(score.get("scaled"))
    if scaled is None and raw is not None and smax:
        scaled = (raw - (smin or 0)) / (smax - (smin or 0)) if smax != (smin or 0) else None
    if scaled is not None:
        scaled = max(Decimal(-1), min(Decimal(1), scaled)).quantize(Decimal("0.0001"))
    success = result.get("success") if isinstance(result.get("success"), bool) else None
    completion = result.get("completion") if isinstance(result.get("completion"), bool) else None
    if verb in ("answered", "completed", "passed", "failed") and completion is None:
        completion = True
    if verb == "passed" and success is None:
        success = True
    if verb == "failed" and success is None:
        success = False
    try:
        statement_id = uuid.UUID(str(statement.get("id")))
    except ValueError:
        statement_id = None
    lesson_id = getattr(activity, "played_in_lesson_id", None)
    if lesson_id is None:
        parsed = _parse_object_id(object_id)
        lesson_id = parsed[0] if parsed else None
    lesson = lesson_for_id(lesson_id) if lesson_id else None
    if not h5p_result_counts(user=user, activity=activity, lesson=lesson):
        return None

    with transaction.atomic():
        if statement_id is not None:
            existing = H5PResult.objects.filter(statement_id=statement_id).first()
            if existing is not None:
                return existing if existing.user_id == user.pk else None
        row = H5PResult.objects.create(
            user=user,
            activity=activity,
            lesson=lesson,
            statement_id=statement_id,
            verb=verb,
            score_raw=raw,
            score_min=smin,
            score_max=smax,
            score_scaled=scaled,
            success=success,
            completion=completion,
            client_reported=True,
        )
        if lesson is not None:
            _progress_record(user=user, lesson=lesson, row=row)
    return row


def _progress_record(*, user, lesson, row: H5PResult) -> None:
    """Announces the counted result (``courses.signals.h5p_result_recorded``) inside the
    recording transaction; a receiver's failure rolls the result back."""
    from courses.signals import h5p_result_recorded

    h5p_result_recorded.send(
        sender=H5PResult,
        user=user,
        lesson=lesson.specific,
        result=row,
        score_scaled=row.score_scaled,
        success=row.success,
        completed=bool(row.completion),
    )


class UserDataTooLarge(ValueError):
    pass


def h5p_user_data_save(
    *, user, activity: H5PActivity, data: str, data_type: str = "state", sub_content_id: str = "0"
) -> H5PContentUserData:
    """Saves the player's resume state (size-limited)."""
    limit = h5p_settings()["MAX_USER_DATA_BYTES"]
    if len(data.encode("utf-8")) > limit:
        raise UserDataTooLarge(
            _("The saved state is larger than %(limit)d bytes.") % {"limit": limit}
        )
    row, _created = H5PContentUserData.objects.update_or_create(
        user=user,
        activity=activity,
        data_type=data_type[:64],
        sub_content_id=str(sub_content_id)[:64],
        defaults={"data": data},
    )
    return row


def h5p_user_data_delete(
    *, user, activity: H5PActivity, data_type: str = "state", sub_content_id: str = "0"
) -> None:
    H5PContentUserData.objects.filter(
        user=user, activity=activity, data_type=data_type, sub_content_id=str(sub_content_id)
    ).delete()
