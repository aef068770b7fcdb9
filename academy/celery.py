"""The Celery application.

Tasks subclass ``DjangoTask`` so that ``task.delay_on_commit(...)`` queues them only
once the surrounding transaction has committed; tasks take ids, never instances.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.base")

app = Celery("academy", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
