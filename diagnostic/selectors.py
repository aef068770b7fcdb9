"""Reads of the diagnostic: a learner's sittings, profile and learning path; a unit's maturity
(scoped exactly like the HR dashboard: ``hr.selectors.Scope``) and its indicators."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone

from academy.accounts.models import User
from academy.territories.models import Territory
from courses.models import Competence, CompetenceArea, CoursePage
from hr.selectors import Scope
from learners.models import Enrollment

from .bank import QUESTIONS_PER_COMPETENCE, area_of, competence_codes, question_public
from .maturity import Maturity, area_codes
from .models import (
    CompetenceResult,
    ConnectionQuality,
    Diagnostic,
    UnitAreaLevel,
    UnitCompetenceScore,
    UnitIndicators,
    UnitMaturity,
)
from .scoring import weakest

PATH_COURSES = 6


# --- learner ---------------------------------------------------------------------------------


def diagnostic_in_progress(*, user) -> Diagnostic | None:
    return Diagnostic.objects.filter(user=user, status=Diagnostic.Status.IN_PROGRESS).first()


def diagnostic_pages(diagnostic: Diagnostic) -> list[str]:
    """One page per competence area (its area code), in framework order."""
    return area_codes()


def diagnostic_page(*, diagnostic: Diagnostic, page: int, language: str) -> dict:
    """The questions of one page (one area) as the learner sees them, with the answers they
    already gave (as positions on the page), and the self-ratings of the area's competences."""
    area = diagnostic_pages(diagnostic)[page]
    questions = []
    for item in diagnostic.questions:
        if area_of(item["id"].split("-")[0]) != area:
            continue
        public = question_public(item, language=language)
        chosen = set(diagnostic.answers.get(item["id"], []))
        public["chosen"] = {
            pos for pos, bank_index in enumerate(item["order"]) if bank_index in chosen
        }
        questions.append(public)
    competences = list(
        Competence.objects.filter(area__code=area)
        .order_by("code")
        .values("code", "name_fr", "name_ar")
    )
    ar = language.startswith("ar")
    return {
        "area": CompetenceArea.objects.filter(code=area).first(),
        "questions": questions,
        "competences": [
            {
                "code": c["code"],
                "name": c["name_ar"] if ar else c["name_fr"],
                "rating": diagnostic.self_ratings.get(c["code"]),
            }
            for c in competences
        ],
    }


def diagnostic_progress(diagnostic: Diagnostic) -> tuple[int, int]:
    """(questions answered, questions drawn)."""
    drawn = {item["id"] for item in diagnostic.questions}
    return len(drawn & set(diagnostic.answers)), len(drawn)


def diagnostics_submitted(*, user) -> list[Diagnostic]:
    return list(
        Diagnostic.objects.filter(user=user, status=Diagnostic.Status.SUBMITTED).order_by(
            "submitted_at"
        )
    )


@dataclass
class ProfileRow:
    competence: Competence
    score: Decimal
    level: int
    level_label: str
    self_rating: int | None
    previous_score: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.previous_score is None:
            return None
        return self.score - self.previous_score


@dataclass
class Profile:
    diagnostic: Diagnostic
    rows: list[ProfileRow]
    areas: list[tuple[CompetenceArea, list[ProfileRow]]]
    previous: Diagnostic | None
    history: list[Diagnostic] = field(default_factory=list)
    weakest_codes: list[str] = field(default_factory=list)


