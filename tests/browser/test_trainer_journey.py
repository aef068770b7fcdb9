"""Trainer journey in Chromium, in French and in Arabic, over the real demo: in the Wagtail
admin (in the trainer's language) the trainer uploads an H5P package and makes it an activity,
creates a course with a module, a text lesson with a quiz and a lesson playing the activity,
gives the text lesson a completion rule, previews the H5P lesson, starts the course's
translation into the other language, submits the pages for review; the reviewer approves them; a learner
sees the course and plays the activity.

Screenshots: var/screenshots/journeys/trainer-<lang>-<step>.png
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_db")]

JOURNEY = "trainer"


def _trainer(language):
    from academy.accounts.models import Group as RoleGroup
    from tests.factories import UserFactory

    return UserFactory(
        username=f"journey.trainer.{language}",
        matricule=f"JRN-TRAINER-{language}",
        preferred_language=language,
        groups=[RoleGroup.TRAINERS],
    )


def _catalogue(language):
    from courses.models import CataloguePage

    return CataloguePage.objects.live().get(locale__language_code=language)


def _page_id(page):
    return int(re.search(r"/admin/pages/(\d+)/", page.url).group(1))


def _save_draft(page):
    # Wagtail's autosave (500 ms after the last change) may be creating the page at this very
    # moment: a click then posts the "add" form a second time. Let it finish first.
    page.wait_for_timeout(700)
    page.wait_for_function(
        "() => document.querySelector('#w-autosave-indicator')"
        "?.getAttribute('data-w-autosave-state-value') !== 'saving'"
    )
    with page.expect_navigation():
        page.locator("footer button.action-save").first.click()
    # An invalid form comes back on the "add" URL: say what the admin said.
    if not re.match(r".*/admin/pages/\d+/edit/.*", page.url):
        shoot(page, JOURNEY, page.locator("html").get_attribute("lang"), "error")
        errors = page.locator(
            ".error-message, .help-critical, .w-field__errors"
        ).all_text_contents()
        raise AssertionError(f"the admin refused the page: {errors} {page.url}")
    assert page.locator(".error-message, .help-critical").count() == 0, page.locator(
        "main"
    ).inner_text()
    return _page_id(page)


def _title(page, title):
    """Types the title, and the slug in the second tab ("Promote")."""
    from django.utils.text import slugify

    # The editor's scripts must be running first: on a slow machine (the production pass)
    # a title typed before they started was lost and the save refused ("title required").
    page.wait_for_load_state("networkidle")
    page.locator("#id_title").fill(title)
    page.get_by_role("tab").nth(1).click()
    page.locator("#id_slug").fill(slugify(title))
    page.get_by_role("tab").first.click()
    expect(page.locator("#id_title")).to_have_value(title)


def _add_block(page, label, index):
    """Inserts a block at the end of the lesson body (StreamField), by its label."""
    _pick(page, page.locator("#body-root button.c-sf-add-button").last, label)
    page.locator(f'[name="body-{index}-type"]').wait_for(state="attached")


def _pick(page, add_button, label):
    """Opens a StreamField block menu and picks a block. On a loaded machine the first click
    can land before the menu's script is bound: the click is repeated until the menu shows."""
    option = page.get_by_role("option", name=label, exact=True)
    for _attempt in range(3):
        add_button.click()
        try:
            option.wait_for(state="visible", timeout=8000)
            break
        except PlaywrightTimeoutError:
            continue
    option.click()


