"""Background jobs finish exactly once: atomic claim, stale reclaim, failures recorded."""

import datetime
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone, translation

from academy.accounts.models import User
from academy.core.jobs import JobStatus, job_claim
from hr.models import ExportJob, StaffImportJob
from hr.selectors import Scope, StatsFilters
from hr.services import (
    export_job_create,
    export_job_run,
    staff_import_job_create,
    staff_import_job_queue,
    staff_import_job_run,
)
from tests import factories
from tests.hr.test_staff_import import csv_bytes, row


@pytest.fixture
def officer(small_tree):
    return factories.hr_officer(small_tree["p1"], username="officer-p1")


def _export(officer, small_tree, language="fr"):
    from academy.accounts.selectors import visibility_for

    scope = Scope(visibility=visibility_for(officer), unit=small_tree["p1"])
    with translation.override(language):
        return export_job_create(
            user=officer, scope=scope, exporter_name="unit_summary", filters=StatsFilters()
        )


def test_a_job_is_claimed_by_one_worker_only(officer, small_tree):
    job = _export(officer, small_tree)
    first = job_claim(ExportJob, job_id=job.pk)
    second = job_claim(ExportJob, job_id=job.pk)
    assert first is not None and first.status == JobStatus.RUNNING and first.attempts == 1
    assert second is None  # running and alive: a duplicate delivery does nothing


def test_a_running_job_does_not_run_again_while_alive(officer, small_tree):
    job = _export(officer, small_tree)
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert export_job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and not job.file_path


def test_a_job_left_running_by_a_dead_worker_is_reclaimed_and_finished(
    officer, small_tree, settings
):
    settings.JOBS_STALE_AFTER = 60
    job = _export(officer, small_tree)
    # The first worker stored its file, then died before recording it.
    storages["private"].save(f"hr-exports/{job.pk}/half.xlsx", ContentFile(b"partial"))
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    job = export_job_run(job_id=job.pk)
    assert job is not None and job.status == JobStatus.DONE and job.attempts == 2
    # One export, one file: the first run's file was replaced.
    assert storages["private"].listdir(f"hr-exports/{job.pk}")[1] == [
        job.file_path.rsplit("/", 1)[1]
    ]
    assert export_job_run(job_id=job.pk) is None  # finished: never again


def test_an_unexpected_error_marks_the_job_failed_with_a_message_in_the_requesters_language(
    officer, small_tree, monkeypatch
):
    job = _export(officer, small_tree, language="ar")

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("hr.services.exports.export_xlsx_write", boom)
    job = export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "disk full" not in job.message  # no internals on the page
    with translation.override("ar"):
        from academy.core.jobs import job_failure_message

        assert job.message == job_failure_message(job)
    assert any("\u0600" <= c <= "\u06ff" for c in job.message)


def test_a_staff_import_crashing_while_applying_is_failed_not_left_running(
    officer, small_tree, monkeypatch
):
    job = staff_import_job_create(
        user=officer,
        raw=csv_bytes(row("K1", small_tree["c1"])),
        file_name="s.csv",
        effective_on=datetime.date(2026, 1, 5),
    )
    assert job.status == JobStatus.DRAFT

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("hr.services.staff_import.User.set_unusable_password", lambda self: boom())
    assert staff_import_job_queue(job=job)
    job = staff_import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message and not job.applied
    assert not User.objects.filter(matricule="K1").exists()


def test_a_staff_import_is_queued_once_and_applied_once(
    officer, small_tree, django_capture_on_commit_callbacks, monkeypatch
):
    job = staff_import_job_create(
        user=officer,
        raw=csv_bytes(row("Q1", small_tree["c1"])),
        file_name="s.csv",
        effective_on=datetime.date(2026, 1, 5),
    )
    from hr.tasks import staff_import_task

    queued = []
    original = staff_import_task.delay_on_commit
    monkeypatch.setattr(
        staff_import_task,
        "delay_on_commit",
        lambda *args, **kwargs: queued.append(args) or original(*args, **kwargs),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_import_job_queue(job=job)
        assert not staff_import_job_queue(job=job)  # a second click
    assert queued == [(job.pk,)]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.applied
    assert staff_import_job_run(job_id=job.pk) is None  # a redelivered task
    assert User.objects.filter(matricule="Q1").count() == 1


def test_a_draft_import_is_never_run_by_a_stray_task(officer, small_tree):
    job = staff_import_job_create(
        user=officer,
        raw=csv_bytes(row("D1", small_tree["c1"])),
        file_name="s.csv",
        effective_on=datetime.date(2026, 1, 5),
    )
    assert staff_import_job_run(job_id=job.pk) is None
    assert StaffImportJob.objects.get(pk=job.pk).status == JobStatus.DRAFT
    assert not User.objects.filter(matricule="D1").exists()


def test_an_xlsx_export_runs_in_the_language_it_was_asked_in(officer, small_tree):
    from openpyxl import load_workbook

    job = _export(officer, small_tree, language="ar")
    assert job.language == "ar"
    with translation.override("fr"):  # the worker's own language does not matter
        job = export_job_run(job_id=job.pk)
    with storages["private"].open(job.file_path, "rb") as fh:
        sheet = load_workbook(fh).active
    assert sheet.sheet_view.rightToLeft
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[0] == "رمز الوحدة" and "Code de l'unité" not in header


def test_a_bulk_enrolment_that_crashes_is_failed_with_a_message(officer, small_tree, monkeypatch):
    from learners import services
    from learners.models import BulkEnrollmentJob
    from tests.hr import factories as hr_factories

    factories.UserFactory(unit=small_tree["c1"], job_title="Technicien")
    course = hr_factories.course("Cours")
    job = BulkEnrollmentJob.objects.create(
        requested_by=officer, course=course, kind="job_title", job_title="Technicien", language="fr"
    )

    def boom(**kwargs):
        raise RuntimeError("lock timeout")

    monkeypatch.setattr("learners.services.bulk.enrollment_get_or_create", boom)
    job = services.bulk_enrollment_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED and "tâche" in job.message and job.finished_at


def test_an_applied_staff_import_is_in_the_audit_log(
    officer, small_tree, django_capture_on_commit_callbacks
):
    from academy.audit.models import AuditAction, AuditEntry

    job = staff_import_job_create(
        user=officer,
        raw=csv_bytes(row("AU1", small_tree["c1"])),
        file_name="s.csv",
        effective_on=datetime.date(2026, 1, 5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_import_job_queue(job=job)
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.actor_id == officer.pk and entry.target_id == str(job.pk)
    assert entry.data["counts"]["create"] == 1 and entry.data["file"] == "s.csv"
