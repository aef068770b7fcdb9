"""Rows of the HR app: jobs following long-running imports and exports, and training
campaigns (who must complete which courses by when, and the notices sent). ``hr`` has no
learning data of its own: progress is read from learners and certificates."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from academy.accounts.models import User
from academy.core.jobs import Job, JobStatus

__all__ = [
    "Assignment",
    "Campaign",
    "CampaignNotice",
    "CampaignStatus",
    "DueMode",
    "ExportFormat",
    "ExportJob",
    "Job",
    "JobStatus",
    "StaffImportJob",
    "StaffMember",
]


class StaffImportJob(Job):
    """One uploaded staff file: checked by a dry run (``DRAFT``), then applied all or nothing."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.DRAFT
    )
    file_name = models.CharField(_("file name"), max_length=255)
    raw = models.BinaryField(_("file content"))
    effective_on = models.DateField(_("moves and arrivals dated"))
    applied = models.BooleanField(_("applied"), default=False)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportJob(Job):
    """An XLSX export built by a task; the file sits in private storage until it expires."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit (empty: national)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exporter = models.CharField(_("export"), max_length=50)
    format = models.CharField(
        _("format"), max_length=5, choices=ExportFormat.choices, default=ExportFormat.XLSX
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_path = models.CharField(_("stored file"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name or f"{self.exporter} #{self.pk}"


class StaffMember(User):
    """Employees as the HR admin lists them (a proxy: no table, its own admin permissions)."""

    class Meta:
        proxy = True
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")


# --- training campaigns ------------------------------------------------------------------


class DueMode(models.TextChoices):
    FIXED = "fixed", _("A fixed date")
    RELATIVE = "relative", _("A number of days after joining the audience")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Launched")
    CLOSED = "closed", _("Closed")


def _default_days_before():
    return [14, 3]


def _default_days_after():
    return [1, 7]


class Campaign(models.Model):
    """A mandatory training campaign: courses an audience must complete by a due date.

    The campaign belongs to ``unit`` (its creator's unit or one below it; empty: national):
    its audience never reaches outside that subtree, and officers see it only if they see
    that unit. The audience rules below all apply together (AND); an empty rule does not
    restrict. It is dynamic: ``hr.services.campaigns.campaign_audience_sync`` keeps the
    assignments in step with the staff."""

    title = models.CharField(_("title (French)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit of the campaign (empty: national)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    courses = models.ManyToManyField(
        "courses.CoursePage", verbose_name=_("courses"), related_name="+"
    )
    # Audience rules.
    audience_unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territorial unit (and every unit below it)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    job_titles = models.JSONField(_("job titles"), default=list, blank=True)
    matricules = models.JSONField(_("employee numbers"), default=list, blank=True)
    staff_file_name = models.CharField(_("staff file"), max_length=255, blank=True)
    # Due date.
    due_mode = models.CharField(
        _("due date"), max_length=10, choices=DueMode.choices, default=DueMode.FIXED
    )
    due_date = models.DateField(_("fixed due date"), null=True, blank=True)
    due_days = models.PositiveIntegerField(_("days after joining"), null=True, blank=True)
    requires_valid_certificate = models.BooleanField(
        _("requires a valid certificate"),
        default=False,
        help_text=_("Done means holding a valid certificate of each course, not one completion."),
    )
    reminder_days_before = models.JSONField(
        _("reminders, days before the due date"), default=_default_days_before, blank=True
    )
    reminder_days_after = models.JSONField(
        _("reminders, days after the due date"), default=_default_days_after, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training campaign")
        verbose_name_plural = _("training campaigns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(due_mode="fixed", due_date__isnull=False))
                | Q(due_mode="relative", due_days__isnull=False),
                name="hr_campaign_due_rule_complete",
            )
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        if (get_language() or "").startswith("ar") and self.title_ar:
            return self.title_ar
        return self.title

    def due_for(self, joined_on: datetime.date) -> datetime.date:
        """The due date of someone who joined the audience on ``joined_on``."""
        if self.due_mode == DueMode.FIXED:
            return self.due_date
        return joined_on + datetime.timedelta(days=self.due_days or 0)


class Assignment(models.Model):
    """One person in a campaign's audience. Leavers keep their row (``left_on`` set) and are no
    longer counted; someone who comes back gets the same row again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_assignments"
    )
    joined_on = models.DateField(_("joined the audience on"))
    due_date = models.DateField(_("due date"))
    left_on = models.DateField(_("left the audience on"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign assignment")
        verbose_name_plural = _("campaign assignments")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="hr_assignment_unique")
        ]
        indexes = [models.Index(fields=["user", "left_on"])]

    def __str__(self):
        return f"{self.campaign_id} → {self.user_id} ({self.due_date})"


class CampaignNotice(models.Model):
    """Each reminder or digest sent, once: the unique constraint is the "never twice" rule."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(_("event"), max_length=64)
    language = models.CharField(_("language"), max_length=2)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign notice")
        verbose_name_plural = _("campaign notices")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "recipient", "event"], name="hr_campaign_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id} → {self.recipient_id}: {self.event}"