def diagnostic_profile(*, user, diagnostic_id: int) -> Profile:
    """The competence profile of one of the learner's submitted sittings (``DoesNotExist``
    for anyone else's), compared with the sitting before it."""
    diagnostic = Diagnostic.objects.get(
        pk=diagnostic_id, user=user, status=Diagnostic.Status.SUBMITTED
    )
    results = list(
        CompetenceResult.objects.filter(diagnostic=diagnostic)
        .select_related("competence__area")
        .order_by("competence__code")
    )
    history = diagnostics_submitted(user=user)
    earlier = [d for d in history if d.submitted_at < diagnostic.submitted_at]
    previous = earlier[-1] if earlier else None
    before = {}
    if previous is not None:
        before = dict(
            CompetenceResult.objects.filter(diagnostic=previous).values_list(
                "competence__code", "score"
            )
        )
    rows = [
        ProfileRow(
            competence=r.competence,
            score=r.score,
            level=r.level,
            level_label=r.get_level_display(),
            self_rating=r.self_rating,
            previous_score=before.get(r.competence.code),
        )
        for r in results
    ]
    by_area: dict[int, list[ProfileRow]] = defaultdict(list)
    areas = {}
    for row in rows:
        by_area[row.competence.area_id].append(row)
        areas[row.competence.area_id] = row.competence.area
    return Profile(
        diagnostic=diagnostic,
        rows=rows,
        areas=[(areas[k], v) for k, v in sorted(by_area.items(), key=lambda kv: areas[kv[0]].code)],
        previous=previous,
        history=history,
        weakest_codes=weakest([(r.competence.code, r.score, r.level) for r in rows]),
    )


@dataclass
class PathCourse:
    course: CoursePage  # canonical
    title: str
    url: str
    competences: list[Competence]
    enrolled: bool


def learning_path(*, user, weakest_codes: list[str], language: str) -> list[PathCourse]:
    """Live courses tagged with the learner's weakest competences, those covering the most of
    them first (then the weakest one covered), without the courses already completed."""
    if not weakest_codes:
        return []
    source = settings.LANGUAGE_CODE
    rank = {code: i for i, code in enumerate(weakest_codes)}
    courses = list(
        CoursePage.objects.live()
        .filter(locale__language_code=source, competences__code__in=weakest_codes)
        .distinct()
        .prefetch_related("competences")
    )
    states = dict(
        Enrollment.objects.filter(user=user, course__in=courses).values_list("course_id", "status")
    )
    items = []
    for course in courses:
        if states.get(course.pk) == Enrollment.Status.COMPLETED:
            continue
        covered = sorted(
            (c for c in course.competences.all() if c.code in rank), key=lambda c: rank[c.code]
        )
        items.append((-len(covered), rank[covered[0].code], course.title, course, covered))
    items.sort(key=lambda t: t[:3])
    result = []
    for *_k, course, covered in items[:PATH_COURSES]:
        shown = _localized(course, language)
        result.append(
            PathCourse(
                course=course,
                title=shown.title,
                url=shown.url or course.url,
                competences=covered,
                enrolled=course.pk in states,
            )
        )
    return result


def _localized(course: CoursePage, language: str):
    translated = (
        CoursePage.objects.live()
        .filter(translation_key=course.translation_key, locale__language_code=language[:2])
        .first()
    )
    return translated or course


# --- unit maturity ---------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Territory | None  # None: people attributed to the scope's unit itself
    maturity: Maturity
    staff: int
    has_children: bool = False
    indicators: UnitIndicators | None = None

    @property
    def share_diagnosed(self) -> float | None:
        if not self.staff:
            return None
        return round(100 * min(self.maturity.diagnosed, self.staff) / self.staff, 1)

    def heat(self) -> list[tuple[str, float | None]]:
        return [(area, self.maturity.area_average(area)) for area in area_codes()]


@dataclass
class MaturityView:
    scope: Scope
    total: UnitRow
    children: list[UnitRow]
    since: datetime.date | None = None
    then: Maturity | None = None

    def change(self) -> dict | None:
        """Differences between now and the chosen date (None: no date chosen)."""
        if self.then is None:
            return None
        now, then = self.total.maturity, self.then
        areas = []
        for area in area_codes():
            a, b = now.area_average(area), then.area_average(area)
            areas.append((area, b, a, None if a is None or b is None else round(a - b, 1)))
        return {"diagnosed_then": then.diagnosed, "diagnosed_now": now.diagnosed, "areas": areas}


STAFF_CACHE_KEY = "diagnostic:staff-by-unit:v1"


def staff_max_age() -> int:
    """Seconds the country's staff counts per unit are reused (0: always counted live)."""
    return int(getattr(settings, "DIAGNOSTIC_STAFF_MAX_AGE", 300))


