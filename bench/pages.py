"""Page benchmark: the catalogue and a lesson page seen by a signed-in learner.

    uv run python bench/pages.py [--seconds 10] [--connections 16] [--port 8765] [--reinstall]

Production profile: PostgreSQL database ``academie_bench`` (created if missing, migrated,
demo courses installed), Redis cache, gunicorn with 2 sync workers on 127.0.0.1,
compressed manifest static files. Bounded loopback load: ``--connections`` client
threads, each sending its next request when the previous answer arrived, for a fixed time
per phase. Phases, same server, same run, same signed-in learner:

  bare       the true floor: a core Wagtail ``Page`` (wagtailcore/page.html, a template that
             extends nothing and uses no project context), root of a site of its own
             (host ``localhost``), same server, same middleware, same signed-in session
  module     an empty module page of Académie (routing + the shell's base template): the
             shell's own cost shows between ``bare`` and ``module``
  catalogue  the fr catalogue (site root) with its filters
  course     the first demo course's page (outline, progress, final assessment box)
  lesson     the richest lesson of the first demo course (text, callouts, quiz, H5P slot)

Prints requests/s, p50/p99 latency and the ratio to the bare page. Targets: lesson and
catalogue >= 0.7 x bare requests/s and p99 < 150 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.stack import gunicorn_served  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB", "academie_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
TARGET_RATIO = 0.7
TARGET_P99_MS = 150
FLOOR_SLUG = "bench-floor"
BARE_SLUG = "bench-bare-wagtail-page"
BARE_HOST = "bare.localhost"


def bench_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        ALLOWED_HOSTS=f"127.0.0.1,localhost,{BARE_HOST}",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ACADEMIE_DATA_DIR=str(BASE_DIR / "var" / "bench-pages"),
        STATIC_ROOT=str(BASE_DIR / "var" / "bench-pages" / "static"),
        DJANGO_SETTINGS_MODULE="academy.settings.base",
    )
    return env


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def prepare(reinstall: bool = False) -> dict:
    """Migrates, installs the demo catalogue, creates the learner and the floor page.
    Runs in this process with the production environment; returns URLs and the cookie."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from wagtail.models import Page

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from courses.demo import demo_courses_install
    from courses.models import CoursePage, LessonPage, ModulePage

    if reinstall or not CoursePage.objects.filter(live=True).exists():
        demo_courses_install(stdout=sys.stderr)
    course = (
        CoursePage.objects.filter(locale__language_code="fr", live=True).order_by("path").first()
    )
    floor = ModulePage.objects.child_of(course).filter(slug=FLOOR_SLUG).first()
    if floor is None:
        floor = ModulePage(title="Bench floor", slug=FLOOR_SLUG, intro="", is_required=False)
        course.add_child(instance=floor)
        floor.save_revision().publish()
    # The true floor: a plain wagtailcore Page, root of a site answering for BARE_HOST.
    from wagtail.models import Site

    bare = Page.objects.filter(slug=BARE_SLUG, depth=2).first()
    if bare is None:
        bare = Page.get_first_root_node().add_child(
            instance=Page(title="Bare Wagtail page", slug=BARE_SLUG, locale=course.locale)
        )
    Site.objects.update_or_create(
        hostname=BARE_HOST, port=80, defaults={"root_page": bare, "site_name": "bare"}
    )
    path = lambda page: Page.objects.get(pk=page.pk).get_url_parts()[2]  # noqa: E731
    lessons = LessonPage.objects.live().descendant_of(course).filter(locale=course.locale)
    lesson = max(lessons, key=lambda page: len(page.body))

    user, _ = get_user_model().objects.get_or_create(
        username="bench-learner", defaults={"first_name": "Bench", "last_name": "Learner"}
    )
    from learners.services import enrollment_get_or_create

    enrollment_get_or_create(learner=user, course=course)  # a learner following the course
    client = Client()
    client.force_login(user)
    root = Page.objects.get(pk=course.get_parent().pk)
    return {
        "cookie": f"sessionid={client.cookies['sessionid'].value}; academie_language=fr",
        "urls": {
            "bare": "/fr/",
            "module": path(floor),
            "catalogue": path(root),
            "course": path(course),
            "lesson": path(lesson),
        },
    }


def host_for(phase: str) -> str:
    return BARE_HOST if phase == "bare" else "127.0.0.1"


def load(
    port: int, path: str, cookie: str, seconds: float, connections: int, host: str = "127.0.0.1"
) -> dict:
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop = time.monotonic() + seconds
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip", "Host": host}

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            elapsed = time.perf_counter() - start
            if ok:
                latencies[i].append(elapsed)
            else:
                errors[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    all_lat = sorted(x for per in latencies for x in per)
    count = len(all_lat)

    def pct(p: float) -> float:
        return all_lat[min(count - 1, int(p * count))] * 1000 if count else float("nan")

    return {
        "rps": count / duration,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "count": count,
        "errors": sum(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reinstall", action="store_true", help="re-run the demo course installer")
    args = parser.parse_args()

    env = bench_env()
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    ensure_database()
    setup = prepare(reinstall=args.reinstall)
    cookie, urls = setup["cookie"], setup["urls"]

    with gunicorn_served(
        env=env,
        port=args.port,
        ready_path=urls["module"],
        ready=lambda status: status == 200,
        headers={"Cookie": cookie},
        timeout=120,
    ):
        results = {}
        for name in ("bare", "module", "catalogue", "course", "lesson"):
            host = host_for(name)
            load(args.port, urls[name], cookie, 1.5, args.connections, host)  # warm-up
            results[name] = load(
                args.port, urls[name], cookie, args.seconds, args.connections, host
            )
        # Service time without queueing: one connection, for reading the loaded figures.
        single = {
            name: load(args.port, urls[name], cookie, 3, 1, host_for(name)) for name in results
        }

    floor_rps = results["bare"]["rps"]
    print(
        f"page benchmark: gunicorn 2 workers, {args.connections} connections, {args.seconds:g} s per phase"
    )
    print(
        f"{'phase':<10} {'url':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>8} {'errors':>7}"
    )
    verdict = True
    for name, r in results.items():
        ratio = r["rps"] / floor_rps if floor_rps else float("nan")
        print(
            f"{name:<10} {urls[name]:<48} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{ratio:>8.2f} {r['errors']:>7}"
        )
        if name in ("catalogue", "lesson"):
            verdict &= ratio >= TARGET_RATIO and r["p99"] < TARGET_P99_MS and r["errors"] == 0
    print(
        "one connection (no queueing): "
        + ", ".join(f"{n} p50 {r['p50']:.1f} ms" for n, r in single.items())
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"targets (catalogue, lesson): >= {TARGET_RATIO} x bare req/s, p99 < {TARGET_P99_MS} ms: "
        f"{'met' if verdict else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
