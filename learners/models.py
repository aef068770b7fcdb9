"""Enrolments, lesson progress, the learning record (xAPI statements), bulk jobs, notices.

Field names of ``Enrollment``, ``LessonProgress`` and ``Statement`` are contracts read by
certificates and HR (docs/architecture.md, "Shared model fields"). Writes happen in
``learners.services`` only; these models hold no business logic.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.core.jobs import Job, JobStatus


class Enrollment(models.Model):
    # A learning record, not content: Wagtail's reference index (the admin viewset registers
    # the model) would otherwise rewrite its rows on every save, i.e. on each enrolment and
    # each lesson visit that changes the progress (bench/load.py).
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolment")
        BULK = "bulk", _("Enrolled by HR or an administrator")
        DEMO = "demo", _("Demo data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("learner"),
    )
    # Always the canonical (French source) course page.
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    unit_at_enrollment = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit at enrolment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_at_completion = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit at completion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    final_score = models.DecimalField(
        _("final score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.SELF
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reminder_at = models.DateTimeField(_("last inactivity reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learners_enrollment_unique_user_course"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="learners_enrollment_progress_max_100"
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(completed_at__isnull=False),
                name="learners_enrollment_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["status", "last_activity_at"]),
            models.Index(fields=["completed_at"]),
            # HR period filters: "enrolled or completed in the period" is a BitmapOr of both.
            models.Index(fields=["enrolled_at"]),
        ]

    def __str__(self):
        return f"{self.user} → {self.course_id}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class LessonProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("enrolment"),
    )
    # Always the canonical (French source) lesson page.
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.PROTECT,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    first_visit_at = models.DateTimeField(_("first visit"), null=True, blank=True)
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(_("time spent (seconds)"), default=0)
    best_score = models.DecimalField(
        _("best score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_source = models.CharField(_("score source"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="learners_progress_unique_lesson"
            ),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True)
                | (Q(best_score__gte=0) & Q(best_score__lte=100)),
                name="learners_progress_best_score_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment_id}/{self.lesson_id}: {self.status}"


class Statement(models.Model):
    """One xAPI statement of the learning record, stored once by its id."""

    statement_id = models.UUIDField(_("statement id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("learner"),
    )
    verb = models.CharField(_("verb"), max_length=255)
    object_id = models.CharField(_("object id"), max_length=1024, blank=True)
    raw = models.JSONField(_("statement"))
    # SHA-256 of the statement's comparable form (learners.xapi.statement_hash): two
    # statements with one id are "the same" when user and hash match.
    content_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField(_("timestamp"))
    stored = models.DateTimeField(_("stored"), default=timezone.now)
    result_scaled = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    result_success = models.BooleanField(null=True, blank=True)
    result_completion = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("learning record statement")
        verbose_name_plural = _("learning record statements")
        ordering = ["-stored", "-id"]
        # An append-only log written far more often than read: one secondary index,
        # for a learner's record of one activity.
        indexes = [models.Index(fields=["user", "object_id"])]

    def __str__(self):
        return str(self.statement_id)


class BulkEnrollmentJob(Job):
    """An HR officer's or admin's bulk enrolment, run by a Celery task that reports progress."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Everyone in a unit and the units below it")
        JOB_TITLE = "job_title", _("Everyone with a job title")
        MATRICULES = "matricules", _("A list of employee numbers")

    Status = JobStatus

    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    kind = models.CharField(_("selection"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    matricules = models.JSONField(_("employee numbers"), default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("new enrolments"), default=0)
    existing_count = models.PositiveIntegerField(_("already enrolled"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("bulk enrolment")
        verbose_name_plural = _("bulk enrolments")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.course_id} ({self.status})"


class Notification(models.Model):
    """Log of the e-mails sent to learners: makes every notice at-most-once."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolment confirmation")
        REMINDER = "reminder", _("Inactivity reminder")
        COMPLETED = "completed", _("Completion congratulations")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Reminders: the start of the period the reminder covers; one reminder per period.
    period_key = models.CharField(max_length=32, default="", blank=True)
    language = models.CharField(max_length=8)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind", "period_key"], name="learners_notification_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.enrollment_id} ({self.sent_at or 'not sent'})"
