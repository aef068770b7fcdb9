"""Course trees for the learners tests, built through Wagtail's tree API (add_child)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage, QuizAttempt

_n = itertools.count(1)

TEXT_BODY = json.dumps([{"type": "text", "value": "<p>Leçon</p>"}])
QUIZ_BODY = json.dumps(
    [
        {"type": "text", "value": "<p>Leçon avec quiz</p>"},
        {
            "type": "quiz",
            "value": {
                "title": "Quiz",
                "draw": 0,
                "shuffle": False,
                "questions": [
                    {
                        "type": "true_false",
                        "value": {"prompt": "Vrai ?", "feedback": "", "correct": "true"},
                    }
                ],
            },
        },
    ]
)
FINAL = json.dumps(
    [
        {
            "type": "true_false",
            "value": {"prompt": "Question finale", "feedback": "", "correct": "true"},
        }
    ]
)


def catalogue(language: str = "fr") -> CataloguePage:
    """The catalogue in ``language``; the fr one is the default site's root, the others
    are its translations (same translation key), as in a real install."""
    locale = Locale.objects.get_or_create(language_code=language)[0]
    existing = CataloguePage.objects.filter(locale=locale).first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the migrations' data
        fr = Locale.objects.get_or_create(language_code="fr")[0]
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=fr))
    n = next(_n)
    page = CataloguePage(title=f"Catalogue {language}", slug=f"cat-{language}-{n}", locale=locale)
    if language != "fr":
        page.translation_key = catalogue("fr").translation_key
    page = root.add_child(instance=page)
    if language == "fr":
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", root_page=page, is_default_site=True)
        else:
            site.root_page = page
            site.save()
    return page


@dataclass
class Tree:
    course: CoursePage
    modules: list[ModulePage] = field(default_factory=list)
    lessons: list[LessonPage] = field(default_factory=list)
    required_lessons: list[LessonPage] = field(default_factory=list)


def course_tree(
    *,
    modules=((True, 2),),
    final: bool = True,
    pass_mark: int = 70,
    awards_certificate: bool = False,
    scored_lessons: tuple[int, ...] = (),
    title: str | None = None,
    live: bool = True,
    competences=(),
) -> Tree:
    """A live course; ``modules`` = ((is_required, number of lessons), …).

    ``scored_lessons`` lists the indexes (over all lessons) whose body holds a quiz."""
    n = next(_n)
    parent = catalogue()
    course = parent.add_child(
        instance=CoursePage(
            title=title or f"Cours {n}",
            slug=f"cours-{n}",
            summary="Résumé",
            theme="digital-basics",
            pass_mark=pass_mark,
            awards_certificate=awards_certificate,
            final_assessment=FINAL if final else "[]",
            live=live,
        )
    )
    if competences:
        course.competences.set(competences)
        course.save()
    tree = Tree(course=course)
    index = 0
    for m, (required, count) in enumerate(modules):
        module = course.add_child(
            instance=ModulePage(
                title=f"Module {n}.{m}", slug=f"module-{n}-{m}", is_required=required
            )
        )
        tree.modules.append(module)
        for k in range(count):
            lesson = module.add_child(
                instance=LessonPage(
                    title=f"Leçon {n}.{m}.{k}",
                    slug=f"lecon-{n}-{m}-{k}",
                    body=QUIZ_BODY if index in scored_lessons else TEXT_BODY,
                )
            )
            tree.lessons.append(lesson)
            if required:
                tree.required_lessons.append(lesson)
            index += 1
    return tree


def final_attempt(*, user, course: CoursePage, percent, passed=None, submitted=True) -> QuizAttempt:
    percent = Decimal(str(percent))
    now = timezone.now()
    return QuizAttempt.objects.create(
        user=user,
        page=course,
        is_final=True,
        score=percent / 10,
        max_score=Decimal(10),
        percent=percent,
        passed=(percent >= course.pass_mark) if passed is None else passed,
        started_at=now - timedelta(minutes=5),
        submitted_at=now if submitted else None,
        duration_seconds=300,
    )


def lesson_quiz_attempt(
    *, user, lesson: LessonPage, percent, block_id: str | None = None
) -> QuizAttempt:
    """A submitted practice-quiz attempt at ``lesson``'s (first) quiz block."""
    percent = Decimal(str(percent))
    if block_id is None:
        block_id = next(b.id for b in lesson.body if b.block_type == "quiz")
    now = timezone.now()
    return QuizAttempt.objects.create(
        user=user,
        page=lesson,
        block_id=block_id,
        score=percent / 100,
        max_score=Decimal(1),
        percent=percent,
        passed=percent >= 70,
        started_at=now - timedelta(minutes=2),
        submitted_at=now,
        duration_seconds=120,
    )


def translate_tree(tree: Tree, language: str = "ar") -> dict[int, Page]:
    """Arabic copies of a course tree (same translation keys), live; {source id: copy}."""
    locale = Locale.objects.get_or_create(language_code=language)[0]
    parent = catalogue(language)
    copies = {}

    def copy(page, under):
        specific = page.specific
        fields = {
            "title": f"{page.title} ({language})",
            "slug": f"{page.slug}-{language}",
            "locale": locale,
            "translation_key": page.translation_key,
        }
        if isinstance(specific, CoursePage):
            instance = CoursePage(
                summary="ملخص",
                theme=specific.theme,
                pass_mark=specific.pass_mark,
                final_assessment=FINAL,
                **fields,
            )
        elif isinstance(specific, ModulePage):
            instance = ModulePage(is_required=specific.is_required, **fields)
        else:
            instance = LessonPage(body=TEXT_BODY, **fields)
        created = under.add_child(instance=instance)
        copies[page.pk] = created
        return created

    course = copy(tree.course, parent)
    for module in tree.modules:
        module_copy = copy(module, course)
        for lesson in module.get_children():
            copy(lesson, module_copy)
    return copies
