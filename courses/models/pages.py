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


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Theme(models.TextChoices):
    DIGITAL_ADMINISTRATION = "digital-administration", _("Digital administration")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity and data protection")
    DIGITAL_BASICS = "digital-basics", _("Digital basics")


class CataloguePage(Page):
    """Root of the site in each language: lists, filters and searches the courses."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = selectors.catalogue_for_request(catalogue=self, request=request)
        return context


class CoursePage(Page):
    summary = models.TextField(_("summary"))
    objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("One objective per line.")
    )
    audience = models.TextField(_("audience"), blank=True)
    theme = models.CharField(_("theme"), max_length=40, choices=Theme.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
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
        "courses.Competence", verbose_name=_("competences taught"), blank=True, related_name="courses"
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
    awards_certificate = models.BooleanField(_("awards a certificate"), default=True)
    certificate_template = models.ForeignKey(
        "certificates.CertificateTemplate",
        verbose_name=_("certificate template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.ModulePage"]

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
            ],
            heading=_("Completion rules"),
        ),
        FieldPanel("final_assessment"),
        MultiFieldPanel(
            [FieldPanel("awards_certificate"), FieldPanel("certificate_template")], heading=_("Certificate")
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

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = selectors.course_outline(course=self)
        context["assessment"] = selectors.assessment_status(course=self, user=request.user)
        return context


class ModulePage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    is_required = models.BooleanField(
        _("required for completion"), default=True
    )

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("is_required")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("module")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.get_children().live().specific().order_by("path")
        return context


class LessonPage(Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    competences = ParentalManyToManyField(
        "courses.Competence", verbose_name=_("competences"), blank=True, related_name="lessons"
    )

    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("competences")]),
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
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["navigation"] = selectors.lesson_navigation(lesson=self)
        return context
