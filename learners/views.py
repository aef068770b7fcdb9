"""Learner pages and small endpoints: thin, every write goes through a service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.models import Page

from academy.accounts.selectors import user_sees_statistics, visibility_for
from courses.models import CoursePage, LessonPage

from . import selectors, services
from .forms import BulkEnrollmentForm
from .models import BulkEnrollmentJob


@login_required
def dashboard(request):
    language = (get_language() or "fr")[:2]
    board = selectors.learner_dashboard(user=request.user, language=language, request=request)
    can_enrol_others = user_sees_statistics(request.user)
    # Other apps add panels above the learner's courses (e.g. hr: assigned training) through
    # the "learner_dashboard_panels" hook: fn(request) -> HTML or "". Learners knows none of them.
    panels = [html for fn in hooks.get_hooks("learner_dashboard_panels") if (html := fn(request))]
    return render(
        request,
        "learners/dashboard.html",
        {"dashboard": board, "can_enrol_others": can_enrol_others, "panels": panels},
    )


@login_required
@require_POST
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrollment, created = services.enrollment_get_or_create(learner=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(course.get_url(request) or "/")
    if created:
        messages.success(request, _("You are enrolled. Good learning!"))
    else:
        messages.info(request, _("You were already enrolled in this course."))
    progress = selectors.course_progress(user=request.user, course=enrollment.course)
    target = course
    if progress and progress["next_lesson_id"]:
        lesson = Page.objects.filter(pk=progress["next_lesson_id"]).first()
        target = lesson.localized if lesson else course
    return HttpResponseRedirect(target.get_url(request) or "/")


def _lesson_for(request, lesson_id: int) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    from courses.selectors import lesson_accessible_to

    if not lesson_accessible_to(user=request.user, lesson=lesson):
        raise PermissionDenied
    return lesson


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def lesson_visit(request, lesson_id: int):
    if not request.user.is_authenticated:
        return _json_error("sign in first", 401)
    lesson = _lesson_for(request, lesson_id)
    try:
        progress = services.lesson_visit_record(user=request.user, lesson=lesson)
    except ValidationError as exc:
        return _json_error(" ".join(exc.messages), 400)
    return JsonResponse(
        {"status": progress.status, "time_spent_seconds": progress.time_spent_seconds}
    )


@require_POST
def lesson_heartbeat(request, lesson_id: int):
    if not request.user.is_authenticated:
        return _json_error("sign in first", 401)
    try:
        payload = json.loads(request.body or b"{}")
        seconds = int(payload.get("seconds", 0))
    except (ValueError, TypeError, AttributeError):
        return _json_error('expected {"seconds": <integer>}', 400)
    lesson = _lesson_for(request, lesson_id)
    try:
        progress = services.lesson_heartbeat_record(
            user=request.user, lesson=lesson, seconds=seconds
        )
    except ValidationError as exc:
        return _json_error(" ".join(exc.messages), 400)
    return JsonResponse(
        {"status": progress.status, "time_spent_seconds": progress.time_spent_seconds}
    )


def _require_enroller(request):
    if visibility_for(request.user).nothing:
        raise PermissionDenied


@login_required
def bulk_enrol(request):
    _require_enroller(request)
    form = BulkEnrollmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.bulk_enrollment_request(
                requested_by=request.user, **form.service_kwargs()
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            return HttpResponseRedirect(job_url(job))
    jobs = BulkEnrollmentJob.objects.filter(requested_by=request.user).select_related("course")[:10]
    return render(request, "learners/bulk_enrol.html", {"form": form, "jobs": jobs})


def job_url(job) -> str:
    from django.urls import reverse

    return reverse("learners:bulk_job", kwargs={"job_id": job.pk})


@login_required
def bulk_job(request, job_id: int):
    job = get_object_or_404(
        BulkEnrollmentJob.objects.select_related("course"), pk=job_id, requested_by=request.user
    )
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "status": job.status,
                "processed": job.processed,
                "total": job.total,
                "percent": job.percent,
                "created": job.created_count,
                "existing": job.existing_count,
            }
        )
    return render(request, "learners/bulk_job.html", {"job": job})
