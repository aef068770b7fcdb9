"""The audit log: who did what, to what, when and from where.

Entries are written by ``academy.audit.services.audit_record`` only, never edited or deleted
through the admin. The target is kept as a content type, an id and a label frozen at the time,
so that an entry outlives (and never reveals more than) the object it was about.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    EXPORT = "export", _("Export")
    PERSONAL_DATA_READ = "personal_data_read", _("Personal data read (API)")
    IMPORT = "import", _("Import")
    CERTIFICATE_ISSUE = "certificate_issue", _("Certificate issued by hand")
    CERTIFICATE_REVOKE = "certificate_revoke", _("Certificate revoked")
    CERTIFICATE_REISSUE = "certificate_reissue", _("Certificate re-issued")
    ROLE_CHANGE = "role_change", _("Role changed")
    SCOPE_CHANGE = "scope_change", _("HR scope changed")
    EMAIL_CHANGE = "email_change", _("E-mail address changed")
    LOGIN_LOCKOUT = "login_lockout", _("Sign-in locked out")
    LOGIN_UNLOCK = "login_unlock", _("Sign-in unlocked")
    PERSONAL_DATA_EXPORT = "personal_data_export", _("Personal data downloaded by the learner")
    PERSONAL_DATA_ERASURE = "personal_data_erasure", _("Personal data erased")


class AuditEntry(models.Model):
    # A record, not content: no Wagtail reference-index update task per entry.
    wagtail_reference_index_ignore = True

    timestamp = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    action = models.CharField(
        _("action"), max_length=40, choices=AuditAction.choices, db_index=True
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(_("what"), max_length=255, blank=True)
    client_ip = models.GenericIPAddressField(_("from (client address)"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
        )


class RetentionFlag(models.Model):
    """An account without activity for ``ACCOUNT_RETENTION_DAYS``: for an admin to review
    (erase, or keep), set by ``manage.py flag_inactive_accounts`` (law 09-08 retention)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
        related_name="retention_flag",
    )  # fmt: skip
    flagged_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    last_activity = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("inactive account")
        verbose_name_plural = _("inactive accounts")
        ordering = ["flagged_at"]

    def __str__(self) -> str:
        return str(self.user)
