"""Writes of the diagnostic: sittings, answers, submission, unit roll-ups, unit indicators,
enrolment from the learning path."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Competence, CoursePage
from hr.campaign_forms import MAX_MATRICULES
from hr.models import Campaign, DueMode
from hr.selectors import Scope
from hr.services.campaigns import campaign_save

from .bank import MULTIPLE, bank, competence_codes, questions_draw
from .maturity import maturity_by_unit
from .models import (
    CompetenceResult,
    Diagnostic,
    Level,
    SelfRating,
    UnitAreaLevel,
    UnitCompetenceScore,
    UnitIndicators,
    UnitMaturity,
)
from .scoring import competence_level, competence_score, question_score
from .selectors import TrainingPlan, training_plan


def diagnostic_start(*, user, rng: random.Random | None = None) -> Diagnostic:
    """The learner's sitting in progress, or a new one (questions drawn, see ``bank``)."""
    current = Diagnostic.objects.filter(user=user, status=Diagnostic.Status.IN_PROGRESS).first()
    if current is not None:
        return current
    last = (
        Diagnostic.objects.filter(user=user, status=Diagnostic.Status.SUBMITTED)
        .order_by("-submitted_at")
        .first()
    )
    previous = {item["id"] for item in last.questions} if last else set()
    questions = questions_draw(rng=rng or random.SystemRandom(), previous=previous)
    with transaction.atomic():
        diagnostic, _created = Diagnostic.objects.get_or_create(
            user=user,
            status=Diagnostic.Status.IN_PROGRESS,
            defaults={"questions": questions, "unit_id": user.unit_id},
        )
    return diagnostic


def _checked(diagnostic: Diagnostic, user) -> None:
    if diagnostic.user_id != user.pk:
        raise PermissionDenied("not your diagnostic")
    if diagnostic.status != Diagnostic.Status.IN_PROGRESS:
        raise ValidationError(_("This diagnostic has already been submitted."))


def diagnostic_answers_save(
    *, diagnostic: Diagnostic, user, answers: dict, self_ratings: dict, page: int
) -> Diagnostic:
    """Record the answers of one page. ``answers``: {question id: [positions on the page]};
    positions are mapped to the bank's options with the sitting's drawn order. Anything that
    does not belong to the sitting is refused whole (nothing saved)."""
    with transaction.atomic():
        diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        _checked(diagnostic, user)
        drawn = {item["id"]: item["order"] for item in diagnostic.questions}
        questions = bank()
        mapped = {}
        for qid, positions in answers.items():
            if qid not in drawn:
                raise ValidationError(_("An answer does not belong to this diagnostic."))
            order = drawn[qid]
            try:
                positions = sorted({int(p) for p in positions})
            except (TypeError, ValueError):
                raise ValidationError(_("An answer is not valid.")) from None
            if any(not 0 <= p < len(order) for p in positions):
                raise ValidationError(_("An answer is not valid."))
            if questions[qid].type != MULTIPLE and len(positions) > 1:
                raise ValidationError(_("Choose one answer only for this question."))
            mapped[qid] = sorted(order[p] for p in positions)
        codes = set(competence_codes())
        ratings = {}
        for code, value in self_ratings.items():
            if code not in codes or value not in SelfRating.values:
                raise ValidationError(_("A self-rating is not valid."))
            ratings[code] = value
        diagnostic.answers = {**diagnostic.answers, **mapped}
        diagnostic.self_ratings = {**diagnostic.self_ratings, **ratings}
        diagnostic.page = max(0, int(page))
        diagnostic.save(update_fields=["answers", "self_ratings", "page"])
    return diagnostic


def diagnostic_score(diagnostic: Diagnostic) -> list[tuple[str, Decimal, int | None, int]]:
    """(competence code, score, self-rating, level) for each competence, in framework order."""
    questions = bank()
    per_competence: dict[str, list[Decimal]] = {code: [] for code in competence_codes()}
    for item in diagnostic.questions:
        q = questions[item["id"]]
        per_competence[q.competence].append(question_score(q, diagnostic.answers.get(q.id)))
    rows = []
    for code, scores in per_competence.items():
        score = competence_score(scores)
        rating = diagnostic.self_ratings.get(code)
        rows.append((code, score, rating, competence_level(score, rating)))
    return rows


def diagnostic_submit(*, diagnostic: Diagnostic, user) -> Diagnostic:
    """Grade on the server, store one result per competence, make this the learner's latest
    diagnostic and bring the roll-ups of the units concerned up to date."""
    with transaction.atomic():
        diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        _checked(diagnostic, user)
        rows = diagnostic_score(diagnostic)
        competences = dict(Competence.objects.values_list("code", "id"))
        missing = [code for code, *_r in rows if code not in competences]
        if missing:
            raise ValidationError(f"DigComp competences missing: {', '.join(missing)}")
        CompetenceResult.objects.bulk_create(
            CompetenceResult(
                diagnostic=diagnostic,
                competence_id=competences[code],
                score=score,
                self_rating=rating,
                level=level,
            )
            for code, score, rating, level in rows
        )
        previous = Diagnostic.objects.filter(user_id=diagnostic.user_id, is_latest=True)
        units = set(previous.values_list("unit_id", flat=True))
        previous.update(is_latest=False)
        diagnostic.status = Diagnostic.Status.SUBMITTED
        diagnostic.submitted_at = timezone.now()
        diagnostic.unit_id = user.unit_id
        diagnostic.is_latest = True
        diagnostic.score = sum((r[1] for r in rows), Decimal(0)) / len(rows)
        diagnostic.save()
        units.add(diagnostic.unit_id)
        unit_maturity_refresh(unit_ids=[u for u in units if u is not None])
    return diagnostic


