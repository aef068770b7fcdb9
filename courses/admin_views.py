"""Admin screens of the courses app: a whole course (or module) submitted for review, or
approved, in one action. Thin: the rules are in ``courses.services.review``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.services.review import (
    course_review_approvable,
    course_review_approve,
    course_review_submit,
    course_review_submittable,
)

ACTIONS = {
    "submit": (course_review_submittable, course_review_submit),
    "approve": (course_review_approvable, course_review_approve),
}


def course_review(request, page_id: int, action: str):
    page = get_object_or_404(Page, pk=page_id).specific
    from courses.models import CoursePage, ModulePage

    if action not in ACTIONS or not isinstance(page, CoursePage | ModulePage):
        raise PermissionDenied
    rights = page.permissions_for_user(request.user)
    # Submitting is for the course's editors, approving for those who may publish it.
    if not (rights.can_edit() if action == "submit" else rights.can_publish()):
        raise PermissionDenied
    find, run = ACTIONS[action]
    pages = find(page=page, user=request.user)
    if request.method == "POST":
        done = run(page=page, user=request.user)
        if action == "submit":
            messages.success(request, _("Pages submitted for review: %(count)s.") % {"count": done})
        else:
            messages.success(
                request, _("Pages approved and published: %(count)s.") % {"count": done}
            )
        return redirect("wagtailadmin_explore", page.pk)
    title = _("Submit for review") if action == "submit" else _("Approve and publish")
    return TemplateResponse(
        request,
        "courses/admin/course_review.html",
        {
            "page": page,
            "pages": pages,
            "action": action,
            "header_title": title,
            "page_title": title,
            "page_subtitle": page.get_admin_display_title(),
            "header_icon": "tasks",
        },
    )


def _translation_view():
    from wagtail_localize.views.submit_translations import SubmitPageTranslationView

    class CourseTranslationView(SubmitPageTranslationView):
        """wagtail-localize's "Translate this page", for the pages the user may edit.

        wagtail-localize checks only its global ``submit_translation`` right, which every
        trainer holds: without this, a trainer could start (and so edit) a translation of
        another trainer's course."""

        def dispatch(self, request, *args, **kwargs):
            from courses.services import page_translation_allowed

            page = get_object_or_404(Page, pk=kwargs["page_id"])
            if not page_translation_allowed(user=request.user, page=page):
                raise PermissionDenied
            return super().dispatch(request, *args, **kwargs)

    return CourseTranslationView.as_view()


course_translation = _translation_view()


def _translations_update_view():
    from wagtail_localize.models import TranslationSource
    from wagtail_localize.views.update_translations import UpdateTranslationsView

    class CourseTranslationsUpdateView(UpdateTranslationsView):
        """wagtail-localize's "Sync translated pages", for the pages the user may translate
        (it too checks only the global ``submit_translation`` right: any trainer could
        overwrite the translations of another trainer's course)."""

        def dispatch(self, request, *args, **kwargs):
            from courses.services import page_translation_allowed

            source = get_object_or_404(TranslationSource, pk=kwargs["translation_source_id"])
            instance = source.get_source_instance()
            if isinstance(instance, Page) and not page_translation_allowed(
                user=request.user, page=instance
            ):
                raise PermissionDenied
            return super().dispatch(request, *args, **kwargs)

    return CourseTranslationsUpdateView.as_view()


course_translations_update = _translations_update_view()
