"""Seen in a browser: the lockout message in Arabic, the public verification by serial and
check code, a learner's personal data page."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_locked_out_learner_reads_why_in_arabic(
    live_server, page, screenshot, settings, small_tree
):
    settings.AXES_FAILURE_LIMIT = 2
    factories.UserFactory(matricule="BRK-7", unit=small_tree["c1"])
    page.goto(f"{live_server.url}/ar/accounts/login/")
    for _ in range(3):
        page.locator("#id_username").fill("BRK-7")
        page.locator("#id_password").fill("wrong-password!")
        page.locator("button[type=submit].primary").click()
    alert = page.locator("[role=alert]").first.inner_text()
    assert "محاولات" in alert and page.locator("html").get_attribute("dir") == "rtl"
    screenshot("login-lockout-ar")


def test_verification_by_serial_and_check_code_and_my_data(live_server, page, screenshot, small_tree,
                                                           private_storage):  # fmt: skip
    from certificates.codes import check_code
    from certificates.fonts import fonts_build
    from certificates.services import certificate_issue
    from tests.certificates import factories as cert

    fonts_build()
    learner = factories.UserFactory(username="amina", first_name="Amina", last_name="El Idrissi",
                                    matricule="BRK-9", unit=small_tree["c1"], preferred_language="ar")  # fmt: skip
    course = cert.course(title_fr="Bureautique", title_ar="المكتبيات", template=cert.template())
    enrollment = cert.completed_enrollment(user=learner, course_page=course)
    # pyHanko signs with asyncio.run(): not inside Playwright's event loop, in a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        certificate = pool.submit(certificate_issue, enrollment=enrollment).result()
    page.goto(f"{live_server.url}/verify/")
    page.locator("#id_key").fill(certificate.serial)
    page.locator("#id_code").fill(check_code(certificate.uuid))
    page.locator("form[method=get] button").click()
    page.wait_for_url(f"**/verify/{certificate.uuid}/")
    body = page.locator("main").inner_text()
    assert "Amina El Idrissi" in body and "BRK-9" not in body
    screenshot("verify-detail-fr")

    page.goto(f"{live_server.url}/ar/accounts/login/")
    page.locator("#id_username").fill("BRK-9")
    page.locator("#id_password").fill("secret-pass-123")
    page.locator("button[type=submit].primary").click()
    page.wait_for_url("**/ar/learn/**")
    page.goto(f"{live_server.url}/ar/accounts/me/data/")
    assert "معطياتي الشخصية" in page.locator("h1").inner_text()
    assert certificate.serial in page.locator("main").inner_text()
    screenshot("my-data-ar")
