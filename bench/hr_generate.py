"""National-scale dataset for the HR benchmark, on PostgreSQL.

    uv run python bench/hr_generate.py [--learners 150000] [--courses 100] [--fresh]

Creates the database ``academie_bench_hr`` if missing, migrates it, loads the 1,503
communes (``manage.py load_territories``), creates the courses through Wagtail (one
module and a few lessons each), then bulk-loads learners, ~10 enrolments per learner,
their lesson progress and certificates with ``COPY``. Idempotent: an existing dataset
of the requested size is kept unless ``--fresh``.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# Another database may be named (a helper's own, or a second data set): BENCH_HR_DB.
DB_NAME = os.environ.get("BENCH_HR_DB", "academie_bench_hr")
PG = "postgres://postgres@127.0.0.1:5432"
LESSONS_PER_COURSE = 3
ENROLMENTS_PER_LEARNER = (5, 15)  # uniform: 10 on average
COMPLETED_SHARE = 0.4
MOVED_SHARE = 0.03
CERTIFIED_SHARE = 0.8  # of completions
JOB_TITLES = [
    "Technicien",
    "Administrateur",
    "Ingénieur",
    "Rédacteur",
    "Agent",
    "Secrétaire",
    "Comptable",
]
LAST_NAMES = [
    ("Alami", "العلمي"),
    ("Bennani", "بناني"),
    ("Tazi", "التازي"),
    ("Idrissi", "الإدريسي"),
    ("Fassi", "الفاسي"),
    ("Berrada", "برادة"),
    ("Chraibi", "الشرايبي"),
    ("Ouazzani", "الوزاني"),
]
FIRST_NAMES = [
    ("Amina", "أمينة"),
    ("Karim", "كريم"),
    ("Nadia", "نادية"),
    ("Youssef", "يوسف"),
    ("Fatima", "فاطمة"),
    ("Omar", "عمر"),
    ("Salma", "سلمى"),
    ("Hamza", "حمزة"),
]


def setup_django() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("SECRET_KEY", "bench-hr-not-a-secret-" + "k" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings.base"
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            print(f"created database {DB_NAME}")
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)


def _copy(cursor, table: str, columns: list[str], lines) -> int:
    """COPY text-format lines (already tab-separated, escaped) into ``table``."""
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for line in lines:
            buf.write(line)
            n += 1
            if n % 20000 == 0:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())
    return n


def _ts(dt: datetime) -> str:
    return dt.isoformat(sep=" ", timespec="seconds")


LOADED_TABLES = (
    "accounts_user",
    "learners_enrollment",
    "learners_lessonprogress",
    "certificates_certificate",
)


def foreign_keys_drop(cursor) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of the loaded tables (and those pointing at them) for the load.

    Checking 5 million rows one by one at commit costs minutes; re-adding each constraint
    afterwards validates it in one join.
    """
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s))",
        [list(LOADED_TABLES), list(LOADED_TABLES)],
    )
    constraints = cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return constraints


def foreign_keys_restore(cursor, constraints) -> None:
    for table, name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def dataset_size() -> tuple[int, int]:
    from academy.accounts.models import User
    from learners.models import Enrollment

    return User.objects.filter(matricule__startswith="B").count(), Enrollment.objects.count()


def make_courses(count: int):
    from wagtail.models import Locale, Page

    from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage

    locale = Locale.objects.get_or_create(language_code="fr")[0]
    catalogue = CataloguePage.objects.filter(locale=locale).first()
    if catalogue is None:
        catalogue = Page.get_first_root_node().add_child(
            instance=CataloguePage(title="Catalogue", slug="catalogue-bench", locale=locale)
        )
    existing = list(
        CoursePage.objects.filter(locale=locale, slug__startswith="bench-").order_by("pk")
    )
    for i in range(len(existing), count):
        course = catalogue.add_child(
            instance=CoursePage(
                title=f"Cours {i + 1:03d} — دورة {i + 1}",
                slug=f"bench-{i + 1:03d}",
                summary="Résumé",
                theme="digital-basics",
                locale=locale,
            )
        )
        module = course.add_child(
            instance=ModulePage(title="Module 1", slug=f"bench-{i + 1:03d}-m1", locale=locale)
        )
        for k in range(LESSONS_PER_COURSE):
            module.add_child(
                instance=LessonPage(
                    title=f"Leçon {k + 1}", slug=f"bench-{i + 1:03d}-l{k + 1}", locale=locale
                )
            )
        existing.append(course)
    lessons = {}
    for course in existing:
        lessons[course.pk] = list(
            LessonPage.objects.descendant_of(course).order_by("path").values_list("pk", flat=True)
        )
    return [c.pk for c in existing[:count]], lessons


