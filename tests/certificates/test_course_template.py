"""The template of a course's certificates belongs to certificates: a row linking the
course, edited on the template (courses knows nothing of it)."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from certificates.models import CourseCertificateTemplate
from certificates.services import certificate_issue
from tests.certificates import factories

pytestmark = pytest.mark.django_db


def test_a_course_linked_to_a_template_issues_with_it(enrollment, course_page):
    linked = CourseCertificateTemplate.objects.get(course=course_page).template
    assert certificate_issue(enrollment=enrollment).template == linked


def test_relinking_a_course_changes_the_template_of_the_next_certificates(learner):
    course = factories.course(title_fr="Cours relié", template=factories.template())
    other = factories.template(name="Autre modèle")
    CourseCertificateTemplate.objects.filter(course=course).update(template=other)
    enrollment = factories.completed_enrollment(user=learner, course_page=course)
    assert certificate_issue(enrollment=enrollment).template == other


def test_the_template_is_linked_to_the_source_language_course_only(course_page):
    arabic = course_page.get_translation(Locale.objects.get(language_code="ar"))
    link = CourseCertificateTemplate(course=arabic, template=factories.template())
    with pytest.raises(ValidationError) as refused:
        link.full_clean()
    assert "course" in refused.value.message_dict