def _count_staff(scope: Scope) -> dict[int, int]:
    rows = (
        User.objects.filter(scope.unit_q("unit"), is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def _staff_by_unit(scope: Scope) -> dict[int, int]:
    """Active staff per current unit (the HR dashboard's "staff registered"). Counting the
    whole country's users costs more than the rest of the unit view: at national and region
    level the counts of the last ``staff_max_age()`` seconds are reused."""
    max_age = staff_max_age()
    if max_age <= 0 or (scope.unit is not None and scope.unit.depth > 1):
        return _count_staff(scope)
    counts = cache.get(STAFF_CACHE_KEY)
    if counts is None:
        from academy.accounts.selectors import Visibility

        counts = _count_staff(Scope(visibility=Visibility(everything=True), unit=None))
        cache.set(STAFF_CACHE_KEY, counts, max_age)
    if scope.unit is None and scope.visibility.everything:
        return counts
    ids = set(scope.unit_ids().values_list("id", flat=True))
    return {uid: n for uid, n in counts.items() if uid in ids}


def stored_maturity(*, scope: Scope, key_length: int | None = None) -> dict[str, Maturity]:
    """The stored roll-ups of the scope's units, summed in the database by the first
    ``key_length`` characters of each unit's path (None: per unit, keyed by the whole path)."""
    key = Substr("unit__path", 1, key_length) if key_length else F("unit__path")
    where = scope.unit_q("unit")
    result: dict[str, Maturity] = defaultdict(Maturity)
    rows = (
        UnitMaturity.objects.filter(where)
        .annotate(key=key)
        .values_list("key")
        .annotate(n=Sum("diagnosed"))
        .order_by()
    )
    for k, n in rows:
        result[k].diagnosed += n
    rows = (
        UnitAreaLevel.objects.filter(where)
        .annotate(key=key)
        .values_list("key", "area", "level")
        .annotate(n=Sum("people"))
        .order_by()
    )
    for k, area, level, n in rows:
        result[k].area_levels.setdefault(area, [0, 0, 0, 0])[level - 1] += n
    rows = (
        UnitCompetenceScore.objects.filter(where)
        .annotate(key=key)
        .values_list("key", "competence")
        .annotate(s=Sum("score_sum"), n=Sum("people"), f=Sum("foundation"))
        .order_by()
    )
    for k, code, total, n, foundation in rows:
        values = result[k].competences.setdefault(code, [0.0, 0, 0])
        values[0] += total
        values[1] += n
        values[2] += foundation
    return dict(result)


def _sittings_maturity(diagnostics) -> Maturity:
    """The maturity of the sittings ``diagnostics`` (a queryset), summed in the database:
    people, then per competence the score sum (exact, a ``Decimal``), people and people at
    foundation level, then people per area and level (3 queries)."""
    ids = diagnostics.values("id").order_by()
    results = CompetenceResult.objects.filter(diagnostic_id__in=ids)
    total = Maturity(diagnosed=diagnostics.count())
    if not total.diagnosed:
        return total
    for code, score_sum, people, foundation in (
        results.values_list("competence__code")
        .annotate(s=Sum("score"), n=Count("id"), f=Count("id", filter=Q(level=1)))
        .order_by()
    ):
        total.competences[code] = [score_sum, people, foundation]
    # Area level of each sitting: the mean of its competence levels, rounded down (integer
    # division), as ``scoring.area_level``; then people per area and level.
    per_area = (
        results.annotate(area=Substr("competence__code", 1, 1))
        .values("diagnostic_id", "area")
        .annotate(lvl=ExpressionWrapper(Sum("level") / Count("id"), output_field=IntegerField()))
        .order_by()
    )
    sql, params = per_area.query.sql_with_params()
    connection = connections[per_area.db]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT area, lvl, COUNT(*) FROM ({sql}) t GROUP BY area, lvl", params)
        for area, level, n in cursor.fetchall():
            total.area_levels.setdefault(area, [0, 0, 0, 0])[int(level) - 1] += n
    return total


def maturity_as_of(*, scope: Scope, on: datetime.date, current: Maturity | None = None) -> Maturity:
    """The scope's maturity from each person's latest diagnostic submitted before ``on``.

    When few of the people counted today sat since the date, computed from today's figures
    (``current``: the scope's stored roll-ups, summed; read when not given) corrected for the
    people who sat on or after ``on`` only (``_as_of_corrected``): the cost follows the
    sittings since the date, not the population. Otherwise read from the sittings before the
    date (``_as_of_read``). Both give the same figures.
    """
    start = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    if current is None:
        current = Maturity()
        for m in stored_maturity(scope=scope, key_length=1).values():
            current.add(m)
    since = Diagnostic.objects.filter(
        scope.unit_q("unit"), status=Diagnostic.Status.SUBMITTED, submitted_at__gte=start
    ).count()
    # Correcting reads about two sittings per sitting since the date (the one counted today
    # and the one before the date); reading, about one per person counted then.
    if 2 * since < current.diagnosed:
        return _as_of_corrected(scope=scope, start=start, current=current)
    return _as_of_read(scope=scope, start=start)


def _as_of_read(*, scope: Scope, start: datetime.datetime) -> Maturity:
    """Each person's latest sitting before ``start`` (no later one before it), in the scope."""
    before = Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED, submitted_at__lt=start)
    later_one = before.filter(user_id=OuterRef("user_id")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), id__gt=OuterRef("id"))
    )
    total = _sittings_maturity(before.filter(scope.unit_q("unit")).filter(~Exists(later_one)))
    for values in total.competences.values():
        values[0] = float(values[0])
    return total


