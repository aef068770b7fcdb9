"""Quiz views: plain HTML forms that work without JavaScript. Thin: services do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
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


@login_required
def attempt_detail(request, attempt_id: int):
    attempt = get_object_or_404(QuizAttempt.objects.select_related("page"), pk=attempt_id)
    if attempt.user_id != request.user.pk:
        raise Http404
    if request.method == "POST" and not attempt.is_submitted:
        answers = {}
        for item in attempt.questions:
            values = request.POST.getlist(f"q-{item['id']}")
            answers[item["id"]] = values if len(values) > 1 else (values[0] if values else "")
        try:
            services.quiz_attempt_submit(attempt=attempt, user=request.user, answers=answers)
        except services.QuizError as error:
            messages.error(request, str(error))
        return redirect("courses:attempt", attempt_id=attempt.pk)
    context = selectors.attempt_display(attempt=attempt)
    return render(request, "courses/attempt.html", context)
