"""Pages of the diagnostic (learners) and of the unit maturity (HR officers). Thin."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.territories.selectors import territory_ancestors
from hr import charts
from hr.selectors import scope_for
from hr.services import audit
from hr.services.exports import csv_stream
from hr.spreadsheet import xlsx_cell
from hr.views import hr_required

from . import selectors, services
from .exporters import MATURITY_EXPORTER
from .forms import IndicatorsForm, PlanForm, SinceForm
from .maturity import area_codes
from .models import ConnectionQuality, Diagnostic, Level, SelfRating, UnitIndicators

# --- learner ---------------------------------------------------------------------------------


@login_required
def home(request):
    history = selectors.diagnostics_submitted(user=request.user)
    current = selectors.diagnostic_in_progress(user=request.user)
    progress = selectors.diagnostic_progress(current) if current else None
    return render(
        request,
        "diagnostic/home.html",
        {
            "current": current,
            "progress": progress,
            "history": list(reversed(history)),
            "questions": selectors.expected_questions(),
        },
    )


@require_POST
@login_required
def start(request):
    diagnostic = services.diagnostic_start(user=request.user)
    return redirect("diagnostic:take", page=diagnostic.page)


def _posted_answers(request, page_data):
    answers = {q["id"]: request.POST.getlist(f"q-{q['id']}") for q in page_data["questions"]}
    ratings = {}
    for c in page_data["competences"]:
        value = request.POST.get(f"r-{c['code']}")
        if value:
            try:
                ratings[c["code"]] = int(value)
            except ValueError:
                ratings[c["code"]] = -1  # refused by the service
    return answers, ratings


@login_required
def take(request, page):
    diagnostic = selectors.diagnostic_in_progress(user=request.user)
    if diagnostic is None:
        return redirect("diagnostic:home")
    pages = selectors.diagnostic_pages(diagnostic)
    if not 0 <= page < len(pages):
        raise Http404
    language = get_language()
    page_data = selectors.diagnostic_page(diagnostic=diagnostic, page=page, language=language)
    if request.method == "POST":
        answers, ratings = _posted_answers(request, page_data)
        action = request.POST.get("action", "next")
        target = {"previous": page - 1, "next": page + 1}.get(action, page)
        target = max(0, min(target, len(pages)))
        try:
            services.diagnostic_answers_save(
                diagnostic=diagnostic,
                user=request.user,
                answers=answers,
                self_ratings=ratings,
                page=min(target, len(pages) - 1),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("diagnostic:take", page=page)
        if action == "later":
            messages.success(
                request, _("Your answers are saved. You can come back and finish later.")
            )
            return redirect("diagnostic:home")
        if target >= len(pages):
            return redirect("diagnostic:review")
        return redirect("diagnostic:take", page=target)
    answered, total = selectors.diagnostic_progress(diagnostic)
    return render(
        request,
        "diagnostic/take.html",
        {
            "diagnostic": diagnostic,
            "page": page,
            "page_number": page + 1,
            "pages": len(pages),
            "data": page_data,
            "ratings": SelfRating.choices,
            "answered": answered,
            "total": total,
        },
    )


@login_required
def review(request):
    diagnostic = selectors.diagnostic_in_progress(user=request.user)
    if diagnostic is None:
        return redirect("diagnostic:home")
    if request.method == "POST":
        try:
            diagnostic = services.diagnostic_submit(diagnostic=diagnostic, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("diagnostic:review")
        return redirect("diagnostic:result", pk=diagnostic.pk)
    answered, total = selectors.diagnostic_progress(diagnostic)
    missing_ratings = len(selectors.competence_names("fr")) - len(diagnostic.self_ratings)
    return render(
        request,
        "diagnostic/review.html",
        {
            "answered": answered,
            "total": total,
            "missing_ratings": max(0, missing_ratings),
            "pages": len(selectors.diagnostic_pages(diagnostic)),
        },
    )


@login_required
def result(request, pk):
    try:
        profile = selectors.diagnostic_profile(user=request.user, diagnostic_id=pk)
    except Diagnostic.DoesNotExist:
        raise Http404 from None
    language = get_language()
    path = selectors.learning_path(
        user=request.user, weakest_codes=profile.weakest_codes, language=language
    )
    chart = charts.bar_chart(
        [(f"{r.competence.code} {r.competence.name}", int(r.score)) for r in profile.rows],
        rtl=get_language_bidi(),
    )
    return render(
        request,
        "diagnostic/result.html",
        {
            "profile": profile,
            "path": path,
            "chart": chart,
            "levels": Level.choices,
            "weakest": set(profile.weakest_codes),
        },
    )


@require_POST
@login_required
def enrol(request, course_id):
    try:
        enrollment = services.learning_path_enrol(user=request.user, course_id=course_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.POST.get("back") or "diagnostic:home")
    course = selectors._localized(enrollment.course, get_language())
    messages.success(request, _("You are enrolled in “%(title)s”.") % {"title": course.title})
    return redirect(course.url or "learners:dashboard")


# --- HR --------------------------------------------------------------------------------------


@hr_required
def maturity_home(request):
    scope = scope_for(visibility=request.visibility)
    return redirect("diagnostic:maturity", code=scope.code)


@hr_required
def maturity(request, code):
    scope = scope_for(visibility=request.visibility, code=code)
    form = SinceForm(request.GET or None)
    since = form.cleaned_data.get("since") if form.is_valid() else None
    view = selectors.unit_maturity(scope=scope, since=since)
    language = get_language()
    areas = selectors.area_names(language)
    names = selectors.competence_names(language)
    total = view.total.maturity
    area_rows = [
        (code_, areas.get(code_, code_), total.area_average(code_), total.area_shares(code_))
        for code_ in area_codes()
    ]
    chart = charts.bar_chart(
        [(f"{c}. {areas.get(c, c)}"[:26], int(avg or 0)) for c, _n, avg, _s in area_rows],
        rtl=get_language_bidi(),
    )
    breadcrumb = territory_ancestors(unit=scope.unit) if scope.unit else []
    rollup = selectors.indicators_rollup(scope=scope)
    return render(
        request,
        "diagnostic/maturity.html",
        {
            "scope": scope,
            "view": view,
            "form": form,
            "area_rows": area_rows,
            "area_names": areas,
            "area_codes": area_codes(),
            "weakest": [(c, names.get(c, c), avg, f) for c, avg, f in total.weakest(5)],
            "change": view.change(),
            "chart": chart,
            "levels": Level.choices,
            "crumbs": [(u, request.visibility.includes(u)) for u in breadcrumb],
            "show_national": request.visibility.everything,
            "rollup": rollup,
            "has_units": any(row.unit for row in view.children),
            "connection_rows": [
                (label, rollup.connection.get(value)) for value, label in ConnectionQuality.choices
            ],
            "query": request.GET.urlencode(),
            "plan_form": PlanForm(),
        },
    )


@require_POST
@hr_required
def plan(request, code):
    """Draft the training campaign of the unit's gaps, then review it on its page."""
    scope = scope_for(visibility=request.visibility, code=code)
    form = PlanForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a level."))
        campaign, drafted = services.training_plan_draft(
            actor=request.user, scope=scope, below=form.cleaned_data["below"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("diagnostic:maturity", code=scope.code)
    messages.success(
        request,
        _(
            "A draft campaign is ready (courses: %(courses)d, people: %(people)d). Review it, "
            "then launch it."
        )
        % {"courses": len(drafted.courses), "people": len(drafted.matricules)},
    )
    if drafted.without_matricule:
        messages.warning(
            request,
            _("People below the level without an employee number, not in the audience: %(count)d.")
            % {"count": drafted.without_matricule},
        )
    return redirect("hr:campaign", pk=campaign.pk)


@hr_required
def maturity_export(request, code, file_format):
    scope = scope_for(visibility=request.visibility, code=code)
    name = f"maturity_{scope.code.replace('.', '-')}_{timezone.localdate().isoformat()}"
    exporter = MATURITY_EXPORTER
    if file_format not in ("csv", "xlsx"):
        raise Http404
    audit.export_requested(actor=request.user, export=exporter.name, file_format=file_format,
                           unit=scope.code, filters={}, request=request)  # fmt: skip
    rows = [exporter.header(), *exporter.rows(scope=scope)]
    if file_format == "csv":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_stream(iter(rows))),
            content_type="text/csv; charset=utf-8",
        )
    elif file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(exporter.label)[:31])
        sheet.sheet_view.rightToLeft = get_language_bidi()
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@hr_required
def indicators(request, code):
    scope = scope_for(visibility=request.visibility, code=code)
    if scope.unit is None:
        raise Http404
    form = IndicatorsForm(
        request.POST or None, initial={"recorded_on": timezone.localdate().isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        services.unit_indicators_record(
            visibility=request.visibility,
            unit=scope.unit,
            user=request.user,
            data=form.cleaned_data,
        )
        messages.success(request, _("The indicators of the unit are recorded."))
        return redirect(reverse("diagnostic:maturity", args=[scope.code]))
    history = UnitIndicators.objects.filter(unit=scope.unit)[:10]
    return render(
        request,
        "diagnostic/indicators.html",
        {"scope": scope, "form": form, "history": history},
    )
