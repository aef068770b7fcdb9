"""Quiz views: plain HTML forms that work without JavaScript. Thin: services do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from courses import selectors, services
from courses.models import QuizAttempt


@login_required
@require_POST
def quiz_start(request, page_id: int, block_id: str = ""):
    page = get_object_or_404(Page, pk=page_id).specific
    try:
        attempt = services.quiz_attempt_start(
            user=request.user, page=page, block_id=block_id, language=get_language() or "fr"
        )
    except services.QuizError as error:
        messages.error(request, str(error))
        localized = selectors.page_canonical(page).localized
        return redirect(localized.url or "/")
    return redirect("courses:attempt", attempt_id=attempt.pk)


def _own_attempt(request, attempt_id: int) -> QuizAttempt:
    attempt = get_object_or_404(QuizAttempt.objects.select_related("page"), pk=attempt_id)
    if attempt.user_id != request.user.pk:
        raise Http404
    return attempt


def _posted_answers(request, attempt: QuizAttempt) -> dict:
    answers = {}
    for item in attempt.questions:
        values = request.POST.getlist(f"q-{item['id']}")
        answers[item["id"]] = values if len(values) > 1 else (values[0] if values else "")
    return answers


@login_required
@require_POST
def attempt_draft(request, attempt_id: int):
    """Saves the answers of an open attempt as a draft (sent by the page as the learner answers)."""
    attempt = _own_attempt(request, attempt_id)
    try:
        saved = services.quiz_attempt_draft_save(
            attempt=attempt, user=request.user, answers=_posted_answers(request, attempt)
        )
    except services.QuizError as error:
        return JsonResponse({"saved": False, "error": str(error)}, status=409)
    return JsonResponse({"saved": True, "saved_at": saved.draft_saved_at.isoformat()})


@login_required
def attempt_detail(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST" and not attempt.is_submitted:
        answers = _posted_answers(request, attempt)
        try:
            if request.POST.get("action") == "save":
                services.quiz_attempt_draft_save(
                    attempt=attempt, user=request.user, answers=answers
                )
                messages.success(
                    request, _("Your answers are saved: you can come back to them later.")
                )
            else:
                services.quiz_attempt_submit(attempt=attempt, user=request.user, answers=answers)
        except services.QuizError as error:
            messages.error(request, str(error))
        return redirect("courses:attempt", attempt_id=attempt.pk)
    context = selectors.attempt_display(attempt=attempt)
    return render(request, "courses/attempt.html", context)
