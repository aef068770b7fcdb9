from django.test import override_settings

from learners.checks import learners_settings_check


def _ids():
    return {problem.id for problem in learners_settings_check(None)}


def test_default_configuration_is_clean():
    assert _ids() == set()


@override_settings(ACADEMIE_INACTIVITY_REMINDER_DAYS=-1)
def test_negative_reminder_days_is_an_error():
    assert "learners.E001" in _ids()


@override_settings(CELERY_BEAT_SCHEDULE={})
def test_missing_beat_entry_is_flagged():
    assert "learners.W001" in _ids()


@override_settings(CELERY_BEAT_SCHEDULE={}, ACADEMIE_INACTIVITY_REMINDER_DAYS=0)
def test_disabled_reminders_need_no_beat_entry():
    assert _ids() == set()


@override_settings(ACADEMIE_HEARTBEAT_MAX_SECONDS=0)
def test_heartbeat_bound_must_be_positive():
    assert "learners.E002" in _ids()
