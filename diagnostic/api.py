"""``GET /api/hr/maturity/?unit=CODE[&since=YYYY-MM-DD]``: a unit's digital maturity, scoped
like every HR API endpoint (token or session; HR officers and platform admins; the unit must be
inside the caller's scope)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from academy.accounts.selectors import visibility_for
from hr.api import IsHROfficer
from hr.forms import PERIOD_VALIDATORS
from hr.selectors import scope_for

from . import selectors
from .maturity import area_codes

LEVEL_KEYS = ("foundation", "intermediate", "advanced", "highly_specialised")


class Params(serializers.Serializer):
    unit = serializers.CharField(required=False, max_length=20)
    since = serializers.DateField(required=False, validators=PERIOD_VALIDATORS)


def _areas(maturity):
    return [
        {
            "area": area,
            "average_score": maturity.area_average(area),
            "levels": dict(zip(LEVEL_KEYS, maturity.area_shares(area), strict=True)),
        }
        for area in area_codes()
    ]


def _indicators(ind):
    if ind is None:
        return None
    return {
        "recorded_on": ind.recorded_on.isoformat(),
        "digital_registry": ind.digital_registry,
        "e_signature": ind.e_signature,
        "complaints_portal": ind.complaints_portal,
        "online_appointments": ind.online_appointments,
        "professional_email_percent": ind.professional_email_percent,
        "connection_quality": ind.connection_quality,
    }


class MaturityView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsHROfficer]

    def get(self, request):
        params = Params(data=request.query_params)
        if not params.is_valid():
            raise ValidationError(params.errors)
        data = params.validated_data
        try:
            scope = scope_for(visibility=visibility_for(request.user), code=data.get("unit"))
        except PermissionDenied as exc:
            raise DRFPermissionDenied("unit unknown or outside your scope") from exc
        view = selectors.unit_maturity(scope=scope, since=data.get("since"))
        rollup = selectors.indicators_rollup(scope=scope)
        total = view.total
        change = view.change()
        return Response(
            {
                "unit": scope.code,
                "staff": total.staff,
                "diagnosed": total.maturity.diagnosed,
                "share_diagnosed": total.share_diagnosed,
                "areas": _areas(total.maturity),
                "weakest_competences": [
                    {"competence": c, "average_score": a, "share_foundation": f}
                    for c, a, f in total.maturity.weakest(5)
                ],
                "change": change
                and {
                    "since": data["since"].isoformat(),
                    "diagnosed_then": change["diagnosed_then"],
                    "diagnosed_now": change["diagnosed_now"],
                    "areas": [
                        {"area": a, "then": then, "now": now, "change": d}
                        for a, then, now, d in change["areas"]
                    ],
                },
                "indicators": _indicators(total.indicators),
                "indicators_rollup": {
                    "units": rollup.units,
                    "shares": rollup.shares,
                    "professional_email_average": rollup.email_average,
                    "connection_quality": rollup.connection,
                },
                "children": [
                    {
                        "code": row.unit.code if row.unit else None,
                        "name_fr": row.unit.name_fr if row.unit else None,
                        "name_ar": row.unit.name_ar if row.unit else None,
                        "staff": row.staff,
                        "diagnosed": row.maturity.diagnosed,
                        "share_diagnosed": row.share_diagnosed,
                        "areas": {a: v for a, v in row.heat()},
                        "indicators": _indicators(row.indicators),
                    }
                    for row in view.children
                ],
            }
        )
