"""Load: simulated learners against the whole production stack, then a reconciliation.

    uv run python bench/load.py [--learners 200] [--duration 300] [--think 1.0] [--port 8700]

Starts on loopback a fresh PostgreSQL database (``--database``), a Redis of its own (port
6479, never the machine's 6379; or ``--redis-url``, an existing Redis database, flushed),
gunicorn (2 workers x 4 threads) and a Celery worker. Each simulated
learner (one thread, its own session) signs in with its password, enrols in a course
(three lessons and a final assessment; it awards a certificate), then opens each lesson
(page, visit), sends heartbeats and xAPI statements, takes and passes the final
assessment; until the time is up it goes on opening lessons and sending heartbeats and
statements. ``--think`` is the mean pause between two requests of a learner.

Prints requests/s, p50/p99 per kind of request, errors, and the reconciliation once the
worker has drained its queue: statements sent = stored, progress rows, completions,
certificates (one valid per completion, serials without gap): ``lost 0 duplicated 0``.
Targets: p99 < 500 ms (on 2 cores), 0 errors, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import random
import re
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Stack, bench_course, learners_create, percentile, wait_until  # noqa: E402

TARGET_P99_MS = 500
PASSWORD = "bench-Load-pass-2026"


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.statements_sent: list[str] = []
        self.visited: set[tuple[int, int]] = set()
        self.passed: set[int] = set()

    def timed(self, kind, call, ok=lambda r: r.status_code < 400):
        start = time.perf_counter()
        try:
            response = call()
            good = ok(response)
        except Exception as exc:  # noqa: BLE001 - counted as an error of this kind
            response, good = None, False
            detail = repr(exc)
        else:
            detail = f"{response.status_code} {response.url}"
        elapsed = time.perf_counter() - start
        with self.lock:
            if good:
                self.latencies[kind].append(elapsed)
            else:
                self.errors[kind] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {detail}")
        return response if good else None


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """The stack answers plain HTTP on loopback, as a server behind a TLS-terminating proxy
    does. The production profile marks its cookies Secure (session, CSRF, language); a
    browser sends them back over HTTPS, so the simulated learner does too."""

    def return_ok_secure(self, cookie, request):
        return True


def loopback_session():
    """A ``requests`` session that sends Secure cookies over loopback HTTP.

    ``requests`` copies the session's cookies into a fresh jar for every request (and
    redirect): that jar class is given the policy as well."""
    import requests
    import requests.sessions

    class LoopbackCookieJar(requests.cookies.RequestsCookieJar):
        def __init__(self, policy=None):
            super().__init__(policy or LoopbackCookiePolicy())

    requests.sessions.RequestsCookieJar = LoopbackCookieJar
    session = requests.Session()
    session.cookies = LoopbackCookieJar()
    return session


def learner_run(i, user, course, base, stop_at, think, rec: Recorder):
    session = loopback_session()
    rng = random.Random(i)

    def pause():
        time.sleep(rng.uniform(0, 2 * think))

    def csrf():
        return {"X-CSRFToken": session.cookies.get("csrftoken", "")}

    time.sleep(rng.uniform(0, min(10.0, think * 10)))  # learners arrive over a few seconds
    login = f"{base}/fr/accounts/login/"
    if rec.timed("sign_in_page", lambda: session.get(login, timeout=30)) is None:
        return
    signed = rec.timed(
        "sign_in",
        lambda: session.post(
            login,
            data={
                "username": user["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
            },
            headers={"Referer": login},
            timeout=30,
            allow_redirects=False,
        ),
        ok=lambda r: r.status_code == 302,
    )
    if signed is None:
        return
    pause()
    rec.timed(
        "enrol",
        lambda: session.post(
            f"{base}/fr/learn/courses/{course['id']}/enrol/",
            headers={**csrf(), "Referer": base},
            timeout=30,
            allow_redirects=False,
        ),
        ok=lambda r: r.status_code == 302,
    )

    def lesson_round(lesson):
        pause()
        rec.timed("lesson_page", lambda: session.get(base + lesson["url"], timeout=30))
        visit = rec.timed(
            "visit",
            lambda: session.post(
                f"{base}/fr/learn/lessons/{lesson['id']}/visit/",
                json={},
                headers=csrf(),
                timeout=30,
            ),
        )
        if visit is not None:
            with rec.lock:
                rec.visited.add((user["id"], lesson["id"]))
        for _ in range(2):
            if time.monotonic() > stop_at:
                return
            pause()
            rec.timed(
                "heartbeat",
                lambda: session.post(
                    f"{base}/fr/learn/lessons/{lesson['id']}/heartbeat/",
                    json={"seconds": 30},
                    headers=csrf(),
                    timeout=30,
                ),
            )
        pause()
        batch = [
            {
                "id": str(uuid.uuid4()),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": f"https://example.org/bench/{lesson['id']}/{k}"},
            }
            for k in range(rng.randint(1, 3))
        ]
        stored = rec.timed(
            "xapi",
            lambda: session.post(
                f"{base}/api/xapi/statements",
                json=batch,
                headers={**csrf(), "X-Experience-API-Version": "1.0.3"},
                timeout=30,
            ),
        )
        # Sent = acknowledged by the server: those must all be stored, once.
        if stored is not None:
            with rec.lock:
                rec.statements_sent.extend(s["id"] for s in batch)

    for lesson in course["lessons"]:
        if time.monotonic() > stop_at:
            return
        lesson_round(lesson)
    if time.monotonic() < stop_at:
        pause()
        attempt = rec.timed(
            "quiz_start",
            # The language prefix is part of the address (i18n_patterns): without it the
            # locale middleware redirects, and the redirected POST arrives as a GET (405).
            lambda: session.post(
                f"{base}/fr/courses-app/assessment/{course['id']}/start/",
                headers={**csrf(), "Referer": base},
                timeout=30,
            ),
        )
        if attempt is not None:
            names = sorted(set(re.findall(r'name="(q-[^"]+)"', attempt.text)))
            pause()
            submitted = rec.timed(
                "quiz_submit",
                lambda: session.post(
                    attempt.url,
                    data={
                        **{n: "true" for n in names},
                        "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
                    },
                    headers={"Referer": attempt.url},
                    timeout=30,
                ),
            )
            if submitted is not None:
                with rec.lock:
                    rec.passed.add(user["id"])
    while time.monotonic() < stop_at:
        lesson_round(rng.choice(course["lessons"]))


def reconcile(rec: Recorder, course_id: int, learner_ids: list[int], drain_timeout: float) -> dict:
    from certificates.models import Certificate, CertificateReservation
    from learners.models import Enrollment, LessonProgress, Statement

    completed = Enrollment.objects.filter(course_id=course_id, status="completed")
    wait_until(
        lambda: Certificate.objects.filter(status="valid").count() >= completed.count(),
        drain_timeout,
    )
    sent = rec.statements_sent
    stored_rows = 0
    stored_distinct = 0
    for start in range(0, len(sent), 1000):
        ids = sent[start : start + 1000]
        stored_rows += Statement.objects.filter(statement_id__in=ids).count()
        stored_distinct += (
            Statement.objects.filter(statement_id__in=ids).values("statement_id").distinct().count()
        )
    progress = LessonProgress.objects.filter(enrollment__course_id=course_id)
    progress_pairs = set(progress.values_list("enrollment__user_id", "lesson_id"))
    certificates = Certificate.objects.filter(enrollment__course_id=course_id)
    valid = certificates.filter(status="valid")
    per_enrolment = defaultdict(int)
    for enrollment_id in valid.values_list("enrollment_id", flat=True):
        per_enrolment[enrollment_id] += 1
    completed_ids = set(completed.values_list("user_id", flat=True))
    numbers = sorted(int(s[-6:]) for s in Certificate.objects.values_list("serial", flat=True))
    gaps = (numbers[-1] - numbers[0] + 1 - len(numbers)) if numbers else 0
    lost = (
        (len(set(sent)) - stored_distinct)
        + len(rec.visited - progress_pairs)
        + len(rec.passed - completed_ids)
        + sum(1 for pk in completed.values_list("pk", flat=True) if per_enrolment.get(pk, 0) == 0)
    )
    duplicated = (
        (stored_rows - stored_distinct)
        + (progress.count() - len(progress_pairs))
        + sum(n - 1 for n in per_enrolment.values() if n > 1)
    )
    return {
        "statements_sent": len(sent),
        "statements_stored": stored_distinct,
        "progress_expected": len(rec.visited),
        "progress_rows": progress.count(),
        "completions_expected": len(rec.passed),
        "completions": completed.count(),
        "certificates": valid.count(),
        "serial_gaps": gaps,
        "reservations_left": CertificateReservation.objects.count(),
        "lost": lost,
        "duplicated": duplicated,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests (s)")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--redis-port", type=int, default=6479)
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument(
        "--database",
        default="",
        help="name of the database created afresh (default academie_bench_load): one of "
        "your own on a shared machine",
    )
    parser.add_argument(
        "--redis-url", default="", help="an existing Redis database (flushed) instead of its own"
    )
    args = parser.parse_args()

    stack = Stack(
        name="load",
        redis_port=args.redis_port,
        http_port=args.port,
        database=args.database,
        redis_url=args.redis_url,
    )
    stack.stop_on_sigterm()
    try:
        stack.fresh_database()
        stack.start_redis()
        stack.django()
        tree = bench_course()
        users = learners_create(args.learners, prefix="load", password=PASSWORD)
        course = {
            "id": tree.course.pk,
            "lessons": [{"id": lesson.pk, "url": lesson.get_url()} for lesson in tree.lessons],
        }
        stack.start_gunicorn()
        stack.start_worker()
        base = f"http://127.0.0.1:{args.port}"
        rec = Recorder()
        started = time.monotonic()
        stop_at = started + args.duration
        threads = [
            threading.Thread(
                target=learner_run,
                args=(
                    i,
                    {"id": u.pk, "username": u.username},
                    course,
                    base,
                    stop_at,
                    args.think,
                    rec,
                ),
                daemon=True,
            )
            for i, u in enumerate(users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.duration + 120)
        elapsed = time.monotonic() - started
        figures = reconcile(rec, tree.course.pk, [u.pk for u in users], args.drain_timeout)
    finally:
        stack.stop()

    total = sum(len(v) for v in rec.latencies.values())
    errors = sum(rec.errors.values())
    print(
        f"load: {args.learners} learners, {elapsed:.0f} s, think {args.think} s, "
        f"gunicorn 2x4 threads + 1 Celery worker on loopback"
    )
    print(f"throughput: {total / elapsed:.1f} requests/s ({total} ok, {errors} errors)")
    print(f"{'kind':<14}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}")
    worst = 0.0
    for kind in sorted(set(rec.latencies) | set(rec.errors)):
        lat = rec.latencies.get(kind, [])
        p99 = percentile(lat, 0.99)
        if lat:
            worst = max(worst, p99)
        print(
            f"{kind:<14}{len(lat):>8}{rec.errors.get(kind, 0):>8}"
            f"{percentile(lat, 0.50):>10.1f}{p99:>10.1f}"
        )
    for sample in rec.error_samples:
        print(f"  error: {sample}")
    print(
        "reconciliation: statements sent {statements_sent} stored {statements_stored}; "
        "progress rows {progress_rows} (expected {progress_expected}); completions "
        "{completions} (expected {completions_expected}); certificates {certificates}, "
        "serial gaps {serial_gaps}, reservations left {reservations_left}; "
        "lost {lost} duplicated {duplicated}".format(**figures)
    )
    ok = (
        worst < TARGET_P99_MS
        and errors == 0
        and figures["lost"] == 0
        and figures["duplicated"] == 0
    )
    print(
        f"verdict: {'PASS' if ok else 'FAIL'} (worst p99 {worst:.0f} ms, target < {TARGET_P99_MS} ms; "
        f"errors {errors}; lost {figures['lost']} duplicated {figures['duplicated']})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
