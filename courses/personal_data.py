"""What the courses app holds about a person: quiz attempts (registered with
``academy.accounts.personal_data`` in ``CoursesConfig.ready``)."""

from __future__ import annotations


def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data_export(*, user) -> dict:
    from .models import QuizAttempt

    attempts = QuizAttempt.objects.filter(user=user).select_related("page").order_by("started_at")
    return {
        "quiz_attempts": [
            {
                "page": a.page.title,
                "final": a.is_final,
                "percent": str(a.percent) if a.percent is not None else None,
                "passed": a.passed,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "answers": a.answers,
            }
            for a in attempts
        ]
    }


def personal_data_erase(*, user) -> None:
    """Scores stay (statistics); the answers, which may be free text, go."""
    from .models import QuizAttempt

    QuizAttempt.objects.filter(user=user).update(answers={})


def register() -> None:
    from academy.accounts.personal_data import (
        PersonalDataProvider,
        personal_data_provider_register,
    )

    personal_data_provider_register(
        "courses",
        PersonalDataProvider(export=personal_data_export, erase=personal_data_erase),
    )
