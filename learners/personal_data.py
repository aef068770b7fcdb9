"""What the learners app holds about a person: enrolments, lesson progress and the
learning record (registered with ``academy.accounts.personal_data`` in ``ready``)."""

from __future__ import annotations

from django.db.models import Max


def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data_export(*, user) -> dict:
    from .models import Enrollment, LessonProgress, Statement

    enrollments = (
        Enrollment.objects.filter(user=user).select_related("course").order_by("enrolled_at")
    )
    progress = LessonProgress.objects.filter(enrollment__user=user).select_related(
        "enrollment__course", "lesson"
    )
    return {
        "enrolments": [
            {
                "course": e.course.title,
                "status": e.status,
                "status_label": str(e.get_status_display()),
                "enrolled_at": _iso(e.enrolled_at),
                "completed_at": _iso(e.completed_at),
                "progress_percent": e.progress_percent,
                "final_score": str(e.final_score) if e.final_score is not None else None,
            }
            for e in enrollments
        ],
        "lesson_progress": [
            {
                "course": p.enrollment.course.title,
                "lesson": p.lesson.title,
                "status": p.status,
                "time_spent_seconds": p.time_spent_seconds,
                "best_score": str(p.best_score) if p.best_score is not None else None,
                "last_visit_at": _iso(p.last_visit_at),
            }
            for p in progress
        ],
        "learning_record": [
            {"verb": s.verb, "object": s.object_id, "timestamp": _iso(s.timestamp)}
            for s in Statement.objects.filter(user=user).order_by("timestamp")
        ],
    }


def personal_data_erase(*, user) -> None:
    """Statements keep what was learnt; their actor becomes the erased account's label."""
    from .models import Statement

    anonymous_actor = {
        "objectType": "Agent",
        "account": {"homePage": "urn:academie:erased", "name": user.username},
    }
    for statement in Statement.objects.filter(user=user).only("id", "raw"):
        statement.raw = {**statement.raw, "actor": anonymous_actor}
        statement.save(update_fields=["raw"])


def active_user_ids(*, since):
    from .models import Enrollment

    return Enrollment.objects.filter(last_activity_at__gte=since).values("user_id")


def last_activity(*, user):
    from .models import Enrollment

    return Enrollment.objects.filter(user=user).aggregate(last=Max("last_activity_at"))["last"]


def register() -> None:
    from academy.accounts.personal_data import (
        PersonalDataProvider,
        personal_data_provider_register,
    )

    personal_data_provider_register(
        "learners",
        PersonalDataProvider(
            export=personal_data_export,
            erase=personal_data_erase,
            active_user_ids=active_user_ids,
            last_activity=last_activity,
        ),
    )
