"""The contracts between apps are domain signals and registries (docs/architecture.md).
A missing or failing consumer is an error, never a silent skip: the sender's transaction
rolls back, and an unregistered provider raises."""

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_learners_receives_the_courses_signals():
    from courses.signals import h5p_result_recorded, quiz_attempt_graded
    from learners.signals import h5p_result_recorded_record, quiz_attempt_graded_record

    assert quiz_attempt_graded_record in [r() for _key, r, *_ in quiz_attempt_graded.receivers]
    assert h5p_result_recorded_record in [r() for _key, r, *_ in h5p_result_recorded.receivers]


def test_certificates_receives_enrollment_completed():
    from certificates.signals import enrollment_completed_issue
    from learners.signals import enrollment_completed

    assert enrollment_completed_issue in [r() for _key, r, *_ in enrollment_completed.receivers]


def test_h5p_registers_its_statement_handler():
    from academy.core.statements import statement_handlers
    from courses.h5p.statements import H5PStatementHandler

    assert any(isinstance(h, H5PStatementHandler) for h in statement_handlers())


def test_course_participation_without_a_provider_raises(monkeypatch):
    from courses import participation

    monkeypatch.setattr(participation, "_provider", None)
    with pytest.raises(ImproperlyConfigured):
        participation.course_participant(user=None, course=None)
