"""Catalogue → course → module → lesson pages.

Page logic stays thin: contexts call selectors, writes go through services.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from courses.blocks import LessonBodyBlock, QuestionStreamBlock
from courses.forms import CoursePageForm


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Theme(models.TextChoices):
    DIGITAL_ADMINISTRATION = "digital-administration", _("Digital administration")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity and data protection")
    DIGITAL_BASICS = "digital-basics", _("Digital basics")


class FinalReview(models.TextChoices):
    """What a learner sees after submitting a final-assessment attempt."""

    SCORE = "score", _("Score only")
    QUESTIONS = "questions", _("Score and which questions were right or wrong")


class LessonCompletion(models.TextChoices):
    """When a lesson counts as complete (the activities are its quiz and H5P blocks)."""

    VIEWED = "viewed", _("Viewed")
    ACTIVITIES_COMPLETED = "completed", _("Every activity completed")
    ACTIVITIES_PASSED = "passed", _("Every scored activity passed at the lesson's pass mark")


class SharedTreePage(Page):
    """What every request asks of these pages, answered from the shared copies of
    ``academy.core.pagecache`` (kept until the tree changes) rather than the database."""

    class Meta:
        abstract = True

    def get_parent(self, update=False):
        """The parent page (a plain ``Page``, as treebeard gives it) from the shared tree
        copy; ``update=True`` reads the database, as treebeard's does."""
        if update or not self.depth or self.depth <= 1 or not self.path:
            return super().get_parent(update=update)
        from academy.core.pagecache import cached

        parent_path = self.path[: -self.steplen]
        return cached("page", lambda: Page.objects.filter(path=parent_path).first(), parent_path)

    def get_view_restrictions(self):
        # Wagtail's own answer (two queries) where aliases are involved.
        if self.alias_of_id:
            return super().get_view_restrictions()
        from courses.selectors import view_restrictions_for

        return view_restrictions_for(self)


