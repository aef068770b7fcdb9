"""Authoring roles: trainer and reviewer groups, per-course grants, the review workflow."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from academy.accounts.models import Group as RoleGroup
from courses.workflow_names import TASK_NAME, WORKFLOW_NAME

COURSE_EDITORS_PREFIX = "Course editors #"


def _perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_perm(codename: str) -> Permission:
    return _perm("wagtailcore", f"{codename}_page")


@transaction.atomic
def courses_permissions_setup() -> Workflow:
    """Idempotent: Trainers and Reviewers groups with admin access, media rights for
    trainers, review rights on every catalogue for reviewers, and the "Course review"
    workflow (one reviewer approval task) on every catalogue page."""
    from courses.models import CataloguePage

    access_admin = _perm("wagtailadmin", "access_admin")
    trainers, _ = Group.objects.get_or_create(name=RoleGroup.TRAINERS)
    reviewers, _ = Group.objects.get_or_create(name=RoleGroup.REVIEWERS)
    for group in (trainers, reviewers):
        group.permissions.add(access_admin)

    root_collection = Collection.get_first_root_node()  # None in a flushed test database
    for app_label, codenames in (
        ("wagtailimages", ("add_image", "choose_image")),
        ("wagtaildocs", ("add_document", "choose_document")),
    ):
        for codename in codenames:
            for group in (trainers, reviewers) if root_collection is not None else ():
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_perm(app_label, codename)
                )

    from courses.h5p.services import h5p_permissions_setup

    h5p_permissions_setup()  # trainers upload packages and edit activities

    task, _ = GroupApprovalTask.objects.get_or_create(name=TASK_NAME)
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0}
    )

    # Trainers start translations (wagtail-localize); the page rights below decide which.
    trainers.permissions.add(_perm("wagtail_localize", "submit_translation"))
    for catalogue in CataloguePage.objects.all():
        for codename in ("change", "publish", "lock", "unlock"):
            GroupPagePermission.objects.get_or_create(
                group=reviewers, page=catalogue, permission=_page_perm(codename)
            )
        # Trainers create courses in a catalogue; they edit only the courses they are
        # editors of (course_grant_trainer, given to the author on creation).
        GroupPagePermission.objects.get_or_create(
            group=trainers, page=catalogue, permission=_page_perm("add")
        )
        WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


def _course_editors_group(canonical) -> Group | None:
    return Group.objects.filter(name=f"{COURSE_EDITORS_PREFIX}{canonical.pk}").first()


def _course_editors_grant_pages(*, group: Group, canonical) -> None:
    for page in Page.objects.filter(translation_key=canonical.translation_key):
        for codename in ("add", "change"):
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_page_perm(codename)
            )


@transaction.atomic
def course_grant_trainer(*, course: Page, user) -> Group:
    """Lets ``user`` edit (and add modules and lessons to) this course in every language,
    and nothing else. Publishing goes through the review workflow."""
    from courses.models import CoursePage
    from courses.selectors import page_canonical

    canonical = page_canonical(course)
    if not isinstance(canonical, CoursePage):
        raise ValueError("course_grant_trainer needs a course page")
    group, _ = Group.objects.get_or_create(name=f"{COURSE_EDITORS_PREFIX}{canonical.pk}")
    group.permissions.add(_perm("wagtailadmin", "access_admin"))
    _course_editors_grant_pages(group=group, canonical=canonical)
    trainers, _ = Group.objects.get_or_create(name=RoleGroup.TRAINERS)
    user.groups.add(group, trainers)
    return group


@transaction.atomic
def page_created(*, page: Page, user) -> None:
    """After a page is created in the admin: a trainer who creates a course becomes its
    editor (the only one until an administrator grants others); a new catalogue gets the
    trainers' and reviewers' rights and the review workflow."""
    from courses.models import CataloguePage, CoursePage

    page = page.specific
    if isinstance(page, CataloguePage):
        courses_permissions_setup()
    elif isinstance(page, CoursePage) and user.groups.filter(name=RoleGroup.TRAINERS).exists():
        course_grant_trainer(course=page, user=user)


@transaction.atomic
def course_translation_created(*, page: Page) -> None:
    """A new translation of a course (wagtail-localize, "Translate this page") is editable
    by that course's editors, like the source."""
    from courses.models import CoursePage
    from courses.selectors import page_canonical

    if not isinstance(page.specific, CoursePage):
        return
    canonical = page_canonical(page)
    group = _course_editors_group(canonical)
    if group is not None:
        _course_editors_grant_pages(group=group, canonical=canonical)


def page_create_allowed(*, user, parent: Page) -> bool:
    """Courses are created in a catalogue by anyone with the "add" right there; modules and
    lessons only inside a course the user may edit (the "add" right a trainer holds on the
    catalogue must not open other trainers' courses)."""
    from courses.models import CataloguePage

    parent = parent.specific
    if user.is_superuser or isinstance(parent, CataloguePage) or parent.depth <= 1:
        return True
    return parent.permissions_for_user(user).can_edit()


def page_translation_allowed(*, user, page: Page) -> bool:
    """Starting a translation of a page (wagtail-localize) creates and fills pages in the
    other language: allowed to those who may edit the source page."""
    if not user.has_perm("wagtail_localize.submit_translation"):
        return False
    return user.is_superuser or page.specific.permissions_for_user(user).can_edit()
