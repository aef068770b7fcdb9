"""Digital-maturity benchmark at national scale (``diagnostic`` app), on PostgreSQL.

    uv run python bench/diagnostic_measure.py [--learners 150000] [--repeat 5]

Uses the HR data set (bench/hr_generate.py, which also loads diagnostics for 40 % of the
learners, earlier sittings for a quarter of them, and indicators for 30 % of the communes;
database ``academie_bench_hr`` or ``BENCH_HR_DB``), then measures ``unit_maturity`` (the unit
view's one selector: key figures, levels per area, weakest competences, every child unit for
the heat table) plus the indicators roll-up, as a national officer sees them:
- national, the largest region, one province, one commune: cold and best of N;
- national with "change since a date" 7, 30 and 60 days back (today's roll-ups corrected for
  the sittings since the date, or the sittings before it read, whichever reads fewer);
- the whole page through Django's test client (template included).
Target: national view ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hr_generate import generate, setup_django  # noqa: E402

TARGET_MS = 200.0


def timed(fn, repeat):
    timings, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - t) * 1000)
    return timings, result


def line(label, timings, extra=""):
    print(
        f"{label:<38} cold {timings[0]:7.1f} ms   best {min(timings):7.1f} ms   "
        f"median {statistics.median(timings):7.1f} ms {extra}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    generate(learners=args.learners, courses=100)

    from django.db.models import Count
    from django.test import Client

    from academy.accounts.models import HRScope, User
    from academy.accounts.selectors import Visibility
    from academy.territories.models import Territory
    from diagnostic.models import CompetenceResult, Diagnostic, UnitMaturity
    from diagnostic.selectors import indicators_rollup, unit_maturity
    from hr.selectors import Scope

    everything = Visibility(everything=True)
    print(
        f"data: {User.objects.filter(matricule__startswith='B').count()} learners, "
        f"{Diagnostic.objects.count()} diagnostics, {CompetenceResult.objects.count()} "
        f"competence results, {UnitMaturity.objects.count()} unit roll-ups"
    )
    region = (
        Territory.objects.filter(depth=1)
        .annotate(n=Count("children_units__children_units__staff"))
        .order_by("-n")
        .first()
    )
    province = Territory.objects.filter(parent=region).order_by("code").first()
    commune = Territory.objects.filter(parent=province).order_by("code").first()

    def view(unit, since=None):
        scope = Scope(visibility=everything, unit=unit)
        return unit_maturity(scope=scope, since=since), indicators_rollup(scope=scope)

    from django.core.cache import cache

    from diagnostic.selectors import STAFF_CACHE_KEY

    cache.delete(STAFF_CACHE_KEY)  # cold: the first national view counts the staff
    results = {}
    for label, unit in (
        ("national", None),
        (f"region {region.code}", region),
        (f"province {province.code}", province),
        (f"commune {commune.code}", commune),
    ):
        timings, (v, rollup) = timed(lambda unit=unit: view(unit), args.repeat)
        results[label] = timings
        line(
            f"unit view, {label}",
            timings,
            f"({v.total.maturity.diagnosed} diagnosed, {len(v.children)} rows, "
            f"{rollup.units} units with indicators)",
        )
    for days in (7, 30, 60):  # the sittings span the last 90 days: 60 days back is most of them
        since = datetime.date.today() - datetime.timedelta(days=days)
        timings, (v, _r) = timed(lambda since=since: view(None, since), max(2, args.repeat // 2))
        line(
            f"unit view, national, change {days} d",
            timings,
            f"(then {v.then.diagnosed} diagnosed, "
            f"{Diagnostic.objects.filter(submitted_at__date__gte=since).count()} sittings since)",
        )

    officer, _ = User.objects.get_or_create(
        username="bench-national-officer", defaults={"matricule": "X-BENCH-1"}
    )
    HRScope.objects.get_or_create(user=officer, defaults={"unit": None})
    client = Client()
    client.force_login(officer)
    page = []
    # The page's static files are not collected here: plain storage instead of the manifest.
    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    plain_static = override_settings(STORAGES=storages)
    plain_static.enable()
    for _ in range(args.repeat):
        t = time.perf_counter()
        response = client.get("/fr/diagnostic/maturity/national/", HTTP_HOST="localhost")
        page.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    plain_static.disable()
    line("whole page, national (test client)", page, f"({len(response.content)} bytes)")

    import os

    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    best = min(results["national"])
    verdict = "OK" if best <= TARGET_MS else "ABOVE TARGET"
    print(f"national unit view best {best:.1f} ms, target ≤ {TARGET_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
