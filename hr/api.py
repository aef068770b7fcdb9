"""Reporting API for HR information systems (Django REST framework).

Token (or session) authentication; the token's owner must be an HR officer or a platform
admin, and every answer is limited to what that person may see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import generics, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from academy.accounts.selectors import visibility_for
from academy.audit.models import AuditAction
from academy.audit.services import audit_record
from academy.territories.models import Territory
from learners.models import Enrollment

from .forms import PERIOD_VALIDATORS
from .selectors import (
    ATTRIBUTION_COMPLETION,
    ATTRIBUTION_CURRENT,
    Figures,
    StatsFilters,
    enrollments_in_scope,
    figures_by_unit_served,
    scope_for,
)
from .selectors.scope import MAX_ID


class IsHROfficer(BasePermission):
    message = "Only HR officers and platform admins may use the reporting API."

    def has_permission(self, request, view):
        return not visibility_for(request.user).nothing


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class FilterParams(serializers.Serializer):
    unit = serializers.CharField(required=False)
    date_from = serializers.DateField(required=False, validators=PERIOD_VALIDATORS)
    date_to = serializers.DateField(required=False, validators=PERIOD_VALIDATORS)
    course = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    job_title = serializers.CharField(required=False)
    attribution = serializers.ChoiceField(
        choices=[ATTRIBUTION_COMPLETION, ATTRIBUTION_CURRENT],
        required=False,
        default=ATTRIBUTION_COMPLETION,
    )

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError("date_from is after date_to")
        return data


class ScopedAPIView:
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsHROfficer]
    pagination_class = Pagination

    def scope_and_filters(self):
        params = FilterParams(data=self.request.query_params)
        if not params.is_valid():
            raise ValidationError(params.errors)
        data = params.validated_data
        try:
            scope = scope_for(visibility=visibility_for(self.request.user), code=data.get("unit"))
        except PermissionDenied as exc:
            from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

            raise DRFPermissionDenied("unit unknown or outside your scope") from exc
        filters = StatsFilters(
            course_id=data.get("course"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            job_title=data.get("job_title", ""),
            attribution=data["attribution"],
        )
        return scope, filters


class UnitStatisticsView(ScopedAPIView, APIView):
    """``GET /api/hr/statistics/?unit=CODE``: every unit of the scope, each with the figures of its subtree."""

    def get(self, request):
        scope, filters = self.scope_and_filters()
        per_unit, _as_of = figures_by_unit_served(scope=scope, filters=filters)
        units = list(
            scope.units()
            .order_by("path")
            .values_list("id", "path", "code", "level", "name_fr", "name_ar", "parent__code")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(units, request, view=self)
        wanted = {path: Figures() for _id, path, *_r in page}
        steplen = Territory.steplen
        paths = {uid: path for uid, path, *_r in units}
        for unit_id, figures in per_unit.items():
            path = paths.get(unit_id)
            if path is None:
                continue
            for end in range(steplen, len(path) + 1, steplen):
                target = wanted.get(path[:end])
                if target is not None:
                    target.add(figures)
        results = [
            {
                "code": code,
                "level": level,
                "name_fr": name_fr,
                "name_ar": name_ar,
                "parent": parent,
                **wanted[path].as_dict(),
            }
            for _id, path, code, level, name_fr, name_ar, parent in page
        ]
        return paginator.get_paginated_response(results)


class CompletionSerializer(serializers.Serializer):
    matricule = serializers.CharField(source="user.matricule")
    last_name = serializers.CharField(source="user.last_name")
    first_name = serializers.CharField(source="user.first_name")
    last_name_ar = serializers.CharField(source="user.last_name_ar")
    first_name_ar = serializers.CharField(source="user.first_name_ar")
    job_title = serializers.CharField(source="user.job_title")
    # A moved employee's unit is shown only when it is inside the officer's scope.
    current_unit = serializers.SerializerMethodField()
    unit_at_completion = serializers.SerializerMethodField()
    course_id = serializers.IntegerField()
    course = serializers.CharField(source="course.title")
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField()
    final_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    # The enrolment's latest certificate: its serial, frozen expiry date and state today.
    certificate_serial = serializers.CharField(allow_null=True)
    certificate_valid_until = serializers.DateField(allow_null=True)
    certificate_state = serializers.CharField(allow_null=True)

    def _code_in_scope(self, unit):
        if unit is None or not self.context["visibility"].includes(unit):
            return None
        return unit.code

    def get_current_unit(self, enrollment):
        return self._code_in_scope(enrollment.user.unit)

    def get_unit_at_completion(self, enrollment):
        return self._code_in_scope(enrollment.unit_at_completion)


class CompletionsView(ScopedAPIView, generics.ListAPIView):
    """``GET /api/hr/completions/``: completed enrolments of the scope, one per learner and course."""

    serializer_class = CompletionSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_record(actor=request.user, action=AuditAction.PERSONAL_DATA_READ, request=request,
                     data={"endpoint": "api/hr/completions", "query": request.query_params.dict(),
                           "rows": len(response.data.get("results", []))})  # fmt: skip
        return response

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "visibility": visibility_for(self.request.user)}

    def get_queryset(self):
        from certificates.selectors import certificate_latest_annotations

        scope, filters = self.scope_and_filters()
        return (
            enrollments_in_scope(scope=scope, filters=filters)
            .filter(status=Enrollment.Status.COMPLETED)
            .filter(filters.period_q("completed_at"))
            .select_related("user__unit", "unit_at_completion", "course")
            .annotate(**certificate_latest_annotations())
            .order_by("completed_at", "id")
        )


class MeView(ScopedAPIView, APIView):
    """``GET /api/hr/me/``: the scope the token gives access to."""

    def get(self, request):
        visibility = visibility_for(request.user)
        root = visibility.root
        return Response(
            {
                "username": request.user.get_username(),
                "scope": "national" if visibility.everything else root.code,
            }
        )


# --- training campaigns -------------------------------------------------------------------


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_ar = serializers.CharField()
    unit = serializers.CharField(source="unit.code", default=None)
    status = serializers.CharField()
    courses = serializers.SerializerMethodField()
    due_mode = serializers.CharField()
    due_date = serializers.DateField()
    due_days = serializers.IntegerField()
    requires_valid_certificate = serializers.BooleanField()
    launched_at = serializers.DateTimeField()

    def get_courses(self, campaign):
        return [c.pk for c in campaign.courses.all()]


class CampaignListView(ScopedAPIView, generics.ListAPIView):
    """``GET /api/hr/campaigns/``: the campaigns of the token owner's scope."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        from .selectors.campaigns import campaigns_visible

        return (
            campaigns_visible(visibility=visibility_for(self.request.user))
            .prefetch_related("courses")
            .order_by("-created_at", "-id")
        )


