"""System checks for the learners app's configuration."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def learners_settings_check(app_configs, **kwargs):
    problems = []
    days = getattr(settings, "ACADEMIE_INACTIVITY_REMINDER_DAYS", None)
    if not isinstance(days, int) or days < 0:
        problems.append(
            Error(
                "ACADEMIE_INACTIVITY_REMINDER_DAYS must be a whole number of days (0 disables reminders).",
                id="learners.E001",
            )
        )
    beat = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
    if days and not any(
        entry.get("task") == "learners.tasks.send_inactivity_reminders" for entry in beat.values()
    ):
        problems.append(
            Warning(
                "No Celery beat entry runs learners.tasks.send_inactivity_reminders: "
                "inactivity reminders will never be sent.",
                hint="Add it to CELERY_BEAT_SCHEDULE.",
                id="learners.W001",
            )
        )
    heartbeat = getattr(settings, "ACADEMIE_HEARTBEAT_MAX_SECONDS", 60)
    if not isinstance(heartbeat, int) or not 1 <= heartbeat <= 600:
        problems.append(
            Error("ACADEMIE_HEARTBEAT_MAX_SECONDS must be between 1 and 600.", id="learners.E002")
        )
    return problems
