"""Writes of the learners app (one import surface; see docs/architecture.md)."""

from ..xapi import StatementConflict, StatementInvalid
from .assessment import assessment_attempt_recorded
from .bulk import bulk_enrollment_request, bulk_enrollment_run, parse_matricules
from .completion import completion_state, course_completion_evaluate, course_progress_refresh
from .enrollment import enrollment_create, enrollment_get_or_create, enrollment_retake_start
from .notifications import inactivity_reminders_send, notification_send
from .progress import lesson_heartbeat_record, lesson_progress_record_score, lesson_visit_record
from .statements import statement_append, statements_record

__all__ = [
    "StatementConflict",
    "StatementInvalid",
    "assessment_attempt_recorded",
    "bulk_enrollment_request",
    "bulk_enrollment_run",
    "completion_state",
    "course_completion_evaluate",
    "course_progress_refresh",
    "enrollment_create",
    "enrollment_get_or_create",
    "enrollment_retake_start",
    "inactivity_reminders_send",
    "lesson_heartbeat_record",
    "lesson_progress_record_score",
    "lesson_visit_record",
    "notification_send",
    "parse_matricules",
    "statement_append",
    "statements_record",
]
