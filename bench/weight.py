"""Page weight in the browser: bytes on the wire for the catalogue, a lesson without H5P and a
lesson with H5P, first visit (empty cache) and repeat visit.

    uv run python bench/weight.py [--port 8850] [--reinstall]

Production profile: PostgreSQL database ``academie_weight`` (created if missing, migrated,
demo H5P activities and courses installed), Redis, gunicorn on 127.0.0.1, WhiteNoise with
compressed manifest static files and their cache headers. A signed-in learner (French) opens
each page in Debian's Chromium; the bytes are Chromium's own count of what came over the
network (CDP ``Network.loadingFinished`` ``encodedDataLength``: headers and compressed bodies).

For the H5P lesson, the activity is scrolled into view so that the lazily loaded player and
its content load too. "Before media" leaves out images, video, audio (and the H5P package's
own media files): the budgets of the performance issue count those apart.

Budgets (issue "Fast and light for rural connections"):
  lesson with H5P   ≤ 100 KB first visit (before media), ≤ 10 KB repeat visit
  catalogue, lesson without H5P   ≤ 30 KB first visit
A verdict line is printed per row; the script never fails on a budget (exit 0).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.stack import gunicorn_served  # noqa: E402

DB_NAME = "academie_weight"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/12")
CHROMIUM = "/usr/bin/chromium"
KB = 1024
BUDGETS = {  # page: (first visit before media, repeat visit) in bytes; None: no budget
    "catalogue": (30 * KB, None),
    "lesson": (30 * KB, None),
    "lesson-h5p": (100 * KB, 10 * KB),
}
MEDIA_TYPES = {"Image", "Media"}
MEDIA_EXTENSIONS = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".avif",
    ".svg",
    ".mp4",
    ".webm",
    ".mp3",
    ".ogg",
)


def bench_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ACADEMIE_DATA_DIR=str(BASE_DIR / "var" / "bench-weight"),
        DJANGO_SETTINGS_MODULE="academy.settings.base",
    )
    return env


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def prepare(reinstall: bool = False) -> dict:
    """Migrates, collects the static files, installs the demo H5P activities and courses,
    signs a learner in. Returns the pages' paths and the session cookie."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from academy.celery import app
    from courses.demo import demo_courses_install
    from courses.h5p.demo import demo_h5p_install
    from courses.h5p.models import H5PPackage
    from courses.h5p.tasks import h5p_package_extract_task
    from courses.models import CataloguePage, LessonPage

    # No Celery worker here: the packages are extracted in this process.
    app.conf.task_always_eager = True
    if reinstall or not LessonPage.objects.filter(live=True).exists():
        for line in demo_h5p_install():
            print(f"  {line}", file=sys.stderr)
        demo_courses_install(stdout=sys.stderr)
    for package in H5PPackage.objects.exclude(status=H5PPackage.Status.READY):
        h5p_package_extract_task(package.pk)
    lessons = LessonPage.objects.live().filter(locale__language_code="fr").order_by("path")
    with_h5p = next(p for p in lessons if any(b.block_type == "h5p" for b in p.body))
    without = next(p for p in lessons if not any(b.block_type == "h5p" for b in p.body))
    catalogue = CataloguePage.objects.live().get(locale__language_code="fr")

    user, _ = get_user_model().objects.get_or_create(
        username="weight-learner", defaults={"first_name": "Poids", "last_name": "Léger"}
    )
    client = Client()
    client.force_login(user)
    return {
        "session": client.cookies["sessionid"].value,
        "pages": {"catalogue": catalogue.url, "lesson": without.url, "lesson-h5p": with_h5p.url},
    }


class WireCounter:
    """Sums Chromium's encodedDataLength of every finished request of a page (frames too)."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.requests: dict[str, dict] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _response(self, event):
        self.requests.setdefault(event["requestId"], {}).update(
            url=event["response"]["url"],
            type=event.get("type", ""),
            cached=event["response"].get("fromDiskCache")
            or event["response"].get("fromServiceWorker"),
        )

    def _finished(self, event):
        self.requests.setdefault(event["requestId"], {})["bytes"] = event["encodedDataLength"]

    def reset(self):
        self.requests = {}

    def totals(self) -> dict:
        total = media = count = 0
        for request in self.requests.values():
            size = request.get("bytes", 0)
            total += size
            count += 1
            url = request.get("url", "").split("?")[0].lower()
            if request.get("type") in MEDIA_TYPES or url.endswith(MEDIA_EXTENSIONS):
                media += size
        return {"total": total, "before_media": total - media, "requests": count}


def visit(page, counter, url, *, h5p: bool) -> dict:
    counter.reset()
    page.goto(url, wait_until="load")
    if h5p:
        page.locator("[data-h5p-player]").first.scroll_into_view_if_needed()
        page.frame_locator("[data-h5p-player] iframe").first.locator("body").wait_for()
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)  # the last loadingFinished events
    return counter.totals()


def measure(port: int, setup: dict) -> list[dict]:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            for name, path in setup["pages"].items():
                # A fresh context per page: an empty cache for the first visit.
                context = browser.new_context(
                    locale="fr-FR", viewport={"width": 1280, "height": 900}
                )
                context.add_cookies(
                    [
                        {"name": "sessionid", "value": setup["session"], "url": base},
                        {"name": "academie_language", "value": "fr", "url": base},
                    ]
                )
                page = context.new_page()
                counter = WireCounter(context, page)
                h5p = name == "lesson-h5p"
                first = visit(page, counter, base + path, h5p=h5p)
                repeat = visit(page, counter, base + path, h5p=h5p)
                rows.append({"page": name, "path": path, "first": first, "repeat": repeat})
                context.close()
        finally:
            browser.close()
    return rows


def report(rows: list[dict]) -> None:
    def kb(n):
        return f"{n / KB:7.1f} KB"

    print(
        f"{'page':<12} {'first (all)':>12} {'first (no media)':>17} {'repeat':>11} {'requests 1st/2nd':>17}  path"
    )
    for row in rows:
        f, r = row["first"], row["repeat"]
        print(
            f"{row['page']:<12} {kb(f['total']):>12} {kb(f['before_media']):>17} {kb(r['total']):>11} "
            f"{f['requests']:>8}/{r['requests']:<8}  {row['path']}"
        )
    print()
    for row in rows:
        first_budget, repeat_budget = BUDGETS[row["page"]]
        checks = [
            f"first visit {row['first']['before_media'] / KB:.1f} KB ≤ {first_budget / KB:.0f} KB"
            + ("" if row["first"]["before_media"] <= first_budget else "  ✗")
        ]
        ok = row["first"]["before_media"] <= first_budget
        if repeat_budget is not None:
            checks.append(
                f"repeat visit {row['repeat']['total'] / KB:.1f} KB ≤ {repeat_budget / KB:.0f} KB"
                + ("" if row["repeat"]["total"] <= repeat_budget else "  ✗")
            )
            ok = ok and row["repeat"]["total"] <= repeat_budget
        print(f"{'PASS' if ok else 'OVER'}  {row['page']:<12} " + "; ".join(checks))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8850)
    parser.add_argument("--reinstall", action="store_true", help="re-run the demo installers")
    args = parser.parse_args()

    env = bench_env()
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    ensure_database()
    setup = prepare(reinstall=args.reinstall)

    with gunicorn_served(env=env, port=args.port, ready_path=setup["pages"]["catalogue"]):
        rows = measure(args.port, setup)
    report(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