def wipe(cursor) -> None:
    # The benchmark database holds generated data only: TRUNCATE is instant where DELETE
    # would check every foreign key row by row.
    cursor.execute(
        "TRUNCATE learners_lessonprogress, certificates_certificate, learners_enrollment CASCADE"
    )
    cursor.execute("DELETE FROM accounts_user WHERE matricule LIKE 'B%%'")


def generate(*, learners: int, courses: int, fresh: bool = False, seed: int = 7) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from academy.territories.models import Territory

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Territory.objects.filter(level="commune").count() < 1500:
        call_command("load_territories", verbosity=0)
    print(f"schema + territories ready in {time.perf_counter() - started:.1f} s")
    have_learners, have_enrolments = dataset_size()
    if not fresh and have_learners == learners and have_enrolments > 0:
        print(
            f"dataset present: {have_learners} learners, {have_enrolments} enrolments (use --fresh to rebuild)"
        )
        generate_diagnostics(seed=seed)
        return

    t = time.perf_counter()
    course_ids, lessons = make_courses(courses)
    print(f"{len(course_ids)} courses through Wagtail in {time.perf_counter() - t:.1f} s")

    rng = random.Random(seed)
    communes = list(Territory.objects.filter(level="commune").values_list("pk", "population_2014"))
    commune_ids = [pk for pk, _ in communes]
    weights = [
        max(pop or 1000, 1000) ** 0.5 for _, pop in communes
    ]  # big towns get more staff, not all
    now = datetime.now(UTC)
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        constraints = foreign_keys_drop(cursor)
        wipe(cursor)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_user")
        first_user = cursor.fetchone()[0] + 1
        units = rng.choices(commune_ids, weights=weights, k=learners)
        password = "!unusable-bench"
        joined = _ts(now - timedelta(days=400))

        def users():
            for i in range(learners):
                last, last_ar = LAST_NAMES[i % len(LAST_NAMES)]
                first, first_ar = FIRST_NAMES[(i // 8) % len(FIRST_NAMES)]
                yield (
                    f"{first_user + i}\t{password}\tf\tb{i:07d}\t{first}\t{last}\tb{i:07d}@example.ma\tf\tt\t"
                    f"{joined}\tB{i:07d}\t{first_ar}\t{last_ar}\t{units[i]}\t2024-01-01\t"
                    f"{JOB_TITLES[i % len(JOB_TITLES)]}\t{'ar' if i % 3 == 0 else 'fr'}\n"
                )

        n_users = _copy(
            cursor,
            "accounts_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "matricule",
                "first_name_ar",
                "last_name_ar",
                "unit_id",
                "unit_since",
                "job_title",
                "preferred_language",
            ],
            users(),
        )
        print(f"{n_users} learners copied in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        enrolments: list[str] = []
        progress: list[str] = []
        certificates: list[str] = []
        enrolment_id = 0
        progress_id = 0
        certificate_id = 0
        year = now.year
        for i in range(learners):
            user_id = first_user + i
            unit = units[i]
            for course_id in rng.sample(
                course_ids, min(len(course_ids), rng.randint(*ENROLMENTS_PER_LEARNER))
            ):
                enrolment_id += 1
                enrolled = now - timedelta(days=rng.random() * 540)
                completed = rng.random() < COMPLETED_SHARE
                unit_at_enrolment = rng.choice(commune_ids) if rng.random() < MOVED_SHARE else unit
                course_lessons = lessons[course_id]
                enrolled_s = _ts(enrolled)
                if completed:
                    done_at = enrolled + timedelta(days=rng.random() * 60)
                    if done_at > now:
                        done_at = now - timedelta(minutes=5)
                    score = 60 + rng.random() * 40
                    last = done_at
                    seen = len(course_lessons)
                    enrolments.append(
                        f"{enrolment_id}\t{user_id}\t{course_id}\tcompleted\t{enrolled_s}\t{_ts(done_at)}\t"
                        f"{unit_at_enrolment}\t{unit}\t{score:.2f}\t100\t{_ts(last)}\tdemo\n"
                    )
                    if rng.random() < CERTIFIED_SHARE:
                        certificate_id += 1
                        certificates.append(
                            f"{certificate_id}\t{certificate_id:08x}-0000-4000-8000-{certificate_id:012x}\t"
                            f"AC-{year}-B{certificate_id:07d}\t{enrolment_id}\tvalid\t{_ts(done_at)}\t{{}}\t\t"
                            f"{certificate_id:064x}\tbench\t\n"
                        )
                else:
                    seen = rng.randint(0, len(course_lessons))
                    last = enrolled + timedelta(days=rng.random() * 30)
                    if last > now:
                        last = now - timedelta(minutes=5)
                    percent = int(100 * seen / max(len(course_lessons), 1))
                    percent = min(percent, 99)
                    enrolments.append(
                        f"{enrolment_id}\t{user_id}\t{course_id}\tactive\t{enrolled_s}\t\\N\t"
                        f"{unit_at_enrolment}\t\\N\t\\N\t{percent}\t{_ts(last)}\tdemo\n"
                    )
                last_s = _ts(last)
                for k in range(seen):
                    progress_id += 1
                    if completed or k < seen - 1:
                        status, done = "completed", last_s
                    else:
                        status, done = "in_progress", "\\N"
                    progress.append(
                        f"{progress_id}\t{enrolment_id}\t{course_lessons[k]}\t{status}\t{enrolled_s}\t"
                        f"{last_s}\t{done}\t{60 + int(rng.random() * 1740)}\t\\N\t\n"
                    )
        print(f"rows built in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        n_enrol = _copy(
            cursor,
            "learners_enrollment",
            [
                "id",
                "user_id",
                "course_id",
                "status",
                "enrolled_at",
                "completed_at",
                "unit_at_enrollment_id",
                "unit_at_completion_id",
                "final_score",
                "progress_percent",
                "last_activity_at",
                "source",
            ],
            enrolments,
        )
        del enrolments
        print(f"{n_enrol} enrolments copied in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        n_progress = _copy(
            cursor,
            "learners_lessonprogress",
            [
                "id",
                "enrollment_id",
                "lesson_id",
                "status",
                "first_visit_at",
                "last_visit_at",
                "completed_at",
                "time_spent_seconds",
                "best_score",
                "score_source",
            ],
            progress,
        )
        del progress
        print(f"{n_progress} lesson progress rows copied in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        n_cert = _copy(
            cursor,
            "certificates_certificate",
            [
                "id",
                "uuid",
                "serial",
                "enrollment_id",
                "status",
                "issued_at",
                "snapshot",
                "pdf",
                "sha256",
                "signature_backend",
                "revocation_reason",
            ],
            certificates,
        )
        print(f"{n_cert} certificates copied in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        foreign_keys_restore(cursor, constraints)
        print(
            f"{len(constraints)} foreign keys restored and validated in {time.perf_counter() - t:.1f} s"
        )
        for table in LOADED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE in {time.perf_counter() - t:.1f} s")
    generate_diagnostics(seed=seed)
    print(f"dataset generated in {time.perf_counter() - started:.1f} s")


DIAGNOSED_SHARE = 0.4  # of the generated learners
RETAKE_SHARE = 0.25  # of those diagnosed: a first sitting months earlier
INDICATOR_SHARE = 0.3  # of the communes


def generate_diagnostics(*, seed: int = 7, fresh: bool = False) -> None:
    """Digital-skills diagnostics (``diagnostic`` app) for a share of the generated learners:
    one result per DigComp competence, some learners with an earlier sitting; the per-unit
    roll-ups rebuilt by the app's own service; indicators for a share of the communes."""
    from django.db import connection, transaction

    from academy.accounts.models import User
    from courses.models import Competence
    from diagnostic.models import Diagnostic
    from diagnostic.scoring import competence_level
    from diagnostic.services import unit_maturity_rebuild

    if Diagnostic.objects.exists() and not fresh:
        print(f"diagnostics present: {Diagnostic.objects.count()} (use --fresh to rebuild)")
        return
    rng = random.Random(seed + 1)
    t = time.perf_counter()
    competences = list(Competence.objects.order_by("code").values_list("id", "code"))
    people = list(User.objects.filter(matricule__startswith="B").values_list("id", "unit_id"))
    chosen = rng.sample(people, int(len(people) * DIAGNOSED_SHARE))
    # Each commune gets its own tendency, so that the heat table is not uniform.
    tendency: dict = {}
    now = datetime.now(UTC)
    sittings, results = [], []
    diagnostic_id = result_id = 0
    for user_id, unit_id in chosen:
        base = tendency.setdefault(unit_id, 0.25 + rng.random() * 0.5)
        dates = [now - timedelta(days=rng.random() * 90)]
        if rng.random() < RETAKE_SHARE:
            dates.insert(0, dates[0] - timedelta(days=120 + rng.random() * 200))
        for k, when in enumerate(dates):
            diagnostic_id += 1
            latest = k == len(dates) - 1
            ability = base + (0.1 if latest and k else 0.0)
            total = 0.0
            for competence_id, code in competences:
                area_bias = (int(code[0]) - 3) * 0.05
                raw = sum(rng.random() < ability - area_bias for _ in range(2)) / 2
                score = round(100 * raw, 1)
                rating = rng.randint(1, 4)
                level = competence_level(score, rating)
                total += score
                result_id += 1
                results.append(
                    f"{result_id}\t{diagnostic_id}\t{competence_id}\t{score}\t{rating}\t{level}\n"
                )
            w = _ts(when)
            sittings.append(
                f"{diagnostic_id}\t{user_id}\t{unit_id}\tsubmitted\t{w}\t{w}\t[]\t{{}}\t{{}}\t0\t"
                f"{total / len(competences):.1f}\t{'t' if latest else 'f'}\n"
            )
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute(
            "TRUNCATE diagnostic_competenceresult, diagnostic_diagnostic, "
            "diagnostic_unitmaturity, diagnostic_unitindicators"
        )
        n = _copy(
            cursor,
            "diagnostic_diagnostic",
            ["id", "user_id", "unit_id", "status", "started_at", "submitted_at", "questions",
             "answers", "self_ratings", "page", "score", "is_latest"],
            sittings,
        )  # fmt: skip
        m = _copy(
            cursor,
            "diagnostic_competenceresult",
            ["id", "diagnostic_id", "competence_id", "score", "self_rating", "level"],
            results,
        )
        communes = list(
            __import__("academy.territories.models", fromlist=["Territory"])
            .Territory.objects.filter(level="commune")
            .values_list("pk", flat=True)
        )
        day = now.date()
        indicators = [
            f"{i + 1}\t{unit}\t{day - timedelta(days=rng.randint(0, 200))}\t{_ts(now)}\t"
            f"{'t' if rng.random() < 0.7 else 'f'}\t{'t' if rng.random() < 0.4 else 'f'}\t"
            f"{'t' if rng.random() < 0.6 else 'f'}\t{'t' if rng.random() < 0.2 else 'f'}\t"
            f"{rng.randint(0, 100)}\t{rng.choice(['none', 'poor', 'adequate', 'good'])}\n"
            for i, unit in enumerate(rng.sample(communes, int(len(communes) * INDICATOR_SHARE)))
        ]
        k = _copy(
            cursor,
            "diagnostic_unitindicators",
            ["id", "unit_id", "recorded_on", "recorded_at", "digital_registry", "e_signature",
             "complaints_portal", "online_appointments", "professional_email_percent",
             "connection_quality"],
            indicators,
        )  # fmt: skip
        for table in ("diagnostic_diagnostic", "diagnostic_competenceresult",
                      "diagnostic_unitindicators"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    print(f"{n} diagnostics, {m} competence results, {k} unit indicators copied in "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    t = time.perf_counter()
    units = unit_maturity_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{units} unit roll-ups rebuilt in {time.perf_counter() - t:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=150_000)
    parser.add_argument("--courses", type=int, default=100)
    parser.add_argument("--fresh", action="store_true", help="rebuild the dataset even if present")
    args = parser.parse_args()
    setup_django()
    generate(learners=args.learners, courses=args.courses, fresh=args.fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
