"""HR officer journey (province of Berkane, ``hr.berkane``) in Chromium, in French and in
Arabic, over the real demo: dashboard, drill down to a commune, filters, XLSX export followed
to its download, staff import whose dry run shows row errors, the corrected file applied, a
unit outside the province refused.

Screenshots: var/screenshots/journeys/hr-<lang>-<step>.png
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os

import pytest

from academy.celery import app as celery_app
from tests.browser.conftest import axe_violations, shoot, sign_in
from tests.conftest import celery_worker, tasks_not_eager

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_db")]

JOURNEY = "hr"
PROVINCE, COMMUNE, OUTSIDE = "02.113", "02.113.01.09", "09.581.01.07"
# A real Celery worker runs the export where the production profile's services are configured.
LIVE_WORKER = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
HEADER = "matricule,last_name,first_name,last_name_ar,first_name_ar,email,unit_code,job_title"


def _staff_file(language, *, broken):
    rows = [
        HEADER,
        f"JRN-{language}-1,Alaoui,Hind,العلوي,هند,hind.{language}@example.ma,{COMMUNE},Agent d'état civil",
        f"JRN-{language}-2,Berrada,Ali,برادة,علي,ali.{language}@example.ma,"
        + (f"{OUTSIDE}" if broken else COMMUNE)
        + ",Technicien",
        f"JRN-{language}-3,Chafik,Sara,شفيق,سارة,{'not-an-email' if broken else f'sara.{language}@example.ma'},"
        f"{COMMUNE},Secrétaire",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def _label(english, language):
    from django.utils import translation

    with translation.override(language):
        return str(translation.gettext(english))


def _code(href):
    return href.split("/hr/unit/")[1].split("/")[0]


def _upload(page, base, language, name, content, *, via_menu=False):
    if via_menu:  # from the dashboard, through the HR menu
        page.goto(f"{base}/{language}/hr/")
        page.locator(".hr-nav").get_by_role("link", name=_label("Staff import", language)).click()
        page.wait_for_url(f"**/{language}/hr/import/")
    else:
        page.goto(f"{base}/{language}/hr/import/")
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    # The date of arrivals shows empty in the browser (its initial value is not in ISO format).
    if not page.locator("input[name=effective_on]").input_value():
        page.locator("input[name=effective_on]").fill(datetime.date.today().isoformat())
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    page.wait_for_url("**/hr/import/*/")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_province_hr_officer_reads_exports_and_imports_staff_of_the_province(
    demo_server, open_context, settings, language
):
    import openpyxl

    from academy.accounts.models import User
    from academy.territories.models import Territory

    base = demo_server.url
    page = open_context(language).new_page()
    sign_in(page, base, language, "hr.berkane")

    # Dashboard of the province.
    page.goto(f"{base}/{language}/hr/")
    page.wait_for_url(f"**/{language}/hr/unit/{PROVINCE}/")
    province = Territory.objects.get(code=PROVINCE)
    assert (province.name_ar if language == "ar" else province.name_fr) in page.locator(
        "h1"
    ).inner_text()
    assert page.locator(".kpis dd").count() == 7
    shoot(page, JOURNEY, language, "01-province")
    assert not (violations := axe_violations(page)), violations

    # Drill down to a commune, through the units below (clicking the links).
    for _ in range(4):
        if f"/hr/unit/{COMMUNE}/" in page.url:
            break
        links = page.locator(".hr-table tbody th a")
        hrefs = links.evaluate_all("xs => xs.map(a => a.getAttribute('href'))")
        step = next(
            n
            for n, href in enumerate(hrefs)
            if COMMUNE == _code(href) or COMMUNE.startswith(_code(href) + ".")
        )
        links.nth(step).click()
        page.wait_for_load_state()
    assert f"/hr/unit/{COMMUNE}/" in page.url
    assert page.locator("#learners-title").count() == 1
    shoot(page, JOURNEY, language, "02-commune")

    # Filters: a course, then a period.
    page.goto(f"{base}/{language}/hr/unit/{PROVINCE}/")
    course_select = page.locator("select[name=course]")
    course_select.select_option(index=1)
    page.locator("input[name=date_from]").fill("2024-01-01")
    page.locator(".hr-filters button[type=submit]").click()
    page.wait_for_url("**course=*")
    assert "date_from=2024-01-01" in page.url
    shoot(page, JOURNEY, language, "03-filtered")

    # XLSX export: its progress page, followed to the download.
    download = page.locator('a[href*="/hr/exports/download/"]')
    with contextlib.ExitStack() as worker:
        if LIVE_WORKER:
            # Production profile: the export goes through Redis to a real Celery worker (a
            # thread of this process, with its own connection to the PostgreSQL test
            # database), started once the page has shown the export waiting for its turn, so
            # that this state is seen every time rather than when the worker happens to be
            # slower than the browser. Eager again afterwards (``tasks_not_eager``).
            worker.enter_context(tasks_not_eager(celery_app, settings))
            celery_app.control.purge()  # nothing but this journey's export in the queue
        page.locator('form[action$=".xlsx"] button').first.click()
        page.wait_for_url("**/hr/exports/*/")
        if LIVE_WORKER:
            waiting = page.locator("[data-job-status=pending]")
            assert waiting.get_by_role("progressbar", name=_label("Progress", language)).count()
            assert _label("Waiting for its turn…", language) in waiting.inner_text()
            # refreshed in place by a script (no <meta refresh>), by hand with a link
            assert page.locator("[data-job-refresh=waiting]").count() == 1
            assert waiting.count() == 1 and page.locator('meta[http-equiv="refresh"]').count() == 0
            assert page.get_by_role("link", name=_label("Refresh", language)).count() == 1
            assert download.count() == 0
            shoot(page, JOURNEY, language, "04-export-waiting")
            assert not (violations := axe_violations(page)), violations
            worker.enter_context(celery_worker(celery_app))
        # Embedded profile (SQLite in memory, no Redis): tasks are eager, the file is made
        # within the request and the page shows its link at once.
        download.wait_for(timeout=60_000)  # the page refreshes itself while the file is prepared
        assert page.locator("[data-job-status]").count() == 0
    response = page.request.get(base + download.get_attribute("href"))
    assert response.status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.body())).worksheets[0]
    assert sheet.max_row >= 2  # a header and rows
    shoot(page, JOURNEY, language, "05-export-ready")

    # Staff import: the dry run shows the rows in error; nothing is created.
    _upload(page, base, language, "staff.csv", _staff_file(language, broken=True), via_menu=True)
    assert page.locator("tr.plan-error").count() == 2
    assert page.locator('form[action$="/apply/"]').count() == 0
    assert not User.objects.filter(matricule__startswith=f"JRN-{language}-").exists()
    shoot(page, JOURNEY, language, "06-import-errors")
    assert not (violations := axe_violations(page)), violations

    # The corrected file, applied.
    _upload(page, base, language, "staff-fixed.csv", _staff_file(language, broken=False))
    assert page.locator("tr.plan-error").count() == 0
    page.locator('form[action$="/apply/"] button').click()
    page.wait_for_load_state()
    page.locator("p[role=status]").wait_for(timeout=60_000)
    assert (
        User.objects.filter(matricule__startswith=f"JRN-{language}-", unit__code=COMMUNE).count()
        == 3
    )
    shoot(page, JOURNEY, language, "07-import-applied")

    # A unit outside the province: refused.
    response = page.goto(f"{base}/{language}/hr/unit/{OUTSIDE}/")
    assert response.status == 403
    shoot(page, JOURNEY, language, "08-outside-refused")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_unit_outside_the_province_is_refused_with_a_page_in_the_officers_language(
    demo_server, open_context, language
):
    base = demo_server.url
    page = open_context(language).new_page()
    sign_in(page, base, language, "hr.berkane")
    response = page.goto(f"{base}/{language}/hr/unit/{OUTSIDE}/")
    assert response.status == 403
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("header").count() == 1  # the site's own page, with its menu
    assert page.locator("h1").count() == 1
