"""After the real demo installer (``seed_demo``): a certificate about to expire and an expired
one, issued through the certificates services, and the public verification page says so in
French and Arabic (issue 16).

Not a browser test: it sits with the journeys to share their demo (tests/browser/conftest.py
seeds it once per session), and reads pages with Django's test client.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.usefixtures("demo_committed", "demo_db")


def _dated(state: str):
    from certificates.models import Certificate
    from certificates.selectors import certificate_state

    return [
        c
        for c in Certificate.objects.filter(
            status=Certificate.Status.VALID, valid_until__isnull=False
        ).select_related("enrollment__user", "course")
        if certificate_state(c) == state
    ]


def test_demo_learners_complete_the_courses_with_h5p_activities():
    """The demo's H5P results count (the player is served to the learner first), so the
    learner of the cybersecurity course (an H5P activity in its first lesson) completes it."""
    from learners.models import Enrollment

    completed = set(
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).values_list(
            "user__username", "course__slug"
        )
    )
    assert {("learner.berkane", "cybersecurite"), ("learner.aklim", "competences-numeriques")} <= (
        completed
    )


def test_demo_has_a_certificate_about_to_expire_and_an_expired_one():
    today = timezone.localdate()
    expiring = [c for c in _dated("valid") if c.valid_until <= today + dt.timedelta(days=60)]
    expired = _dated("expired")
    assert [(c.enrollment.user.username, c.course.slug) for c in expiring] == [
        ("learner.berkane", "cybersecurite")
    ]
    assert [(c.enrollment.user.username, c.course.slug) for c in expired] == [
        ("learner.aklim", "competences-numeriques")
    ]
    for certificate in (*expiring, *expired):
        # Frozen at issue: the snapshot (PDF, verify page) and the row agree.
        assert certificate.snapshot["valid_until"] == certificate.valid_until.isoformat()
        assert (
            certificate.snapshot["issued_on"]
            == timezone.localdate(certificate.issued_at).isoformat()
        )
        assert certificate.enrollment.completed_at <= certificate.issued_at
        assert certificate.pdf


@pytest.mark.parametrize(
    "language, expired_text, valid_text",
    [
        ("fr", "Certificat expiré", "Valable jusqu'au"),
        ("ar", "شهادة منتهية الصلاحية", "صالحة إلى غاية"),
    ],
)
def test_verify_page_says_expired_and_valid_until_in_both_languages(
    language, expired_text, valid_text
):
    from certificates.rendering.content import date_long

    (expiring,) = [c for c in _dated("valid") if c.enrollment.user.username == "learner.berkane"]
    (expired,) = _dated("expired")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)

    page = client.get(f"/verify/{expired.uuid}/").content.decode()
    assert expired_text in page
    assert date_long(expired.valid_until, language) in page

    page = client.get(f"/verify/{expiring.uuid}/").content.decode()
    assert expired_text not in page
    assert valid_text in page
    assert date_long(expiring.valid_until, language) in page


def test_demo_courses_publish_their_validity_period_in_both_languages():
    """The validity period comes from the demo content, so the live course, its latest
    revision (what a trainer edits next) and its Arabic translation agree."""
    from courses.models import CoursePage

    for slug, months in (("cybersecurite", 24), ("competences-numeriques", 12)):
        pages = list(CoursePage.objects.filter(slug=slug).select_related("locale"))
        assert {p.locale.language_code for p in pages} == {"fr", "ar"}
        for page in pages:
            assert page.certificate_validity_months == months
            assert page.get_latest_revision_as_object().certificate_validity_months == months


def test_demo_revoked_certificates_say_why_and_their_holders_hold_a_valid_one():
    from certificates.models import Certificate

    revoked = list(Certificate.objects.filter(status=Certificate.Status.REVOKED))
    assert revoked
    for certificate in revoked:
        assert certificate.revocation_reason.startswith("Démonstration")
        assert certificate.enrollment.certificates.filter(status=Certificate.Status.VALID).exists()
