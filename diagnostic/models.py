"""Diagnostics (one sitting of the DigComp 2.2 test), their per-competence results, the
per-unit roll-up the maturity view reads, and the indicators a unit's HR officer records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """DigComp 2.2's eight proficiency levels, grouped in four (see ``scoring``)."""

    FOUNDATION = 1, _("Foundation")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")
    HIGHLY_SPECIALISED = 4, _("Highly specialised")


class SelfRating(models.IntegerChoices):
    NEED_HELP = 1, _("I need help to do this")
    ON_MY_OWN = 2, _("I do this on my own in everyday situations")
    HELP_OTHERS = 3, _("I do this on my own in new situations and help colleagues")
    LEAD = 4, _("I guide others and devise new ways of doing this")


class Diagnostic(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="diagnostics",
    )
    # The learner's unit when the diagnostic was submitted: the unit it counts for.
    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Drawn questions, in the order shown: [{"id": "1.1-b", "order": [2, 0, 1]}, ...]
    questions = models.JSONField(default=list)
    # {question id: [chosen option indices, as in the bank]}; never sent back as correct/incorrect
    answers = models.JSONField(default=dict, blank=True)
    self_ratings = models.JSONField(default=dict, blank=True)  # {competence code: 1..4}
    page = models.PositiveSmallIntegerField(default=0)  # where the learner resumes
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1, null=True)
    # Only the latest submitted diagnostic of a learner counts in the unit figures.
    is_latest = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="in_progress"),
                name="diagnostic_one_in_progress_per_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_latest=True),
                name="diagnostic_one_latest_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.started_at:%Y-%m-%d}"


class CompetenceResult(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="results")
    competence = models.ForeignKey(
        "courses.Competence", on_delete=models.PROTECT, related_name="diagnostic_results"
    )
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1)
    self_rating = models.PositiveSmallIntegerField(choices=SelfRating.choices, null=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)

    class Meta:
        ordering = ["competence__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "competence"], name="diagnostic_result_unique"
            )
        ]

    def __str__(self):
        return f"{self.diagnostic_id} {self.competence_id} {self.score}"


class UnitMaturity(models.Model):
    """The latest diagnostics of the people attributed to one unit (not its subtree), summed:
    how many people, and (``UnitAreaLevel``, ``UnitCompetenceScore``) how many at each level per
    area and the scores per competence.

    Kept in step by ``services.unit_maturity_refresh`` on every submission. The maturity view
    adds the rows of a subtree up in the database (one grouped query per table, by the first
    characters of the unit's path), so a national view reads a few hundred summed rows.
    """

    unit = models.OneToOneField("territories.Territory", on_delete=models.CASCADE, related_name="+")
    diagnosed = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.unit_id}: {self.diagnosed}"


class UnitAreaLevel(models.Model):
    unit = models.ForeignKey("territories.Territory", on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=4)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "area", "level"], name="unit_area_level_unique")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.area} {self.level}: {self.people}"


class UnitCompetenceScore(models.Model):
    unit = models.ForeignKey("territories.Territory", on_delete=models.CASCADE, related_name="+")
    competence = models.CharField(max_length=10)  # DigComp code
    score_sum = models.FloatField()
    people = models.PositiveIntegerField()
    foundation = models.PositiveIntegerField()  # people at foundation level

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "competence"], name="unit_competence_score_unique"
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.competence}: {self.score_sum}/{self.people}"


class ConnectionQuality(models.TextChoices):
    NONE = "none", _("No connection")
    POOR = "poor", _("Poor")
    ADEQUATE = "adequate", _("Adequate")
    GOOD = "good", _("Good")


class UnitIndicators(models.Model):
    """What a unit's HR officer states about its digital services, on a given date."""

    unit = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    recorded_on = models.DateField(_("date of the statement"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    digital_registry = models.BooleanField(_("Uses the digital civil registry office"))
    e_signature = models.BooleanField(_("Has an electronic signature holder"))
    complaints_portal = models.BooleanField(_("Answers on the national complaints portal"))
    online_appointments = models.BooleanField(_("Offers online appointments"))
    professional_email_percent = models.PositiveSmallIntegerField(
        _("Staff with a professional e-mail (%)")
    )
    connection_quality = models.CharField(
        _("Connection quality"), max_length=10, choices=ConnectionQuality.choices
    )

    class Meta:
        verbose_name = _("unit indicators")
        verbose_name_plural = _("unit indicators")
        ordering = ["-recorded_on", "-recorded_at"]
        indexes = [models.Index(fields=["unit", "-recorded_on", "-recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(professional_email_percent__lte=100),
                name="indicators_email_percent_max_100",
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.recorded_on}"
