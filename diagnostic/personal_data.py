"""What the diagnostic app holds about a person: their sittings of the diagnostic (questions
drawn, answers, self-ratings) and the level per competence of each one (registered with
``academy.accounts.personal_data`` in ``DiagnosticConfig.ready``).

Erasure keeps the sittings: they name nobody once the account is anonymised (answers are the
positions of options of the bank's questions, never free text) and the unit figures must not
change."""

from __future__ import annotations

from django.db.models import Max


def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data_export(*, user) -> dict:
    from .models import CompetenceResult, Diagnostic, Level

    diagnostics = list(
        Diagnostic.objects.filter(user=user).select_related("unit").order_by("started_at", "id")
    )
    results: dict[int, list] = {}
    for r in (
        CompetenceResult.objects.filter(diagnostic__user=user)
        .select_related("competence")
        .order_by("diagnostic_id", "competence__code")
    ):
        results.setdefault(r.diagnostic_id, []).append(
            {
                "competence": r.competence.code,
                "competence_name": r.competence.name_fr,
                "score": str(r.score),
                "self_rating": r.self_rating,
                "level": r.level,
                "level_label": str(Level(r.level).label),
            }
        )
    return {
        "diagnostics": [
            {
                "status": d.status,
                "started_at": _iso(d.started_at),
                "submitted_at": _iso(d.submitted_at),
                "unit": d.unit.code if d.unit_id else None,
                "score": str(d.score) if d.score is not None else None,
                "latest": d.is_latest,
                "questions": [item["id"] for item in d.questions],
                "answers": d.answers,
                "self_ratings": d.self_ratings,
                "results": results.get(d.pk, []),
            }
            for d in diagnostics
        ]
    }


def personal_data_active_user_ids(*, since):
    from .models import Diagnostic

    return Diagnostic.objects.filter(started_at__gte=since).values("user_id")


def personal_data_last_activity(*, user):
    from .models import Diagnostic

    dates = Diagnostic.objects.filter(user=user).aggregate(
        started=Max("started_at"), submitted=Max("submitted_at")
    )
    return max(filter(None, dates.values()), default=None)


def register() -> None:
    from academy.accounts.personal_data import (
        PersonalDataProvider,
        personal_data_provider_register,
    )

    personal_data_provider_register(
        "diagnostic",
        PersonalDataProvider(
            export=personal_data_export,
            active_user_ids=personal_data_active_user_ids,
            last_activity=personal_data_last_activity,
        ),
    )
