"""Writes of the courses app (one import surface)."""

from .authoring import (
    course_grant_trainer,
    course_translation_created,
    courses_permissions_setup,
    page_create_allowed,
    page_created,
    page_translation_allowed,
)
from .quizzes import (
    AttemptLimitReached,
    AttemptTooSoon,
    QuizError,
    quiz_attempt_draft_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_source,
)

__all__ = [
    "AttemptLimitReached",
    "AttemptTooSoon",
    "QuizError",
    "course_grant_trainer",
    "course_translation_created",
    "courses_permissions_setup",
    "page_create_allowed",
    "page_translation_allowed",
    "page_created",
    "quiz_attempt_draft_save",
    "quiz_attempt_start",
    "quiz_attempt_submit",
    "quiz_source",
]
