"""The activities of a lesson and the lesson's completion rule (reads only).

A lesson's activities are the quiz and H5P blocks of its body, identified by block id
(the same in every translation; an Arabic lesson may play its own H5P activity in a
block of the same id). The trainer chooses the lesson's rule (``LessonPage.completion_rule``):

- *viewed*: complete once the learner has opened it;
- *every activity completed*: each quiz submitted once, each H5P activity reported a result;
- *every scored activity passed*: each quiz and each scored H5P activity at or above the
  lesson's pass mark (best attempt).

H5P content types that report no result (Dialog Cards, Accordion, …) can never send one:
under any rule they count as done once the lesson is viewed, so they are never a dead end.
The types known to report a result are listed in ``H5P_REPORTING_LIBRARIES`` (extended by
the ``ACADEMIE_H5P_REPORTING_LIBRARIES`` setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max

from courses.models import LessonCompletion, LessonPage, QuizAttempt

# H5P content types (main library machine names) that send a scored or completed xAPI
# statement when the learner finishes them.
H5P_REPORTING_LIBRARIES = frozenset(
    {
        "H5P.AcademieQuestion",
        "H5P.ArithmeticQuiz",
        "H5P.BranchingScenario",
        "H5P.CoursePresentation",
        "H5P.Crossword",
        "H5P.DragQuestion",
        "H5P.DragText",
        "H5P.Essay",
        "H5P.FindTheWords",
        "H5P.Flashcards",
        "H5P.GameMap",
        "H5P.ImageHotspotQuestion",
        "H5P.ImageMultipleHotspotQuestion",
        "H5P.ImagePair",
        "H5P.ImageSequencing",
        "H5P.InteractiveBook",
        "H5P.InteractiveVideo",
        "H5P.MarkTheWords",
        "H5P.MemoryGame",
        "H5P.MultiChoice",
        "H5P.QuestionSet",
        "H5P.SingleChoiceSet",
        "H5P.SortParagraphs",
        "H5P.SpeakTheWords",
        "H5P.SpeakTheWordsSet",
        "H5P.Summary",
        "H5P.TrueFalse",
        "H5P.Blanks",
    }
)


def h5p_reporting_libraries() -> frozenset[str]:
    extra = getattr(settings, "ACADEMIE_H5P_REPORTING_LIBRARIES", ())
    return H5P_REPORTING_LIBRARIES | frozenset(extra)


def h5p_library_reports(main_library: str) -> bool:
    """Does an H5P content type (``H5P.MultiChoice`` or ``H5P.MultiChoice 1.16``) report a result?"""
    name = (main_library or "").split(" ")[0].split("-")[0]
    return name in h5p_reporting_libraries()


@dataclass(frozen=True)
class LessonActivity:
    block_id: str
    kind: str  # "quiz" | "h5p"
    h5p_activity_ids: frozenset[int] = frozenset()
    reports: bool = True  # sends a result (quizzes always do)


def _canonical(lesson) -> LessonPage:
    from courses.selectors import page_canonical

    page = page_canonical(lesson)
    return page if isinstance(page, LessonPage) else LessonPage.objects.get(pk=page.pk)


def _translations(lesson: LessonPage) -> list[LessonPage]:
    return list(
        LessonPage.objects.filter(translation_key=lesson.translation_key).exclude(pk=lesson.pk)
    )


def _h5p_block_activity_id(value) -> int | None:
    activity = value.get("activity") if value is not None else None
    if activity is None:
        return None
    return activity.pk if hasattr(activity, "pk") else int(activity)


def lesson_activities(lesson) -> list[LessonActivity]:
    """Every activity of the canonical lesson, in body order (a few queries)."""
    from courses.h5p.models import H5PActivity

    canonical = _canonical(lesson)
    blocks = [child for child in canonical.body if child.block_type in ("quiz", "h5p")]
    if not blocks:
        return []
    h5p_ids: dict[str, set[int]] = {}
    for child in blocks:
        if child.block_type == "h5p":
            found = _h5p_block_activity_id(child.value)
            h5p_ids[child.id] = {found} if found else set()
    if h5p_ids:
        for translation in _translations(canonical):
            for child in translation.body:
                if child.block_type == "h5p" and child.id in h5p_ids:
                    found = _h5p_block_activity_id(child.value)
                    if found:
                        h5p_ids[child.id].add(found)
    all_ids = set().union(*h5p_ids.values()) if h5p_ids else set()
    libraries = dict(
        H5PActivity.objects.filter(pk__in=all_ids).values_list("pk", "package__main_library")
    )
    activities = []
    for child in blocks:
        if child.block_type == "quiz":
            activities.append(LessonActivity(block_id=child.id, kind="quiz"))
            continue
        ids = frozenset(h5p_ids[child.id])
        if not ids:
            continue  # an empty block (activity deleted): nothing to do
        reports = any(h5p_library_reports(libraries.get(pk, "")) for pk in ids)
        activities.append(
            LessonActivity(block_id=child.id, kind="h5p", h5p_activity_ids=ids, reports=reports)
        )
    return activities


@dataclass(frozen=True)
class ActivityResult:
    done: bool  # submitted / reported a result
    best_percent: Decimal | None  # None: no score
    success: bool | None = None


def lesson_activity_results(
    *, user, lesson, activities: list[LessonActivity]
) -> dict[str, ActivityResult]:
    """The learner's standing in each activity, by block id (two queries at most)."""
    from courses.h5p.models import H5PResult

    canonical = _canonical(lesson)
    results: dict[str, ActivityResult] = {}
    quiz_ids = [a.block_id for a in activities if a.kind == "quiz"]
    if quiz_ids:
        rows = (
            QuizAttempt.objects.filter(
                user=user,
                page_id=canonical.pk,
                is_final=False,
                block_id__in=quiz_ids,
                submitted_at__isnull=False,
            )
            .values("block_id")
            .annotate(best=Max("percent"))
        )
        for row in rows:
            results[row["block_id"]] = ActivityResult(done=True, best_percent=row["best"])
    h5p = [a for a in activities if a.kind == "h5p" and a.reports]
    if h5p:
        lesson_ids = [canonical.pk, *(t.pk for t in _translations(canonical))]
        all_ids = set().union(*(a.h5p_activity_ids for a in h5p))
        rows = list(
            H5PResult.objects.filter(
                user=user, activity_id__in=all_ids, lesson_id__in=lesson_ids
            ).values_list("activity_id", "score_scaled", "success", "completion")
        )
        for activity in h5p:
            mine = [r for r in rows if r[0] in activity.h5p_activity_ids]
            if not mine:
                continue
            scores = [r[1] * 100 for r in mine if r[1] is not None]
            successes = [r[2] for r in mine if r[2] is not None]
            results[activity.block_id] = ActivityResult(
                done=True,
                best_percent=max(scores) if scores else None,
                success=any(successes) if successes else None,
            )
    return results


