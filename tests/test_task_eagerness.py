"""The live worker's fixture hands eager tasks back to the tests that follow it."""

from celery import Celery

from tests.conftest import tasks_not_eager


def test_tasks_are_eager_again_after_the_worker_even_when_it_first_read_celery_configuration(
    settings,
):
    # A Celery app configured from Django's settings, as academy.celery's, never read yet.
    app = Celery("probe", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True

    with tasks_not_eager(app, settings):
        assert app.conf.task_always_eager is False

    assert app.conf.task_always_eager is True
