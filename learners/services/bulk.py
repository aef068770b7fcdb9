"""Bulk enrolment by HR officers and platform admins, within their scope."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from academy.accounts.models import User
from academy.accounts.selectors import staff_visible_to, visibility_for
from academy.core.jobs import job_language, job_progress, job_run
from academy.territories.models import Territory
from courses import selectors as courses_selectors

from ..models import BulkEnrollmentJob, Enrollment
from .enrollment import enrollment_get_or_create

MAX_MATRICULES = 20_000
CHUNK = 200
Kind = BulkEnrollmentJob.Kind


def parse_matricules(value: str | Iterable[str]) -> list[str]:
    """Employee numbers separated by spaces, commas, semicolons or new lines; deduplicated."""
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value)
    seen, result = set(), []
    for item in items:
        item = str(item).strip()
        if item and item not in seen:
            seen.add(item)
            result.append(item)
    return result


@transaction.atomic
def bulk_enrollment_request(
    *, requested_by, course, kind: str, unit=None, job_title: str = "", matricules=()
) -> BulkEnrollmentJob:
    """Check and record a bulk enrolment, then queue it (after commit)."""
    visibility = visibility_for(requested_by)
    if visibility.nothing:
        raise PermissionDenied(_("Only HR officers and administrators may enrol other employees."))
    course = courses_selectors.canonical_course(course)
    if not course.live:
        raise ValidationError(_("This course is not published: enrolment is not possible."))
    fields = {}
    if kind == Kind.UNIT:
        if unit is None:
            raise ValidationError(_("Choose a unit."))
        if not visibility.includes(unit):
            raise PermissionDenied(_("This unit is outside your scope."))
        fields["unit"] = unit
    elif kind == Kind.JOB_TITLE:
        job_title = (job_title or "").strip()
        if not job_title:
            raise ValidationError(_("Enter a job title."))
        fields["job_title"] = job_title
    elif kind == Kind.MATRICULES:
        numbers = parse_matricules(matricules)
        if not numbers:
            raise ValidationError(_("Enter at least one employee number."))
        if len(numbers) > MAX_MATRICULES:
            raise ValidationError(
                _("At most %(max)d employee numbers at once.") % {"max": MAX_MATRICULES}
            )
        fields["matricules"] = numbers
    else:
        raise ValidationError(_("Unknown selection."))
    job = BulkEnrollmentJob.objects.create(
        requested_by=requested_by,
        course=course,
        kind=kind,
        language=job_language(user=requested_by),
        **fields,
    )
    from ..tasks import bulk_enrollment_task

    bulk_enrollment_task.delay_on_commit(job.pk)
    return job


def bulk_enrollment_targets(job: BulkEnrollmentJob):
    """Active employees the requester may see, matching the job's selection."""
    qs = staff_visible_to(job.requested_by).filter(is_active=True)
    if job.kind == Kind.UNIT:
        qs = qs.filter(Territory.objects.descendant_of_q(job.unit, field="unit"))
    elif job.kind == Kind.JOB_TITLE:
        qs = qs.filter(job_title__iexact=job.job_title)
    else:
        qs = qs.filter(matricule__in=job.matricules)
    return qs.order_by("pk")


def bulk_enrollment_run(
    *, job_id: int, progress: Callable[[BulkEnrollmentJob], None] | None = None
) -> BulkEnrollmentJob | None:
    """Enrol the job's employees in chunks, saving progress after each chunk.

    The job is claimed once (``academy.core.jobs``); a job left running by a dead worker is
    reclaimed and started again from scratch: existing enrolments are counted, not
    duplicated. ``None`` when another worker has the job or it is finished."""

    def body(job: BulkEnrollmentJob) -> None:
        job = BulkEnrollmentJob.objects.select_related("requested_by", "course", "unit").get(
            pk=job.pk
        )
        _bulk_enrol(job, progress)

    job = job_run(BulkEnrollmentJob, job_id=job_id, body=body)
    if job is not None:
        job.refresh_from_db()
        if progress:
            progress(job)
    return job


def _bulk_enrol(job: BulkEnrollmentJob, progress) -> None:
    targets = list(bulk_enrollment_targets(job).values_list("pk", "matricule"))
    errors = []
    if job.kind == Kind.MATRICULES:
        found = {matricule for _pk, matricule in targets}
        missing = [m for m in job.matricules if m not in found]
        if missing:
            errors.append(
                {
                    "code": "unknown_matricules",
                    "matricules": missing,
                    "message": "not found, inactive or outside the requester's scope",
                }
            )
    job_progress(
        job,
        percent=0,
        total=len(targets),
        processed=0,
        created_count=0,
        existing_count=0,
        errors=errors,
    )
    if progress:
        progress(job)
    ids = [pk for pk, _matricule in targets]
    created_count = existing_count = processed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for user in User.objects.filter(pk__in=chunk).order_by("pk"):
            _enrollment, created = enrollment_get_or_create(
                learner=user,
                course=job.course,
                source=Enrollment.Source.BULK,
                enrolled_by=job.requested_by,
            )
            if created:
                created_count += 1
            else:
                existing_count += 1
        processed += len(chunk)
        job_progress(
            job,
            percent=processed * 100 // len(ids),
            processed=processed,
            created_count=created_count,
            existing_count=existing_count,
        )
        if progress:
            progress(job)
