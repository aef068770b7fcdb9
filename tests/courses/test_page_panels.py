"""Courses knows neither learners nor certificates: their parts of course, module and lesson
pages come in through the ``courses_page_panels`` hook (courses.page_panels)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

import courses
from courses.page_panels import page_panels
from tests.learners import factories


def test_courses_templates_load_and_include_nothing_of_learners_or_certificates():
    root = Path(courses.__file__).parent
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text()
        for other in ("learners", "certificates"):
            assert f'"{other}/' not in text and f"{other}_tags" not in text, template


@pytest.mark.django_db
def test_learners_fills_the_course_and_lesson_slots(small_tree):
    from tests.factories import UserFactory

    tree = factories.course_tree(modules=((True, 1),), final=False)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    slots = page_panels(page=tree.course, request=request)
    assert "course_actions" in slots  # "sign in to enrol"
    assert "lesson_end" not in page_panels(page=tree.lessons[0], request=request)
    request.user = UserFactory(unit=small_tree["c1"])
    assert "data-lesson-tracker" in "".join(
        page_panels(page=tree.lessons[0], request=request)["lesson_end"]
    )


def _panel_queries(page, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        page_panels(page=page, request=request)
    return len(queries)


@pytest.mark.django_db
def test_the_panels_of_a_course_page_cost_the_same_queries_whatever_its_size(small_tree):
    """Every provider answers a course page in a fixed number of queries: a course with five
    modules of three lessons asks no more than a course with one module of one lesson."""
    from learners.services import enrollment_create
    from tests.factories import UserFactory

    learner = UserFactory(unit=small_tree["c1"])
    small = factories.course_tree(modules=((True, 1),), awards_certificate=True)
    large = factories.course_tree(modules=((True, 3),) * 5, awards_certificate=True)
    for tree in (small, large):
        enrollment_create(learner=learner, course=tree.course)
    for page in (small.course, large.course, small.lessons[0], large.lessons[-1]):
        _panel_queries(page, learner)  # warm the shared copies of the outline (page cache)
    assert _panel_queries(large.course, learner) == _panel_queries(small.course, learner)
    assert _panel_queries(large.course, learner) <= 6
    assert _panel_queries(large.lessons[-1], learner) == _panel_queries(small.lessons[0], learner)
