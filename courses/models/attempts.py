"""Quiz attempts: one row per attempt at a lesson quiz or a course's final assessment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuizAttempt(models.Model):
    """The drawn questions are fixed when the attempt starts (``questions``) and graded on
    the server when it is submitted. ``page`` is the canonical (fr source) lesson or course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    block_id = models.CharField(
        _("quiz block"), max_length=64, blank=True, help_text=_("Empty for a final assessment.")
    )
    is_final = models.BooleanField(_("final assessment"), default=False)
    language = models.CharField(max_length=2, default="fr")
    # [{"id": question block id, "choices": [original choice indexes in display order]}]
    questions = models.JSONField(default=list)
    # While the attempt is open: the learner's draft (saved as they answer); once
    # submitted: the graded answers.
    answers = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    # {question id: {"score": float, "correct": bool, "answered": bool}}
    results = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    timed_out = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "page", "is_final", "block_id"])]

    def __str__(self):
        return f"{self.user} · {self.page_id} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
