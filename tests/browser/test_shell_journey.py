import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_employee_signs_in_with_matricule_switches_to_arabic_and_gets_rtl(
    live_server, page, screenshot, small_tree
):
    factories.UserFactory(
        matricule="BRK-2026", first_name="Amina", last_name="El Idrissi", unit=small_tree["c1"]
    )
    page.goto(f"{live_server.url}/fr/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.get_by_label("Identifiant ou matricule").fill("BRK-2026")
    page.get_by_label("Mot de passe").fill("secret-pass-123")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/fr/learn/**")
    assert "Amina El Idrissi" in page.locator("header").inner_text()

    page.get_by_role("button", name="العربية").click()
    page.wait_for_url("**/ar/learn/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "سعيد العلوي" in page.locator("header").inner_text()
    # The brand sits at the inline start: on the right in RTL.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 600
    screenshot("shell-dashboard-ar")

    page.get_by_role("button", name="تسجيل الخروج").click()
    page.goto(f"{live_server.url}/ar/learn/")
    assert "/accounts/login/" in page.url