def _latest_rows(**filters):
    return (
        CompetenceResult.objects.filter(diagnostic__is_latest=True, **filters)
        .order_by("diagnostic_id")
        .values_list("diagnostic__unit_id", "diagnostic_id", "competence__code", "score", "level")
    )


def _rollup_rows(per_unit: dict):
    units, areas, scores = [], [], []
    for unit_id, m in per_unit.items():
        units.append(UnitMaturity(unit_id=unit_id, diagnosed=m.diagnosed))
        for area, counts in m.area_levels.items():
            areas.extend(
                UnitAreaLevel(unit_id=unit_id, area=area, level=i + 1, people=n)
                for i, n in enumerate(counts)
                if n
            )
        for code, (total, people, foundation) in m.competences.items():
            scores.append(
                UnitCompetenceScore(
                    unit_id=unit_id,
                    competence=code,
                    score_sum=total,
                    people=people,
                    foundation=foundation,
                )
            )
    UnitMaturity.objects.bulk_create(units, batch_size=2000)
    UnitAreaLevel.objects.bulk_create(areas, batch_size=5000)
    UnitCompetenceScore.objects.bulk_create(scores, batch_size=5000)


def unit_maturity_refresh(*, unit_ids) -> None:
    """Recompute the stored roll-up of each unit from its people's latest diagnostics."""
    unit_ids = list(unit_ids)
    per_unit = maturity_by_unit(_latest_rows(diagnostic__unit_id__in=unit_ids).iterator())
    with transaction.atomic():
        for model in (UnitMaturity, UnitAreaLevel, UnitCompetenceScore):
            model.objects.filter(unit_id__in=unit_ids).delete()
        _rollup_rows(per_unit)


def unit_maturity_rebuild() -> int:
    """Every unit's roll-up from scratch (after a bulk load); returns the units written."""
    per_unit = maturity_by_unit(_latest_rows(diagnostic__unit__isnull=False).iterator(5000))
    with transaction.atomic():
        for model in (UnitMaturity, UnitAreaLevel, UnitCompetenceScore):
            model.objects.all().delete()
        _rollup_rows(per_unit)
    return len(per_unit)


def unit_indicators_record(*, visibility, unit, user, data: dict) -> UnitIndicators:
    """A dated statement of a unit's digital services, by an officer whose scope includes it."""
    if not visibility.includes(unit):
        raise PermissionDenied("unit outside scope")
    return UnitIndicators.objects.create(unit=unit, recorded_by=user, **data)


def learning_path_enrol(*, user, course_id: int):
    """One-click enrolment from the learning path (learners' enrolment service)."""
    from learners.services import enrollment_create

    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise ValidationError(_("This course is not available."))
    return enrollment_create(learner=user, course=course)


# --- from diagnosis to plan ------------------------------------------------------------------

PLAN_DUE_DAYS = 90  # the draft's due date, from today (the officer changes it before launching)


def _plan_title(unit, language: str) -> str:
    with translation.override(language):
        if unit is None:
            name = _("National")
        else:
            name = unit.name_ar if language == "ar" and unit.name_ar else unit.name_fr
        return _("Training plan: %(unit)s") % {"unit": name}


def training_plan_draft(
    *, actor, scope: Scope, below: int, today: datetime.date | None = None
) -> tuple[Campaign, TrainingPlan]:
    """A draft campaign for the gaps of the scope's unit (``selectors.training_plan``): its
    courses, and as audience the employee numbers of the staff below the level, within the
    unit (the campaign's unit: its audience never leaves it). The officer reviews it and
    launches it on the campaign's page. Refused with a message, nothing created, when nobody
    is diagnosed, nobody is below the level, no course covers the gaps or nobody could be
    named."""
    if below not in (Level.INTERMEDIATE, Level.ADVANCED, Level.HIGHLY_SPECIALISED):
        raise ValidationError(_("Choose a level."))
    plan = training_plan(scope=scope, below=below)
    level = Level(below).label
    if not plan.diagnosed:
        raise ValidationError(
            _("Nobody in this unit has taken the diagnostic yet: there is no plan to draft.")
        )
    if not plan.gaps:
        raise ValidationError(
            _("Nobody diagnosed in this unit is below the level “%(level)s”: no plan is needed.")
            % {"level": level}
        )
    if not plan.courses:
        raise ValidationError(
            _("No published course covers the weakest competences (%(codes)s): no plan drafted.")
            % {"codes": ", ".join(plan.gaps)}
        )
    if not plan.matricules:
        raise ValidationError(
            _(
                "The staff below the level have no employee number: record them (staff import) "
                "before drafting a plan."
            )
        )
    if len(plan.matricules) > MAX_MATRICULES:
        raise ValidationError(
            _("More than %(max)d people are below the level: draft the plan of a smaller unit.")
            % {"max": MAX_MATRICULES}
        )
    today = today or timezone.localdate()
    campaign = campaign_save(
        actor=actor,
        visibility=scope.visibility,
        title=_plan_title(scope.unit, "fr"),
        title_ar=_plan_title(scope.unit, "ar"),
        unit=scope.unit,
        courses=plan.courses,
        matricules=plan.matricules,
        due_mode=DueMode.FIXED,
        due_date=today + datetime.timedelta(days=PLAN_DUE_DAYS),
    )
    return campaign, plan
