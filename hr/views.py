"""HR pages: dashboard with drill-down, exports, staff import. Thin: selectors and services do the work."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_POST

from academy.accounts.selectors import visibility_for
from academy.territories.selectors import territory_ancestors

from . import charts
from .exporters import REGISTRY, export_file_name, exporter_get
from .forms import StaffUploadForm, StatsFilterForm
from .models import ExportJob, JobStatus, StaffImportJob
from .selectors import (
    completion_rate_over_time,
    job_titles_in_scope,
    learner_lines,
    learners_of_unit,
    scope_for,
    unit_rollup,
)
from .services import (
    COLUMN_LABELS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    StaffFileError,
    export_csv_stream,
    export_download_token,
    export_job_create,
    export_job_from_token,
    staff_import_job_create,
    staff_import_job_queue,
    staff_import_plan,
    staff_import_progress,
    staff_import_template,
)
from .tasks import export_task


def _forbidden(request, *, officer: bool):
    """A page in the user's language, with a way back, instead of a bare "403 Forbidden"."""
    return render(request, "hr/forbidden.html", {"officer": officer}, status=403)


def hr_required(view):
    """Signed in, and an HR officer (or platform admin): ``request.visibility`` is set.
    Anything outside the officer's scope answers the HR "not in your scope" page (403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        visibility = visibility_for(request.user)
        if visibility.nothing:
            return _forbidden(request, officer=False)
        request.visibility = visibility
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return _forbidden(request, officer=True)

    return wrapper


@hr_required
def home(request):
    scope = scope_for(visibility=request.visibility)
    return redirect("hr:unit", code=scope.code)


@hr_required
def unit_dashboard(request, code):
    scope = scope_for(visibility=request.visibility, code=code)
    form = StatsFilterForm(request.GET or None, job_titles=job_titles_in_scope(scope=scope))
    filters = form.filters()
    rollup = unit_rollup(scope=scope, filters=filters)
    rtl = get_language_bidi()
    bars = charts.bar_chart(
        [(row.unit.name, row.figures.completions) for row in rollup.children], rtl=rtl
    )
    months = completion_rate_over_time(scope=scope, filters=filters)
    line = charts.line_chart([(m.month.strftime("%Y-%m"), m.rate) for m in months], rtl=rtl)

    breadcrumb = territory_ancestors(unit=scope.unit) if scope.unit else []
    # Only the part of the breadcrumb the officer may open is a link.
    crumbs = [(u, request.visibility.includes(u)) for u in breadcrumb]
    learners = None
    if scope.unit is not None and not rollup.children:
        page = Paginator(learners_of_unit(scope=scope, filters=filters), 50).get_page(
            request.GET.get("page")
        )
        learners = (page, learner_lines(users=list(page.object_list), filters=filters))
    return render(
        request,
        "hr/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "filters": filters,
            "rollup": rollup,
            "crumbs": crumbs,
            "show_national": request.visibility.everything,
            "bars": bars,
            "months": months,
            "line": line,
            "learners": learners,
            "exporters": list(REGISTRY.values()),
            "query": request.GET.urlencode(),
        },
    )


@hr_required
def export_csv(request, code, exporter):
    scope = scope_for(visibility=request.visibility, code=code)
    try:
        exp = exporter_get(exporter)
    except KeyError:
        raise Http404 from None
    form = StatsFilterForm(request.GET or None, job_titles=job_titles_in_scope(scope=scope))
    filters = form.filters()
    response = StreamingHttpResponse(
        export_csv_stream(
            exporter=exp, scope=scope, filters=filters, user=request.user, request=request
        ),
        content_type="text/csv; charset=utf-8",
    )
    name = export_file_name(exporter=exp, scope=scope, file_format="csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@hr_required
def export_xlsx(request, code, exporter):
    scope = scope_for(visibility=request.visibility, code=code)
    if exporter not in REGISTRY:
        raise Http404
    form = StatsFilterForm(request.POST or None, job_titles=job_titles_in_scope(scope=scope))
    job = export_job_create(
        user=request.user,
        scope=scope,
        exporter_name=exporter,
        filters=form.filters(),
        request=request,
    )
    export_task.delay_on_commit(job.pk)
    return redirect("hr:export_job", pk=job.pk)


@hr_required
def export_job(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, requested_by=request.user)
    link = None
    if job.status == JobStatus.DONE and job.file_path:
        link = reverse("hr:export_download", kwargs={"token": export_download_token(job=job)})
    label = REGISTRY[job.exporter].label if job.exporter in REGISTRY else job.exporter
    return render(
        request,
        "hr/export_job.html",
        {"job": job, "label": label, "link": link, "running": job.is_waiting},
    )


@hr_required
def export_download(request, token):
    job = export_job_from_token(token=token)
    if job is None or job.requested_by_id != request.user.pk:
        raise Http404
    # The person's scope may have shrunk since: check again.
    if job.unit is not None and not request.visibility.includes(job.unit):
        raise PermissionDenied
    if job.unit is None and not request.visibility.everything:
        raise PermissionDenied
    storage = storages["private"]
    if not storage.exists(job.file_path):
        raise Http404
    return FileResponse(
        storage.open(job.file_path, "rb"), as_attachment=True, filename=job.file_name
    )


@hr_required
def import_upload(request):
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = staff_import_job_create(
            user=request.user,
            raw=upload.read(),
            file_name=upload.name,
            effective_on=form.cleaned_data["effective_on"],
        )
        return redirect("hr:import_job", pk=job.pk)
    jobs = StaffImportJob.objects.filter(requested_by=request.user).defer("raw")[:10]
    columns = [
        (name, COLUMN_LABELS[name], name in OPTIONAL_COLUMNS)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    ]
    return render(
        request, "hr/import_upload.html", {"form": form, "jobs": jobs, "columns": columns}
    )


@hr_required
def import_template(request, file_format):
    if file_format not in ("csv", "xlsx"):
        raise Http404
    content, name, content_type = staff_import_template(file_format=file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@hr_required
def import_job(request, pk):
    job = get_object_or_404(StaffImportJob, pk=pk, requested_by=request.user)
    plan = file_errors = None
    if job.status == JobStatus.DRAFT:
        try:
            plan = staff_import_plan(
                raw=bytes(job.raw), visibility=request.visibility, file_name=job.file_name
            )
        except StaffFileError as exc:
            file_errors = exc.errors
    return render(
        request,
        "hr/import_job.html",
        {
            "job": job,
            "plan": plan,
            "file_errors": file_errors,
            "percent": staff_import_progress(job=job),
            "running": job.is_waiting,
        },
    )


@require_POST
@hr_required
def import_apply(request, pk):
    job = get_object_or_404(StaffImportJob, pk=pk, requested_by=request.user)
    staff_import_job_queue(job=job)
    return redirect("hr:import_job", pk=job.pk)
