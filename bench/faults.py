"""Faults: a Celery worker killed mid-way, Redis restarted during learner activity.

    uv run python bench/faults.py [--certificates 200] [--export-rows 100000]
                                  [--import-rows 5000] [--learners 20] [--duration 40]
                                  [--port 8701] [--redis-port 6479] [--database NAME]
                                  [--only certificates|export|import|redis]

Starts its own stack on loopback (fresh PostgreSQL database, a Redis of its own on
``--redis-port``, never the machine's 6379; gunicorn; Celery workers) and stops it.

certificates  ``--certificates`` completed enrolments, their issuing queued (twice: a
              redelivery); the worker is killed (SIGKILL) once a tenth are issued, and
              restarted; the certificates whose task died with the worker are queued
              again by the beat's sweep (run at once here instead of ten minutes later).
              Exactly once: one valid certificate per completion, none missing.
redis         ``--learners`` learners active for ``--duration`` s (bench/load.py's
              scenario); Redis (broker, cache, sessions) is killed a quarter of the way
              and restarted five seconds later. Prints the errors seen by the learners
              during the outage and the reconciliation (nothing acknowledged is lost, no
              duplicate, every completion certified after the sweep).

export        an XLSX export of ``--export-rows`` enrolments (learner progress, national,
              in Arabic); the worker is killed (SIGKILL) once the job reports a fifth done.
              The job is left RUNNING with the dead worker's heartbeat; the broker
              redelivers the unacknowledged task (here twice, at once, instead of after
              Redis's visibility timeout) and the heartbeat is aged past
              ``JOBS_STALE_AFTER`` (as the minutes would). Exactly once: the job DONE,
              one file in its folder, the workbook complete (header + every row, no
              duplicate), no second run after it.
import        a staff import of ``--import-rows`` new agents, applied by the worker, which is
              killed while it applies (a tenth of the rows written, in the import's one
              transaction). Same redelivery as above. Exactly once: the job DONE, every
              agent created once, one audit record of the import.

Every case checks what the requester sees as well: the job's status and message.
``--database`` names the database the stack creates afresh (default
``academie_bench_faults``): give each person sharing a machine a name of their own;
``--redis-url`` uses an existing Redis database (flushed first) for the worker cases.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Stack, bench_course, learners_create, wait_until  # noqa: E402


def certificates_case(stack: Stack, count: int) -> bool:
    from django.core.files.storage import storages

    from certificates.models import Certificate, CertificateReservation
    from certificates.tasks import certificate_issue_task, certificates_missing_issue_task
    from tests.certificates import factories

    tree = bench_course()
    users = learners_create(count, prefix="cert", password="unused-Pass-2026")
    enrollments = [factories.completed_enrollment(user=u, course_page=tree.course) for u in users]
    ids = [e.pk for e in enrollments]
    valid = Certificate.objects.filter(enrollment_id__in=ids, status="valid")
    for pk in ids:
        certificate_issue_task.delay(pk)
    stack.start_worker(concurrency=2)
    wait_until(lambda: valid.count() >= max(1, count // 10), 300, 0.05)
    stack.kill("worker", signal.SIGKILL)
    at_kill = valid.count()
    for pk in ids:  # a redelivery of every task
        certificate_issue_task.delay(pk)
    stack.start_worker(concurrency=2)
    wait_until(lambda: valid.count() >= count, 600)
    after_restart = valid.count()
    certificates_missing_issue_task.delay(0)  # the beat's sweep
    wait_until(lambda: valid.count() >= count, 300)
    time.sleep(2)  # a late duplicate would show now
    per_enrolment = {pk: 0 for pk in ids}
    for enrollment_id in valid.values_list("enrollment_id", flat=True):
        per_enrolment[enrollment_id] += 1
    missing = sum(1 for n in per_enrolment.values() if n == 0)
    duplicated = sum(n - 1 for n in per_enrolment.values() if n > 1)
    numbers = sorted(int(s[-6:]) for s in Certificate.objects.values_list("serial", flat=True))
    gaps = (numbers[-1] - numbers[0] + 1 - len(numbers)) if numbers else 0
    storage = storages["private"]
    stored = set(Certificate.objects.values_list("pdf", flat=True))
    on_disk = set()
    if storage.exists("certificates"):
        for folder in storage.listdir("certificates")[0]:
            on_disk |= {
                f"certificates/{folder}/{n}" for n in storage.listdir(f"certificates/{folder}")[1]
            }
    orphans = len(on_disk - stored)
    ok = missing == 0 and duplicated == 0
    print(
        f"certificates: {count} completions; worker killed with {at_kill} issued; "
        f"{after_restart} after restart and redelivery; {valid.count()} after the sweep; "
        f"missing {missing} duplicated {duplicated}; serial gaps {gaps}; reservations left "
        f"{CertificateReservation.objects.count()}; orphan PDF files {orphans} -> "
        f"{'exactly once' if ok else 'NOT exactly once'}"
    )
    return ok


def _redeliver(model, job_id: int, task, copies: int = 2) -> None:
    """What the broker does for a task whose worker died before acknowledging it (late
    acknowledgement), minus the wait: the job's heartbeat is aged past the stale delay
    the redelivered task needs before it may reclaim the job, and the task is sent again
    (twice: two redeliveries must still run the job once)."""
    from datetime import timedelta

    from django.utils import timezone

    from academy.core.jobs import job_stale_after

    aged = timezone.now() - timedelta(seconds=job_stale_after() + 1)
    model.objects.filter(pk=job_id, status="running").update(heartbeat_at=aged)
    for _ in range(copies):
        task.delay(job_id)


def export_case(stack: Stack, rows: int) -> bool:
    import io
    import zipfile

    from django.core.files.storage import storages
    from django.utils import timezone, translation
    from django.utils.translation import gettext
    from openpyxl import load_workbook

    from academy.accounts.selectors import visibility_for
    from hr.models import ExportJob
    from hr.selectors.scope import Scope, StatsFilters
    from hr.services.exports import export_job_create
    from hr.tasks import export_task
    from learners.models import Enrollment
    from tests import factories as base

    tree = bench_course()
    unit = base.region()
    users = learners_create(rows, prefix="xlsx", password="unused-Pass-2026")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(unit=unit)
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=u,
                course=tree.course,
                enrolled_at=now,
                last_activity_at=now,
                unit_at_enrollment=unit,
            )
            for u in users
        ],
        batch_size=5000,
    )
    officer = base.hr_officer(None, username="faults.export.officer", preferred_language="ar")
    job = export_job_create(
        user=officer,
        scope=Scope(visibility=visibility_for(officer), unit=None),
        exporter_name="learner_progress",
        filters=StatsFilters(),
        language="ar",
    )
    export_task.delay(job.pk)
    started = time.monotonic()
    stack.start_worker(concurrency=1)
    job_row = ExportJob.objects.filter(pk=job.pk)
    wait_until(lambda: job_row.filter(status="running", percent__gte=20).exists(), 900, 0.05)
    stack.kill("worker", signal.SIGKILL)
    at_kill = job_row.values("status", "percent").get()
    _redeliver(ExportJob, job.pk, export_task)
    stack.start_worker(concurrency=2)
    wait_until(lambda: job_row.filter(status__in=("done", "failed")).exists(), 1800)
    elapsed = time.monotonic() - started
    stack.kill("worker", signal.SIGTERM)  # let any late redelivery finish (or not) first
    job.refresh_from_db()
    storage = storages["private"]
    folder = f"hr-exports/{job.pk}"
    files = storage.listdir(folder)[1] if storage.exists(folder) else []
    sheet_rows = duplicates = 0
    complete = False
    if job.status == "done" and job.file_path:
        with storage.open(job.file_path, "rb") as fh:
            data = fh.read()
        zipfile.ZipFile(io.BytesIO(data)).testzip()
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        header, body = values[0], values[1:]
        sheet_rows = len(body)
        duplicates = len(body) - len({tuple(r) for r in body})
        with translation.override("ar"):
            arabic = header[0] == gettext("Matricule")
        complete = sheet_rows == rows and arabic
    ok = (
        job.status == "done"
        and job.rows == rows
        and len(files) == 1
        and complete
        and duplicates == 0
        and job.attempts == 2
    )
    print(
        f"export: XLSX of {rows} rows; worker killed at {at_kill['percent']} % "
        f"({at_kill['status']}); after two redeliveries and a restart: job {job.status} "
        f"(runs {job.attempts}), rows recorded {job.rows}, rows in the workbook {sheet_rows}, "
        f"duplicate rows {duplicates}, files in the job's folder {len(files)}, first header "
        f"{'in Arabic' if complete else 'WRONG'}; {elapsed:.0f} s in all -> "
        f"{'exactly once' if ok else 'NOT exactly once'}"
    )
    if job.message:
        print(f"  message: {job.message}")
    return ok


def import_case(stack: Stack, rows: int) -> bool:
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from academy.audit.models import AuditEntry
    from hr.models import StaffImportJob
    from hr.services.staff_import import staff_import_job_create, staff_import_job_queue
    from hr.tasks import staff_import_task
    from tests import factories as base

    User = get_user_model()
    region = base.region()
    communes = [base.commune(base.province(region)) for _ in range(5)]
    officer = base.hr_officer(region, username="faults.import.officer", preferred_language="fr")
    lines = ["matricule,last_name,first_name,last_name_ar,first_name_ar,email,unit_code,job_title"]
    for i in range(rows):
        lines.append(
            f"FLT-{i:06d},Alaoui,Hind {i},العلوي,هند,flt{i:06d}@commune.ma,"
            f"{communes[i % len(communes)].code},Technicienne"
        )
    raw = ("\n".join(lines) + "\n").encode()
    with transaction.atomic():
        job = staff_import_job_create(
            user=officer, raw=raw, file_name="agents.csv", effective_on=datetime.date(2026, 11, 1)
        )
        assert staff_import_job_queue(job=job)  # the officer applies the clean dry run
    started = time.monotonic()
    stack.start_worker(concurrency=1)
    job_row = StaffImportJob.objects.filter(pk=job.pk)
    from django.core.cache import cache

    from hr.services.staff_import import _progress_key

    wait_until(
        lambda: (
            job_row.filter(status="running").exists()
            and int(cache.get(_progress_key(job.pk), 0)) >= 10
        ),
        900,
        0.05,
    )
    stack.kill("worker", signal.SIGKILL)
    at_kill = int(cache.get(_progress_key(job.pk), 0))
    created_at_kill = User.objects.filter(matricule__startswith="FLT-").count()
    _redeliver(StaffImportJob, job.pk, staff_import_task)
    stack.start_worker(concurrency=2)
    wait_until(lambda: job_row.filter(status__in=("done", "failed")).exists(), 1800)
    elapsed = time.monotonic() - started
    stack.kill("worker", signal.SIGTERM)
    job.refresh_from_db()
    created = User.objects.filter(matricule__startswith="FLT-")
    distinct = created.values("matricule").distinct().count()
    audits = AuditEntry.objects.filter(action="import", data__job=job.pk).count()
    ok = (
        job.status == "done"
        and job.applied
        and created.count() == rows == distinct
        and audits == 1
        and job.attempts == 2
    )
    print(
        f"import: {rows} new agents; worker killed at {at_kill} % applied ({created_at_kill} "
        f"agents visible then: one transaction); after two redeliveries and a restart: job "
        f"{job.status} (runs {job.attempts}), agents {created.count()} (distinct "
        f"{distinct}), audit records {audits}; {elapsed:.0f} s in all -> "
        f"{'exactly once' if ok else 'NOT exactly once'}"
    )
    if job.message:
        print(f"  message: {job.message}")
    return ok


def redis_case(stack: Stack, learners: int, duration: float, think: float) -> bool:
    from bench import load
    from certificates.tasks import certificates_missing_issue_task

    tree = bench_course()
    users = learners_create(learners, prefix="redis", password=load.PASSWORD)
    course = {
        "id": tree.course.pk,
        "lessons": [{"id": lesson.pk, "url": lesson.get_url()} for lesson in tree.lessons],
    }
    stack.start_gunicorn()
    stack.start_worker(concurrency=1)
    rec = load.Recorder()
    base = f"http://127.0.0.1:{stack.http_port}"
    start = time.monotonic()
    stop_at = start + duration
    threads = [
        threading.Thread(
            target=load.learner_run,
            args=(i, {"id": u.pk, "username": u.username}, course, base, stop_at, think, rec),
            daemon=True,
        )
        for i, u in enumerate(users)
    ]
    for t in threads:
        t.start()
    time.sleep(duration / 4)
    stack.kill("redis", signal.SIGKILL)
    down_at = time.monotonic()
    time.sleep(5)
    stack.start_redis()
    up_after = time.monotonic() - down_at
    for t in threads:
        t.join(duration + 120)
    certificates_missing_issue_task.delay(0)  # the beat's sweep: tasks lost with Redis
    figures = load.reconcile(rec, tree.course.pk, [u.pk for u in users], 180)
    errors = sum(rec.errors.values())
    ok = figures["lost"] == 0 and figures["duplicated"] == 0
    print(
        f"redis: {learners} learners for {duration:.0f} s; Redis killed and back after "
        f"{up_after:.1f} s; requests ok {sum(len(v) for v in rec.latencies.values())}, "
        f"errors seen by learners {errors} ({dict(rec.errors)}); statements acknowledged "
        f"{figures['statements_sent']} stored {figures['statements_stored']}; progress rows "
        f"{figures['progress_rows']} (expected {figures['progress_expected']}); completions "
        f"{figures['completions']} (expected {figures['completions_expected']}); certificates "
        f"{figures['certificates']}; lost {figures['lost']} duplicated {figures['duplicated']} -> "
        f"{'nothing lost, exactly once' if ok else 'LOST OR DUPLICATED'}"
    )
    for sample in rec.error_samples[:5]:
        print(f"  error: {sample}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--think", type=float, default=0.5)
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--redis-port", type=int, default=6479)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--database", default="academie_bench_faults")
    parser.add_argument(
        "--redis-url",
        default="",
        help="an existing Redis database (flushed) instead of a server of the script's own; "
        "not for the redis case, which kills its server",
    )
    parser.add_argument("--only", choices=("certificates", "export", "import", "redis"))
    args = parser.parse_args()

    results = {}
    stack = Stack(
        name="faults",
        redis_port=args.redis_port,
        http_port=args.port,
        database=args.database,
        redis_url=args.redis_url,
    )
    if args.redis_url and args.only in (None, "redis"):
        parser.error("the redis case kills its own Redis server: use --only with --redis-url")
    stack.stop_on_sigterm()
    try:
        stack.fresh_database()
        stack.start_redis()
        stack.django()
        if args.only in (None, "certificates"):
            results["certificates"] = certificates_case(stack, args.certificates)
            stack.kill("worker")
        if args.only in (None, "export"):
            results["export"] = export_case(stack, args.export_rows)
        if args.only in (None, "import"):
            results["import"] = import_case(stack, args.import_rows)
        if args.only in (None, "redis"):
            results["redis"] = redis_case(stack, args.learners, args.duration, args.think)
    finally:
        stack.stop()
    ok = all(results.values())
    summary = ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in results.items())
    print(f"verdict: {'PASS' if ok else 'FAIL'} ({summary})")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
