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

WORKFLOW_NAME = "Course review"
TASK_NAME = "Reviewer approval"
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

    root_collection = Collection.get_first_root_node()
    for app_label, codenames in (
        ("wagtailimages", ("add_image", "choose_image")),
        ("wagtaildocs", ("add_document", "choose_document")),
    ):
        for codename in codenames:
            for group in (trainers, reviewers):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_perm(app_label, codename)
                )

    from courses.h5p.services import h5p_permissions_setup

    h5p_permissions_setup()  # trainers upload packages and edit activities

    task, _ = GroupApprovalTask.objects.get_or_create(name=TASK_NAME)
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})

    for catalogue in CataloguePage.objects.all():
        for codename in ("change", "publish", "lock", "unlock"):
            GroupPagePermission.objects.get_or_create(
                group=reviewers, page=catalogue, permission=_page_perm(codename)
            )
        WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


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
    for page in Page.objects.filter(translation_key=canonical.translation_key):
        for codename in ("add", "change"):
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_page_perm(codename))
    trainers, _ = Group.objects.get_or_create(name=RoleGroup.TRAINERS)
    user.groups.add(group, trainers)
    return group
