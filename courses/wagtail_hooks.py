from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.viewsets import DigCompViewSetGroup

register_snippet(DigCompViewSetGroup)


@hooks.register("before_create_page")
def refuse_pages_in_courses_the_user_does_not_edit(request, parent_page, page_class):
    from courses.services import page_create_allowed

    if not page_create_allowed(user=request.user, parent=parent_page):
        messages.error(request, _("You can add modules and lessons only to the courses you edit."))
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("after_create_page")
def course_author_becomes_its_editor(request, page):
    from courses.services import page_created

    page_created(page=page, user=request.user)


@hooks.register("after_edit_page")
@hooks.register("after_create_page")
def warn_certificate_without_assessed_criterion(request, page):
    """A course that awards a certificate with nothing assessed: warn the trainer on save."""
    from courses.activities import course_assessed_criteria
    from courses.forms import NO_ASSESSED_CRITERION
    from courses.models import CoursePage

    page = page.specific
    if (
        isinstance(page, CoursePage)
        and page.awards_certificate
        and not page.certificate_without_assessment
        and not course_assessed_criteria(course=page)
    ):
        messages.warning(request, NO_ASSESSED_CRITERION)


@hooks.register("register_admin_urls")
def course_review_urls():
    from django.urls import path

    from courses.admin_views import course_review, course_translation, course_translations_update

    return [
        path("courses/review/<int:page_id>/<str:action>/", course_review, name="courses_review"),
        # Ahead of wagtail-localize's own view at the same address (the courses app comes
        # before wagtail_localize in INSTALLED_APPS, so its hook's URLs are matched first).
        path(
            "localize/submit/page/<int:page_id>/",
            course_translation,
            name="courses_submit_page_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            course_translations_update,
            name="courses_update_page_translations",
        ),
    ]


def _course_review_buttons(page, user, button_class):
    from django.urls import reverse

    from courses.models import CoursePage, ModulePage
    from courses.services.review import course_review_approvable, course_review_submittable

    if not isinstance(page.specific, CoursePage | ModulePage):
        return
    if course_review_submittable(page=page, user=user):
        label = (
            _("Submit the whole course for review")
            if isinstance(page.specific, CoursePage)
            else _("Submit the whole module for review")
        )
        yield button_class(
            label,
            reverse("courses_review", args=[page.pk, "submit"]),
            icon_name="tasks",
            priority=5,
        )
    if course_review_approvable(page=page, user=user):
        yield button_class(
            _("Approve and publish all"),
            reverse("courses_review", args=[page.pk, "approve"]),
            icon_name="check",
            priority=6,
        )


@hooks.register("register_page_header_buttons")
def course_review_header_buttons(page, user, view_name=None, next_url=None):
    from wagtail.admin.widgets import Button

    yield from _course_review_buttons(page, user, Button)


@hooks.register("register_page_listing_more_buttons")
def course_review_listing_buttons(page, user, next_url=None):
    from wagtail.admin.widgets import ListingButton

    yield from _course_review_buttons(page, user, ListingButton)


def translation_buttons_where_allowed(page, user, view_name=None, next_url=None):
    """wagtail-localize's page buttons ("Translate this page", "Sync translated pages"),
    without either where the view would refuse it (``page_translation_allowed``, the rule of
    ``courses_submit_page_translation`` and ``courses_update_page_translations``)."""
    from django.urls import reverse
    from wagtail.models import Page
    from wagtail_localize.wagtail_hooks import page_listing_more_buttons

    from courses.services import page_translation_allowed

    # The link of an alias opens the translation of the page it mirrors.
    source = Page.objects.get(pk=page.alias_of_id) if page.alias_of_id else page
    translate_url = reverse("wagtail_localize:submit_page_translation", args=[source.pk])
    sync_prefix = reverse("wagtail_localize:update_translations", args=[0])[: -len("0/")]
    allowed = None
    for button in page_listing_more_buttons(page, user, view_name=view_name, next_url=next_url):
        if button.url == translate_url or button.url.startswith(sync_prefix):
            if allowed is None:
                allowed = page_translation_allowed(user=user, page=source)
            if not allowed:
                continue
        yield button


def _localize_page_buttons_replaced() -> None:
    """wagtail-localize adds its page buttons through the header and "more" hooks, for which
    Wagtail has no ``construct_*`` hook to take a button away: its function is replaced by
    ``translation_buttons_where_allowed`` in both hooks, at the same place.

    Imported here, at the end of this module, wagtail-localize's hooks are registered after
    this app's ones, as INSTALLED_APPS orders them (its admin URLs after ours)."""
    from wagtail_localize import wagtail_hooks as localize_hooks

    for hook_name in ("register_page_header_buttons", "register_page_listing_more_buttons"):
        registered = hooks._hooks[hook_name]
        [index] = [
            n
            for n, (fn, _order) in enumerate(registered)
            if fn is localize_hooks.page_listing_more_buttons
        ]  # fails loudly if wagtail-localize registers its buttons differently
        registered[index] = (translation_buttons_where_allowed, registered[index][1])


_localize_page_buttons_replaced()