def _author(page, base, language, *, suffix=None):
    from courses.h5p.demo import demo_activities, demo_package_bytes

    spec = next(
        s
        for s in demo_activities()
        if s["key"] == ("demo-registry" if language == "fr" else "demo-registry-ar")
    )
    suffix = suffix or f"journey-{language}"

    page.goto(f"{base}/admin/")
    assert page.locator("html").get_attribute("lang") == language, (
        "the admin is in the trainer's language"
    )
    shoot(page, JOURNEY, language, "01-admin")

    # An H5P package, uploaded; then an activity that plays it.
    page.goto(f"{base}/admin/h5p-packages/new/")
    page.locator("input[name=title]").fill(f"Paquet {suffix}")
    page.locator("input[name=file]").set_input_files(
        {"name": f"{suffix}.h5p", "mimeType": "application/zip", "buffer": demo_package_bytes(spec)}
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/admin/h5p-packages/**")
    shoot(page, JOURNEY, language, "02-package")
    page.goto(f"{base}/admin/snippets/h5p/h5pactivity/add/")
    page.locator("input[name=title]").fill(f"Activité {suffix}")
    page.locator("input[name=key]").fill(suffix)
    page.locator("select[name=package]").select_option(label=f"Paquet {suffix}")
    page.locator("select[name=language]").select_option(language)
    page.locator("button.action-save, main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/add/" not in url)

    # The course, its module, a text lesson with a quiz and a lesson with the activity.
    page.goto(f"{base}/admin/pages/add/courses/coursepage/{_catalogue(language).pk}/")
    _title(page, f"Cours {suffix}")
    page.locator("#id_summary").fill("Un cours écrit dans le parcours du formateur.")
    page.locator("#id_theme").select_option(index=1)
    page.locator("#id_estimated_hours").fill("2")
    page.locator("#id_awards_certificate").uncheck()
    course_id = _save_draft(page)
    shoot(page, JOURNEY, language, "03-course")

    page.goto(f"{base}/admin/pages/add/courses/modulepage/{course_id}/")
    _title(page, f"Module {suffix}")
    module_id = _save_draft(page)

    page.goto(f"{base}/admin/pages/add/courses/lessonpage/{module_id}/")
    _title(page, f"Leçon texte {suffix}")
    _add_block(page, _label("Rich text", language), 0)
    page.locator("#body-root [contenteditable=true]").first.fill("Le texte de la leçon.")
    _add_block(page, _label("Quiz", language), 1)
    _pick(
        page,
        page.locator(
            '[name="body-1-value-questions-count"] + [data-streamfield-stream-container] button.c-sf-add-button'
        ).first,
        _label("True / false", language),
    )
    page.locator("[name=body-1-value-questions-0-value-prompt]").fill(
        "Le bureau d'ordre enregistre le courrier."
    )
    page.locator("[name=body-1-value-questions-0-value-correct]").select_option("true")
    # Its completion rule: every scored activity (the quiz) passed at 80 % or more.
    page.locator("#id_completion_rule").select_option("passed")
    page.locator("#id_completion_pass_mark").fill("80")
    text_lesson_id = _save_draft(page)
    from courses.models import LessonPage

    text_lesson = LessonPage.objects.get(pk=text_lesson_id)
    assert (text_lesson.completion_rule, text_lesson.completion_pass_mark) == ("passed", 80)
    shoot(page, JOURNEY, language, "04-text-lesson")

    page.goto(f"{base}/admin/pages/add/courses/lessonpage/{module_id}/")
    _title(page, f"Leçon H5P {suffix}")
    _add_block(page, _label("H5P activity", language), 0)
    page.locator("#body-0-value-activity-chooser [data-chooser-action-choose]").click()
    page.locator(".modal-content").get_by_role("link", name=f"Activité {suffix}").click()
    page.locator("#body-0-value-activity-title").filter(has_text=f"Activité {suffix}").wait_for()
    h5p_lesson_id = _save_draft(page)
    shoot(page, JOURNEY, language, "05-h5p-lesson")

    return {
        "pages": [course_id, module_id, text_lesson_id, h5p_lesson_id],
        "course_title": f"Cours {suffix}",
        "spec": spec,
    }


def _preview(page, base, language, authored):
    """The draft H5P lesson, previewed: the activity plays."""
    page.goto(f"{base}/admin/pages/{authored['pages'][-1]}/view_draft/")
    page.locator("[data-h5p-player]").scroll_into_view_if_needed()
    page.frame_locator("[data-h5p-player] iframe").get_by_text(
        authored["spec"]["question"]
    ).wait_for()
    shoot(page, JOURNEY, language, "06-preview")


def _translate(page, base, language, authored):
    """The trainer starts the course's translation into the other language, whole subtree
    (wagtail-localize), and lands in the translated course's editor."""
    from courses.models import CoursePage, LessonPage

    other = "ar" if language == "fr" else "fr"
    course_id = authored["pages"][0]
    page.goto(f"{base}/admin/localize/submit/page/{course_id}/")
    page.locator("input[name=locales]").check()
    subtree = page.locator("input[type=checkbox][name=include_subtree]")
    if subtree.count():
        subtree.check()
    shoot(page, JOURNEY, language, "06-translate")
    with page.expect_navigation():
        page.locator("main form input[type=submit]").click()
    course = CoursePage.objects.get(pk=course_id)
    translated = CoursePage.objects.get(
        translation_key=course.translation_key, locale__language_code=other
    )
    assert f"/admin/pages/{translated.pk}/" in page.url, page.url
    assert LessonPage.objects.descendant_of(translated).count() == 2
    # The whole-course review covers the course in both languages from now on.
    authored["all_pages"] = authored["pages"] + [
        p.pk for p in translated.get_descendants(inclusive=True)
    ]
    shoot(page, JOURNEY, language, "06-translated")


def _course_action(page, base, language, authored, label):
    """From the course's page in the admin, the whole-course action ``label`` (in the page
    header's menu), then its confirmation screen listing every page it applies to. The admin
    speaks its user's language (the demo reviewer's is French, whatever the course's)."""
    page.goto(f"{base}/admin/pages/{authored['pages'][0]}/")
    action = page.get_by_role(
        "link", name=_label(label, page.locator("html").get_attribute("lang")), exact=True
    )
    if not action.is_visible():  # inside the header's "more actions" dropdown
        page.locator(
            ".w-slim-header [data-w-dropdown-target=toggle], header [data-w-dropdown-target=toggle]"
        ).first.click()
    action.click()
    page.wait_for_url("**/admin/courses/review/**")
    listed = page.locator("main ul li")
    assert listed.count() == len(authored["all_pages"]), page.locator("main").inner_text()
    return page


def _submit(page, base, language, authored):
    """The whole course submitted for review in one action (the course, its module, its lessons)."""
    _course_action(page, base, language, authored, "Submit the whole course for review")
    shoot(page, JOURNEY, language, "07-submit")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    shoot(page, JOURNEY, language, "07-submitted")
    from wagtail.models import Page

    assert all(Page.objects.get(pk=pk).workflow_in_progress for pk in authored["all_pages"])


def _approve(reviewer, base, language, authored):
    """The reviewer approves and publishes the whole course in one action."""
    from wagtail.models import Page

    _course_action(reviewer, base, language, authored, "Approve and publish all")
    with reviewer.expect_navigation():
        reviewer.locator("main form button[type=submit]").click()
    shoot(reviewer, JOURNEY, language, "08-approved")
    assert all(Page.objects.get(pk=pk).live for pk in authored["all_pages"])


def _learner_sees(learner, base, language, authored):
    learner.goto(f"{base}/{language}/")
    learner.get_by_role("link", name=authored["course_title"]).click()
    shoot(learner, JOURNEY, language, "09-learner-course")
    learner.locator(".course-outline ol a").last.click()
    learner.locator("[data-h5p-player]").scroll_into_view_if_needed()
    learner.frame_locator("[data-h5p-player] iframe").get_by_text(
        authored["spec"]["question"]
    ).wait_for()
    shoot(learner, JOURNEY, language, "10-learner-h5p")


def _label(english, language):
    from django.utils import translation

    with translation.override(language):
        return str(translation.gettext(english))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_trainer_authors_a_course_the_reviewer_approves_and_a_learner_sees_it(
    demo_server, open_context, language
):
    base = demo_server.url
    trainer = _trainer(language)
    page = open_context(language).new_page()
    sign_in(page, base, language, trainer.username, "secret-pass-123")
    authored = _author(page, base, language)
    _preview(page, base, language, authored)
    _translate(page, base, language, authored)
    _submit(page, base, language, authored)

    reviewer = open_context(language).new_page()
    sign_in(reviewer, base, language, "reviewer")
    _approve(reviewer, base, language, authored)

    learner = open_context(language).new_page()
    sign_in(learner, base, language, "learner.berkane")
    _learner_sees(learner, base, language, authored)