class CataloguePage(SharedTreePage):
    """Root of the site in each language: lists, filters and searches the courses."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("course catalogue")

    @property
    def localized(self):
        """The live catalogue of the active language (Wagtail's rule), from the shared cache:
        the site root is localized on every request."""
        from django.conf import settings
        from django.utils.translation import get_language

        from academy.core.pagecache import translation_of

        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) or not get_language():
            return self
        return translation_of(self, get_language()) or self

    def route(self, request, path_components):
        # Any course, module or lesson URL resolves in one query by url_path (which also
        # reads whether every ancestor is published) instead of one query per segment.
        # Same outcome as Page.route: only the final page must be live; the ancestors'
        # rule and view restrictions are checked when the page is served.
        if not path_components:
            return super().route(request, path_components)
        from courses.selectors import page_for_path

        page = page_for_path(root=self, components=path_components)
        if page is None:
            raise Http404
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = selectors.catalogue_for_request(catalogue=self, request=request)
        return context


class CoursePage(SharedTreePage):
    summary = models.TextField(_("summary"))
    objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("One objective per line.")
    )
    audience = models.TextField(_("audience"), blank=True)
    theme = models.CharField(_("theme"), max_length=40, choices=Theme.choices)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, default=Decimal("1.0")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    competences = ParentalManyToManyField(
        "courses.Competence",
        verbose_name=_("competences taught"),
        blank=True,
        related_name="courses",
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("prerequisite courses"),
        blank=True,
        symmetrical=False,
        related_name="required_by",
    )
    # Completion rules: required modules (ModulePage.is_required) + the final assessment.
    final_assessment = StreamField(
        QuestionStreamBlock(), verbose_name=_("final assessment questions"), blank=True
    )
    final_draw = models.PositiveSmallIntegerField(
        _("questions drawn per attempt"), default=0, help_text=_("0: all questions.")
    )
    final_shuffle = models.BooleanField(_("shuffle questions and answers"), default=True)
    final_time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=0, help_text=_("0: no time limit.")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, help_text=_("0: unlimited.")
    )
    attempt_spacing_hours = models.PositiveSmallIntegerField(
        _("minimum hours between attempts"), default=0
    )
    final_review = models.CharField(
        _("after a final attempt, show"),
        max_length=16,
        choices=FinalReview.choices,
        default=FinalReview.QUESTIONS,
        help_text=_(
            "Explanations and expected answers are never shown before the learner has passed."
        ),
    )
    final_review_after_pass = models.BooleanField(
        _("show explanations and expected answers once passed"), default=False
    )
    awards_certificate = models.BooleanField(_("awards a certificate"), default=True)
    certificate_without_assessment = models.BooleanField(
        _("award the certificate without any assessed criterion"),
        default=False,
        help_text=_(
            "A course that awards a certificate needs a final assessment or a lesson passed at "
            "a pass mark; tick this box to confirm it awards one on completion alone."
        ),
    )
    # Recertification: the certificate freezes its expiry date when it is issued.
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        default=0,
        help_text=_("0: the certificate never expires."),
    )
    recertification_window_days = models.PositiveSmallIntegerField(
        _("recertification window (days before expiry)"),
        default=60,
        help_text=_("The learner is reminded and may renew from this many days before expiry."),
    )
    recertification_course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("recertification course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A shorter course whose completion renews this course's certificate. "
            "Empty: the learner re-takes this course's final assessment."
        ),
    )

    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.ModulePage"]
    base_form_class = CoursePageForm

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.FilterField("theme"),
        index.FilterField("level"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("audience"),
        FieldPanel("cover_image"),
        FieldRowPanel([FieldPanel("theme"), FieldPanel("level"), FieldPanel("estimated_hours")]),
        FieldPanel("competences"),
        FieldPanel("prerequisites"),
    ]
    content_panels = content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
                FieldRowPanel(
                    [FieldPanel("attempt_spacing_hours"), FieldPanel("final_time_limit_minutes")]
                ),
                FieldRowPanel([FieldPanel("final_draw"), FieldPanel("final_shuffle")]),
                FieldRowPanel([FieldPanel("final_review"), FieldPanel("final_review_after_pass")]),
            ],
            heading=_("Completion rules"),
        ),
        FieldPanel("final_assessment"),
        MultiFieldPanel(
            [
                FieldPanel("awards_certificate"),
                FieldPanel("certificate_without_assessment"),
                FieldRowPanel(
                    [
                        FieldPanel("certificate_validity_months"),
                        FieldPanel("recertification_window_days"),
                    ]
                ),
                FieldPanel("recertification_course"),
            ],
            heading=_("Certificate"),
        ),
    ]

    class Meta:
        verbose_name = _("course")

    def route(self, request, path_components):
        # A lesson URL (course/module/lesson/) resolves in one lookup by url_path instead
        # of walking the tree one child query per segment; same outcome as Page.route:
        # only the final page must be live, view restrictions are checked afterwards.
        if len(path_components) == 2:
            page = (
                Page.objects.filter(
                    url_path=f"{self.url_path}{'/'.join(path_components)}/",
                    depth=self.depth + 2,
                )
                .specific()
                .first()
            )
            if page is None or not page.live:
                raise Http404
            return RouteResult(page)
        return super().route(request, path_components)

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from courses import selectors
        from courses.page_panels import page_panels

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = selectors.course_outline(course=self)
        context["assessment"] = selectors.assessment_status(course=self, user=request.user)
        context["panels"] = page_panels(page=self, request=request)
        return context


def _refuse_under_unpublished(page, request):
    """404 for a module or lesson whose course (or module) is unpublished (previews excepted)."""
    from courses.selectors import page_ancestors_live

    if not getattr(request, "is_preview", False) and not page_ancestors_live(page=page):
        raise Http404


class ModulePage(SharedTreePage):
    intro = models.TextField(_("introduction"), blank=True)
    is_required = models.BooleanField(_("required for completion"), default=True)

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("is_required")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        _refuse_under_unpublished(self, request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.page_panels import page_panels

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.get_children().live().specific().order_by("path")
        context["panels"] = page_panels(page=self, request=request)
        return context


class LessonPage(SharedTreePage):
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    competences = ParentalManyToManyField(
        "courses.Competence", verbose_name=_("competences"), blank=True, related_name="lessons"
    )
    completion_rule = models.CharField(
        _("the lesson is complete when"),
        max_length=16,
        choices=LessonCompletion.choices,
        default=LessonCompletion.ACTIVITIES_COMPLETED,
        help_text=_(
            "Activities are the quizzes and H5P activities of the body. An H5P activity of a "
            "type that reports no result counts as done once the lesson is viewed."
        ),
    )
    completion_pass_mark = models.PositiveSmallIntegerField(
        _("lesson pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Used when every scored activity must be passed."),
    )

    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("competences")]),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("completion_rule"), FieldPanel("completion_pass_mark")])],
            heading=_("Completion"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        # Lessons are for signed-in learners (courses.selectors.lesson_accessible_to).
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        _refuse_under_unpublished(self, request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors
        from courses.page_panels import page_panels

        context = super().get_context(request, *args, **kwargs)
        context["navigation"] = selectors.lesson_navigation(lesson=self)
        context["panels"] = page_panels(page=self, request=request)
        return context
