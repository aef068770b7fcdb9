"""Review of a whole course (or module) in one action: the trainer submits every page of
it, in every language, that has changes to publish; the reviewer approves them together.
Each page still goes through the "Course review" workflow, so history and rights stay
Wagtail's."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page


def _subtree_pages(page: Page) -> list[Page]:
    """``page`` and its descendants, with the same pages in every other language."""
    keys = Page.objects.descendant_of(page, inclusive=True).values_list(
        "translation_key", flat=True
    )
    roots = Page.objects.filter(translation_key=page.translation_key)
    pages = Page.objects.none()
    for root in roots:
        pages |= Page.objects.descendant_of(root, inclusive=True)
    return list(pages.filter(translation_key__in=keys).order_by("locale_id", "path").specific())


def course_review_submittable(*, page: Page, user) -> list[Page]:
    """Pages of this course/module the user may submit: changes not yet published, not
    already in review, editable by the user."""
    found = []
    for candidate in _subtree_pages(page):
        if not candidate.has_unpublished_changes or candidate.workflow_in_progress:
            continue
        perms = candidate.permissions_for_user(user)
        if perms.can_edit() and perms.can_submit_for_moderation():
            found.append(candidate)
    return found


def course_review_approvable(*, page: Page, user) -> list[Page]:
    """Pages of this course/module in review whose current task the user may approve."""
    found = []
    for candidate in _subtree_pages(page):
        state = candidate.current_workflow_state
        task_state = state.current_task_state if state else None
        if task_state is None:
            continue
        actions = task_state.task.specific.get_actions(candidate, user)
        if any(name == "approve" for name, *_ in actions):
            found.append(candidate)
    return found


@transaction.atomic
def course_review_submit(*, page: Page, user) -> int:
    """Submits every submittable page of the course/module for review; returns how many."""
    pages = course_review_submittable(page=page, user=user)
    for candidate in pages:
        if candidate.get_latest_revision() is None:
            candidate.save_revision(user=user)
        candidate.get_workflow().start(candidate, user)
    return len(pages)


@transaction.atomic
def course_review_approve(*, page: Page, user, comment: str = "") -> int:
    """Approves (and so publishes) every page of the course/module the user may approve."""
    pages = course_review_approvable(page=page, user=user)
    for candidate in pages:
        task_state = candidate.current_workflow_state.current_task_state
        task_state.task.specific.on_action(task_state, user, "approve", comment=comment)
    return len(pages)
