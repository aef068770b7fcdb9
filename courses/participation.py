"""Who takes a course: a question the courses app asks and the learners app answers.

Courses does not import learners; the learners app registers the answer in its
``ready()`` (docs/architecture.md)."""

from django.core.exceptions import ImproperlyConfigured

_provider = None


def participation_provider_register(provider) -> None:
    """``provider(*, user, course) -> bool``; one per project (the learners app's)."""
    global _provider
    _provider = provider


def course_participant(*, user, course) -> bool:
    """Is ``user`` already taking ``course`` (the canonical course page)? H5P results
    count only for them. With no provider registered the configuration is broken: this
    raises instead of guessing."""
    if _provider is None:
        raise ImproperlyConfigured("no course participation provider is registered")
    return bool(_provider(user=user, course=course))


_attempts_since = None


def attempts_since_provider_register(provider) -> None:
    """``provider(*, user_id, course_id) -> QuerySet``: the learners app's answer, as a query
    of at most one row whose only column is the moment (so that a reader can use it as a
    subquery)."""
    global _attempts_since
    _attempts_since = provider


def final_attempts_since_query(*, user_id: int, course_id: int):
    """``final_attempts_since`` as a query (at most one row, one column: the moment), for a
    subquery. With no provider registered this raises."""
    if _attempts_since is None:
        raise ImproperlyConfigured("no final-attempts provider is registered")
    return _attempts_since(user_id=user_id, course_id=course_id)


def final_attempts_since(*, user_id: int, course_id: int):
    """From when do this learner's final-assessment attempts count (a re-take to renew a
    certificate starts a fresh set)? None: all of them. Answered by the learners app; with
    no provider registered this raises."""
    row = final_attempts_since_query(user_id=user_id, course_id=course_id).first()
    return next(iter(row.values())) if row else None
