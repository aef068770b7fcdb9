"""Jobs of the HR app. ``hr`` has no learning data of its own: these rows only follow
long-running imports and exports (status, percent, result)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from academy.accounts.models import User


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class StaffImportJob(models.Model):
    """One uploaded staff file: checked by a dry run, then applied all or nothing."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    raw = models.BinaryField(_("file content"))
    effective_on = models.DateField(_("moves and arrivals dated"))
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    applied = models.BooleanField(_("applied"), default=False)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportJob(models.Model):
    """An XLSX export built by a task; the file sits in private storage until it expires."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit (empty: national)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exporter = models.CharField(_("export"), max_length=50)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices, default=ExportFormat.XLSX)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_path = models.CharField(_("stored file"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

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
