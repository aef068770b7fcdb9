"""HR pages of training campaigns: list, create and edit, dry run and launch, compliance with
drill-down, exports. Thin: ``hr.services.campaigns`` writes, ``hr.selectors.campaigns`` reads;
every page checks the officer's scope (``hr_required`` answers 403 outside it)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.territories.selectors import territory_ancestors

from . import charts
from .campaign_forms import CampaignForm, campaign_initial
from .exporters import campaign_export_file_name, course_titles
from .models import CampaignStatus
from .selectors.campaigns import (
    COMPLIANCE_KEYS,
    COMPLIANCE_LABELS,
    campaign_compliance,
    campaign_get,
    campaigns_visible,
    compliance_unit,
)
from .services import campaign_export_csv, campaign_export_xlsx
from .services.campaigns import campaign_launch, campaign_preview, campaign_save
from .views import hr_required


@hr_required
def campaign_list(request):
    campaigns = list(campaigns_visible(visibility=request.visibility).prefetch_related("courses"))
    return render(request, "hr/campaigns/list.html", {"campaigns": campaigns})


def _form_page(request, form, campaign=None):
    return render(request, "hr/campaigns/form.html", {"form": form, "campaign": campaign})


def _save(request, form, campaign=None):
    kwargs = form.save_kwargs()
    if campaign is not None and not kwargs["staff_file_name"]:
        kwargs["staff_file_name"] = campaign.staff_file_name
    try:
        return campaign_save(
            actor=request.user, visibility=request.visibility, campaign=campaign, **kwargs
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@hr_required
def campaign_create(request):
    form = CampaignForm(
        request.POST or None,
        request.FILES or None,
        visibility=request.visibility,
        initial={"unit": request.visibility.root, "due_mode": "fixed"},
    )
    if request.method == "POST" and form.is_valid():
        campaign = _save(request, form)
        if campaign is not None:
            return redirect("hr:campaign", pk=campaign.pk)
    return _form_page(request, form)


@hr_required
def campaign_edit(request, pk):
    campaign = campaign_get(visibility=request.visibility, pk=pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise Http404
    form = CampaignForm(
        request.POST or None,
        request.FILES or None,
        visibility=request.visibility,
        initial=campaign_initial(campaign),
    )
    if request.method == "POST" and form.is_valid():
        if _save(request, form, campaign) is not None:
            messages.success(request, _("The campaign was saved."))
            return redirect("hr:campaign", pk=campaign.pk)
    return _form_page(request, form, campaign)


@hr_required
def campaign_detail(request, pk):
    campaign = campaign_get(visibility=request.visibility, pk=pk)
    preview = campaign_preview(campaign=campaign) if campaign.status == "draft" else None
    titles = course_titles()
    return render(
        request,
        "hr/campaigns/detail.html",
        {
            "campaign": campaign,
            "preview": preview,
            "course_titles": [titles.get(c.pk, c.title) for c in campaign.courses.all()],
        },
    )


@require_POST
@hr_required
def campaign_launch_view(request, pk):
    campaign = campaign_get(visibility=request.visibility, pk=pk)
    try:
        assigned = campaign_launch(campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("hr:campaign", pk=campaign.pk)
    messages.success(
        request,
        _("The campaign is launched: %(count)d people are assigned.") % {"count": assigned},
    )
    return redirect("hr:campaign_compliance", pk=campaign.pk)


@hr_required
def campaign_compliance_view(request, pk):
    campaign = campaign_get(visibility=request.visibility, pk=pk)
    unit = compliance_unit(
        campaign=campaign, visibility=request.visibility, code=request.GET.get("unit")
    )
    report = campaign_compliance(campaign=campaign, unit=unit)
    labels = [str(COMPLIANCE_LABELS[k]) for k in COMPLIANCE_KEYS]
    values = [getattr(report.total, k) for k in COMPLIANCE_KEYS]
    chart = charts.bar_chart(list(zip(labels, values, strict=True)), rtl=get_language_bidi())
    crumbs = []
    if unit is not None:
        top = campaign.unit
        crumbs = [
            u for u in territory_ancestors(unit=unit) if top is None or u.path.startswith(top.path)
        ]
    return render(
        request,
        "hr/campaigns/compliance.html",
        {
            "campaign": campaign,
            "report": report,
            "unit": unit,
            "crumbs": crumbs,
            "chart": chart,
            "totals": list(zip(labels, values, strict=True)),
            "unit_query": f"?unit={unit.code}" if unit else "",
        },
    )


@hr_required
def campaign_export(request, pk, file_format):
    campaign = campaign_get(visibility=request.visibility, pk=pk)
    unit = compliance_unit(
        campaign=campaign, visibility=request.visibility, code=request.GET.get("unit")
    )
    name = campaign_export_file_name(campaign=campaign, unit=unit, file_format=file_format)
    if file_format == "csv":
        response = StreamingHttpResponse(
            campaign_export_csv(campaign=campaign, unit=unit, user=request.user, request=request),
            content_type="text/csv; charset=utf-8",
        )
    elif file_format == "xlsx":
        buffer = io.BytesIO()
        campaign_export_xlsx(
            campaign=campaign, unit=unit, target=buffer, user=request.user, request=request
        )
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