def _as_of_corrected(*, scope: Scope, start: datetime.datetime, current: Maturity) -> Maturity:
    """``current`` corrected for the people who sat on or after ``start``: their sitting
    counted today is taken out, their latest one before ``start`` (if any, and if its unit is
    in the scope) put back. Relies on what the roll-ups already rely on: a person's
    ``is_latest`` sitting is their last submitted one (by submission time, then id), and the
    roll-ups are those of the ``is_latest`` sittings with a unit."""
    submitted = Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED)
    national = scope.unit is None and scope.visibility.everything
    moved_on = submitted.filter(submitted_at__gte=start)
    if not national:  # only people with a sitting in the scope can change its figures
        moved_on = moved_on.filter(
            user_id__in=submitted.filter(scope.unit_q("unit")).values("user_id").order_by()
        )
    moved_on = moved_on.values("user_id").order_by()
    counted_now = submitted.filter(
        scope.unit_q("unit"), is_latest=True, unit__isnull=False, user_id__in=moved_on
    )
    last_before = (
        submitted.filter(submitted_at__lt=start, user_id__in=moved_on)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("submitted_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values("id")
    )
    counted_then = submitted.filter(scope.unit_q("unit"), id__in=last_before)
    corrections = [(-1, _sittings_maturity(counted_now)), (1, _sittings_maturity(counted_then))]
    if national:
        # Nationally the comparison also counts the people whose sitting has no unit (the
        # roll-ups leave them out): those who did not sit again since the date.
        unattached = submitted.filter(is_latest=True, unit__isnull=True).exclude(
            user_id__in=moved_on
        )
        corrections.append((1, _sittings_maturity(unattached)))
    return _corrected(current, corrections)


def _corrected(current: Maturity, corrections) -> Maturity:
    """``current`` plus each (sign, maturity) of ``corrections``. Score sums are kept in tenths
    (every score has one decimal): the stored float sums, exact to far better than a tenth, are
    rounded to them, so the result is the exact sum the sittings themselves give."""
    diagnosed = current.diagnosed
    levels = {area: list(counts) for area, counts in current.area_levels.items()}
    tenths = {code: [round(s * 10), n, f] for code, (s, n, f) in current.competences.items()}
    for sign, m in corrections:
        diagnosed += sign * m.diagnosed
        for area, counts in m.area_levels.items():
            mine = levels.setdefault(area, [0, 0, 0, 0])
            for i, n in enumerate(counts):
                mine[i] += sign * n
        for code, (s, n, f) in m.competences.items():
            mine = tenths.setdefault(code, [0, 0, 0])
            mine[0] += sign * int(Decimal(s) * 10)
            mine[1] += sign * n
            mine[2] += sign * f
    return Maturity(
        diagnosed=diagnosed,
        area_levels={area: counts for area, counts in levels.items() if any(counts)},
        competences={
            code: [float(Decimal(t) / 10), n, f] for code, (t, n, f) in tenths.items() if n
        },
    )


def latest_indicators(*, unit_ids) -> dict[int, UnitIndicators]:
    """The latest statement of each unit (by date, then time of entry)."""
    result: dict[int, UnitIndicators] = {}
    for row in UnitIndicators.objects.filter(unit_id__in=unit_ids).order_by(
        "unit_id", "-recorded_on", "-recorded_at", "-id"
    ):
        result.setdefault(row.unit_id, row)
    return result


def unit_maturity(*, scope: Scope, since: datetime.date | None = None) -> MaturityView:
    """The scope's maturity and the same for each unit below it, from the stored roll-ups
    summed by child unit in the database (3 grouped queries), staff by current unit."""
    depth = scope.unit.depth if scope.unit else 0
    child_len = Territory.steplen * (depth + 1)
    paths = dict(scope.units().values_list("id", "path"))
    by_key = stored_maturity(scope=scope, key_length=child_len)
    staff_by_key: dict[str, int] = defaultdict(int)
    for unit_id, n in _staff_by_unit(scope).items():
        path = paths.get(unit_id)
        if path is not None:  # no unit, or outside the scope: never counted
            staff_by_key[path[:child_len]] += n

    total = UnitRow(scope.unit, Maturity(), 0)
    for key in set(by_key) | set(staff_by_key):
        if key in by_key:
            total.maturity.add(by_key[key])
        total.staff += staff_by_key.get(key, 0)

    children_units = list(scope.units().filter(depth=depth + 1).order_by("name_fr"))
    parent_paths = {path[:child_len] for path in paths.values() if len(path) > child_len}
    indicators = latest_indicators(unit_ids=[u.pk for u in children_units])
    children = []
    for child in children_units:
        children.append(
            UnitRow(
                unit=child,
                maturity=by_key.get(child.path) or Maturity(),
                staff=staff_by_key.get(child.path, 0),
                has_children=child.path in parent_paths,
                indicators=indicators.get(child.pk),
            )
        )
    # People attached to the scope's unit itself (a province's own staff): shorter keys.
    own = UnitRow(None, Maturity(), 0)
    for key in set(by_key) | set(staff_by_key):
        if len(key) < child_len:
            if key in by_key:
                own.maturity.add(by_key[key])
            own.staff += staff_by_key.get(key, 0)
    if own.staff or own.maturity.diagnosed:
        children.append(own)
    if scope.unit is not None:
        total.indicators = latest_indicators(unit_ids=[scope.unit.pk]).get(scope.unit.pk)
    view = MaturityView(scope=scope, total=total, children=children, since=since)
    if since is not None:
        view.then = maturity_as_of(scope=scope, on=since, current=total.maturity)
    return view


@dataclass
class IndicatorsRollup:
    units: int  # units of the scope with at least one statement
    shares: dict  # {field: share (%) of those units answering yes}
    email_average: float | None
    connection: dict  # {quality: share (%)}


INDICATOR_FLAGS = ("digital_registry", "e_signature", "complaints_portal", "online_appointments")


def indicators_rollup(*, scope: Scope) -> IndicatorsRollup:
    """Latest statement of each unit of the scope, rolled up by share of units."""
    fields = (*INDICATOR_FLAGS, "professional_email_percent", "connection_quality")
    latest: dict[int, tuple] = {}
    rows = (
        UnitIndicators.objects.filter(scope.unit_q("unit"))
        .order_by("unit_id", "-recorded_on", "-recorded_at", "-id")
        .values_list("unit_id", *fields)
    )
    for unit_id, *values in rows:
        latest.setdefault(unit_id, values)
    statements = list(latest.values())
    n = len(statements)

    def share(count):
        return round(100 * count / n, 1) if n else None

    flags = len(INDICATOR_FLAGS)
    return IndicatorsRollup(
        units=n,
        shares={
            f: share(sum(1 for r in statements if r[i])) for i, f in enumerate(INDICATOR_FLAGS)
        },
        email_average=round(sum(r[flags] for r in statements) / n, 1) if n else None,
        connection={
            q: share(sum(1 for r in statements if r[flags + 1] == q))
            for q in ConnectionQuality.values
        },
    )


def competence_names(language: str) -> dict[str, str]:
    ar = language.startswith("ar")
    return {
        code: (name_ar if ar else name_fr)
        for code, name_fr, name_ar in Competence.objects.values_list("code", "name_fr", "name_ar")
    }


def area_names(language: str) -> dict[str, str]:
    ar = language.startswith("ar")
    return {
        code: (name_ar if ar else name_fr)
        for code, name_fr, name_ar in CompetenceArea.objects.values_list(
            "code", "name_fr", "name_ar"
        )
    }


# --- from diagnosis to plan ------------------------------------------------------------------

PLAN_COMPETENCES = 5  # the weakest competences a plan covers, as many as the view ranks


@dataclass
class TrainingPlan:
    """What a draft campaign for a unit's gaps would hold (nothing written)."""

    below: int  # the level the audience is below
    diagnosed: int  # active staff of the scope with a diagnostic
    gaps: list[str]  # the weakest competences with someone below the level, weakest first
    courses: list[CoursePage]  # canonical live courses covering them
    covered: list[str]  # the gaps the courses cover (in ``gaps``' order)
    matricules: list[str]  # the audience: staff below the level in a covered gap
    without_matricule: int  # staff below the level who have no employee number


def _plan_courses(gaps: list[str]) -> list[CoursePage]:
    """Few courses covering as many of the gaps as possible: for each gap not yet covered,
    weakest first, the course covering the most gaps still uncovered (then the most gaps,
    then by title). Live canonical courses only."""
    candidates = list(
        CoursePage.objects.live()
        .filter(locale__language_code=settings.LANGUAGE_CODE, competences__code__in=gaps)
        .distinct()
        .prefetch_related("competences")
    )
    covers = {c.pk: {k.code for k in c.competences.all()} & set(gaps) for c in candidates}
    chosen: list[CoursePage] = []
    covered: set[str] = set()
    for code in gaps:
        if code in covered:
            continue
        options = [c for c in candidates if code in covers[c.pk]]
        if not options:
            continue
        best = min(
            options,
            key=lambda c: (-len(covers[c.pk] - covered), -len(covers[c.pk]), c.title, c.pk),
        )
        chosen.append(best)
        covered |= covers[best.pk]
    return chosen


def training_plan(*, scope: Scope, below: int) -> TrainingPlan:
    """The plan of a unit's gaps, from the latest diagnostics of the people who work in the
    scope today (active, with a unit in the scope): the ``PLAN_COMPETENCES`` competences with
    the lowest average score among those where someone is below level ``below``; the courses
    covering them; as audience, the people below ``below`` in a competence a course covers.
    Five queries, whatever the number of people or courses."""
    people = Q(diagnostic__user__is_active=True, diagnostic__user__unit__isnull=False) & (
        scope.unit_q("diagnostic__user__unit")
    )
    latest = CompetenceResult.objects.filter(people, diagnostic__is_latest=True)
    diagnosed = latest.values("diagnostic_id").distinct().count()
    rows = (
        latest.values_list("competence__code")
        .annotate(avg=Avg("score"), n_below=Count("id", filter=Q(level__lt=below)))
        .order_by()
    )
    ranked = sorted((avg, code) for code, avg, n_below in rows if n_below)
    gaps = [code for _avg, code in ranked[:PLAN_COMPETENCES]]
    courses = _plan_courses(gaps) if gaps else []
    taught = {k.code for c in courses for k in c.competences.all()}
    covered = [code for code in gaps if code in taught]
    matricules, without = [], 0
    if covered:
        audience = (
            User.objects.filter(scope.unit_q("unit"), is_active=True, unit__isnull=False)
            .filter(
                diagnostics__is_latest=True,
                diagnostics__results__competence__code__in=covered,
                diagnostics__results__level__lt=below,
            )
            .values_list("pk", "matricule")
            .distinct()
        )
        for _pk, matricule in audience:
            if matricule and matricule.strip():
                matricules.append(matricule)
            else:
                without += 1
    return TrainingPlan(
        below=below,
        diagnosed=diagnosed,
        gaps=gaps,
        courses=courses,
        covered=covered,
        matricules=sorted(matricules),
        without_matricule=without,
    )


def expected_questions() -> int:
    return QUESTIONS_PER_COMPETENCE * len(competence_codes())
