from wagtail import hooks

from .viewsets import CertificatesViewSetGroup


@hooks.register("register_admin_viewset")
def register_certificates_viewsets():
    return CertificatesViewSetGroup()


@hooks.register("courses_page_panels")
def certificate_page_panels(*, page, request):
    """A passed final assessment on a course page: the learner's certificate, if issued
    (``courses.page_panels``, slot ``assessment_passed``)."""
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    from courses.models import CoursePage
    from courses.selectors import page_canonical

    from .models import Certificate
    from .selectors import certificate_awards

    user = getattr(request, "user", None)
    if not isinstance(page, CoursePage) or not getattr(user, "is_authenticated", False):
        return
    enrollment_ids = list(
        Certificate.objects.filter(
            enrollment__user=user, enrollment__course=page_canonical(page)
        ).values_list("enrollment_id", flat=True)[:1]
    )
    awards = certificate_awards(enrollment_ids=enrollment_ids, language=get_language())
    award = awards.get(next(iter(enrollment_ids), None))
    if award is not None:
        yield (
            "assessment_passed",
            render_to_string(
                "certificates/includes/course_certificate.html", {"certificate_url": award.url}
            ),
        )