def _activity_satisfied(
    activity: LessonActivity, result: ActivityResult | None, *, rule: str, pass_mark: int
) -> bool:
    if not activity.reports:
        return True  # sends nothing: done once the lesson is viewed
    if result is None or not result.done:
        return False
    if rule != LessonCompletion.ACTIVITIES_PASSED:
        return True
    if result.best_percent is not None:
        return result.best_percent >= pass_mark
    # A result without a score: its own success flag decides, else it is just completed.
    return result.success is not False


def lesson_requirements_met(*, user, lesson, viewed: bool) -> bool:
    """Does the learner meet the lesson's completion rule? ``viewed``: the lesson was opened."""
    canonical = _canonical(lesson)
    if not viewed:
        return False
    rule = canonical.completion_rule
    if rule == LessonCompletion.VIEWED:
        return True
    activities = lesson_activities(canonical)
    if not activities:
        return True
    results = lesson_activity_results(user=user, lesson=canonical, activities=activities)
    return all(
        _activity_satisfied(
            a, results.get(a.block_id), rule=rule, pass_mark=canonical.completion_pass_mark
        )
        for a in activities
    )


def lesson_is_assessed(lesson: LessonPage) -> bool:
    """A lesson whose completion depends on a pass mark over at least one scored activity."""
    return lesson.completion_rule == LessonCompletion.ACTIVITIES_PASSED and any(
        a.reports for a in lesson_activities(lesson)
    )


def course_assessed_criteria(*, course, final_assessment=None) -> list[str]:
    """What is assessed in a course: "final" when it has final-assessment questions, and the
    titles of its required lessons with a pass-mark rule. Empty: completion alone."""
    from courses.selectors import course_required_lessons, page_canonical

    stream = course.final_assessment if final_assessment is None else final_assessment
    criteria = ["final"] if len(stream) else []
    canonical = page_canonical(course) if course.pk else None
    if canonical is not None and canonical.pk:
        criteria.extend(
            lesson.title
            for lesson in course_required_lessons(course=canonical)
            if lesson_is_assessed(lesson)
        )
    return criteria
