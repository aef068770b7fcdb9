"""Background jobs: one abstract model and one runner for exports, imports and bulk enrolments.

A job row is the only truth about a background task. Its life:

``DRAFT`` (only jobs that wait for the requester's go, e.g. a staff import after its dry
run) → ``PENDING`` (queued) → ``RUNNING`` (claimed by one worker) → ``DONE`` or ``FAILED``.

- **Claim**: one conditional ``UPDATE`` (``job_claim``) moves a job from ``PENDING`` — or
  from a ``RUNNING`` whose heartbeat is older than ``JOBS_STALE_AFTER`` seconds, i.e. whose
  worker died — to ``RUNNING``. Two workers given the same job: one wins, the other gets
  ``None``. A redelivered task (late acknowledgement) reclaims a stale job.
- **Heartbeat**: every progress report refreshes ``heartbeat_at``.
- **Failure**: any unexpected exception marks the job ``FAILED`` with a message in the
  requester's language (``language``); the traceback goes to the log, not to the page.
- **Restart**: a reclaimed job starts again from scratch; each job's body must be
  restartable without duplicates (files written under a temporary name and attached at the
  end, imports applied in one transaction with their ``DONE``, idempotent enrolments).

This module knows no feature app: the concrete models live in ``hr`` and ``learners``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("academy.jobs")

DEFAULT_STALE_AFTER = 15 * 60


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Not started")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINAL_STATUSES = (JobStatus.DONE, JobStatus.FAILED)


class JobTakenOver(Exception):
    """Raised by a job's body when it finds that another worker reclaimed the job meanwhile:
    this run must change nothing and record nothing."""


class Job(models.Model):
    """Fields every background job has. Concrete jobs add what they work on."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    # Records, not content: no Wagtail reference-index update task per saved job.
    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_waiting(self) -> bool:
        """Queued or running: its page refreshes by itself."""
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)


J = TypeVar("J", bound=Job)


def job_language(*, user=None) -> str:
    """The language a job speaks: the active one (the requester's page), else the person's
    preference."""
    language = translation.get_language()
    if not language and user is not None:
        language = getattr(user, "preferred_language", "") or ""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def job_stale_after() -> int:
    return int(getattr(settings, "JOBS_STALE_AFTER", DEFAULT_STALE_AFTER))


def job_claim(model: type[J], *, job_id: int, now: datetime.datetime | None = None) -> J | None:
    """Take the job for this worker, in one conditional UPDATE; ``None`` if someone else has it
    (running and alive) or it is finished."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=job_stale_after())
    claimable = Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    claimed = model.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        percent=0,
        message="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return model.objects.get(pk=job_id)


def job_progress(job: Job, *, percent: int, **fields) -> None:
    """Report progress (and any counters) and show a sign of life, in one UPDATE."""
    now = timezone.now()
    percent = max(0, min(100, int(percent)))
    type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        percent=percent, heartbeat_at=now, **fields
    )
    job.percent, job.heartbeat_at = percent, now
    for name, value in fields.items():
        setattr(job, name, value)


def job_finish(job: Job, *, status: str = JobStatus.DONE, message: str = "", **fields) -> None:
    """Record the end of the job (``DONE`` or ``FAILED``) with its message and results."""
    now = timezone.now()
    values = {
        "status": status,
        "message": message,
        "finished_at": now,
        "heartbeat_at": now,
        **fields,
    }
    if status == JobStatus.DONE:
        values["percent"] = 100
    type(job).objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def job_failure_message(job: Job) -> str:
    return gettext(
        "An unexpected error stopped this job; nothing was left half done. Try again, and if it "
        "fails again give this reference to the platform team: job %(ref)s."
    ) % {"ref": f"{job._meta.label_lower}#{job.pk}"}


def job_run(model: type[J], *, job_id: int, body: Callable[[J], None]) -> J | None:
    """Claim the job and run ``body`` under the requester's language.

    ``body`` ends the job itself (``job_finish``) or just returns (then the job is ``DONE``).
    Any exception it raises marks the job ``FAILED`` with a message the requester can read;
    the exception is logged, not raised again (the job row is the record). Returns the job, or
    ``None`` when it could not be claimed (another worker has it, or it is finished).
    """
    job = job_claim(model, job_id=job_id)
    if job is None:
        return None
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            body(job)
        except JobTakenOver:
            return None
        except Exception:
            logger.exception("job %s#%s failed", model._meta.label_lower, job_id)
            job_finish(job, status=JobStatus.FAILED, message=job_failure_message(job))
            return job
        if not job.is_final:
            job_finish(job)
    return job


def job_busy_retry_delay(model: type[Job], *, job_id: int) -> int | None:
    """Seconds after which a job that could not be claimed should be tried again (its worker
    may have died), or ``None`` when there is nothing to wait for."""
    job = model.objects.filter(pk=job_id).only("status", "heartbeat_at").first()
    if job is None or job.status != JobStatus.RUNNING:
        return None
    age = (timezone.now() - (job.heartbeat_at or timezone.now())).total_seconds()
    return max(1, int(job_stale_after() - age) + 1)


def job_retry_if_busy(task, model: type[Job], *, job_id: int) -> None:
    """In a bound Celery task whose job could not be claimed: try again once the job's worker
    would count as dead, so that a job left RUNNING by a killed worker is finished anyway."""
    delay = job_busy_retry_delay(model, job_id=job_id)
    if delay is not None and not task.request.is_eager:
        raise task.retry(countdown=delay)
