"""Writes of the courses app (one import surface)."""

from .authoring import course_grant_trainer, courses_permissions_setup
from .quizzes import (
    AttemptLimitReached,
    AttemptTooSoon,
    QuizError,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_source,
)

__all__ = [
    "AttemptLimitReached",
    "AttemptTooSoon",
    "QuizError",
    "course_grant_trainer",
    "courses_permissions_setup",
    "quiz_attempt_start",
    "quiz_attempt_submit",
    "quiz_source",
]