class CampaignComplianceView(ScopedAPIView, APIView):
    """``GET /api/hr/campaigns/<id>/compliance/?unit=CODE``: the unit's figures and each child
    unit's (assigned, completed on time, completed late, in progress, not started, overdue)."""

    def get(self, request, pk):
        from django.http import Http404
        from rest_framework.exceptions import NotFound
        from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

        from .selectors.campaigns import campaign_compliance, campaign_get, compliance_unit

        visibility = visibility_for(request.user)
        try:
            campaign = campaign_get(visibility=visibility, pk=pk)
            unit = compliance_unit(
                campaign=campaign, visibility=visibility, code=request.query_params.get("unit")
            )
        except Http404 as exc:
            raise NotFound("no such campaign") from exc
        except PermissionDenied as exc:
            raise DRFPermissionDenied("campaign or unit outside your scope") from exc
        report = campaign_compliance(campaign=campaign, unit=unit, with_people=False)
        return Response(
            {
                "campaign": campaign.pk,
                "unit": unit.code if unit else "national",
                **report.total.as_dict(),
                "units": [
                    {
                        "code": row.unit.code,
                        "name_fr": row.unit.name_fr,
                        "name_ar": row.unit.name_ar,
                        **row.figures.as_dict(),
                    }
                    for row in report.children
                ],
            }
        )
